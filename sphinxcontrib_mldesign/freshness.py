"""When was each source file last changed, according to git?

One ``git log`` per build for all the files asked about, read as a stream and stopped as
soon as every file has been seen (the newest commit touching a file comes first). No git,
no work tree, or a file git does not track: no date, and no complaint.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

_COMMIT_MARK = "\x1ecommit "


def _work_tree(directory: Path) -> Path | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=directory,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    top = result.stdout.strip()
    return Path(top).resolve() if result.returncode == 0 and top else None


def last_changes(directory: str | os.PathLike[str], files: Iterable[str]) -> dict[str, dt.date]:
    """Absolute path -> UTC date of the last commit that touched it."""
    top = _work_tree(Path(directory))
    if top is None:
        return {}
    wanted: dict[str, str] = {}  # path relative to the work tree -> as asked
    for file in files:
        path = Path(file).resolve()
        if path.is_relative_to(top):
            wanted[path.relative_to(top).as_posix()] = file
    if not wanted:
        return {}
    found: dict[str, dt.date] = {}
    command = ["git", "-c", "core.quotepath=off", "log", f"--format={_COMMIT_MARK}%ct"]
    command += ["--name-only", "--no-renames", "--", *sorted(wanted)]
    try:
        with subprocess.Popen(
            command, cwd=top, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        ) as process:
            assert process.stdout is not None
            date: dt.date | None = None
            for line in process.stdout:
                line = line.rstrip("\n")
                if line.startswith(_COMMIT_MARK):
                    stamp = int(line.removeprefix(_COMMIT_MARK))
                    date = dt.datetime.fromtimestamp(stamp, tz=dt.timezone.utc).date()
                elif line in wanted and date is not None:
                    found.setdefault(wanted[line], date)
                    if len(found) == len(wanted):
                        process.kill()  # the rest of history cannot change the answer
                        break
    except (OSError, ValueError, subprocess.SubprocessError) as err:
        logger.debug("mldesign: git log failed (%s); skipping git dates", err)
        return {}
    return found
