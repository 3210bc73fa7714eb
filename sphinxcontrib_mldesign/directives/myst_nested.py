"""MyST ``---`` option blocks: YAML written under a key, read as the option's value or told.

Values are written as in RST (one line, a list comma-separated), but a ``---`` block looks
like YAML, and authors write YAML lists in it::

    tags:
      - serving
      - latency

MyST reads that as the one value ``"- serving - latency"``. Before MyST reads the page,
such a list is rewritten on its key's line as the comma-separated list the option takes
(``tags: 'serving, latency'``); lines keep their numbers. A list under an option of one
value, a nested mapping, and an option indented under another's value (which YAML reads
as part of that value) become placeholders instead: one error at the line (:mod:`.unreadable`).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from typing import Any

import yaml

from .unreadable import INDENTED_MORE, YAML_LIST, YAML_NESTED, placeholder

_KEY_RE = re.compile(r"^(?P<indent>[ ]*)(?P<key>[^\s:#'\"-][^:]*?):(?:[ \t]+(?P<value>.*?))?\s*$")


def quoted(value: str) -> str:
    """The value as a single-quoted YAML scalar, read as written."""
    return "'" + value.replace("'", "''") + "'"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _yaml_value(text: str) -> Any:
    """The value of the one key in ``text``, every scalar as text; None if unreadable."""
    try:
        data = yaml.load(textwrap.dedent(text), Loader=yaml.BaseLoader)
    except (yaml.YAMLError, RecursionError):  # left to MyST, which reports it
        return None
    return next(iter(data.values()), None) if isinstance(data, dict) and len(data) == 1 else None


def read_nested_values(lines: list[str], at: list[int], options: Mapping[str, bool]) -> None:
    """Rewrite the YAML under the keys of the block made of the lines ``at`` (``options``:
    the directive's options, whether each takes a list; empty for one whose every option
    does)."""
    keys = [i for i in at if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    if not keys:
        return
    indent = _indent(lines[keys[0]])
    position = 0
    while position < len(at):
        i = at[position]
        key = _KEY_RE.match(lines[i])
        position += 1
        if key is None or len(key["indent"]) != indent:
            continue
        under = []  # the lines that go on with its value
        while position < len(at):
            line = lines[at[position]]
            item = not key["value"] and _indent(line) == indent and line.lstrip()[:2] in ("- ", "-")
            if line.strip() and _indent(line) <= indent and not item:
                break
            under.append(at[position])
            position += 1
        while under and not lines[under[-1]].strip():
            under.pop()
        _rewrite(lines, i, under, key, options)


def _rewrite(
    lines: list[str], i: int, under: list[int], key: re.Match[str], options: Mapping[str, bool]
) -> None:
    name, head = key["key"], f"{key['indent']}{key['key']}:"
    takes_list = options.get(name, True)  # an unknown option: read, and reported as unknown
    if key["value"]:  # a value on the key's line: a key indented under it is misplaced
        for j in under:
            deeper = _KEY_RE.match(lines[j])
            if deeper and deeper["key"] in options and deeper["value"]:
                _replace(lines, j, INDENTED_MORE, key["indent"])
        return  # a flow list ("[a, b]") is read as text, as in RST: a list option's list
    value = _yaml_value("\n".join(lines[j] for j in [i, *under]))
    if isinstance(value, list) and all(isinstance(entry, str) for entry in value):
        if takes_list:
            lines[i] = f"{head} {quoted(', '.join(value))}"
        else:
            _replace(lines, i, YAML_LIST, key["indent"])
    elif isinstance(value, list | dict):
        _replace(lines, i, YAML_NESTED, key["indent"])
    else:
        return  # text going on over more lines, or what MyST reports itself
    for j in under:
        lines[j] = ""


def _replace(lines: list[str], i: int, prefix: str, indent: str) -> None:
    """Make line ``i`` a placeholder key of the block (reported by the directive)."""
    option, shown = placeholder(prefix, i + 1, lines[i])
    lines[i] = f"{indent}{option}: {quoted(shown)}"
