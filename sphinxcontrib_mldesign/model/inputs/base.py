"""What every input source is: how it is asked (:class:`Request`), what it returns, the
problems it locates (:class:`InputProblem`) and its fingerprint (:class:`Source`)."""

from __future__ import annotations

import gc
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from ..paths import relative_path
from ..settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class Where:
    """Where a project's outside is."""

    confdir: Path
    """The directory of ``conf.py``: paths in the settings are relative to it."""
    srcdir: Path
    """The source directory (git is asked there)."""
    cache_dir: Path
    """Where a source may keep copies, each in a directory of its own (the build's
    doctree directory, as intersphinx keeps its inventories)."""

    def name_of(self, path: Path) -> str:
        """A file's name in the project: relative to the conf directory, as the settings
        name it (never the runner's absolute path)."""
        return relative_path(path.resolve(), self.confdir.resolve())


@dataclass(frozen=True)
class Request:
    """What a source is given to read: the settings, where, and the project's files."""

    config: Settings
    where: Where
    files: tuple[str, ...] = ()
    """The absolute paths of the files holding this project's items, sorted."""
    metrics: tuple[Mapping[str, Any], ...] = ()
    """This project's metrics as exported (each once, in document order): what observed
    values are asked for."""


@dataclass(frozen=True)
class InputProblem:
    """Something outside that could not be read (or only in part), located where the
    author fixes it: a line of ``conf.py``, of a rule file, ..."""

    docname: str
    """The file, as the project names it (relative to the conf directory)."""
    source: str
    """Its absolute path, where warnings point."""
    lineno: int
    message: str


class Source(ABC, Generic[T]):
    """One kind of outside input. It is read at most once per build, when first asked
    for, and never raises: what cannot be read is one of its :meth:`problems`."""

    name: ClassVar[str]
    """What it is called: its key among the fingerprints."""
    fingerprinted: ClassVar[bool] = False
    """Whether roll-ups show its values directly: then :meth:`fingerprint` is part of
    the fingerprint of every page holding a roll-up. Leave it False for a source the
    roll-ups show only through findings (those are fingerprinted already)."""

    @abstractmethod
    def load(self, request: Request) -> T:
        """Read it."""

    @abstractmethod
    def empty(self) -> T:
        """What it is when nothing outside is read (a project made of plain data)."""

    def problems(self, value: T) -> Sequence[InputProblem]:
        """What could not be read, each where the author fixes it (a check reports
        them under its rule)."""
        return ()

    def fingerprint(self, value: T) -> object:
        """What of it the roll-ups show, JSON-ready: when it changes, the pages holding
        roll-ups are re-written (read only when :attr:`fingerprinted`)."""
        return None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Reading exports or rule files makes objects by the hundred thousand, none of them
    garbage yet: the cyclic collector, set off again and again by the allocations alone,
    took a quarter of a portfolio build and a third of reading a large rule file. It runs
    again (and as usual) once they are read."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def conf_line(conf: Path, setting: str, quoted: str) -> int:
    """The line of ``conf.py`` quoting ``quoted`` (an import's name, a glob) from where
    ``setting`` is set (not, say, an intersphinx_mapping entry of the same name before
    it), else the line setting it, else 1."""
    try:
        lines = conf.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    start = next((n for n, line in enumerate(lines) if setting in line), 0)
    quotes = re.compile(rf"""(["']){re.escape(quoted)}\1""")
    found = (n for n, line in enumerate(lines[start:], start + 1) if quotes.search(line))
    return next(found, start + 1)
