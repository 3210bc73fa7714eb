"""A small builder-neutral markup for the content of roll-ups.

A roll-up of a 5,000-item project is hundreds of thousands of docutils nodes; building
them and walking them through the HTML translator was most of the time of an incremental
build after an edit. So renderers describe their rows, lists and chains once, in this
markup, and each builder gets what it can use fastest:

- HTML builders get the markup as HTML text in a ``raw`` node (:func:`to_html`). Only the
  bulk (table bodies, chains, lists) goes that way: a table's shell and header still pass
  through the theme's translator, so its classes and wrappers (pydata's scroll container)
  stay the theme's. The text mirrors what Sphinx's HTML5 writer makes of the same nodes,
  and a test builds both ways and compares them.
- Every other builder (text, LaTeX, man, xml...) gets real docutils nodes (:func:`to_nodes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sphinx
from docutils import nodes

from ..html import ID_CLASSES
from ..nodes import ml_id


@dataclass(frozen=True, slots=True)
class Element:
    """One element; ``tag`` is a docutils node name (see :data:`_NODES`)."""

    tag: str
    children: tuple[Markup, ...] = ()
    classes: tuple[str, ...] = ()
    uri: str | None = None
    """For ``reference``: where it goes (``#anchor`` on the same page)."""
    title: str | None = None
    """For ``reference``: the tooltip."""


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


# -- docutils nodes ------------------------------------------------------------------------

_NODES: dict[str, type[nodes.Element]] = {
    "inline": nodes.inline,
    "strong": nodes.strong,
    "ml_id": ml_id,
    "reference": nodes.reference,
    "paragraph": nodes.paragraph,
    "container": nodes.container,
    "enumerated_list": nodes.enumerated_list,
    "bullet_list": nodes.bullet_list,
    "list_item": nodes.list_item,
}


def to_nodes(markup: Markup) -> nodes.Node:
    if isinstance(markup, str):
        return nodes.Text(markup)
    node_class = _NODES[markup.tag]
    children = [to_nodes(child) for child in markup.children]
    # A TextElement's second argument is its text; pass the children after it.
    node = (
        node_class("", "", *children)
        if issubclass(node_class, nodes.TextElement)
        else (node_class("", *children))
    )
    node["classes"] = list(markup.classes)
    if markup.tag == "reference":
        node["internal"] = True
        uri = markup.uri or ""
        if uri.startswith("#"):
            node["refid"] = uri[1:]
        else:
            node["refuri"] = uri
        if markup.title:
            node["reftitle"] = markup.title
    elif markup.tag == "enumerated_list":
        node["enumtype"] = "arabic"
    return node


# -- HTML ------------------------------------------------------------------------------------

# As docutils' HTML writers encode text and attribute values.
_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", '"': "&quot;", ">": "&gt;", "@": "&#64;"})


# Characters beyond ASCII written as references ("—" as "&#8212;"): Python stores a string
# wider as soon as one character needs it, and a roll-up page of thousands of rows is
# copied several times while Sphinx writes it; ASCII keeps each copy compact. Only where
# Sphinx's search skips roll-ups ("no-search", seen in 8.2): an older indexer would strip
# the tags and index "8212" as a word.
ASCII_HTML = sphinx.version_info >= (8, 2)


def _escape(text: str) -> str:
    text = text.translate(_SPECIAL)
    if text.isascii() or not ASCII_HTML:
        return text
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def start_tag(tag: str, classes: Iterable[str], **attributes: str | None) -> str:
    parts = [tag]
    class_text = " ".join(classes)
    if class_text:
        parts.append(f'class="{_escape(class_text)}"')
    parts.extend(f'{name}="{_escape(value)}"' for name, value in attributes.items() if value)
    return f"<{' '.join(parts)}>"


def to_html(
    markup: Markup, known: Mapping[int, str] | None = None, compact_lists: bool = True
) -> str:
    """HTML as Sphinx's HTML5 writer makes it of the same nodes. ``known``: HTML already
    made for some elements, by ``id()`` (a link repeated in thousands of rows);
    ``compact_lists``: the ``html_compact_lists`` setting."""
    if isinstance(markup, str):
        return _escape(markup)
    out: list[str] = []
    _html(markup, out, known or {}, compact_lists)
    return "".join(out)


def _html(markup: Element, out: list[str], known: Mapping[int, str], compact: bool) -> None:
    done = known.get(id(markup))
    if done is not None:
        out.append(done)
        return
    tag, classes = markup.tag, markup.classes
    if tag == "ml_id":  # as html.visit_ml_id
        out.append(start_tag("code", (*classes, *ID_CLASSES)))
        out.append(_escape(text_of(markup)))
        out.append("</code>")
        return
    if tag == "reference":
        # As the HTML writer: an empty URI (this very page) links to "#".
        out.append(
            start_tag("a", ("reference", "internal"), href=markup.uri or "#", title=markup.title)
        )
        close = "</a>"
    elif tag in ("inline", "strong"):
        html_tag = "span" if tag == "inline" else "strong"
        out.append(start_tag(html_tag, classes))
        close = f"</{html_tag}>"
    elif tag == "paragraph":
        out.append(start_tag("p", classes))
        close = "</p>\n"
    elif tag == "container":
        out.append(start_tag("div", (*classes, "docutils", "container")) + "\n")
        close = "</div>\n"
    elif tag in ("enumerated_list", "bullet_list"):
        # docutils marks a list of one-paragraph items "simple" (Sphinx keeps the <p>).
        simple = ("simple",) if compact and _is_simple(markup) else ()
        html_tag = "ol" if tag == "enumerated_list" else "ul"
        extra = ("arabic",) if tag == "enumerated_list" else ()
        out.append(start_tag(html_tag, (*extra, *classes, *simple)))
        out.append("\n")
        close = f"</{html_tag}>\n"
    elif tag == "list_item":
        out.append(start_tag("li", classes))
        close = "</li>\n"
    else:  # pragma: no cover - every tag the renderers use is handled above
        raise ValueError(f"no HTML for markup tag {tag!r}")
    for child in markup.children:
        if isinstance(child, str):
            out.append(_escape(child))
        else:
            _html(child, out, known, compact)
    out.append(close)


def _is_simple(markup: Element) -> bool:
    """A list docutils writes compactly: every item is one paragraph."""
    return all(
        isinstance(item, Element)
        and len(item.children) == 1
        and isinstance(item.children[0], Element)
        and item.children[0].tag == "paragraph"
        for item in markup.children
    )
