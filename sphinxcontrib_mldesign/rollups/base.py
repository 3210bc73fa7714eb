"""What every roll-up shares: the placeholder node, option parsing and filters, and the
builder-neutral pieces (links, tables) the roll-ups are made of.

A roll-up directive only leaves a placeholder (:class:`ml_rollup`) and records itself in
the domain. The placeholder is replaced on ``doctree-resolved`` from the project as the
checks saw it this build (:class:`~sphinxcontrib_mldesign.rules.base.Context`), so a
roll-up is never older than the items it shows, and no doctree is ever re-scanned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.builders import Builder
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from ..config import get_config
from ..domain import get_ml_domain, included_source
from ..formats import parse_list
from ..items import Item, RollupUse
from ..rules.base import Context
from ..schema import item_schema


class ml_rollup(nodes.General, nodes.Element):
    """Placeholder for a roll-up, replaced when the page is resolved."""


class RollupDirective(SphinxDirective):
    """Base of the six roll-up directives: validates filters, leaves a placeholder."""

    kind: ClassVar[str]
    summary: ClassVar[str] = ""
    """One sentence for the generated reference."""
    #: Filter option -> (item type whose values it checks, option of that item).
    filters: ClassVar[dict[str, tuple[str, str]]] = {}
    extra_options: ClassVar[tuple[str, ...]] = ()
    has_content = False

    def run(self) -> list[nodes.Node]:
        problems: list[str] = []
        options: dict[str, Any] = {}
        for name, raw in self.options.items():
            values = parse_list(raw or "")
            if name in self.filters:
                options[name] = self._check_filter(name, values, problems)
            else:
                options[name] = self.check_option(name, values, problems)
        source, lineno = self.get_source_info()
        get_ml_domain(self.env).note_rollup(
            RollupUse(
                kind=self.kind,
                docname=self.env.docname,
                lineno=lineno or self.lineno,
                source=included_source(self.env, source),
                problems=problems,
            )
        )
        node = ml_rollup(kind=self.kind, options=options)
        self.set_source_info(node)
        return [node]

    def _check_filter(self, name: str, values: list[str], problems: list[str]) -> list[str]:
        type_name, option = self.filters[name]
        # The project's schema, extensions included (a narrowed or widened enum).
        allowed = item_schema(type_name, get_config(self.config)).options[option].enum
        if allowed:
            bad = [value for value in values if value not in allowed]
            if bad:
                problems.append(
                    f"{self.name} :{name}: {', '.join(map(repr, bad))} is not one of: "
                    f"{', '.join(allowed)}"
                )
                values = [value for value in values if value in allowed]
        return values

    #: What the non-filter options mean, for the generated reference.
    option_help: ClassVar[dict[str, str]] = {}

    def check_option(self, name: str, values: list[str], problems: list[str]) -> Any:
        """Validate a non-filter option (``:columns:``, ``:sort:``)."""
        return values

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Options are the filters plus the extras; values are validated in run().
        names = [*cls.filters, *cls.extra_options]
        cls.option_spec = dict.fromkeys(names, directives.unchanged)


def matches(item: Item, filters: dict[str, tuple[str, str]], options: dict[str, Any]) -> bool:
    """An item matches a filter when it has any of the filter's values."""
    for name, (_, option) in filters.items():
        wanted = options.get(name)
        if not wanted:
            continue
        value = item.values.get(option)
        have = value if isinstance(value, list) else [value]
        if not set(map(str, have)) & set(wanted):
            return False
    return True


#: What a table cell may be: a node, several inline nodes, or a ready ``entry``.
Cell = nodes.Node | list[nodes.Node]


