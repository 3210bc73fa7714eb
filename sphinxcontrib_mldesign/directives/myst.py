"""MyST pages: option values of our directives read as written, without quotes.

MyST reads a directive's options as YAML, where a value starting with ``>`` or ``|`` opens a
block scalar (``:crit: > 80 ms`` is an error that loses every option of the item) and ``#``
starts a comment (``:crit: # note`` is empty). Conditions start with exactly those
characters, so before MyST parses a page, each such value of one of our directives is
quoted, in both option syntaxes (``:key: value`` lines and a ``---`` block). Lines keep
their numbers; values already quoted, other directives and code blocks are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from sphinx.application import Sphinx

from ..model.items import ITEM_TYPES

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


def quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def quote_option_values(text: str, directives: Iterable[str]) -> str:
    """The page with every value that needs it quoted in the options of ``directives``."""
    ours = set(directives)
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
            _quote_options(lines, index)
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


def _quote_options(lines: list[str], index: int) -> None:
    """Quote the option values of the directive whose first body line is ``index``."""
    if index < len(lines) and lines[index].strip() == "---":
        pattern, index = _YAML_RE, index + 1
        block = True
    else:
        pattern, block = _FIELD_RE, False
    while index < len(lines):
        line = lines[index]
        if block and line.strip() == "---":
            return
        match = pattern.match(line)
        if match is None:
            if block:
                index += 1
                continue  # a comment or a continuation line: left to MyST
            return
        if needs_quotes(match["value"]):
            lines[index] = match["head"] + quoted(match["value"])
        index += 1


def quote_myst_options(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: quote the option values of our item directives in a MyST page."""
    suffix = Path(app.env.doc2path(docname)).suffix
    if app.config.source_suffix.get(suffix) != "markdown":
        return
    short_names = app.config.mldesign_short_names
    names = [
        name
        for item_type in ITEM_TYPES.values()
        for name in item_type.directive_names
        if short_names or name == item_type.name
    ]
    source[0] = quote_option_values(source[0], names)
