"""Benchmark harness: plain Sphinx (the floor) vs sphinx-needs vs sphinxcontrib-mldesign.

Usage (``make bench`` runs the defaults in ``.venv-bench``, which has sphinx-needs too)::

    python benchmarks/bench.py [--items 1000 5000 10000] [--per-page 20] [--runs 3]

For every size, each run builds every flavour in turn (runs interleaved, so machine noise
hits all alike), each build a fresh ``sphinx-build`` process: a full build with ``-j 1``,
a full build with ``-j 2``, then, on top of the ``-j 1`` output, an incremental build after
a one-page prose edit and one after a one-item status edit. Reports medians of wall time,
the peak RSS of the full build, the documents re-read and re-written by the incremental
builds, and whether the summary page (needtable / roll-ups) shows the status edit.
Writes ``benchmarks/results/latest.{json,md}`` and a chart, ``latest.svg``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import sphinx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from chart import line_chart  # noqa: E402
from generate import (  # noqa: E402
    FLAVOURS,
    STATUS_AFTER,
    SUMMARY,
    edit_prose,
    edit_status,
    generate,
    item_id,
)

WORK = HERE / "_work"
RESULTS = HERE / "results"


def build(srcdir: Path, outdir: Path, jobs: int = 1, fresh: bool = True) -> dict[str, Any]:
    """One build in a fresh process: wall seconds and the documents re-read and written."""
    if fresh and outdir.exists():
        shutil.rmtree(outdir)
    cmd = [sys.executable, "-m", "sphinx", "-N", *(["-E"] if fresh else []), "-b", "html"]
    cmd += ["-j", str(jobs), str(srcdir), str(outdir)]
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build of {srcdir} failed:\n{result.stderr[-3000:]}")
    reread = re.search(r"(\d+) added, (\d+) changed, (\d+) removed", result.stdout)
    written = set(re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", result.stdout))
    return {
        "seconds": elapsed,
        "reread": int(reread.group(1)) + int(reread.group(2)) if reread else 0,
        "written": len(written),
    }


def rollup_shows_edit(flavour: str, outdir: Path) -> bool | None:
    if flavour not in SUMMARY:
        return None
    html = (outdir / f"{SUMMARY[flavour][0]}.html").read_text(encoding="utf-8")
    target = item_id("ml-requirement", 0, 0, flavour)
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S)
    return any(target in row and STATUS_AFTER in row for row in rows)


def measure_rss(srcdir: Path, outdir: Path) -> float:
    """Peak RSS of one full build, measured from a fresh Python (ru_maxrss is cumulative)."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run([sys.executable, '-m', 'sphinx', '-E', '-q', '-b', 'html', "
        f"{str(srcdir)!r},"
        f" {str(outdir)!r}], check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def run_size(items: int, per_page: int, runs: int, flavours: tuple[str, ...]) -> dict[str, Any]:
    pages = max(1, items // per_page)
    samples: dict[str, dict[str, list[Any]]] = {f: {} for f in flavours}
    for _ in range(runs):
        for flavour in flavours:
            src = generate(WORK / f"{flavour}-{items}", flavour, pages, per_page)
            out = WORK / "out" / f"{flavour}-{items}"
            record = samples[flavour]
            record.setdefault("full", []).append(build(src, out)["seconds"])
            record.setdefault("full_j2", []).append(
                build(src, WORK / "out" / "j2", jobs=2)["seconds"]
            )
            # The incremental builds start from the -j 1 output (-j 2 wrote elsewhere).
            edit_prose(src)
            prose = build(src, out, fresh=False)
            record.setdefault("prose_edit", []).append(prose["seconds"])
            record.setdefault("prose_reread", []).append(prose["reread"])
            record.setdefault("prose_written", []).append(prose["written"])
            edit_status(src)
            status = build(src, out, fresh=False)
            record.setdefault("status_edit", []).append(status["seconds"])
            record.setdefault("status_written", []).append(status["written"])
            record.setdefault("shows_edit", []).append(rollup_shows_edit(flavour, out))
            record.setdefault("rss_mib", []).append(measure_rss(src, WORK / "out" / "rss"))
    figures = {}
    for flavour, record in samples.items():
        figures[flavour] = {
            key: values[0]
            if key == "shows_edit" and len(set(values)) == 1
            else (False if key == "shows_edit" else statistics.median(values))
            for key, values in record.items()
        }
        figures[flavour]["pages"] = pages
    return figures


def targets(results: dict[str, dict[str, Any]]) -> list[str]:
    """The issue's targets, checked on the measured figures."""
    lines = []
    for size, figs in results.items():
        if "mldesign" not in figs or "plain" not in figs:
            continue
        ours, floor, needs = figs["mldesign"], figs["plain"], figs.get("needs")
        checks = [
            ("full build <= 1.15 x floor", ours["full"] / floor["full"], 1.15, "<="),
            ("one-page edit <= 2 x floor", ours["prose_edit"] / floor["prose_edit"], 2.0, "<="),
            ("-j 2 at least 15 % faster", 1 - ours["full_j2"] / ours["full"], 0.15, ">="),
            ("peak RSS <= 1.2 x floor", ours["rss_mib"] / floor["rss_mib"], 1.2, "<="),
        ]
        if needs:
            checks.insert(
                1, ("full build <= 0.85 x sphinx-needs", ours["full"] / needs["full"], 0.85, "<=")
            )
        for name, value, bound, op in checks:
            ok = value <= bound if op == "<=" else value >= bound
            lines.append(f"| {size} | {name} | {value:.2f} | {'met' if ok else 'MISSED'} |")
    sizes = [s for s in results if "mldesign" in results[s]]
    if "5000 items" in sizes and "10000 items" in sizes:
        ratio = (
            results["10000 items"]["mldesign"]["full"] / results["5000 items"]["mldesign"]["full"]
        )
        lines.append(
            f"| 10000 vs 5000 | full build <= 2.1 x | {ratio:.2f} "
            f"| {'met' if ratio <= 2.1 else 'MISSED'} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--flavours", nargs="+", default=list(FLAVOURS), choices=FLAVOURS)
    args = parser.parse_args()
    flavours = tuple(args.flavours)
    if "needs" in flavours:
        try:
            import sphinx_needs
        except ImportError:
            raise SystemExit("the needs flavour needs sphinx-needs: run `make bench`") from None

    results: dict[str, dict[str, Any]] = {}
    for items in args.items:
        results[f"{items} items"] = run_size(items, args.per_page, args.runs, flavours)
        print(f"done: {items} items", file=sys.stderr)
    machine = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sphinx": sphinx.__version__,
    }
    try:
        import sphinx_needs

        machine["sphinx_needs"] = sphinx_needs.__version__
    except ImportError:
        pass
    header = (
        f"{machine['cores']} cores, Python {machine['python']}, Sphinx {machine['sphinx']}"
        + (f", sphinx-needs {machine['sphinx_needs']}" if "sphinx_needs" in machine else "")
        + f"; medians of {args.runs} interleaved runs"
    )
    lines = [
        header, "",
        "| project | flavour | full | full -j 2 | prose edit | re-read / re-written | status edit "
        "| summary shows edit | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for size, figs in results.items():
        for flavour, fig in figs.items():
            shows = {True: "yes", False: "NO (stale)", None: "n/a"}[fig["shows_edit"]]
            lines.append(
                f"| {size} ({fig['pages']} pages) | {flavour} | {fig['full']:.2f} s "
                f"| {fig['full_j2']:.2f} s | {fig['prose_edit']:.2f} s "
                f"| {fig['prose_reread']:.0f} / {fig['prose_written']:.0f} "
                f"| {fig['status_edit']:.2f} s "
                f"| {shows} | {fig['rss_mib']:.0f} MiB |"
            )
    lines += ["", "| size | target | measured | |", "|---|---|---|---|", *targets(results)]
    table = "\n".join(lines)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(
        json.dumps({"machine": machine, "projects": results}, indent=2, sort_keys=True) + "\n"
    )
    (RESULTS / "latest.md").write_text(table + "\n")
    sizes = [int(size.split()[0]) for size in results]
    series = {
        flavour: [results[f"{n} items"][flavour]["full"] for n in sizes] for flavour in flavours
    }
    chart = line_chart(sizes, series, "Full build time vs items", "items", "seconds")
    (RESULTS / "latest.svg").write_text(chart, encoding="utf-8")
    # The docs' performance page shows the latest chart.
    (HERE.parent / "docs" / "_static" / "benchmark.svg").write_text(chart, encoding="utf-8")


if __name__ == "__main__":
    main()