class Renderer:
    """Builds the nodes of one roll-up on one page."""

    def __init__(self, context: Context, builder: Builder, docname: str, options: dict[str, Any]):
        self.context = context
        self.builder = builder
        self.docname = docname
        self.options = options

    # -- inline pieces ---------------------------------------------------------------------

    def link(
        self, item_id: str, text: str | None = None, expected: str | None = None
    ) -> nodes.Node:
        """A link to an item, shown as its ID; plain text when the ID names nothing, or an
        item of another type than ``expected`` (unknown-ref reports it)."""
        item = self.context.index.get(item_id)
        label = nodes.literal(text or item_id, text or item_id, classes=["ml-ref"])
        if item is None or (expected is not None and item.type != expected):
            return nodes.inline("", "", label, classes=["ml-broken-ref"])
        anchor = item.anchor or item_id
        return make_refnode(self.builder, self.docname, item.docname, anchor, label, item.title)

    def links(self, item_ids: Iterable[str], expected: str | None = None) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for index, item_id in enumerate(dict.fromkeys(item_ids)):  # each ID once
            if index:
                out.append(nodes.Text(", "))
            out.append(self.link(item_id, expected=expected))
        return out

    def doc_link(self, docname: str) -> nodes.Node:
        title = self.context.env.titles.get(docname)
        text = title.astext() if title is not None else docname
        uri = self.builder.get_relative_uri(self.docname, docname)
        return nodes.reference("", text, internal=True, refuri=uri)

    @property
    def marks(self) -> tuple[str, str]:
        """(bad, good) markers; ASCII where the output may not have the glyphs (pdflatex)."""
        return ("✗", "✓") if self.builder.format in ("html", "text") else ("[!]", "[ok]")

    def gap(self, text: str) -> nodes.Node:
        """A missing piece, shown so it stands out (and reads as such in plain text)."""
        return nodes.inline("", f"{self.marks[0]} {text}", classes=["ml-gap"])

    @staticmethod
    def ranked(value: Any, order: Sequence[Any]) -> nodes.Node:
        """An enumerated value that sorts in its natural order (must before should)."""
        if value is None:
            return nodes.Text("—")
        rank = list(order).index(value) if value in order else len(order)
        return nodes.inline("", str(value), classes=[f"ml-rank-{rank:02d}"])

    @staticmethod
    def text(value: Any) -> nodes.Node:
        if value is None or value == "" or value == []:
            return nodes.Text("—")
        if isinstance(value, dict) and "text" in value:
            return nodes.Text(str(value["text"]))
        if isinstance(value, list):
            return nodes.Text(", ".join(map(str, value)))
        return nodes.Text(str(value))

    # -- blocks -----------------------------------------------------------------------------

    @staticmethod
    def empty(message: str) -> nodes.paragraph:
        return nodes.paragraph("", message, classes=["ml-rollup-empty"])

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        classes: Sequence[str] = (),
        row_classes: Sequence[list[str]] | None = None,
        widths: Sequence[int] | None = None,
    ) -> nodes.table:
        """A plain docutils table: every builder renders it; HTML adds sorting/filtering."""
        table = nodes.table(classes=["ml-rollup-table", *classes])
        group = nodes.tgroup(cols=len(headers))
        table += group
        for width in widths or _natural_widths(headers, rows):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += self._row([nodes.Text(header) for header in headers])
        body = nodes.tbody()
        group += body
        for index, row in enumerate(rows):
            body += self._row(row, row_classes[index] if row_classes else [])
        return table

    @staticmethod
    def _row(cells: Sequence[Cell], classes: Sequence[str] = ()) -> nodes.row:
        row = nodes.row(classes=list(classes))
        for cell in cells:
            if isinstance(cell, nodes.entry):  # a cell with classes of its own
                row += cell
                continue
            entry = nodes.entry()
            content = cell if isinstance(cell, list) else [cell]
            if (
                len(content) == 1
                and isinstance(content[0], nodes.Element)
                and not isinstance(content[0], nodes.Inline | nodes.TextElement)
            ):
                entry += content[0]
            else:
                entry += nodes.paragraph("", "", *content)
            row += entry
        return row


def _natural_widths(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[int]:
    """Column widths from the text they hold: the text builder uses them as characters,
    LaTeX as proportions. Clamped so one long title does not squeeze the rest."""
    widths = [max(6, len(header)) for header in headers]
    for row in rows:
        for column, cell in enumerate(row):
            parts = cell if isinstance(cell, list) else [cell]
            length = sum(len(part.astext()) for part in parts) + 2  # quotes, padding
            widths[column] = max(widths[column], min(length, 36))
    return widths
