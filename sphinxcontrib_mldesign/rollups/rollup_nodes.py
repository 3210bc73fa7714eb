"""The nodes a roll-up is made of, besides standard docutils tables, lists and paragraphs.

- :class:`ml_rollup` is what the directive leaves in the doctree: a placeholder, replaced
  when the page is resolved for a builder (:class:`.RenderRollups`).
- :class:`ml_sparkline` is a trend drawn small: an inline SVG in HTML (:mod:`.sparkline`),
  nothing in other builders (the value beside it says it).
- :class:`ml_rows` holds a table's body rows and :class:`ml_inline` a run of inline
  content, as :mod:`.markup`: HTML translators write them (:mod:`.html`); for every other
  builder a post-transform turns them into docutils nodes (:mod:`.expand`).
"""

from __future__ import annotations

from docutils import nodes


class ml_rollup(nodes.General, nodes.Element):
    """Placeholder for a roll-up; ``kind`` and parsed ``options`` as attributes."""


class ml_rows(nodes.General, nodes.Element):
    """The body rows of a roll-up table (inside its ``tbody``): ``rows``, a tuple of
    :class:`.markup.Row`, and the column ``headers`` (HTML labels each cell with its
    header, for the stacked layout of a table too wide for its column)."""


class ml_blocks(nodes.General, nodes.Element):
    """Block content (fallback chains, gap lists) as its docutils children, whose
    paragraphs hold :class:`ml_inline`."""


class ml_inline(nodes.Inline, nodes.Element):
    """A run of inline content (inside a paragraph): ``content``, a tuple of
    :data:`.markup.Markup`."""


class ml_sparkline(nodes.inline):
    """A metric's trend: ``sparkline``, a :class:`..model.observe.shown.Sparkline`. An
    inline without text or classes: every builder that does not draw it writes nothing."""
