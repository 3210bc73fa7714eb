"""Where each option of a directive was written, so a problem with it is reported there.

Neither docutils nor MyST tells a directive the line of each option, but both give it the
directive's text (``block_text``) and the line it starts on, and both keep one source line
per line of that text. So the options block is found in the text again: ``:name: value``
lines (RST, MyST) or a ``---``-delimited YAML block (MyST).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from docutils.parsers.rst import Directive
from docutils.parsers.rst.states import Body

from ..model.items import Problem

# docutils' own pattern for the start of a field ``:name: value``.
_RST_FIELD_RE = re.compile(Body.patterns["field_marker"])
MYST_FIELD_RE = re.compile(
    r"^(?P<head>(?P<indent>\s*):(?P<key>[^:\s][^:]*?):(?:[ \t]+|$))(?P<value>.*?)\s*$"
)
"""A ``:key: value`` line of MyST (``head``: up to the value, which may be empty)."""
YAML_KEY_RE = re.compile(
    r"^(?P<head>(?P<indent>[ ]*)(?P<key>[^\s:#'\"-][^:]*?)[ \t]*:(?:[ \t]+|$))(?P<value>.*?)\s*$"
)
"""A ``key: value`` line of a ``---`` block (``indent``: spaces, as YAML indents)."""
_FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*\{")


def indent_of(line: str) -> int:
    """How many blanks the line starts with."""
    return len(line) - len(line.lstrip())


def field_name(line: str, rst: bool) -> str | None:
    """The option name of a ``:name: value`` line as the parser reads it, None for any
    other line. docutils expands tabs and takes one word between the colons, in lower
    case; MyST takes the name as written."""
    if not rst:
        field = MYST_FIELD_RE.match(line)
        return field["key"] if field else None
    marker = _RST_FIELD_RE.match(line.expandtabs(8).lstrip())
    name = marker.group(0).strip()[1:-1].lower() if marker else None
    return name if name is not None and len(name.split()) == 1 else None


def is_option_line(line: str) -> bool:
    """Whether the line is meant as a ``:name: value`` line (three colons open a MyST
    fence), read or not."""
    stripped = line.lstrip()
    return stripped.startswith(":") and not stripped.startswith(":::")


def is_rst(directive: Directive) -> bool:
    """Whether the directive is written in RST (its text starts with ``..``)."""
    return directive.block_text.lstrip().startswith("..")


def option_lines(directive: Directive) -> dict[str, int]:
    """The source line of each option in ``directive``'s options block."""
    text = _directive_text(directive)
    if not text:
        return {}
    is_rst = text[0].lstrip().startswith("..")
    offset = directive.lineno  # the source line of text[0]
    written = _options_in(text, 1, is_rst)
    # The parsers keep the options in the order written, one each: so the n-th option is
    # the n-th line found, even where docutils reads a name otherwise (``:a_:`` is "a").
    names = list(directive.options)
    if len(names) != len(written):
        names = [name.lower() if is_rst else name for _, name in written]
    return {
        name: _source_line(directive, offset + index)
        for name, (index, _) in zip(names, written, strict=True)
    }


def in_yaml_block(directive: Directive) -> bool:
    """Whether the directive's options are written as a ``---`` block (MyST)."""
    text = _directive_text(directive)
    return not is_rst(directive) and len(text) > 1 and text[1].strip() == "---"


def content_line(directive: Directive, index: int) -> int:
    """The source line of the ``index``-th line of the directive's content (body)."""
    if is_rst(directive):  # docutils keeps each content line's own file and line
        _, offset = directive.content.info(index)
        return (offset or 0) + 1
    # MyST's content offset has meant different things across its versions: the body is
    # found in the directive's text again, below its options.
    text = _directive_text(directive)
    written = _options_in(text, 1, is_rst=False)
    start = written[-1][0] + 1 if written else 1
    first = directive.content[0].strip()
    at = next((at for at in range(start, len(text)) if text[at].strip() == first), start)
    return _source_line(directive, directive.lineno + at + index)


def _directive_text(directive: Directive) -> list[str]:
    """The directive's text from its first line: what docutils and MyST 5 give it; MyST
    before 5 gives the body without the options, so then they are read from the page."""
    text = directive.block_text.splitlines()
    if text and (text[0].lstrip().startswith("..") or _FENCE_RE.match(text[0])):
        return text
    env = directive.state.document.settings.env
    pages: dict[str, list[str]] = env.temp_data.setdefault("mldesign_page_lines", {})
    if env.docname not in pages:
        try:
            page = Path(env.doc2path(env.docname)).read_text(encoding="utf-8")
        except OSError:
            page = ""
        pages[env.docname] = page.splitlines()
    return pages[env.docname][directive.lineno - 1 :]


def _options_in(text: list[str], first: int, is_rst: bool) -> list[tuple[int, str]]:
    """(index in ``text``, option name) for each option of the block starting at ``first``."""
    index = first
    if is_rst:  # the title may go on over more lines before the options
        while index < len(text) and text[index].strip() and field_name(text[index], True) is None:
            index += 1
    if index < len(text) and text[index].strip() == "---":
        return _yaml_keys(text, index + 1)
    found: list[tuple[int, str]] = []
    indent: int | None = None
    for at in range(index, len(text)):
        line = text[at]
        stripped = line.lstrip()
        if indent is None:
            indent = indent_of(line)
        if is_option_line(line):
            if is_rst and indent_of(line) > indent:
                continue  # an RST value going on over more lines
            name = field_name(line, is_rst)
            found.append((at, stripped if name is None else name))
        elif not (is_rst and stripped and line[:1].isspace()):
            break  # the block ends (an RST value may go on over indented lines)
    return found


def _yaml_keys(text: list[str], start: int) -> list[tuple[int, str]]:
    keys: list[tuple[int, str]] = []
    indent: str | None = None
    for at in range(start, len(text)):
        if text[at].strip() == "---":
            break
        line = text[at]
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if indent is None:
            indent = line[: indent_of(line)]
        if line[: indent_of(line)] == indent:  # a key, not a nested value
            key = YAML_KEY_RE.match(line)
            keys.append((at, key["key"] if key else stripped))
    return keys


def _source_line(directive: Directive, line: int) -> int:
    """The line in its own file (an included file's, for RST) of the text's ``line``."""
    _, lineno = directive.state_machine.get_source_and_line(line)
    return int(lineno) if lineno else line


def at_option_line(problem: Problem, lines: dict[str, int]) -> Problem:
    """The problem placed at its option's line, when it is about one written in the block."""
    if problem.lineno is not None or problem.option not in lines:
        return problem
    return replace(problem, lineno=lines[problem.option])
