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


class ml_id(nodes.literal):
    """An item's ID, code-styled: in its header, and as the text of links to it.

    Other builders write it as any literal. HTML writes it as one ``<code>`` element:
    Sphinx's HTML writer wraps every word of a literal in a ``<span class="pre">`` of its
    own, which for roll-ups of thousands of links is an eighth of the page.
    """


ALL_NODES = (ml_item, ml_item_header, ml_badge, ml_id)
