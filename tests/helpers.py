"""Helpers for reading what a finished test build produced."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from sphinx.testing.util import SphinxTestApp

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


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
