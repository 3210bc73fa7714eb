"""RST pages: an options block with a line docutils cannot read still gives its item.

docutils refuses a whole directive ("invalid option block", "duplicate option") for one
bad line, so the item would vanish and every reference to it would fail too. Before the
page is parsed, each such line of one of our directives becomes a placeholder option
(:mod:`.unreadable`); lines keep their numbers, and literal blocks and code are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from docutils.parsers.rst.states import Body
from sphinx.application import Sphinx

from .unreadable import REPEATED, UNREADABLE, our_directives, parser_of, placeholder

_DIRECTIVE_RE = re.compile(r"^(?P<indent>[ ]*)\.\.[ ]+(?P<name>[\w:.+-]+)[ ]?::(?:[ ]|$)")
# docutils' own pattern for the start of a field ``:name: value``.
_FIELD_RE = re.compile(Body.patterns["field_marker"])
_ROLE_RE = re.compile(r":[\w:.+-]+:`")
#: Directives whose content is not RST: nothing inside them is ours to read.
_VERBATIM = {"code-block", "code", "sourcecode", "literalinclude", "raw", "math",
             "parsed-literal", "highlight", "csv-table", "graphviz", "digraph", "graph",
             "mermaid", "productionlist", "doctest", "testcode", "testoutput"}  # fmt: skip


def _indent(line: str) -> int:
    """The line's indent as docutils sees it (tabs to every 8th column)."""
    expanded = line.expandtabs(8)
    return len(expanded) - len(expanded.lstrip(" "))


def repair_option_blocks(text: str, directives: Iterable[str]) -> str:
    """The page with each unreadable line in our directives' options made a placeholder."""
    ours = set(directives)
    lines = text.split("\n")
    literal_above: int | None = None  # the indent of an open literal block's opener
    for index, line in enumerate(lines):
        if literal_above is not None:
            if not line.strip() or _indent(line) > literal_above:
                continue
            literal_above = None
        directive = _DIRECTIVE_RE.match(line)
        if directive and directive["name"] in ours:
            _repair_block(lines, index + 1, _indent(line))
        elif (directive and directive["name"] in _VERBATIM) or (
            line.rstrip().endswith("::") and not directive
        ):
            literal_above = _indent(line)
    return "\n".join(lines)


def _repair_block(lines: list[str], index: int, directive_indent: int) -> None:
    """Check the options block of the directive whose second line is ``index``."""
    # The title may go on over more lines before the options.
    while index < len(lines) and lines[index].strip() and not _starts_option(lines[index]):
        index += 1
    if index >= len(lines) or not lines[index].strip():
        return
    field_indent = _indent(lines[index])
    if field_indent <= directive_indent:
        return
    seen: set[str] = set()
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        if _indent(line) > field_indent:  # a value going on over more lines
            index += 1
            continue
        # As docutils reads it: tabs expanded, one word between the colons.
        expanded = line.expandtabs(8).lstrip()
        field = _FIELD_RE.match(expanded) if _indent(line) == field_indent else None
        name = field.group(0).strip()[1:-1].lower() if field else None
        if name is None or name in seen or len(name.split()) != 1:
            prefix = REPEATED if name in seen else UNREADABLE
            key, shown = placeholder(prefix, index + 1, line)
            lines[index] = f"{' ' * field_indent}:{key}: {shown}"
        else:
            seen.add(name)
        index += 1


def _starts_option(line: str) -> bool:
    """Whether the line is meant as an option (a title may go on with a role)."""
    stripped = line.lstrip()
    return stripped.startswith(":") and not _ROLE_RE.match(stripped)


def repair_rst_options(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: placeholders for unreadable option lines in an RST page."""
    if parser_of(app, app.env.doc2path(docname)) == "restructuredtext":
        source[0] = repair_option_blocks(source[0], our_directives(app))


def repair_included_options(
    app: Sphinx, relative_path: Path, parent_docname: str, source: list[str]
) -> None:
    """``include-read``: the same for a file an RST page includes."""
    if parser_of(app, app.env.doc2path(parent_docname)) == "restructuredtext":
        source[0] = repair_option_blocks(source[0], our_directives(app))
