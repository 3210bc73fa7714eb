"""HTML for the roll-up nodes, written by the page's own translator.

- Table rows go through the translator's ``visit_row``/``depart_row`` (its row numbering
  and classes apply); each cell is a ``<td>`` from its ``starttag`` holding one paragraph,
  as the translator writes an entry of one paragraph.
- Blocks (chains, gap lists) become docutils nodes handed to the translator's own
  ``visit_*``/``depart_*`` methods (its list and paragraph rules apply).
- Inline elements go through its ``starttag``, text through its ``encode``, as
  sphinx-design's components are written.

What is skipped is the generic node-per-element walk: a roll-up page of thousands of rows
would spend most of an incremental build in it. Each distinct element is written once per
page (the same owner or metric fills many rows), and each distinct start tag made once. A
test builds projects both ways and compares every roll-up page with what the translator
writes for the same content as plain docutils nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from docutils import nodes
from sphinx.writers.html5 import HTML5Translator

from ..model.imports import is_web_url
from ..model.observe.shown import Sparkline
from ..nodes import ID_CLASSES
from .markup import Element, Markup
from .rollup_nodes import ml_blocks, ml_inline, ml_rows, ml_sparkline
from .sparkline import svg, visit_ml_sparkline

_TAGS = {"inline": "span", "strong": "strong"}


class _InlineWriter:
    """Writes markup with one translator."""

    def __init__(self, translator: HTML5Translator) -> None:
        self.translator = translator
        self._plain = nodes.inline()  # what starttag reads ids and classes from: none
        self._written: dict[Element, str] = {}
        self._tags: dict[tuple[str, str, str | None], str] = {}

    def html(self, content: Iterable[Markup]) -> str:
        encode = self.translator.encode
        return "".join(
            encode(part) if isinstance(part, str) else self._element(part) for part in content
        )

    def start(self, tag: str, classes: str, label: str | None = None) -> str:
        """A start tag with classes (and a ``data-label``) only; the same for every element
        that has them."""
        key = (tag, classes, label)
        start = self._tags.get(key)
        if start is None:
            attributes: dict[str, Any] = {"data-label": label} if label is not None else {}
            start = self._tags[key] = self.translator.starttag(
                self._plain, tag, "", CLASS=classes, **attributes
            )
        return start

    def _element(self, element: Element) -> str:
        written = self._written.get(element)
        if written is None:
            written = self._written[element] = self._write(element)
        return written

    def _write(self, element: Element) -> str:
        if element.tag == "ml_id":  # as nodes.visit_ml_id
            start = self.start("code", " ".join((*element.classes, *ID_CLASSES)))
            end = "</code>"
        elif element.tag == "reference":  # as the HTML writer writes a link
            tooltip: dict[str, Any] = {"title": element.title} if element.title else {}
            kind = "external" if is_web_url(element.uri) else "internal"
            start = self.translator.starttag(
                self._plain, "a", "", CLASS=f"reference {kind}", href=element.uri or "#", **tooltip
            )
            end = "</a>"
        elif element.tag == "ml_sparkline":
            assert isinstance(element.data, Sparkline)
            return svg(self.translator, element.data)
        else:
            tag = _TAGS[element.tag]
            start, end = self.start(tag, " ".join(element.classes)), f"</{tag}>"
        return start + self.html(element.children) + end


_WRITER = "mldesign_writer"


def _writer(translator: HTML5Translator) -> _InlineWriter:
    """The page's writer, kept on its translator (and gone with it): an element repeated
    across roll-ups is written once."""
    writer: _InlineWriter | None = getattr(translator, _WRITER, None)
    if writer is None:
        writer = _InlineWriter(translator)
        setattr(translator, _WRITER, writer)
    return writer


def visit_ml_rows(translator: HTML5Translator, node: ml_rows) -> None:
    writer = _writer(translator)
    body = translator.body
    paragraph = writer.start("p", "")
    headers = node.get("headers") or ()
    for row in node["rows"]:
        row_node = nodes.row(classes=list(row.classes))
        translator.visit_row(row_node)
        for column, cell in enumerate(row.cells):
            label = headers[column] if column < len(headers) else None
            body.append(writer.start("td", " ".join(cell.classes), label))
            body.append(paragraph)
            body.append(writer.html(cell.content))
            body.append("</p></td>\n")
        translator.depart_row(row_node)
    raise nodes.SkipNode


def visit_ml_inline(translator: HTML5Translator, node: ml_inline) -> None:
    translator.body.append(_writer(translator).html(node["content"]))
    raise nodes.SkipNode


def visit_ml_blocks(translator: HTML5Translator, node: ml_blocks) -> None:
    """Each block node handed to the translator's own visit and depart methods: what
    ``walkabout`` does, without its generic dispatch per node (a chain roll-up of
    thousands of fallbacks spent much of its time there)."""
    for child in node.children:
        _write_block(translator, child)
    raise nodes.SkipNode


def _write_block(translator: HTML5Translator, node: nodes.Node) -> None:
    if isinstance(node, ml_inline):
        translator.body.append(_writer(translator).html(node["content"]))
        return
    assert isinstance(node, nodes.Element)  # blocks hold elements; their text is markup
    skip_children = skip_departure = False
    try:
        getattr(translator, f"visit_{node.tagname}")(node)
    except nodes.SkipNode:
        return
    except nodes.SkipChildren:
        skip_children = True
    except nodes.SkipDeparture:
        skip_departure = True
    if not skip_children:
        for child in node.children:
            _write_block(translator, child)
    if not skip_departure:
        getattr(translator, f"depart_{node.tagname}")(node)


Visitor = Callable[[HTML5Translator, Any], None]
HTML_VISITORS: dict[type[nodes.Element], tuple[Visitor, None]] = {
    ml_rows: (visit_ml_rows, None),
    ml_inline: (visit_ml_inline, None),
    ml_blocks: (visit_ml_blocks, None),
    ml_sparkline: (visit_ml_sparkline, None),
}
