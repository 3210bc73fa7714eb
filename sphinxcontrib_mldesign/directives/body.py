"""Options written after a blank line: read by docutils and MyST as the item's body.

A blank line ends a directive's options, in RST and in MyST, so in ::

    :target: p99 <= 200 ms

    :metrics: MET-P99

``:metrics:`` is a field list in the body and the item has no metrics; the build would go
on to say it "has no :owner:". A body that starts with lines reading as the item's own
options (``:name: value``, ``name`` one of its options) is one error, at the first of them,
naming the blank line that ended the options. Those options are then not read, but count
as written: no default and no "missing" finding stands in for them. A field list naming no
option of the item (``:Author: Kim``) is body text like any other.
"""

from __future__ import annotations

from collections.abc import Collection

from docutils.parsers.rst import Directive

from ..model.items import Problem
from .lines import content_line, field_name, in_yaml_block, indent_of, is_rst


def options_in_body(
    directive: Directive, known: Collection[str]
) -> tuple[Problem | None, list[str]]:
    """The problem with options written at the start of ``directive``'s body, if any, and
    their names (``known``: the options of the item)."""
    rst = is_rst(directive)
    names: list[str] = []
    first: int | None = None  # the index in the content of the first of them
    indent: int | None = None
    for index, line in enumerate(directive.content):
        name = field_name(line, rst)
        depth = indent_of(line)
        if not line.strip():
            continue
        if name in known and (indent is None or depth == indent):
            indent = depth
            first = index if first is None else first
            names.append(str(name))
        elif not (rst and indent is not None and depth > indent):
            break  # body text; in RST, a deeper line goes on with the value above
    if first is None:
        return None, []
    lineno = content_line(directive, first)
    written = [f"':{name}:'" for name in dict.fromkeys(names)]
    shown = written[0] if len(written) == 1 else f"{', '.join(written[:-1])} and {written[-1]}"
    what = "is read as body text, not as an option" if len(written) == 1 else (
        "are read as body text, not as options"
    )  # fmt: skip
    if in_yaml_block(directive):
        fix = f"it is below the '---' block of options; move it into the block ('{names[0]}: …')"
        if len(written) > 1:
            fix = "they are below the '---' block of options; move them into the block"
    else:
        fix = f"the blank line at line {lineno - 1} ends the options; remove it"
    return Problem(f"{shown} {what}: {fix}", names[0], lineno), names
