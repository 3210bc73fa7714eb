"""The status-edit incremental build, alone: one requirement's status flipped back and
forth on a generated mldesign project, each build a fresh ``sphinx-build`` process.

Usage::

    python benchmarks/status_edit.py [--items 5000] [--runs 7]

Meant for before/after comparisons of a change to the roll-ups (the page holding all six
is what such a build re-writes). Prints the median and every sample, in seconds; the
roll-up page must show each flip, or the run stops.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench import WORK, build, rollup_shows_edit  # noqa: E402
from generate import STATUS_AFTER, STATUS_BEFORE, generate  # noqa: E402


def flip(src: Path, old: str, new: str) -> None:
    path = src / "page0.rst"
    text = path.read_text(encoding="utf-8")
    assert f":status: {old}" in text
    path.write_text(text.replace(f":status: {old}", f":status: {new}", 1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    src = generate(WORK / f"status-{args.items}", "mldesign", args.items // args.per_page, args.per_page)
    out = WORK / "out" / f"status-{args.items}"
    build(src, out)
    samples = []
    status = STATUS_BEFORE
    for _ in range(args.runs):
        new = STATUS_AFTER if status == STATUS_BEFORE else STATUS_BEFORE
        flip(src, status, new)
        status = new
        samples.append(build(src, out, fresh=False)["seconds"])
        shows = rollup_shows_edit("mldesign", out)
        if (status == STATUS_AFTER) != shows:
            raise SystemExit("the roll-up page does not show the edit")
    print(
        f"status edit at {args.items} items: median {statistics.median(samples):.2f} s "
        f"({', '.join(f'{s:.2f}' for s in samples)})"
    )


if __name__ == "__main__":
    main()
