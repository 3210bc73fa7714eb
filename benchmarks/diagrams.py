"""What the diagrams cost: the generated mldesign project with 60 components, built with
and without a page holding one ``ml-architecture`` and one ``ml-trace`` of 50
requirements; full builds, then the status edit (which changes no component), interleaved.

Usage::

    python benchmarks/diagrams.py [--items 5000] [--runs 5]

Needs Graphviz's ``dot``. Prints the medians, the differences and every sample.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402
from generate import STATUS_AFTER, STATUS_BEFORE, generate, item_id  # noqa: E402

KINDS = ("data-source", "pipeline", "feature-store", "training", "model", "registry",
         "serving", "storage", "monitoring", "ui")  # fmt: skip


def components_page(count: int) -> str:
    """``count`` components in a flow of ten stages, each reading the stage before."""
    out = ["Components", "==========", ""]
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        options = [f":id: COMP-{n}", f":kind: {kind}", f":owner: {item_id('owner', 0, 3)}"]
        # Each stage reads the stage before it, and the same stage of the flow before.
        inputs = [
            f"COMP-{m}"
            for m in (n - 1, n - len(KINDS))
            if m >= 0 and (m != n - 1 or n % len(KINDS))
        ]
        if inputs:
            options.append(f":inputs: {', '.join(inputs)}")
        options.append(f":metrics: {item_id('metric', n % 10, 1)}")
        options.append(f":fallbacks: {item_id('fallback', n % 10, 2)}")
        out += [f".. component:: Component {n}", *(f"   {o}" for o in options), ""]
    return "\n".join(out) + "\n"


def diagrams_page(requirements: int) -> str:
    ids = ", ".join(item_id("ml-requirement", page, 0) for page in range(requirements))
    return f"Diagrams\n========\n\n.. ml-architecture::\n\n.. ml-trace::\n   :ids: {ids}\n"


def build(src: Path, out: Path, fresh: bool) -> float:
    """A fresh ``sphinx-build`` process of this checkout (as ``compare.py`` times one)."""
    return compare.build(HERE.parent, src, out, fresh=fresh)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    pages = args.items // args.per_page
    samples: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="mldesign-diagrams-") as tmp:
        projects = {}
        for name in ("without", "with"):
            src = generate(Path(tmp) / name, "mldesign", pages, args.per_page)
            (src / "components.rst").write_text(components_page(60))
            index = src / "index.rst"
            extra = "   components\n" + ("   diagrams\n" if name == "with" else "")
            index.write_text(index.read_text() + extra)
            if name == "with":
                (src / "diagrams.rst").write_text(diagrams_page(min(50, pages)))
            projects[name] = src
        status = STATUS_BEFORE
        for _ in range(args.runs):
            for name, src in projects.items():
                out = Path(tmp) / f"out-{name}"
                samples.setdefault(f"full {name}", []).append(build(src, out, fresh=True))
            new_status = STATUS_AFTER if status == STATUS_BEFORE else STATUS_BEFORE
            for name, src in projects.items():
                compare.flip(src, status, new_status)
                out = Path(tmp) / f"out-{name}"
                samples.setdefault(f"status edit {name}", []).append(build(src, out, False))
            status = new_status
    for label, values in samples.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"{label} diagrams: median {statistics.median(values):.2f} s ({shown})")
    for kind in ("full", "status edit"):
        without = statistics.median(samples[f"{kind} without"])
        with_ = statistics.median(samples[f"{kind} with"])
        print(f"{kind}: {100 * (with_ / without - 1):+.1f} %")


if __name__ == "__main__":
    main()
