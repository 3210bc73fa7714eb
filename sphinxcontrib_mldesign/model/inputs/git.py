"""The git source: when each file holding items was last changed, according to git.

One ``git log`` per build for all the files asked about, read as a stream and stopped as
soon as every file has been seen (the newest commit touching a file comes first). No git,
no work tree, or a file git does not track: no date, and no complaint. In a shallow clone
(CI's default checkout) the oldest commit present stands for all the history cut off, so
a file whose last change is only known from that commit gets no date either.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from .base import Request, Source

logger = logging.getLogger(__name__)

_COMMIT_MARK = b"\x1ecommit "


def _git(directory: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=directory, capture_output=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    # Only the line end: a directory name may end in spaces.
    return os.fsdecode(result.stdout).rstrip("\n") if result.returncode == 0 else None


def _shallow_boundary(top: Path) -> set[str]:
    """Hashes of the commits a shallow clone was cut at (empty for a full clone)."""
    path = _git(top, "rev-parse", "--git-path", "shallow")
    if not path:
        return set()
    shallow = Path(path) if Path(path).is_absolute() else top / path
    try:
        return set(shallow.read_text(encoding="ascii").split())
    except OSError:
        return set()


def work_tree_top(directory: str | os.PathLike[str]) -> Path | None:
    """The top of the git work tree holding ``directory`` (resolved); None outside one."""
    top_text = _git(Path(directory), "rev-parse", "--show-toplevel")
    return Path(top_text).resolve() if top_text else None


def last_changes(directory: str | os.PathLike[str], files: Iterable[str]) -> dict[str, dt.date]:
    """Absolute path -> UTC date of the last commit that touched it."""
    top = work_tree_top(directory)
    if top is None:
        return {}
    wanted: dict[bytes, str] = {}  # path relative to the work tree, as git prints it
    for file in files:
        path = Path(file).resolve()
        if path.is_relative_to(top):
            wanted[os.fsencode(path.relative_to(top).as_posix())] = file
    if not wanted:
        return {}
    boundary = _shallow_boundary(top)
    command = ["git", "--literal-pathspecs", "log", "-z", "--format=\x1ecommit %H %ct"]
    command += ["--name-only", "--no-renames", "--", *sorted(map(os.fsdecode, wanted))]
    found: dict[str, dt.date] = {}
    try:
        with subprocess.Popen(
            command, cwd=top, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        ) as process:
            assert process.stdout is not None
            found = _read_log(process.stdout, wanted, boundary)
            process.kill()  # stopped early or not: the rest of history changes nothing
    except (OSError, ValueError, subprocess.SubprocessError) as err:
        logger.debug("mldesign: git log failed (%s); skipping git dates", err)
        return {}
    return found


def _read_log(
    stream: Iterable[bytes], wanted: dict[bytes, str], boundary: set[str]
) -> dict[str, dt.date]:
    """Parse ``git log -z --name-only``: NUL-separated names after each commit line."""
    found: dict[str, dt.date] = {}
    date: dt.date | None = None
    buffer = b""
    for chunk in stream:
        buffer += chunk
        *fields, buffer = buffer.split(b"\0")
        for field in fields:
            field = field.strip(b"\n")
            if field.startswith(_COMMIT_MARK):
                commit, _, stamp = field.removeprefix(_COMMIT_MARK).partition(b" ")
                header, _, first_name = stamp.partition(b"\n")
                date = None
                if commit.decode("ascii") not in boundary:
                    date = dt.datetime.fromtimestamp(int(header), tz=dt.timezone.utc).date()
                field = first_name
            if field in wanted and date is not None:
                found.setdefault(wanted[field], date)
        if len(found) == len(wanted):
            break
    return found


class GitSource(Source[dict[str, dt.date]]):
    """Absolute path -> the date of the last commit of each file holding items."""

    name = "git"
    fingerprinted = True  # the freshness roll-up shows them; staleness follows them

    def load(self, request: Request) -> dict[str, dt.date]:
        return last_changes(request.where.srcdir, request.files)

    def empty(self) -> dict[str, dt.date]:
        return {}

    def fingerprint(self, value: dict[str, dt.date]) -> dict[str, str]:
        return {file: date.isoformat() for file, date in sorted(value.items())}


GIT = GitSource()
