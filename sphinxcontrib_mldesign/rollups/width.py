"""Pages made of roll-ups get the width of the page where the theme allows it.

Roll-up tables are the widest thing in a design doc, and most themes keep a table of
contents beside the content. A page holding a roll-up (``mldesign_wide_rollups``:
``"auto"``, only when it holds no item; ``"always"``; ``"never"``) gets the file-wide
metadata that themes read to drop that sidebar: pydata-sphinx-theme and
sphinx-book-theme's ``html_theme.sidebar_secondary.remove``, furo's ``hide-toc``. A page
that sets either itself keeps its own choice. Other themes have no such switch; there the
roll-ups stack their rows when the column is narrow (``mldesign.js``).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from ..config import get_config
from ..nodes import ml_item
from .rollup_nodes import ml_rollup

#: The metadata each theme family reads, with the value that widens the page.
WIDE_PAGE_METADATA = {"html_theme.sidebar_secondary.remove": "true", "hide-toc": ""}


def widen_rollup_pages(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: mark a page made of roll-ups as wide."""
    setting = get_config(app.env).wide_rollups
    if setting == "never" or next(doctree.findall(ml_rollup), None) is None:
        return
    if setting == "auto" and next(doctree.findall(ml_item), None) is not None:
        return
    metadata = app.env.metadata[app.env.docname]
    for key, value in WIDE_PAGE_METADATA.items():
        metadata.setdefault(key, value)


def setup(app: Sphinx) -> None:
    app.connect("doctree-read", widen_rollup_pages)
