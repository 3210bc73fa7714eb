"""What every roll-up shares: the placeholder node, option parsing and filters, and the
builder-neutral pieces (links, tables) the roll-ups are made of.

A roll-up directive only leaves a placeholder (:class:`ml_rollup`) and records itself in
the domain. The placeholder is replaced on ``doctree-resolved`` from the project as the
checks saw it this build (:class:`~sphinxcontrib_mldesign.rules.base.Context`), so a
roll-up is never older than the items it shows, and no doctree is ever re-scanned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.builders import Builder
from sphinx.util.docutils import SphinxDirective

from ..config import get_config
from ..directives.base import AnyOptionSpec
from ..domain import get_ml_domain, included_source, single_anchor
from ..formats import parse_list
from ..items import Item, RollupUse
from ..rules.base import Context
from ..schema import item_schema
from .markup import Element, Markup, el, start_tag, text_of, to_html, to_nodes


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
    option_names: ClassVar[tuple[str, ...]] = ()
    has_content = False

    def run(self) -> list[nodes.Node]:
        problems: list[str] = []
        options: dict[str, Any] = {}
        for name, raw in self.options.items():
            values = parse_list(raw or "")
            if name not in self.option_names:
                problems.append(
                    f"{self.name}: unknown option :{name}: "
                    f"(allowed: {', '.join(self.option_names) or 'none'})"
                )
            elif name in self.filters:
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
        # Compared as text: an extension's enum may hold numbers, filter values are text.
        enum = item_schema(type_name, get_config(self.config)).options[option].enum
        allowed = [str(value) for value in enum]
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
        # Options are the filters plus the extras; values are validated in run(). Any
        # other name is accepted here and reported by run() as an mldesign.schema
        # warning at the directive's line (docutils would drop the whole roll-up).
        cls.option_names = (*cls.filters, *cls.extra_options)
        cls.option_spec = AnyOptionSpec(dict.fromkeys(cls.option_names, directives.unchanged))


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


@dataclass(frozen=True)
class Cell:
    """A table cell with classes of its own (the risk matrix colours its cells)."""

    content: list[Markup]
    classes: tuple[str, ...] = ()


#: What a table cell may be: markup, several pieces of markup, or a :class:`Cell`.
CellContent = Markup | list[Markup] | Cell

#: Builder formats that get roll-up bodies as HTML text (see :mod:`.markup`).
RAW_HTML_FORMATS = frozenset({"html"})


class Renderer:
    """Builds one roll-up on one page: markup for the bulk, docutils nodes around it."""

    def __init__(self, context: Context, builder: Builder, docname: str, options: dict[str, Any]):
        self.context = context
        self.builder = builder
        self.docname = docname
        self.options = options
        self.html = builder.format in RAW_HTML_FORMATS
        self._uris: dict[str, str] = {}
        self._links: dict[tuple[str, str | None], Element] = {}
        # The HTML of each link, made once: the same owner or metric fills many rows.
        # Keyed by id(); the elements stay alive in _links for the renderer's lifetime.
        self._link_html: dict[int, str] = {}

    # -- inline pieces ---------------------------------------------------------------------

    def link(self, item_id: str, expected: str | None = None) -> Element:
        """A link to an item, shown as its ID; plain text when the ID names nothing, or an
        item of another type than ``expected`` (unknown-ref reports it)."""
        key = (item_id, expected)
        cached = self._links.get(key)
        if cached is None:
            cached = self._links[key] = self._make_link(item_id, expected)
            if self.html:
                self._link_html[id(cached)] = to_html(cached)
        return cached

    def _make_link(self, item_id: str, expected: str | None) -> Element:
        item = self.context.index.get(item_id)
        label = el("ml_id", item_id, classes=["ml-ref"])
        if item is None or (expected is not None and item.type != expected):
            return el("inline", label, classes=["ml-broken-ref"])
        uri = single_anchor(f"{self._uri(item.docname)}#{item.anchor or item_id}")
        return Element("reference", (label,), uri=uri, title=item.title)

    def _uri(self, docname: str) -> str:
        """The page's URI from this one; empty for this page (links become ``#anchor``)."""
        uri = self._uris.get(docname)
        if uri is None:
            uri = self._uris[docname] = (
                "" if docname == self.docname
                else self.builder.get_relative_uri(self.docname, docname)
            )  # fmt: skip
        return uri

    def links(self, item_ids: Iterable[str], expected: str | None = None) -> list[Markup]:
        out: list[Markup] = []
        for index, item_id in enumerate(dict.fromkeys(item_ids)):  # each ID once
            if index:
                out.append(", ")
            out.append(self.link(item_id, expected=expected))
        return out

    def doc_link(self, docname: str) -> Element:
        title = self.context.env.titles.get(docname)
        text = title.astext() if title is not None else docname
        return Element("reference", (text,), uri=self._uri(docname))

    @property
    def marks(self) -> tuple[str, str]:
        """(bad, good) markers; ASCII where the output may not have the glyphs (pdflatex)."""
        return ("✗", "✓") if self.builder.format in ("html", "text") else ("[!]", "[ok]")

    def gap(self, text: str) -> Element:
        """A missing piece, shown so it stands out (and reads as such in plain text)."""
        return el("inline", f"{self.marks[0]} {text}", classes=["ml-gap"])

    @staticmethod
    def ranked(value: Any, order: Sequence[Any]) -> Markup:
        """An enumerated value that sorts in its natural order (must before should)."""
        if value is None:
            return "—"
        rank = list(order).index(value) if value in order else len(order)
        return el("inline", str(value), classes=[f"ml-rank-{rank:02d}"])

    @staticmethod
    def text(value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, dict) and "text" in value:
            return str(value["text"])
        if isinstance(value, list):
            return ", ".join(map(str, value))
        return str(value)

    # -- blocks -----------------------------------------------------------------------------

    @staticmethod
    def empty(message: str) -> nodes.paragraph:
        return nodes.paragraph("", message, classes=["ml-rollup-empty"])

    def block(self, elements: Sequence[Element]) -> list[nodes.Node]:
        """Block markup (chains, lists) as one raw HTML node, or as docutils nodes."""
        if self.html:
            compact = bool(getattr(self.builder.config, "html_compact_lists", True))
            html = "".join(to_html(element, self._link_html, compact) for element in elements)
            return [nodes.raw("", html, format="html")]
        return [to_nodes(element) for element in elements]

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[CellContent]],
        classes: Sequence[str] = (),
        row_classes: Sequence[Sequence[str]] | None = None,
        widths: Sequence[int] | None = None,
    ) -> nodes.table:
        """A docutils table: every builder renders it; HTML adds sorting/filtering. For
        HTML the body rows are HTML text, numbered odd/even as Sphinx numbers them (the
        header row is the first)."""
        table = nodes.table(classes=["ml-rollup-table", *classes])
        group = nodes.tgroup(cols=len(headers))
        table += group
        if widths is None:
            # Only the text and LaTeX writers read the widths; HTML sizes columns itself.
            widths = [1] * len(headers) if self.html else _natural_widths(headers, rows)
        for width in widths:
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += nodes.row("", *(_entry(Cell([header])) for header in headers))
        body = nodes.tbody()
        group += body
        cells = [[_cell(cell) for cell in row] for row in rows]
        if self.html:
            body += nodes.raw("", self._rows_html(cells, row_classes), format="html")
            return table
        for index, row in enumerate(cells):
            body += nodes.row(
                "", *map(_entry, row), classes=list(row_classes[index] if row_classes else [])
            )
        return table

    def _rows_html(
        self, rows: list[list[Cell]], row_classes: Sequence[Sequence[str]] | None
    ) -> str:
        out: list[str] = []
        for index, row in enumerate(rows):
            parity = "row-even" if index % 2 == 0 else "row-odd"  # the header row was odd
            out.append(start_tag("tr", [*(row_classes[index] if row_classes else ()), parity]))
            for cell in row:
                content = "".join(to_html(part, self._link_html) for part in cell.content)
                out.append(f"{start_tag('td', cell.classes)}<p>{content}</p></td>\n")
            out.append("</tr>\n")
        return "".join(out)


def _cell(content: CellContent) -> Cell:
    if isinstance(content, Cell):
        return content
    return Cell(content if isinstance(content, list) else [content])


def _entry(cell: Cell) -> nodes.entry:
    return nodes.entry(
        "", nodes.paragraph("", "", *map(to_nodes, cell.content)), classes=list(cell.classes)
    )


def _natural_widths(headers: Sequence[str], rows: Sequence[Sequence[CellContent]]) -> list[int]:
    """Column widths from the text they hold: the text builder uses them as characters,
    LaTeX as proportions. Clamped so one long title does not squeeze the rest."""
    widths = [max(6, len(header)) for header in headers]
    for row in rows:
        for column, cell in enumerate(row):
            length = len(text_of(_cell(cell).content)) + 2  # quotes, padding
            widths[column] = max(widths[column], min(length, 36))
    return widths
