"""A small builder-neutral description of what roll-ups show.

A roll-up of a 5,000-item project is hundreds of thousands of inline pieces; as docutils
nodes, building them and walking them through a translator was most of the time of an
incremental build. So renderers describe table rows, block content and inline runs once,
in this markup, and carry them in three nodes of ours (:mod:`.rollup_nodes`): HTML
translators write them directly (:mod:`.html`), and every other builder gets them as
docutils nodes (:func:`to_nodes`, applied by a post-transform in :mod:`.expand`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from docutils import nodes

from ..model.imports import is_web_url
from ..nodes import ml_id
from .rollup_nodes import ml_inline, ml_sparkline


class Element(NamedTuple):
    """One element; ``tag`` is a docutils node name (see :data:`NODE_CLASSES` and
    :data:`BLOCK_CLASSES`). A tuple: made by the ten thousand, compared by value."""

    tag: str
    children: tuple[Markup, ...] = ()
    classes: tuple[str, ...] = ()
    uri: str | None = None
    """For ``reference``: where it goes (``#anchor`` on the same page; an http(s) URL
    for another project's page)."""
    title: str | None = None
    """For ``reference``: the tooltip."""
    data: object = None
    """For ``ml_sparkline``: what it draws (:class:`..model.observe.shown.Sparkline`)."""


#: Text, or an element.
Markup = str | Element


def el(tag: str, *children: Markup, classes: Sequence[str] = ()) -> Element:
    return Element(tag, children, tuple(classes))


def text_of(markup: Markup | Iterable[Markup]) -> str:
    if isinstance(markup, str):
        return markup
    if isinstance(markup, Element):
        return "".join(text_of(child) for child in markup.children)
    return "".join(text_of(part) for part in markup)


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell: inline content, and classes of its own (the risk matrix colours
    its cells)."""

    content: tuple[Markup, ...]
    classes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    classes: tuple[str, ...] = ()


#: The inline node class of each tag.
NODE_CLASSES: dict[str, type[nodes.TextElement]] = {
    "inline": nodes.inline,
    "strong": nodes.strong,
    "ml_id": ml_id,
    "reference": nodes.reference,
    "ml_sparkline": ml_sparkline,
}


def to_nodes(markup: Markup) -> nodes.Node:
    """The docutils node of one piece of inline markup."""
    if isinstance(markup, str):
        return nodes.Text(markup)
    children = [to_nodes(child) for child in markup.children]
    node = NODE_CLASSES[markup.tag]("", "", *children, classes=list(markup.classes))
    if markup.tag == "ml_sparkline":
        node["sparkline"] = markup.data
    if markup.tag == "reference":
        uri = markup.uri or ""
        node["internal"] = not is_web_url(uri)
        if uri.startswith("#"):
            node["refid"] = uri[1:]
        else:
            node["refuri"] = uri
        if markup.title:
            node["reftitle"] = markup.title
    return node


def entry(cell: Cell) -> nodes.entry:
    """A table cell as a docutils entry."""
    paragraph = nodes.paragraph("", "", *map(to_nodes, cell.content))
    return nodes.entry("", paragraph, classes=list(cell.classes))


#: The node class of each block tag; a ``paragraph`` holds inline markup.
BLOCK_CLASSES: dict[str, type[nodes.Element]] = {
    "container": nodes.container,
    "enumerated_list": nodes.enumerated_list,
    "bullet_list": nodes.bullet_list,
    "list_item": nodes.list_item,
}


def block_node(element: Element) -> nodes.Element:
    """The docutils nodes of a block element; each paragraph's content stays markup, in
    an :class:`.rollup_nodes.ml_inline`."""
    if element.tag == "paragraph":
        return nodes.paragraph(
            "", "", ml_inline(content=element.children), classes=list(element.classes)
        )
    children = [block_node(child) for child in element.children if isinstance(child, Element)]
    node = BLOCK_CLASSES[element.tag]("", *children, classes=list(element.classes))
    if element.tag == "enumerated_list":
        node["enumtype"] = "arabic"
    return node
