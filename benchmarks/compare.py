"""Before/after: the status-edit incremental build of two checkouts of the package,
interleaved so machine noise hits both alike.

Usage::

    python benchmarks/compare.py OLD_CHECKOUT NEW_CHECKOUT [--items 5000] [--runs 9]

Each checkout's package is put first on ``PYTHONPATH``; each build is a fresh
``sphinx-build`` process on a project generated in a temporary directory (outside any git
work tree, so both pay the same for git dates). Prints both medians and every sample.
To compare with an earlier commit: ``git worktree add /tmp/old <commit>``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import STATUS_AFTER, STATUS_BEFORE, generate  # noqa: E402


def flip(src: Path, old: str, new: str) -> None:
    """One requirement's status, from ``old`` to ``new``."""
    path = src / "page0.rst"
    text = path.read_text(encoding="utf-8")
    assert f":status: {old}" in text
    path.write_text(text.replace(f":status: {old}", f":status: {new}", 1), encoding="utf-8")


def build(package: Path, src: Path, out: Path, fresh: bool = False) -> float:
    env = {**os.environ, "PYTHONPATH": str(package)}
    cmd = [sys.executable, "-m", "sphinx", "-N", "-q", *(["-E"] if fresh else [])]
    start = time.perf_counter()
    subprocess.run([*cmd, "-b", "html", str(src), str(out)], env=env, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mldesign-compare-") as tmp:
        projects = {}
        for name, package in (("old", args.old), ("new", args.new)):
            src = generate(Path(tmp) / name, "mldesign", args.items // args.per_page, args.per_page)
            out = Path(tmp) / f"{name}-out"
            build(package.resolve(), src, out, fresh=True)
            projects[name] = (package.resolve(), src, out)
        samples: dict[str, list[float]] = {"old": [], "new": []}
        status = STATUS_BEFORE
        for _ in range(args.runs):
            new_status = STATUS_AFTER if status == STATUS_BEFORE else STATUS_BEFORE
            for name, (package, src, out) in projects.items():
                flip(src, status, new_status)
                samples[name].append(build(package, src, out))
            status = new_status
    for name, values in samples.items():
        print(
            f"{name}: median {statistics.median(values):.2f} s "
            f"({', '.join(f'{v:.2f}' for v in values)})"
        )


if __name__ == "__main__":
    main()
