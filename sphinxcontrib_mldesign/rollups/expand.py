"""For every builder but HTML: the roll-up nodes as plain docutils nodes, which text,
LaTeX, man, texinfo and XML writers already know how to write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..state import build_state
from .markup import Element, Row, entry, to_nodes
from .rollup_nodes import ml_blocks, ml_inline, ml_rows
from .stacked import TEXT_WIDTH, folded, shown_length, stacked

#: A table group whose column widths follow its content (text and LaTeX read them).
NATURAL_WIDTHS = "ml_natural_widths"


class ExpandRollupMarkup(SphinxPostTransform):
    """Replace :class:`ml_rows`, :class:`ml_blocks` and :class:`ml_inline` by docutils
    nodes, right after the roll-ups are rendered (:class:`.RenderRollups`, priority 100)."""

    default_priority = 101

    def run(self, **kwargs: Any) -> None:
        found = self.document.next_node(
            lambda node: isinstance(node, (ml_rows, ml_blocks, ml_inline))
        )
        if found is None or not self.expands():
            return
        text = build_state(self.env).builder.format == "text"
        for rows in list(self.document.findall(ml_rows)):
            group = rows.parent.parent  # tbody, tgroup
            # Plain text always measures: its widths are characters, and IDs must fit.
            if group.get(NATURAL_WIDTHS) or text:
                widths = _set_natural_widths(group, rows["rows"])
                if text and sum(widths) + 3 * len(widths) + 1 > TEXT_WIDTH:
                    table = group.parent
                    table.replace_self(stacked(rows.get("headers") or (), rows["rows"]))
                    continue
            rows.replace_self([_row(row) for row in rows["rows"]])
        for blocks in list(self.document.findall(ml_blocks)):
            if text:
                for paragraph in list(blocks.findall(nodes.paragraph)):
                    inline = paragraph.next_node(ml_inline)
                    if inline is not None:
                        paragraph.replace_self(folded(inline["content"]))
            blocks.replace_self(blocks.children)
        for inline in list(self.document.findall(ml_inline)):
            inline.replace_self([to_nodes(part) for part in inline["content"]])

    def expands(self) -> bool:
        """HTML translators write these nodes themselves (see :mod:`.html`)."""
        return build_state(self.env).builder.format != "html"


def _row(row: Row) -> nodes.row:
    return nodes.row("", *map(entry, row.cells), classes=list(row.classes))


def _set_natural_widths(group: nodes.Element, rows: Sequence[Row]) -> list[int]:
    """Column widths from the text they hold: the text builder uses them as characters,
    LaTeX as proportions. Prose is clamped so one long title does not squeeze the rest; a
    cell of IDs or bold text is not, since the text writer would break it at a hyphen."""
    colspecs = [child for child in group.children if isinstance(child, nodes.colspec)]
    head = group.next_node(nodes.thead)
    headers = [entry.astext() for entry in head.findall(nodes.entry)] if head else []
    widths = [max(6, len(header)) for header in headers] or [6] * len(colspecs)
    for row in rows:
        for column, cell in enumerate(row.cells):
            length = shown_length(cell.content) + 2  # padding
            whole = any(isinstance(part, Element) for part in cell.content)
            widths[column] = max(widths[column], length if whole else min(length, 36))
    for colspec, width in zip(colspecs, widths, strict=True):
        colspec["colwidth"] = width
    return widths
