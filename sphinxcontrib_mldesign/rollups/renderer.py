"""What a roll-up is made of, for one roll-up on one page: links to items, gap marks,
tables whose body rows are :mod:`.markup`, and block content whose paragraphs are.

Renderers read the build's state (:mod:`..state`): the project as the checks saw it and
what they found. A gap mark is shown where a finding says so; no renderer decides again
whether something is a gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from docutils import nodes
from sphinx.builders import Builder

from ..domain import single_anchor
from ..model.items import Item
from ..model.rules import Rule
from ..rules.findings import Finding, Findings
from ..rules.views import View
from ..state import BuildState
from .expand import NATURAL_WIDTHS
from .markup import Cell, Element, Markup, Row, block_node, el, entry
from .rollup_nodes import ml_blocks, ml_rows
from .view import selected_projects

#: Between the IDs of a list: ", " in text; in HTML the stylesheet puts each ID on a line.
SEPARATOR = el("inline", ", ", classes=["ml-sep"])

#: What a table cell may be: markup, several pieces of markup, or a :class:`Cell`.
CellContent = Markup | list[Markup] | Cell


@dataclass
class PageLinks:
    """Links made for one page, shared by its roll-ups (the same owner or metric fills
    rows of several)."""

    uris: dict[str, str] = field(default_factory=dict)
    links: dict[tuple[str, str | None], Element] = field(default_factory=dict)


class Renderer:
    """Builds one roll-up on one page."""

    def __init__(
        self, state: BuildState, docname: str, options: dict[str, Any], page: PageLinks
    ) -> None:
        self.context = state.context
        self.findings: Findings = state.findings
        self.builder: Builder = state.builder
        self.told: set[str] = state.told  # what the build says once (Graphviz missing)
        self.docname = docname
        self.options = options
        self._uris = page.uris
        self._links = page.links
        projects = selected_projects(options.get("projects", ()), state.context.imports)
        self.view: View = state.view(projects)

    # -- what it shows ---------------------------------------------------------------------

    def in_documents(self, docname: str) -> bool:
        """Whether the roll-up's ``:documents:`` (default: all) hold this document."""
        patterns = self.options.get("documents")
        return not patterns or any(fnmatchcase(docname, pattern) for pattern in patterns)

    def of_type(self, type_name: str) -> list[Item]:
        """The items of a type that this roll-up may show (by ``:projects:`` and
        ``:documents:``)."""
        return [i for i in self.view.of_type(type_name) if self.in_documents(i.docname)]

    def of_type_in(self, project: str | None, type_name: str) -> list[Item]:
        """The items of a type of one project (None: this one), by ``:documents:``."""
        items = self.context.of_project(project, type_name)
        return [i for i in items if self.in_documents(i.docname)]

    def page_uri(self, docname: str) -> str:
        """The URI of a page of this project from the roll-up's page ("" for this page)."""
        return self._uri(docname)

    def about(self, rule: Rule, subject: str | None) -> Finding | None:
        """The rule's finding about an item or area of the projects shown."""
        return self.view.about(rule, subject)

    def of_rule(self, rule: Rule) -> list[Finding]:
        """The rule's findings in the projects shown."""
        return self.view.of_rule(rule)

    # -- inline pieces ---------------------------------------------------------------------

    def link(self, item_id: str, expected: str | None = None) -> Element:
        """A link to an item, shown as its ID; plain text when the ID names nothing, or an
        item of another type than ``expected`` (unknown-ref reports it)."""
        key = (item_id, expected)
        link = self._links.get(key)
        if link is None:
            link = self._links[key] = self._make_link(item_id, expected)
        return link

    def _make_link(self, item_id: str, expected: str | None) -> Element:
        item = self.context.lookup.get(item_id)
        label = el("ml_id", item_id, classes=["ml-ref"])
        if item is None or (expected is not None and item.type != expected):
            return el("inline", label, classes=["ml-broken-ref"])
        if item.project is not None:  # another project's: its page, where it is published
            if item.url is None:
                return el("inline", label, classes=["ml-imported-ref"])
            return Element("reference", (label,), uri=item.url, title=item.title)
        uri = single_anchor(f"{self._uri(item.docname)}#{item.anchor or item_id}")
        return Element("reference", (label,), uri=uri, title=item.title)

    def _uri(self, docname: str) -> str:
        """The page's URI from this one; in HTML empty for this page (links become
        ``#anchor``). A LaTeX or texinfo book is rendered from its root document, whose
        items are not on "this page" for a roll-up in another file: there a link always
        names its document."""
        uri = self._uris.get(docname)
        if uri is None:
            same_page = docname == self.docname and self.builder.format == "html"
            uri = self._uris[docname] = (
                "" if same_page else self.builder.get_relative_uri(self.docname, docname)
            )
        return uri

    def links(self, item_ids: Iterable[str], expected: str | None = None) -> list[Markup]:
        out: list[Markup] = []
        for index, item_id in enumerate(dict.fromkeys(item_ids)):  # each ID once
            if index:
                out.append(SEPARATOR)
            out.append(self.link(item_id, expected=expected))
        return out

    def doc_link(self, docname: str) -> Element:
        text = self.context.titles.get(docname, docname)
        return Element("reference", (text,), uri=self._uri(docname))

    @property
    def marks(self) -> tuple[str, str]:
        """(bad, good) markers; ASCII where the output may not have the glyphs (pdflatex)."""
        return ("✗", "✓") if self.builder.format in ("html", "text") else ("[!]", "[ok]")

    def gap(self, text: str) -> Element:
        """A missing piece, shown so it stands out (and reads as such in plain text)."""
        return el("inline", f"{self.marks[0]} {text}", classes=["ml-gap"])

    def mark(self, text: str, found: bool) -> Markup:
        """``text`` as a gap mark where a check found the gap, else as plain text."""
        return self.gap(text) if found else text

    def flagged(self, rule: Rule, subject: str | None) -> Markup:
        """The rule's gap mark where it found something about the item (by ID) or area,
        else a dash."""
        return self.gap(rule.gap) if self.about(rule, subject) else "—"

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
        """Block markup (chains, lists) as docutils nodes in a
        :class:`.rollup_nodes.ml_blocks`; each paragraph's content stays markup."""
        return [ml_blocks("", *map(block_node, elements))]

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[CellContent]],
        classes: Sequence[str] = (),
        row_classes: Sequence[Sequence[str]] | None = None,
        widths: Sequence[int] | None = None,
    ) -> nodes.table:
        """A docutils table whose body rows are markup (:class:`.rollup_nodes.ml_rows`). Without
        ``widths``, columns are as wide as their content where a builder reads widths."""
        table = nodes.table(classes=["ml-rollup-table", *classes])
        group = nodes.tgroup(cols=len(headers))
        table += group
        for width in widths or [1] * len(headers):
            group += nodes.colspec(colwidth=width)
        if widths is None:
            group[NATURAL_WIDTHS] = True
        head = nodes.thead()
        group += head
        head += nodes.row("", *(entry(Cell((header,))) for header in headers))
        body = nodes.tbody()
        group += body
        body += ml_rows(
            headers=tuple(headers),
            rows=tuple(
                Row(
                    tuple(map(_cell, row)),
                    tuple(row_classes[index]) if row_classes else (),
                )
                for index, row in enumerate(rows)
            ),
        )
        return table


def _cell(content: CellContent) -> Cell:
    if isinstance(content, Cell):
        return content
    return Cell(tuple(content) if isinstance(content, list) else (content,))
