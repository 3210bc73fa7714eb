"""Benchmark harness: full builds of generated projects, flavour against flavour.

Usage (``make bench`` runs the defaults)::

    python benchmarks/bench.py [--items 1000] [--per-page 20] [--runs 3] [--no-docs]

Each run of a flavour is a full ``sphinx-build -E -b html`` in a fresh subprocess, then
an incremental build after a one-page prose edit; runs of the flavours are interleaved
(plain, mldesign, plain, mldesign, ...) so that machine noise hits both alike. Reports the
median wall times and the peak RSS of the full build. Results are printed as a table and
written to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sphinx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import FLAVOURS, edit_prose  # noqa: E402

WORK = HERE / "_work"
RESULTS = HERE / "results"


def timed_build(
    srcdir: Path, outdir: Path, jobs: int = 1, fresh: bool = True
) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one build in a fresh process: a full build, or
    (``fresh=False``) an incremental one over the previous build's output."""
    if fresh and outdir.exists():
        shutil.rmtree(outdir)
    cmd = [sys.executable, "-m", "sphinx", *(["-E"] if fresh else []), "-q", "-b", "html"]
    cmd += ["-j", str(jobs)]
    cmd += [str(srcdir), str(outdir)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build of {srcdir} failed:\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024


def measure(
    sources: dict[str, Path], runs: int, incremental: bool = True
) -> dict[str, dict[str, float]]:
    times: dict[str, list[float]] = {name: [] for name in sources}
    edits: dict[str, list[float]] = {name: [] for name in sources}
    rss: dict[str, list[float]] = {name: [] for name in sources}
    for _ in range(runs):
        for name, srcdir in sources.items():
            elapsed, peak = timed_build(srcdir, WORK / "out" / name)
            times[name].append(elapsed)
            rss[name].append(peak)
            if incremental:
                edit_prose(srcdir)
                edited, _ = timed_build(srcdir, WORK / "out" / name, fresh=False)
                edits[name].append(edited)
    return {
        name: {
            "median_s": statistics.median(times[name]),
            "incremental_s": statistics.median(edits[name]) if edits[name] else float("nan"),
            "rss_mib": max(rss[name]),
            "runs": runs,
        }
        for name in sources
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[1000])
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-docs", action="store_true", help="skip timing the docs/ build")
    args = parser.parse_args()

    results: dict[str, object] = {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "sphinx": sphinx.__version__,
        },
        "projects": {},
    }
    lines = [
        "| project | flavour | full build | ratio | one-page edit, incremental | ratio "
        "| peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for items in args.items:
        pages = max(1, items // args.per_page)
        sources = {
            name: make(WORK / f"{name}-{items}", pages, args.per_page)
            for name, make in FLAVOURS.items()
        }
        figures = measure(sources, args.runs)
        results["projects"][f"{items} items"] = figures  # type: ignore[index]
        floor = figures["plain"]
        for name, fig in figures.items():
            lines.append(
                f"| {items} items ({pages} pages) | {name} | {fig['median_s']:.2f} s "
                f"| {fig['median_s'] / floor['median_s']:.2f} | {fig['incremental_s']:.2f} s "
                f"| {fig['incremental_s'] / floor['incremental_s']:.2f} "
                f"| {fig['rss_mib']:.0f} MiB |"
            )
    if not args.no_docs:
        docs = {"docs": HERE.parent / "docs"}
        figures = measure(docs, args.runs, incremental=False)  # never edit our docs
        results["projects"]["docs/"] = figures  # type: ignore[index]
        fig = figures["docs"]
        lines.append(
            f"| docs/ | mldesign | {fig['median_s']:.2f} s | n/a | n/a | n/a "
            f"| {fig['rss_mib']:.0f} MiB |"
        )

    machine = results["machine"]
    header = (
        f"{machine['cores']} cores, Python {machine['python']}, "  # type: ignore[index]
        f"Sphinx {machine['sphinx']}, medians of {args.runs} runs"  # type: ignore[index]
    )
    table = "\n".join([header, "", *lines])
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    (RESULTS / "latest.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
