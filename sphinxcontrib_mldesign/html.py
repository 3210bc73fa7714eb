"""HTML-only refinements: permalinks on items, and the stylesheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator

from .nodes import ml_badge, ml_id, ml_item_header

STATIC_DIR = Path(__file__).parent / "static"
CSS_FILE = "mldesign.css"
JS_FILE = "mldesign.js"
#: Classes of an item ID's ``<code>`` besides its own: the theme styles ``code.literal``.
ID_CLASSES = ("literal", "notranslate")


class ItemPermalinks(SphinxPostTransform):
    """Add a ``¶`` link to every item header, like Sphinx does for headings."""

    default_priority = 400
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        if not self.config.html_permalinks:
            return
        icon = self.config.html_permalinks_icon
        for header in self.document.findall(ml_item_header):
            anchor = header.get("ml_anchor")
            if anchor:
                link = nodes.reference(
                    "", "", refid=anchor, classes=["headerlink"], reftitle="Link to this item"
                )
                link += nodes.raw("", icon, format="html")
                header += link


class BracketBadges(SphinxPostTransform):
    """Outside HTML there are no pills: write badges as ``[must]`` so they read as tags."""

    default_priority = 400
    formats = ("text", "latex", "man", "texinfo")

    def run(self, **kwargs: Any) -> None:
        for badge in self.document.findall(ml_badge):
            text = badge.astext()
            badge.replace(badge.children[0], nodes.Text(f"[{text}]"))


def visit_ml_id(translator: HTML5Translator, node: ml_id) -> None:
    """An item ID as one ``<code>``; the stylesheet keeps it on one line (what Sphinx's
    per-word ``<span class="pre">`` is for)."""
    translator.body.append(translator.starttag(node, "code", "", CLASS=" ".join(ID_CLASSES)))
    translator.body.append(translator.encode(node.astext()))
    translator.body.append("</code>")
    raise nodes.SkipNode


def add_static(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    static = str(STATIC_DIR)
    if static not in app.config.html_static_path:
        app.config.html_static_path.append(static)
    app.add_css_file(CSS_FILE)
    app.add_js_file(JS_FILE, loading_method="defer")
