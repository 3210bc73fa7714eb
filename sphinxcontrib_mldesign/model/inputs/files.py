"""The one reader of files the project does not own (deployed rule files, file imports,
the cached copies of URL imports): a regular file, read whole up to a size cap, or one
:class:`UnreadableFile` saying why not, in one line; and the globs naming them
(:func:`glob_files`), which stay bounded.

A path may name anything: a FIFO (reading it blocks until someone writes), a device
(``/dev/zero`` never ends), a directory. Each is refused before it is read: the path is
looked at first (so a device is never even opened), then opened without blocking (a FIFO
put there in between cannot hold the open) and looked at again through the descriptor,
which is what is read.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

#: Read at a time; a file is read in pieces so that one larger than its cap costs only
#: the cap (and a byte) however large it claims to be.
_CHUNK = 2**20
# Opening without blocking: a FIFO's open otherwise waits for a writer. Regular files
# ignore the flag. Not there on Windows, which has no FIFOs to open.
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


#: Directory entries one glob may look at: a deploy directory holds dozens.
MAX_GLOB_ENTRIES = 100_000
_MAGIC_RE = re.compile(r"[*?[]")


class UnreadableFile(Exception):
    """Why a file could not be read, as one line ("not a regular file (a FIFO)")."""


class GlobTooLarge(Exception):
    """A glob that looks at more than its bound of directory entries (the message says
    so, in one line)."""


def read_outside(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path`` (symbolic links followed), if it holds at
    most ``max_bytes``; else :class:`UnreadableFile`."""
    try:
        _refuse_unless_regular(os.stat(path).st_mode)
        descriptor = os.open(path, _FLAGS)
    except OSError as err:
        raise UnreadableFile(err.strerror or str(err)) from None
    except ValueError as err:  # a NUL in the path
        raise UnreadableFile(str(err)) from None
    try:
        _refuse_unless_regular(os.fstat(descriptor).st_mode)  # replaced since the stat?
        chunks: list[bytes] = []
        size = 0
        # One byte more than the cap tells a file over it, whatever its size said.
        while size <= max_bytes:
            chunk = os.read(descriptor, min(_CHUNK, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise UnreadableFile(err.strerror or str(err)) from None
    finally:
        os.close(descriptor)
    if size > max_bytes:
        raise UnreadableFile(f"larger than {max_bytes:,} bytes")
    return b"".join(chunks)


def _refuse_unless_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise UnreadableFile(f"not a regular file ({_kind(mode)})")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "neither a file nor a directory"


def glob_files(base: Path, pattern: str, max_entries: int | None = None) -> list[Path]:
    """What the glob ``pattern`` (relative to ``base``, or absolute) names that is not a
    directory, as :func:`glob.glob` with ``recursive=True`` finds it: ``*``, ``?`` and
    ``[...]`` within a name, none matching a name starting with ``.`` unless the pattern
    does; ``**`` alone between slashes for any number of directories, hidden ones left out.

    Unlike :func:`glob.glob`, ``**`` enters each directory once, however many symbolic
    links lead to it: the files found are the same (each is named once anyway), and a link
    to a directory above it (a loop, which :func:`glob.glob` follows forever) ends.
    Looking at more than ``max_entries`` directory entries (by default
    :data:`MAX_GLOB_ENTRIES`) is :class:`GlobTooLarge`.
    """
    written = Path(pattern)
    lister = _Lister(pattern, MAX_GLOB_ENTRIES if max_entries is None else max_entries)
    absolute = written.is_absolute()
    paths = [Path(written.anchor) if absolute else base]
    parts = written.parts[1:] if absolute else written.parts  # an absolute one's first: "/"
    for step, part in enumerate(parts):
        last = step == len(parts) - 1
        if part == "**":
            paths = [found for path in paths for found in lister.below(path, files=last)]
        elif _MAGIC_RE.search(part):
            paths = [found for path in paths for found in lister.matching(path, part, last)]
        else:
            paths = [path / part for path in paths]
    return [path for path in paths if path.exists() and not path.is_dir()]


class _Lister:
    """The directory listings of one glob, each entry counted."""

    def __init__(self, pattern: str, max_entries: int) -> None:
        self.pattern = pattern
        self.left = max_entries
        self.limit = max_entries

    def matching(self, directory: Path, part: str, files: bool) -> list[Path]:
        """The entries of ``directory`` whose name ``part`` matches (only directories,
        unless ``files``)."""
        hidden = part.startswith(".")
        return [
            Path(entry.path)
            for entry in self._entries(directory)
            if (hidden or not entry.name.startswith("."))
            and fnmatch.fnmatch(entry.name, part)
            and (files or _is_dir(entry))
        ]

    def below(self, directory: Path, files: bool) -> list[Path]:
        """``directory`` and every directory under it, hidden ones left out, each entered
        once (by its device and inode, symbolic links followed); with ``files``, what
        else they hold too."""
        found: list[Path] = []
        entered: set[tuple[int, int]] = set()
        waiting = [directory]
        while waiting:
            path = waiting.pop()
            try:
                info = os.stat(path)
            except (OSError, ValueError):
                continue
            if (info.st_dev, info.st_ino) in entered:
                continue
            entered.add((info.st_dev, info.st_ino))
            found.append(path)
            for entry in self._entries(path):
                if entry.name.startswith("."):
                    continue
                if _is_dir(entry):
                    waiting.append(Path(entry.path))
                elif files:
                    found.append(Path(entry.path))
        return found

    def _entries(self, directory: Path) -> Iterator[os.DirEntry[str]]:
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    self.left -= 1
                    if self.left < 0:
                        raise GlobTooLarge(
                            f"the glob {self.pattern!r} visits more than {self.limit:,} entries"
                        )
                    yield entry
        except (OSError, ValueError):  # not a directory, not there, not readable
            return


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether an entry is a directory, or a symbolic link to one."""
    try:
        return entry.is_dir()
    except OSError:
        return False
