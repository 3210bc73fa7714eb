"""Builder-neutral nodes.

Each subclasses a standard docutils node, so every Sphinx translator (HTML, LaTeX, text,
man, ...) renders it through the parent's visitor (Sphinx dispatches along the MRO); HTML
gets extra polish from :mod:`.html`.
"""

from __future__ import annotations

from docutils import nodes


class ml_item(nodes.container):
    """The block of one item: header, fields, body."""


class ml_item_header(nodes.paragraph):
    """Type label, title, ID and badges of an item."""


class ml_badge(nodes.inline):
    """A short enumerated value (priority, status, kind) shown as a pill in HTML."""


ALL_NODES = (ml_item, ml_item_header, ml_badge)
