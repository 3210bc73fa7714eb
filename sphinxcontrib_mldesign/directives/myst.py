"""MyST pages: option values of our directives read as written, without quotes.

MyST reads a directive's options as YAML, where a value starting with ``>`` or ``|`` opens a
block scalar (``:crit: > 80 ms`` is an error that loses every option of the item) and ``#``
starts a comment (``:crit: # note`` is empty). Conditions start with exactly those
characters, so before MyST parses a page, each such value of one of our directives is
quoted, in both option syntaxes (``:key: value`` lines and a ``---`` block). Lines keep
their numbers; values already quoted, other directives and code blocks are left alone.

In a ``---`` block, a key's value that is only ``|`` or ``>`` (a block scalar: text
written over the lines under it) is left to MyST, which reads it as YAML does; YAML
written under a key is read by :mod:`.myst_nested`.

A line MyST still cannot read (``:kind system``, a tab, a list item) would cost the item
every option, its ID included. Such a line is replaced by a placeholder option that
carries the line's text and number, so the rest of the block is read and the directive
reports the line itself (:mod:`.unreadable`).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping

from sphinx.application import Sphinx

from .lines import MYST_FIELD_RE, YAML_KEY_RE, indent_of, is_option_line
from .myst_nested import nested_values, opens_block_scalar
from .unreadable import (
    REPEATED,
    UNREADABLE,
    DirectiveOptions,
    our_directives,
    parser_of,
    placeholder,
)

_FENCE_RE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>\S*)")
_DIRECTIVE_RE = re.compile(r"^\{(?P<name>[^}\s]+)\}")
#: Directives whose content is not Markdown: nothing inside them is ours to read.
_VERBATIM = {"code-block", "code", "code-cell", "sourcecode", "literalinclude", "eval-rst",
             "eval-md", "raw", "math", "csv-table", "mermaid", "graphviz", "digraph"}  # fmt: skip


def needs_quotes(value: str) -> bool:
    """Whether YAML would read the value as something else than its text."""
    if value[0] in "'\"":
        return not (len(value) > 1 and value[-1] == value[0])
    return value[0] in ">|#" or " #" in value or "\t#" in value


def quoted(value: str) -> str:
    """The value as a single-quoted YAML scalar, read as written."""
    return "'" + value.replace("'", "''") + "'"


def _is_quoted(value: str) -> bool:
    return len(value) > 1 and value[0] == value[-1] and value[0] in "'\""


def quote_option_values(text: str, ours: Mapping[str, DirectiveOptions]) -> str:
    """The page with every value that needs it quoted in the options of ``ours`` (our
    directives, by name)."""
    lines = text.split("\n")
    closing: list[tuple[str, int]] = []  # fences open around the current line
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE_RE.match(line)
        index += 1
        if fence is None:
            continue
        char, length = fence["fence"][0], len(fence["fence"])
        if closing and closing[-1][0] == char and length >= closing[-1][1] and not fence["info"]:
            closing.pop()
            continue
        directive = _DIRECTIVE_RE.match(fence["info"])
        if directive is None or directive["name"] in _VERBATIM:
            index = _skip_verbatim(lines, index, char, length)
            continue
        closing.append((char, length))
        if directive["name"] in ours:
            _quote_options(lines, index, ours[directive["name"]])
    return "\n".join(lines)


def _skip_verbatim(lines: list[str], index: int, char: str, length: int) -> int:
    """The index after the fence that closes a code block opened just before ``index``."""
    for at in range(index, len(lines)):
        fence = _FENCE_RE.match(lines[at])
        if (
            fence
            and fence["fence"][0] == char
            and len(fence["fence"]) >= length
            and not fence["info"]
        ):
            return at + 1
    return len(lines)


def _quote_options(lines: list[str], index: int, options: DirectiveOptions) -> None:
    """Quote the option values of the directive whose first body line is ``index``, read
    YAML written under keys, and replace the lines MyST could not read."""
    block = index < len(lines) and lines[index].strip() == "---"
    start = index = index + 1 if block else index
    indent: int | None = None  # of the keys of a --- block
    seen: set[str] = set()
    while index < len(lines):
        line = lines[index]
        if block and line.strip() == "---":
            break
        match = (YAML_KEY_RE if block else MYST_FIELD_RE).match(line)
        if block and indent is None and line.strip() and not line.lstrip().startswith("#"):
            indent = indent_of(line)
        if block and (match is None or indent_of(line) != indent):
            index += 1
            continue  # a comment, or a line under a key: read with it (below) or by MyST
        if match is None:
            if not is_option_line(line):
                break
        elif match["key"] in seen:
            # MyST would keep the last; RST refuses the directive. The first is read.
            lines[index] = _option_line(placeholder(REPEATED, index + 1, line), indent)
        else:
            seen.add(match["key"])
            value = match["value"]
            if value and needs_quotes(value) and not (block and opens_block_scalar(value)):
                lines[index] = match["head"] + quoted(value)
        index += 1
    at = list(range(start, index))
    if block:
        for i, edit in nested_values(lines, at, options).items():
            lines[i] = "" if edit is None else _option_line(edit, indent)
    _replace_unreadable(lines, at, yaml=block)


def _option_line(option: tuple[str, str], yaml_indent: int | None) -> str:
    """The line of an option (name, value), its value read as written: a key of a ``---``
    block indented by ``yaml_indent``, or (None) a ``:name: value`` line."""
    name, value = option
    if yaml_indent is None:
        return f":{name}: {quoted(value)}"
    return f"{' ' * yaml_indent}{name}: {quoted(value)}"


def _block_text(lines: list[str], at: list[int], yaml: bool) -> str:
    if yaml:
        return textwrap.dedent("\n".join(lines[i] for i in at))
    return "\n".join(lines[i].lstrip()[1:] for i in at)


def _error_line(text: str) -> int | None:
    """The 0-based line at which MyST fails to read an options block; None if it reads."""
    from myst_parser.parsers import options

    # MyST-Parser's own reader of options blocks: options_to_tokens from 5.0, before it
    # options_to_items; both raise TokenizeError where they stop.
    read = getattr(options, "options_to_tokens", None) or options.options_to_items
    try:
        read(text)
    except options.TokenizeError as err:
        return int(err.problem_mark.line)
    return None


def _groups(lines: list[str], at: list[int], yaml: bool) -> list[list[int]]:
    """The block's options, each as its lines: a key line and, in YAML, the more indented
    or blank lines that go on with its value."""
    groups: list[list[int]] = []
    indent = min((indent_of(lines[i]) for i in at if lines[i].strip()), default=0)
    for i in at:
        leading = lines[i][: indent_of(lines[i])]
        # A tab never continues a value: YAML refuses it, so it is a line of its own.
        continues = yaml and (
            not lines[i].strip() or (indent_of(lines[i]) > indent and "\t" not in leading)
        )
        if groups and continues:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _replace_unreadable(lines: list[str], at: list[int], yaml: bool) -> None:
    """Replace each option MyST cannot read by a placeholder (see the module docstring):
    those it cannot read alone, then any it can read alone but not with the others."""
    if not at or _error_line(_block_text(lines, at, yaml)) is None:
        return
    groups = _groups(lines, at, yaml)
    indent = min((indent_of(lines[i]) for i in at if lines[i].strip()), default=0)

    def replace(group: list[int]) -> None:
        option = placeholder(UNREADABLE, group[0] + 1, lines[group[0]])
        lines[group[0]] = _option_line(option, indent if yaml else None)
        for i in group[1:]:
            lines[i] = ""

    for group in groups:
        if _error_line(_block_text(lines, group, yaml)) is None:
            continue
        # A value YAML reads otherwise than as text (a tab, an odd quote): quoted, it is
        # read as written; anything else cannot be read.
        written = lines[group[0]]
        match = (YAML_KEY_RE if yaml else MYST_FIELD_RE).match(written)
        if match and match["value"] and len(group) == 1 and not _is_quoted(match["value"]):
            lines[group[0]] = match["head"] + quoted(match["value"])
            if _error_line(_block_text(lines, group, yaml)) is None:
                continue
            lines[group[0]] = written  # the placeholder shows what the author wrote
        replace(group)
    for _ in groups:
        failed = _error_line(_block_text(lines, at, yaml))
        if failed is None:
            return
        line = at[min(failed, len(at) - 1)]
        replace(next(group for group in groups if line in group))


def quote_myst_options(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: quote the option values of our directives in a MyST page."""
    if parser_of(app, app.env.doc2path(docname)) == "markdown":
        source[0] = quote_option_values(source[0], our_directives(app))
