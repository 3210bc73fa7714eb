"""The ``mldesign_imports`` source: other projects' exports, each from a file or an
http(s) URL fetched with a timeout and kept in a cache directory for a number of days (as
intersphinx keeps inventories).

A source that cannot be read is a problem to report at its line in ``conf.py``, never an
exception: the build goes on with what it has — an expired cached copy when there is one,
else nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..imports import (
    ExportError,
    ImportedProject,
    is_web_url,
    read_export,
    without_credentials,
)
from .base import InputProblem, Request, Source, collector_paused, conf_line
from .files import UnreadableFile, read_outside
from .http import FetchError
from .http import fetch as fetch_url

#: Sent with every request, so a server's logs say who asks.
USER_AGENT = "sphinxcontrib-mldesign (mldesign_imports)"
#: An export of a hundred thousand items is about 60 MiB.
MAX_EXPORT_BYTES = 256 * 2**20


@dataclass(frozen=True)
class Loaded:
    project: ImportedProject | None
    problem: str | None = None
    """Why the source could not be read (the project may then come from an old copy)."""


def cache_path(cache_dir: Path, source: str) -> Path:
    return cache_dir / f"{hashlib.sha256(source.encode('utf-8')).hexdigest()[:24]}.json"


def load_all(
    sources: Mapping[str, str], confdir: Path, cache_dir: Path, cache_days: int, timeout: float
) -> dict[str, Loaded]:
    """Every import (name -> path or URL), read once, in order."""
    now = time.time()
    with collector_paused():
        return {
            name: load(name, source, confdir, cache_dir, cache_days, timeout, now)
            for name, source in sources.items()
        }


def load(
    name: str,
    source: str,
    confdir: Path,
    cache_dir: Path,
    cache_days: int,
    timeout: float,
    now: float,
) -> Loaded:
    """The project one ``mldesign_imports`` entry names."""
    if not is_web_url(source):
        try:
            return Loaded(read_export(name, read_outside(confdir / source, MAX_EXPORT_BYTES)))
        except UnreadableFile as err:
            return Loaded(None, f"cannot read {source!r}: {err}")
        except ExportError as err:
            return Loaded(None, f"{source!r} is {err}")
    cached = cache_path(cache_dir, source)
    old, fetched = _cached_project(name, cached)
    # Young enough to use without asking (a negative limit: always; 0: never).
    if old is not None and (cache_days < 0 or now - fetched < cache_days * 86400):
        return Loaded(old)
    shown = without_credentials(source)  # a password in the URL is no build log's
    try:
        data = fetch(source, timeout)
        project = read_export(name, data)
    except ExportError as err:
        problem = f"{shown} is {err}"
    except FetchError as err:  # its message is one line, the server's words escaped
        problem = f"cannot fetch {shown}: {err}"
    else:
        _store(cached, data, now)
        return Loaded(project)
    if old is not None:
        day = dt.datetime.fromtimestamp(fetched, dt.timezone.utc).date()
        return Loaded(old, f"{problem}; using the copy fetched on {day.isoformat()}")
    return Loaded(None, problem)


def fetch(url: str, timeout: float, max_bytes: int = MAX_EXPORT_BYTES) -> bytes:
    """The export at ``url``, read within ``timeout`` seconds in all, redirects included
    (``http.fetch``); FetchError says why not."""
    return fetch_url(url, timeout, max_bytes, agent=USER_AGENT)


def _cached_project(name: str, path: Path) -> tuple[ImportedProject | None, float]:
    """The cached copy's project and when it was fetched (its mtime); (None, 0) when there
    is no copy that reads as an export."""
    try:
        fetched = path.stat().st_mtime
        return read_export(name, read_outside(path, MAX_EXPORT_BYTES)), fetched
    except (OSError, UnreadableFile, ExportError):
        return None, 0.0


def _store(path: Path, data: bytes, now: float) -> None:
    """Keep a fetched copy; its modification time is when it was fetched."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = path.with_name(f".{path.name}.new")
        fresh.write_bytes(data)
        os.utime(fresh, (now, now))
        os.replace(fresh, path)
    except OSError:
        pass  # an unwritable cache only costs a fetch next time


#: Where fetched exports are kept, in the cache directory.
CACHE = "mldesign-imports"


@dataclass
class Exports:
    """The projects of ``mldesign_imports`` that could be read, and what could not."""

    projects: dict[str, ImportedProject] = field(default_factory=dict)
    """By name, in the settings' order."""
    problems: list[InputProblem] = field(default_factory=list)
    """Each at the line of ``conf.py`` naming the import."""


class ExportsSource(Source[Exports]):
    """Every import, read once per build (URLs through the cache)."""

    name = "imports"
    # Not fingerprinted with every roll-up page: each page holds the digests of the
    # imports its roll-ups can show (``outputs.page_digests``, ``ImportedProject.digest``).

    def load(self, request: Request) -> Exports:
        config, where = request.config, request.where
        found = Exports()
        conf = where.confdir / "conf.py"
        loaded = load_all(
            config.imports, where.confdir, where.cache_dir / CACHE, config.imports_cache_limit,
            config.imports_timeout,
        )  # fmt: skip
        for name, read in loaded.items():
            said = [read.problem] if read.problem else []
            source = without_credentials(config.imports[name])
            if read.project is not None:
                found.projects[name] = read.project
                if read.project.skipped:
                    said.append(
                        f"{source!r} holds {read.project.skipped} entries under "
                        "'items' that are not items (no valid ID or type); they are left out"
                    )
                if read.project.dropped:
                    said.append(
                        f"{source!r} holds {read.project.dropped} option values "
                        "of the wrong type (a number where a list of IDs belongs, ...); they "
                        "are left out"
                    )
            line = conf_line(conf, "mldesign_imports", name)
            for problem in said:
                found.problems.append(InputProblem(where.name_of(conf), str(conf), line, problem))
        return found

    def empty(self) -> Exports:
        return Exports()

    def problems(self, value: Exports) -> list[InputProblem]:
        return value.problems


EXPORTS = ExportsSource()
