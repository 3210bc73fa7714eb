"""MyST pages: option values of our directives read as written, without quotes.

MyST reads a directive's options as YAML, where a value starting with ``>`` or ``|`` opens a
block scalar (``:crit: > 80 ms`` is an error that loses every option of the item) and ``#``
starts a comment (``:crit: # note`` is empty). Conditions start with exactly those
characters, so before MyST parses a page, each such value of one of our directives is
quoted, in both option syntaxes (``:key: value`` lines and a ``---`` block). Lines keep
their numbers; values already quoted, other directives and code blocks are left alone.

A line MyST still cannot read (``:kind system``, a tab, a list item) would cost the item
every option, its ID included. Such a line is replaced by a placeholder option that
carries the line's text and number, so the rest of the block is read and the directive
reports the line itself (:mod:`.unreadable`).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping

from sphinx.application import Sphinx

from .myst_nested import quoted, read_nested_values
from .unreadable import REPEATED, UNREADABLE, our_directives, parser_of, placeholder

_FENCE_RE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>\S*)")
_DIRECTIVE_RE = re.compile(r"^\{(?P<name>[^}\s]+)\}")
_FIELD_RE = re.compile(r"^(?P<head>\s*:(?P<key>[^:\s][^:]*):[ \t]+)(?P<value>\S.*?)\s*$")
_YAML_RE = re.compile(r"^(?P<head>(?P<key>[^:\s#'\"][^:]*):[ \t]+)(?P<value>\S.*?)\s*$")
#: Directives whose content is not Markdown: nothing inside them is ours to read.
_VERBATIM = {"code-block", "code", "code-cell", "sourcecode", "literalinclude", "eval-rst",
             "eval-md", "raw", "math", "csv-table", "mermaid", "graphviz", "digraph"}  # fmt: skip


def needs_quotes(value: str) -> bool:
    """Whether YAML would read the value as something else than its text."""
    if value[0] in "'\"":
        return not (len(value) > 1 and value[-1] == value[0])
    return value[0] in ">|#" or " #" in value or "\t#" in value


def _is_quoted(value: str) -> bool:
    return len(value) > 1 and value[0] == value[-1] and value[0] in "'\""


def quote_option_values(
    text: str, directives: Mapping[str, Mapping[str, bool]] | Iterable[str]
) -> str:
    """The page with every value that needs it quoted in the options of ``directives``
    (their names, or each with its options, see ``our_directives``)."""
    ours = directives if isinstance(directives, Mapping) else {name: {} for name in directives}
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


def _quote_options(lines: list[str], index: int, options: Mapping[str, bool]) -> None:
    """Quote the option values of the directive whose first body line is ``index``, read
    YAML lists as lists, and replace the lines MyST could not read (``options``: the
    directive's, whether each takes a list)."""
    start = index
    if index < len(lines) and lines[index].strip() == "---":
        pattern, index = _YAML_RE, index + 1
        block = True
    else:
        pattern, block = _FIELD_RE, False
    seen: set[str] = set()
    while index < len(lines):
        line = lines[index]
        if block and line.strip() == "---":
            break
        match = pattern.match(line)
        if match is None:
            if block:
                index += 1
                continue  # a comment or a continuation line: left to MyST
            if not _is_option_line(line):
                break
        elif match["key"] in seen and not (block and line[:1].isspace()):
            # MyST would keep the last; RST refuses the directive. The first is read.
            name, text = placeholder(REPEATED, index + 1, line)
            head = f"{line[: len(line) - len(line.lstrip())]}{name}" if block else f":{name}"
            lines[index] = f"{head}: {quoted(text)}"
        else:
            seen.add(match["key"])
            if needs_quotes(match["value"]):
                lines[index] = match["head"] + quoted(match["value"])
        index += 1
    if block:
        read_nested_values(lines, list(range(start + 1, index)), options)
        _replace_unreadable(lines, list(range(start + 1, index)), yaml=True)
    else:
        _replace_unreadable(lines, list(range(start, index)), yaml=False)


def _is_option_line(line: str) -> bool:
    """What MyST reads as a ``:key: value`` line (three colons open a nested fence)."""
    stripped = line.lstrip()
    return stripped.startswith(":") and not stripped.startswith(":::")


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


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _groups(lines: list[str], at: list[int], yaml: bool) -> list[list[int]]:
    """The block's options, each as its lines: a key line and, in YAML, the more indented
    or blank lines that go on with its value."""
    groups: list[list[int]] = []
    indent = min((_indent(lines[i]) for i in at if lines[i].strip()), default=0)
    for i in at:
        leading = lines[i][: _indent(lines[i])]
        # A tab never continues a value: YAML refuses it, so it is a line of its own.
        continues = yaml and (
            not lines[i].strip() or (_indent(lines[i]) > indent and "\t" not in leading)
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
    indent = " " * min((_indent(lines[i]) for i in at if lines[i].strip()), default=0)

    def replace(group: list[int]) -> None:
        name, text = placeholder(UNREADABLE, group[0] + 1, lines[group[0]])
        shown = quoted(text)
        lines[group[0]] = f"{indent}{name}: {shown}" if yaml else f":{name}: {shown}"
        for i in group[1:]:
            lines[i] = ""

    for group in groups:
        if _error_line(_block_text(lines, group, yaml)) is None:
            continue
        # A value YAML reads otherwise than as text (a tab, an odd quote): quoted, it is
        # read as written; anything else cannot be read.
        match = (_YAML_RE if yaml else _FIELD_RE).match(lines[group[0]])
        if match and len(group) == 1 and not _is_quoted(match["value"]):
            lines[group[0]] = match["head"] + quoted(match["value"])
            if _error_line(_block_text(lines, group, yaml)) is None:
                continue
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
