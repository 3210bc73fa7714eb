"""A roll-up table too wide for plain text, as a list: one entry per row, one line per
column, each line at most :data:`TEXT_WIDTH` columns and broken only between words or
IDs, so no ID and no bold span is ever cut."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from docutils import nodes

from .markup import Element, Markup, Row, text_of, to_nodes

#: The widest line of a roll-up in the text builder's output.
TEXT_WIDTH = 100
_LINE = TEXT_WIDTH - 6  # the list's bullet and the line block's indent
#: What the text writer adds around an element's text: quotes (IDs), asterisks (bold).
_MARKS = {"ml_id": 2, "strong": 4}


def shown_length(content: Iterable[Markup]) -> int:
    """How many columns the markup takes in plain text."""
    total = 0
    for part in content:
        total += len(part) if isinstance(part, str) else _element_length(part)
    return total


def _element_length(element: Element) -> int:
    return _MARKS.get(element.tag, 0) + shown_length(element.children)


def stacked(headers: Sequence[str], rows: Sequence[Row]) -> nodes.bullet_list:
    """Each row as a list entry: its ID and title first, then ``Header: value`` lines."""
    entries = []
    for row in rows:
        cells = [cell.content for cell in row.cells]
        if len(cells) > 1 and headers[:1] == ("ID",):
            lines = _fold([*cells[0], " — ", *cells[1]])
            rest = range(2, len(cells))
        else:
            lines, rest = [], range(len(cells))
        for column in rest:
            if text_of(cells[column]) != "·":  # an empty cell of the risk matrix
                lines += _fold([f"{headers[column]}: ", *cells[column]])
        block = nodes.line_block(
            "", *(nodes.line("", "", *(to_nodes(part) for part in line)) for line in lines)
        )
        entries.append(nodes.list_item("", block))
    return nodes.bullet_list("", *entries, bullet="-")


def _atoms(content: Iterable[Markup]) -> list[Markup]:
    """Text as words and spaces; an element (an ID, a link, a bold span) as one piece."""
    atoms: list[Markup] = []
    for part in content:
        if isinstance(part, str):
            atoms += [word for word in re.split(r"( +)", part) if word]
        elif part.tag == "inline" and text_of(part).strip() == ",":  # a list's separator
            atoms.append(text_of(part))
        else:
            atoms.append(part)
    return atoms


def folded(content: Iterable[Markup], width: int = _LINE - 8) -> nodes.line_block:
    """A paragraph of a roll-up's blocks (chains, gap lists) as lines the text writer will
    not re-wrap (it would break an ID at a hyphen); room is left for list indents."""
    return nodes.line_block(
        "", *(nodes.line("", "", *map(to_nodes, line)) for line in _fold(content, width))
    )


def _fold(content: Iterable[Markup], width: int = _LINE) -> list[list[Markup]]:
    """Lines of at most ``width`` columns, broken at spaces only."""
    lines: list[list[Markup]] = [[]]
    used = 0
    for atom in _atoms(content):
        length = shown_length([atom])
        if isinstance(atom, str) and not atom.strip():
            if used and used + length <= width:
                lines[-1].append(atom)
                used += length
            continue
        if used and used + length > width:
            while lines[-1] and isinstance(lines[-1][-1], str) and not lines[-1][-1].strip():
                lines[-1].pop()  # no trailing space
            lines.append([])
            used = 0
        lines[-1].append(atom)
        used += length
    return lines
