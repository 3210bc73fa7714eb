"""Builder-neutral nodes of an item's block.

Each subclasses a standard docutils node, so every Sphinx translator (HTML, LaTeX, text,
man, ...) renders it through the parent's visitor (Sphinx dispatches along the MRO); HTML
gets extra polish from :mod:`.html`, and an item's ID a visitor of its own.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator

#: Classes of an item ID's ``<code>`` besides its own: the theme styles ``code.literal``.
ID_CLASSES = ("literal", "notranslate")


class ml_item(nodes.container):
    """The block of one item: header, fields, body."""


class ml_item_header(nodes.paragraph):
    """Type label, title, ID and badges of an item."""


class ml_badge(nodes.inline):
    """A short enumerated value (priority, status, kind) shown as a pill in HTML."""


class ml_id(nodes.literal):
    """An item's ID, code-styled: in its header, and as the text of links to it.

    Other builders write it as any literal. HTML writes it as one ``<code>`` element:
    Sphinx's HTML writer wraps every word of a literal in a ``<span class="pre">`` of its
    own, which for roll-ups of thousands of links is an eighth of the page.
    """


def visit_ml_id(translator: HTML5Translator, node: ml_id) -> None:
    """An item ID as one ``<code>``; the stylesheet keeps it on one line (what Sphinx's
    per-word ``<span class="pre">`` is for)."""
    translator.body.append(translator.starttag(node, "code", "", CLASS=" ".join(ID_CLASSES)))
    translator.body.append(translator.encode(node.astext()))
    translator.body.append("</code>")
    raise nodes.SkipNode


def visit_ml_id_latex(translator: LaTeXTranslator, node: ml_id) -> None:
    """An item ID in a box: LaTeX breaks no line inside it (a table cell may be narrow)."""
    translator.body.append(r"\mbox{")
    translator.visit_literal(node)


def depart_ml_id_latex(translator: LaTeXTranslator, node: ml_id) -> None:
    translator.depart_literal(node)
    translator.body.append("}")


def setup(app: Sphinx) -> None:
    # Registered so generic writers (xml) have a default visit; the rest reach their
    # docutils parent's visitor through the MRO.
    for node_class in (ml_item, ml_item_header, ml_badge):
        app.add_node(node_class)
    app.add_node(ml_id, html=(visit_ml_id, None), latex=(visit_ml_id_latex, depart_ml_id_latex))
