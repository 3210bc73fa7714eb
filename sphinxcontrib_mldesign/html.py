"""Refinements by output: permalinks on items and the stylesheet in HTML, badges as
``[text]`` where there are no pills."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from .nodes import ml_badge, ml_item_header

STATIC_DIR = Path(__file__).parent / "static"
CSS_FILE = "mldesign.css"
JS_FILE = "mldesign.js"


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


def add_static(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    static = str(STATIC_DIR)
    if static not in app.config.html_static_path:
        app.config.html_static_path.append(static)
    app.add_css_file(CSS_FILE)
    app.add_js_file(JS_FILE, loading_method="defer")


def setup(app: Sphinx) -> None:
    app.add_post_transform(ItemPermalinks)
    app.add_post_transform(BracketBadges)
    app.connect("builder-inited", add_static)
