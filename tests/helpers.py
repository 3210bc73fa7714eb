"""Helpers for running builds and the command line, and reading what they produced; the
one place for what more than one test file needs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sphinx.testing.util import SphinxTestApp

#: The ``build`` fixture (conftest.py): a real build of a source directory, finished.
Build = Callable[..., SphinxTestApp]
#: The ``copy_root`` fixture (conftest.py): a private copy of a test root.
Copy = Callable[..., Path]

#: The ``mldesign`` command this interpreter's environment installed.
MLDESIGN = Path(sys.executable).parent / "mldesign"

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def mldesign(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``mldesign`` command; its exit status is the caller's to check."""
    return subprocess.run(
        [str(MLDESIGN), *map(str, args)], capture_output=True, text=True, cwd=cwd, check=False
    )


def git(root: Path, *args: str, date: str | None = None) -> None:
    """Run git in ``root`` as a test author, whatever the machine's git configuration;
    ``date`` (ISO 8601) dates the commit."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )


@contextmanager
def serve(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 answering with ``handler`` in a thread of its own, for
    as long as the block runs: its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in a file."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def warnings_of(app: SphinxTestApp) -> list[str]:
    return [line for line in _ANSI.sub("", app.warning.getvalue()).splitlines() if line.strip()]


def export_text(app: SphinxTestApp) -> str:
    return (Path(app.outdir) / "mldesign.json").read_text(encoding="utf-8")


def export_of(app: SphinxTestApp) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(export_text(app))
    return data


class _TableParser(HTMLParser):
    """Collects the tables of a page whose class list holds ``wanted``: rows of cell texts."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted = wanted
        self.tables: list[list[list[str]]] = []
        self._depth = 0  # nesting inside a wanted table
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and (self._depth or self.wanted in classes):
            if not self._depth:
                self.tables.append([])
            self._depth += 1
        elif self._depth and tag == "tr":
            self._row = []
        elif self._depth and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._depth:
            self._depth -= 1
        elif self._depth and tag in ("td", "th") and self._cell is not None:
            assert self._row is not None
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif self._depth and tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def ids(table: list[list[str]]) -> list[str]:
    """The first cells (the IDs) of a table's rows, under its header row."""
    return [row[0] for row in table[1:]]


def tables_of(html: str, css_class: str) -> list[list[list[str]]]:
    """Every table with ``css_class``, as rows (header row first) of cell texts."""
    parser = _TableParser(css_class)
    parser.feed(html)
    return parser.tables


def row_of(table: list[list[str]], first_cell: str) -> dict[str, str]:
    """The row of a roll-up table (as :func:`tables_of` reads it) whose first cell is
    ``first_cell``, keyed by column header: a new column does not shift what a test reads."""
    header, *rows = table
    [row] = [row for row in rows if row[0] == first_cell]
    return dict(zip(header, row, strict=True))


def page(app: SphinxTestApp, docname: str) -> str:
    return (Path(app.outdir) / f"{docname}.html").read_text(encoding="utf-8")


#: The section titles of the roll-up pages of tests/roots/test-rollups and the docs.
ROLLUP_TITLES = ("Requirements", "Risks", "Monitoring", "Ownership", "Fallback chains", "Freshness")

#: The table (or, for the chains, the block) each roll-up directive renders in HTML.
ROLLUP_MARKERS = {
    "ml-requirement-index": "ml-requirement-index",
    "ml-risk-index": "ml-risk-register",
    "ml-monitoring-index": "ml-monitoring-index",
    "ml-ownership-index": "ml-ownership-index",
    "ml-fallback-chains": "ml-chain",
    "ml-freshness-index": "ml-freshness-index",
}


def rollup_rows(html: str) -> dict[str, int]:
    """For each roll-up directive, how many rows (for the chains: chains) it shows on the
    page: 0 when it rendered nothing, or only its "nothing matches" sentence."""
    counts: dict[str, int] = {}
    for directive, marker in ROLLUP_MARKERS.items():
        if directive == "ml-fallback-chains":
            counts[directive] = html.count('<div class="ml-chain ')
        else:
            counts[directive] = sum(len(table) - 1 for table in tables_of(html, marker))
    return counts


#: Every warning of tests/roots/test-portfolio: (file, line, subtype, text).
PORTFOLIO_WARNINGS = [
    ("design.rst", 15, "unknown-ref",
     ":metrics: 'payments:REQ-LIMITS' is an ml-requirement, expected ml-metric"),
    ("design.rst", 16, "unknown-ref",
     ":depends: 'nowhere:REQ-1' names no item: no import is named 'nowhere' (mldesign_imports)"),
    ("design.rst", 16, "unknown-ref",
     ":depends: 'payments:REQ-NOPE' names no item of the imported project 'payments'"),
    # The trigger is another project's metric: reported at this project's :trigger: line.
    ("design.rst", 22, "trigger-not-monitored",
     "fallback 'FB-LOCAL' is triggered by 'payments:MET-QUIET', which has neither :warn: "
     "nor :crit: in project 'payments'"),
    ("prose.rst", 7, "unknown-ref",
     ":ml:metric: 'payments:REQ-AVAIL' is an ml-requirement, expected ml-metric"),
    ("prose.rst", 7, "unknown-ref",
     ":ml:ref: 'payments:REQ-AVIAL' names no item of the imported project 'payments'; did "
     "you mean 'payments:REQ-AVAIL'?"),
    ("rollups.rst", 19, "schema",
     "ml-risk-index :projects: 'paymnts' is not a project of mldesign_imports; did you mean "
     "'payments'?"),
]  # fmt: skip


def located(app: SphinxTestApp) -> list[tuple[str, int, str, str]]:
    """Each mldesign warning as (file relative to the source directory, line, subtype,
    message)."""
    found = []
    for warning in warnings_of(app):
        if not warning.endswith("]") or "[mldesign." not in warning:
            continue
        match = re.match(r"(.+?):(\d+): (?:WARNING|ERROR): (.*) \[mldesign\.([a-z-]+)\]$", warning)
        assert match, warning
        path, line, message, subtype = match.groups()
        found.append((os.path.relpath(path, app.srcdir), int(line), subtype, message))
    return found


def assert_warnings(app: SphinxTestApp, expected: list[tuple[str, int, str, str]]) -> None:
    """The build warned exactly ``expected``, and nothing else."""
    found = located(app)
    assert len(warnings_of(app)) == len(found), warnings_of(app)
    assert len(found) == len(expected), "\n".join(map(str, found))
    for (file, line, subtype, text), got in zip(sorted(expected), sorted(found), strict=True):
        assert got[:3] == (file, line, subtype) and got[3].startswith(text), got
