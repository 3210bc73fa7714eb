"""Portfolio builds: a project importing N exports of M items each (``mldesign_imports``).

Usage::

    python benchmarks/portfolio.py [--exports 100] [--items 1000] [--runs 3] [--jobs 1]
        [--all-rollup] [--no-verify] [--keep DIR] [--profile FILE]

The exports are written as JSON directly: the six item types, the defaults a build fills
in, refs within each export, a ``url`` per item (as with ``html_baseurl``), ``changed``,
``rollups``, and violations of five rules on about 7 % of the items. Unless
``--no-verify``, the first export is also written as pages and built with
``sphinx-build -b mldesign``: its items and violations must equal the generated ones.

The portfolio has 50 local items on five pages, each referring to imported items by
qualified ID, a page of role references to three items of every import, a page with
``ml-portfolio`` and a page with a ``:projects: local`` requirement index. Each run, every
build a fresh ``sphinx-build -b html`` process under ``/usr/bin/time -v`` (peak RSS): a
full build, an incremental build after one referenced item's title changed in one export
(the pages re-written are listed), and an incremental build with nothing changed. With
``--all-rollup``, a second project adds a ``:projects: all`` requirement index (a row per
imported requirement) and gets a full and an incremental build per run too. Prints the
medians and every sample; ``--profile`` writes a cProfile of one more full build and
prints its top functions.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from portfolio_exports import export_data, sphinx_env, verify, write_json  # noqa: E402
from portfolio_items import PER_PAGE, Export, export_name, make_export  # noqa: E402
from portfolio_project import ALL_ROLLUP, EDITED, make_portfolio  # noqa: E402

from sphinxcontrib_mldesign.model.imports import read_export  # noqa: E402


@dataclass
class Build:
    seconds: float
    rss_mib: float
    reread: int
    written: list[str]
    warnings: list[str]


def _html_mtimes(out: Path) -> dict[str, int]:
    return {
        str(path.relative_to(out).with_suffix("")): path.stat().st_mtime_ns
        for path in out.glob("**/*.html")
    }


#: Without /usr/bin/time: the peak RSS of the build, from a fresh Python that runs it.
_RUSAGE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'Maximum resident set size (kbytes): {peak}', file=sys.stderr)\n"
    "sys.exit(done.returncode)\n"
)


def build(src: Path, out: Path, jobs: int, fresh: bool) -> Build:
    """One ``sphinx-build -b html`` process under ``/usr/bin/time -v``."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "sphinx", "-N", *(["-E"] if fresh else [])]
    cmd += ["-j", str(jobs), "-b", "html", str(src), str(out)]
    timed = ["/usr/bin/time", "-v", *cmd] if Path("/usr/bin/time").exists() else [
        sys.executable, "-c", _RUSAGE, *cmd,
    ]  # fmt: skip
    before = _html_mtimes(out)
    start = time.perf_counter()
    run = subprocess.run(timed, env=sphinx_env(), capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"build of {src} failed:\n{run.stderr[-3000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    # Documents whose page was written (with -j the log does not name them all); not the
    # index and search pages, which every build writes.
    written = [
        page
        for page, mtime in _html_mtimes(out).items()
        if before.get(page) != mtime and (src / f"{page}.rst").is_file()
    ]
    warnings = [line for line in run.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    reread = re.search(r"(\d+) added, (\d+) changed, (\d+) removed", run.stdout)
    return Build(
        took,
        int(rss.group(1)) / 1024 if rss else float("nan"),
        int(reread.group(1)) + int(reread.group(2)) if reread else 0,
        written,
        warnings,
    )


def edit_title(path: Path, new_title: str) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["items"][EDITED]["title"] = new_title
    write_json(path, data)


def profile(src: Path, out: Path, jobs: int, dest: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "cProfile", "-o", str(dest), "-m", "sphinx", "-E", "-N", "-q"]
    subprocess.run(
        [*cmd, "-j", str(jobs), "-b", "html", str(src), str(out)], env=sphinx_env(), check=True
    )
    stats = pstats.Stats(str(dest))
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


def _line(label: str, values: list[float], unit: str) -> str:
    shown = ", ".join(f"{v:.2f}" for v in values)
    return f"{label}: median {statistics.median(values):.2f} {unit} ({shown})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", type=int, default=100)
    parser.add_argument(
        "--items", type=int, default=1000, help=f"items per export (a multiple of {PER_PAGE})"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1, help="sphinx-build -j")
    parser.add_argument("--all-rollup", action="store_true", help="also a :projects: all index")
    parser.add_argument("--no-verify", action="store_true")
    parser.add_argument("--keep", type=Path, help="generate here and keep (else a temp dir)")
    parser.add_argument("--profile", type=Path, help="cProfile one more full build to here")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    if args.items < PER_PAGE or args.items % PER_PAGE or args.exports < 1:
        # Each page of an export refers to its own items: a cut-short page would not.
        parser.error(f"--items must be a multiple of {PER_PAGE}, --exports at least 1")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mldesign-portfolio-") as tmp_name:
        tmp = args.keep.resolve() if args.keep else Path(tmp_name)
        exports_dir = tmp / "exports"
        shutil.rmtree(exports_dir, ignore_errors=True)
        exports_dir.mkdir(parents=True)
        names = [export_name(p) for p in range(args.exports)]
        start = time.perf_counter()
        first: tuple[Export, dict[str, Any]] | None = None
        for p, name in enumerate(names):
            export = make_export(p, args.items)
            data = export_data(export, f"2026-10-{1 + p % 28:02d}")
            write_json(exports_dir / f"{name}.json", data)
            if first is None:
                first = (export, data)
        size = sum(f.stat().st_size for f in exports_dir.iterdir()) / 2**20
        print(
            f"generated {args.exports} exports x {args.items} items ({size:.0f} MiB) in "
            f"{time.perf_counter() - start:.1f} s"
        )
        if not args.no_verify and first is not None:
            verify(*first, tmp)
        start = time.perf_counter()
        for name in names:
            json.loads((exports_dir / f"{name}.json").read_bytes())
        parse = time.perf_counter() - start
        start = time.perf_counter()
        for name in names:
            read_export(name, (exports_dir / f"{name}.json").read_bytes())
        read = time.perf_counter() - start
        print(f"reading the exports in-process: json.loads {parse:.2f} s, read_export {read:.2f} s")

        projects = {"headline": make_portfolio(tmp / "portfolio", names, args.items, {})}
        if args.all_rollup:
            extra = {"all": ALL_ROLLUP}
            projects["all-rollup"] = make_portfolio(tmp / "portfolio-all", names, args.items, extra)
        edited = names[len(names) // 3]
        edited_path = exports_dir / f"{edited}.json"
        title = json.loads(edited_path.read_text())["items"][EDITED]["title"]
        titles = (f"{title} renamed", title)
        samples: dict[str, list[float]] = {}
        written: dict[str, set[str]] = {}
        warnings: dict[str, list[str]] = {}
        reread: dict[str, list[int]] = {}
        edits = 0
        for run in range(args.runs):
            for label, src in projects.items():
                out = tmp / f"out-{label}"
                full = build(src, out, args.jobs, fresh=True)
                samples.setdefault(f"{label} full build (s)", []).append(full.seconds)
                samples.setdefault(f"{label} full build peak RSS (MiB)", []).append(full.rss_mib)
                warnings.setdefault(label, full.warnings)
                # The title alternates between two, so every edit changes the export.
                new_title = titles[edits % 2]
                edits += 1
                edit_title(edited_path, new_title)
                inc = build(src, out, args.jobs, fresh=False)
                samples.setdefault(f"{label} one export changed (s)", []).append(inc.seconds)
                written.setdefault(f"{label} one export changed", set()).update(inc.written)
                reread.setdefault(f"{label} one export changed", []).append(inc.reread)
                if new_title not in (out / "links.html").read_text(encoding="utf-8"):
                    raise SystemExit(f"links.html does not show the new title {new_title!r}")
                if label == "headline":
                    same = build(src, out, args.jobs, fresh=False)
                    samples.setdefault(f"{label} nothing changed (s)", []).append(same.seconds)
                    written.setdefault(f"{label} nothing changed", set()).update(same.written)
                    reread.setdefault(f"{label} nothing changed", []).append(same.reread)
            print(f"run {run + 1} of {args.runs} done", file=sys.stderr)
        if args.profile:
            profile(projects["headline"], tmp / "out-profile", args.jobs, args.profile.resolve())

    print(
        f"{os.cpu_count()} cores; {args.exports} exports x {args.items} items; -j {args.jobs}; "
        f"edited: {edited}:{EDITED}'s title; load average {load:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end"
    )
    for label, values in samples.items():
        unit = label[label.rindex("(") + 1 : -1]
        print(_line(label[: label.rindex("(") - 1], values, unit))
    for label, docs in written.items():
        print(
            f"{label}: re-read {max(reread[label])}, re-written {len(docs)}: "
            f"{', '.join(sorted(docs)) or '-'}"
        )
    for label, lines in warnings.items():
        print(f"{label}: {len(lines)} warnings in the full build")
        for line in lines[:10]:
            print(f"  {line}")


if __name__ == "__main__":
    main()
