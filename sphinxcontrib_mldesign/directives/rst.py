"""RST pages: an options block with a line docutils cannot read still gives its item.

docutils refuses a whole directive ("invalid option block", "duplicate option") for one
bad line, so the item would vanish and every reference to it would fail too. Before the
page is parsed, each such line of one of our directives becomes a placeholder option
(:mod:`.unreadable`); lines keep their numbers, and literal blocks and code are left alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from sphinx.application import Sphinx

from .lines import field_name, indent_of
from .unreadable import (
    INDENTED_LESS,
    INDENTED_MORE,
    INDENTED_TITLE,
    REPEATED,
    UNREADABLE,
    DirectiveOptions,
    our_directives,
    parser_of,
    placeholder,
)

_DIRECTIVE_RE = re.compile(r"^(?P<indent>[ ]*)\.\.[ ]+(?P<name>[\w:.+-]+)[ ]?::(?:[ ]|$)")
_ROLE_RE = re.compile(r":[\w:.+-]+:`")
# docutils reads a form feed or vertical tab as a space, then splits lines wherever
# str.splitlines does (at U+2028 too): the page is read here as docutils reads it.
_LINE_END_RE = re.compile("(\r\n|[\n\r\x1c-\x1e\x85\u2028\u2029])")
_AS_SPACE_RE = re.compile("[\v\f]")
#: Directives whose content is not RST: nothing inside them is ours to read.
_VERBATIM = {"code-block", "code", "sourcecode", "literalinclude", "raw", "math",
             "parsed-literal", "highlight", "csv-table", "graphviz", "digraph", "graph",
             "mermaid", "productionlist", "doctest", "testcode", "testoutput"}  # fmt: skip


def _indent(line: str) -> int:
    """The line's indent as docutils sees it (tabs to every 8th column)."""
    return indent_of(line.expandtabs(8))


def repair_option_blocks(text: str, ours: Mapping[str, DirectiveOptions]) -> str:
    """The page with each unreadable line in the options of ``ours`` (our directives, by
    name) made a placeholder."""
    parts = _LINE_END_RE.split(text)
    written, ends = parts[0::2], parts[1::2]
    lines = [_AS_SPACE_RE.sub(" ", line) for line in written]
    literal_above: int | None = None  # the indent of an open literal block's opener
    for index, line in enumerate(lines):
        if literal_above is not None:
            if not line.strip() or _indent(line) > literal_above:
                continue
            literal_above = None
        directive = _DIRECTIVE_RE.match(line)
        if directive and directive["name"] in ours:
            _repair_block(lines, written, index + 1, _indent(line), ours[directive["name"]].names)
        elif (directive and directive["name"] in _VERBATIM) or (
            line.rstrip().endswith("::") and not directive
        ):
            literal_above = _indent(line)
    return "".join(line + end for line, end in zip(written, [*ends, ""], strict=True))


def _repair_block(
    lines: list[str], written: list[str], index: int, directive_indent: int, known: frozenset[str]
) -> None:
    """Check the options block of the directive whose second line is ``index`` (``lines``:
    the page as docutils reads it; a placeholder replaces the line as ``written``, and
    shows it; ``known``: the options' names)."""
    # The title may go on over more lines before the options.
    while index < len(lines) and lines[index].strip() and not _starts_option(lines[index]):
        index += 1
    if index >= len(lines) or not lines[index].strip():
        return
    end = next((at for at in range(index, len(lines)) if not lines[at].strip()), len(lines))
    # The options' indent is the one most of them share: where one option is indented
    # otherwise, that one is told so (docutils goes by the smallest, and reads the deeper
    # lines as the value above or the title, or refuses the block). On a tie, docutils'.
    depths = Counter(_indent(line) for line in lines[index:end] if field_name(line, True) in known)
    field_indent = _indent(lines[index])
    if depths:
        most = max(depths.values())
        shared = [depth for depth, count in depths.items() if count == most]
        field_indent = min([depth for depth in shared if depth > directive_indent] or shared)
    if field_indent <= directive_indent:
        return
    seen: set[str] = set()
    for at in range(index, end):
        line = lines[at]
        name = field_name(line, True)
        depth = _indent(line)
        if depth > field_indent and name not in known:  # a value going on over more lines
            continue
        prefix = None
        if depth != field_indent:
            prefix = INDENTED_MORE if depth > field_indent else INDENTED_LESS
            if at == index and depth > field_indent:  # no option above: it goes on the title
                prefix = INDENTED_TITLE
            if name not in known:
                prefix = UNREADABLE
        elif name is None or name in seen:
            prefix = REPEATED if name in seen else UNREADABLE
        if prefix is None and name is not None:
            seen.add(name)
        elif prefix is not None:
            key, shown = placeholder(prefix, at + 1, written[at])
            written[at] = f"{' ' * field_indent}:{key}: {shown}"


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
