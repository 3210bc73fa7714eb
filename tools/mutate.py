"""A mutation run of our own: break the code on purpose, one named mutant at a time, and
check that the tests named for it fail.

Each mutant (tools/mutants.py) is a module, an exact piece of its code, what to put in its
place and the pytest arguments (node IDs, files, ``-k``) that must fail once it is made.
The code must be found exactly once in the module; a mutant whose code is found nowhere,
or more than once, is *stale* (the code moved or changed): re-anchor it, do not drop it.

The sources are never changed where you work: the run copies the repository (``git
archive`` of a commit, HEAD by default; with ``--worktree`` the working tree as it is;
with ``--tree DIR`` another checkout) to a scratch directory, makes each mutant there,
runs its tests with that copy first on ``PYTHONPATH`` (checked:
``sphinxcontrib_mldesign.__file__`` must be the copy's), and puts the module back.
Before any mutant, the tests of all of them must pass on the copy as it is, or a failure
would prove nothing::

    nice python tools/mutate.py                 # every mutant, on HEAD
    python tools/mutate.py --check              # only: is every mutant's code still there?
    python tools/mutate.py alert-op-drift -j 2  # some mutants, two copies at a time
    python tools/mutate.py --worktree --list    # names and what each breaks
    python tools/mutate.py --against tests/test_rules.py  # does that file catch each one?

Exit status: 0 when every mutant was killed, 1 when one survived or is stale, 2 when the
tests fail without any mutant.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import MUTANTS, Mutant

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "sphinxcontrib_mldesign"
#: What a working-tree copy leaves out: caches, builds, virtual environments, git.
UNCOPIED = (".git", ".venv*", "venv*", "__pycache__", "_build", "build", "dist", "*.egg-info",
            ".mypy_cache", ".ruff_cache", ".pytest_cache", "artifacts")  # fmt: skip
_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


def copy_repo(target: Path, ref: str | None, tree: Path = ROOT) -> None:
    """The repository at ``ref`` (a commit), or with ``ref`` None the directory ``tree``
    as it is (the working tree, or a checkout elsewhere)."""
    if ref is None:
        shutil.copytree(tree, target, ignore=shutil.ignore_patterns(*UNCOPIED), symlinks=True)
        return
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref], capture_output=True, check=True
    ).stdout
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")


def environment(copy: Path) -> dict[str, str]:
    # The copy first on the path: ahead of the editable install, also in subprocesses
    # (the mldesign command, python -m sphinx) the tests start.
    return {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}


def imported_from(copy: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-c", f"import {PACKAGE}; print({PACKAGE}.__file__)"],
        cwd=copy, env=environment(copy), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return Path(done.stdout.strip()).resolve()


def pytest(copy: Path, args: list[str], timeout: float, first: bool = True) -> tuple[str, str]:
    """Run pytest in ``copy`` (``first``: stop at the first failure): "pass", "fail" (and
    what failed), "timeout" or "error" (and the output's tail)."""
    command = [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider",
               f"--basetemp={copy / '.pytest-tmp'}", *(["-x"] if first else []), *args]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=copy, env=environment(copy), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.communicate()
        return "timeout", f"no result after {timeout:.0f} s"
    failed = _FAILED.findall(output)
    if process.returncode == 0:
        return "pass", ""
    if process.returncode == 1 and failed:
        return "fail", ", ".join(dict.fromkeys(failed))
    return "error", "\n".join(output.splitlines()[-15:])  # no test ran, bad argument ...


def anchored(mutant: Mutant, base: Path) -> str:
    """'' when the mutant's code is found exactly once in its module, else why not."""
    path = base / mutant.path
    if not path.is_file():
        return f"stale: {mutant.path} is gone"
    found = path.read_text(encoding="utf-8").count(mutant.code)
    if found == 1:
        return ""
    where = "not found (moved or changed?)" if not found else f"found {found} times"
    return f"stale: code {where} in {mutant.path}"


def run_mutant(mutant: Mutant, copy: Path, timeout: float) -> tuple[str, str]:
    path = copy / mutant.path
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace(mutant.code, mutant.replacement, 1), encoding="utf-8")
    started = time.monotonic()
    try:
        outcome, detail = pytest(copy, list(mutant.tests), timeout)
    finally:
        path.write_text(original, encoding="utf-8")
    seconds = f"{time.monotonic() - started:.0f} s"
    if outcome == "fail":
        return "killed", f"by {detail} ({seconds})"
    if outcome == "timeout":
        return "killed", f"{detail} (a hang counts)"
    if outcome == "pass":
        return "SURVIVED", f"{' '.join(mutant.tests)} passed ({seconds})"
    return "ERROR", detail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--ref", default="HEAD", help="the commit to copy (default HEAD)")
    parser.add_argument("--worktree", action="store_true", help="copy the working tree instead")
    parser.add_argument("--tree", type=Path, help="copy this directory instead (a checkout)")
    parser.add_argument("--check", action="store_true", help="only check every anchor")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument(
        "--against",
        metavar="ARGS",
        help="run these pytest arguments for every mutant instead "
        "of its own tests (say, whether the rest of the suite catches it)",
    )
    parser.add_argument("-j", "--jobs", type=int, default=1, help="copies run at once")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per mutant")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copies")
    args = parser.parse_args()
    by_name = {mutant.name: mutant for mutant in MUTANTS}
    unknown = [name for name in args.names if name not in by_name]
    if unknown or len(by_name) != len(MUTANTS):
        parser.error(f"unknown or duplicate mutant names: {unknown or 'in tools/mutants.py'}")
    chosen = [by_name[name] for name in args.names] or list(MUTANTS)
    if args.against:
        chosen = [replace(mutant, tests=tuple(args.against.split())) for mutant in chosen]
    if args.list:
        for mutant in chosen:
            print(f"{mutant.name:32} {mutant.path}: {mutant.breaks}")
        return 0
    ref = None if args.worktree or args.tree else args.ref
    work = Path(tempfile.mkdtemp(prefix="mldesign-mutate-"))
    try:
        return run(chosen, work, ref, args)
    finally:
        if args.keep:
            print(f"scratch copies kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(chosen: list[Mutant], work: Path, ref: str | None, args: argparse.Namespace) -> int:
    copies = [work / f"copy-{n}" for n in range(max(1, args.jobs))]
    copy_repo(copies[0], ref, args.tree or ROOT)
    stale = {mutant.name: why for mutant in chosen if (why := anchored(mutant, copies[0]))}
    live = [mutant for mutant in chosen if mutant.name not in stale]
    source = ref or args.tree or "the working tree"
    print(f"{len(chosen)} mutants on {source}: {len(live)} anchored, {len(stale)} stale")
    if args.check or not live:
        for name, why in stale.items():
            print(f"  {name:32} {why}")
        return 1 if stale else 0
    for copy in copies[1:]:
        shutil.copytree(copies[0], copy, symlinks=True)
    for copy in copies:
        if not imported_from(copy).is_relative_to(copy.resolve()):
            print(f"{PACKAGE} is not imported from the copy {copy}", file=sys.stderr)
            return 2
    # The tests of every mutant at once; those selected with -k, each on its own (pytest
    # keeps only the last -k it is given).
    plain = [mutant.tests for mutant in live if "-k" not in mutant.tests]
    runs = [list(dict.fromkeys(arg for tests in plain for arg in tests))] if plain else []
    runs += [list(tests) for tests in dict.fromkeys(m.tests for m in live if "-k" in m.tests)]
    for tests in runs:
        outcome, detail = pytest(copies[0], tests, args.timeout * 3, first=False)
        if outcome != "pass":
            print(f"the tests fail with no mutant ({outcome}):\n{detail}", file=sys.stderr)
            return 2
    print("the tests pass with no mutant; now one mutant at a time")
    results: dict[str, tuple[str, str]] = {name: ("STALE", why) for name, why in stale.items()}
    free = list(copies)

    def one(mutant: Mutant) -> None:
        copy = free.pop()
        try:
            results[mutant.name] = run_mutant(mutant, copy, args.timeout)
        finally:
            free.append(copy)
        print(f"  {mutant.name:32} {results[mutant.name][0]:8} {results[mutant.name][1]}")

    with ThreadPoolExecutor(max_workers=len(copies)) as pool:
        list(pool.map(one, live))
    print(f"\n{'mutant':32} {'result':8} detail")
    for mutant in chosen:
        state, detail = results[mutant.name]
        print(f"{mutant.name:32} {state:8} {detail}")
    counts = {state: sum(r[0] == state for r in results.values()) for state in
              ("killed", "SURVIVED", "STALE", "ERROR")}  # fmt: skip
    print(", ".join(f"{count} {state.lower()}" for state, count in counts.items()))
    return 0 if counts["killed"] == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
