"""MyST ``---`` option blocks: YAML written under a key, read as the option's value or told.

Values are written as in RST (one line, a list comma-separated), but a ``---`` block looks
like YAML, and authors write YAML lists in it::

    tags:
      - serving
      - latency

MyST reads that as the one value ``"- serving - latency"``. Before MyST reads the page,
such a list is rewritten on its key's line as the comma-separated list the option takes
(``tags: 'serving, latency'``); lines keep their numbers. An entry that list could not
hold (``- "a, b"``, an empty ``-``), a list under an option of one value, a nested
mapping, and an option indented under another's value (which YAML reads as part of that
value) become placeholders instead: one error at the line (:mod:`.unreadable`). A block
scalar (``rationale: >`` and the lines under it) is text written over lines, which MyST
reads itself.
"""

from __future__ import annotations

import re
import textwrap

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .lines import YAML_KEY_RE, indent_of
from .unreadable import (
    INDENTED_MORE,
    YAML_COMMA_ENTRY,
    YAML_EMPTY_ENTRY,
    YAML_LIST,
    YAML_NESTED,
    DirectiveOptions,
    placeholder,
)

_BLOCK_SCALAR_RE = re.compile(r"^[|>][-+0-9]*$")

Edits = dict[int, tuple[str, str] | None]
"""Lines to rewrite, by index: each as a key of the block and its value, or blanked (None)."""


def opens_block_scalar(value: str) -> bool:
    """Whether a key's value is a YAML block indicator: its text is on the lines under it."""
    return _BLOCK_SCALAR_RE.match(value) is not None


def nested_values(lines: list[str], at: list[int], options: DirectiveOptions) -> Edits:
    """The rewrites that make the YAML under the keys of the block made of the lines ``at``
    read as the author meant, or reported at its line."""
    keys = [i for i in at if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    if not keys:
        return {}
    indent = indent_of(lines[keys[0]])
    edits: Edits = {}
    position = 0
    while position < len(at):
        i = at[position]
        key = YAML_KEY_RE.match(lines[i])
        position += 1
        if key is None or len(key["indent"]) != indent:
            continue
        under = []  # the lines that go on with its value
        while position < len(at):
            line = lines[at[position]]
            depth = indent_of(line)
            # A list entry may start at its key's indent.
            entry = not key["value"] and depth == indent and line.lstrip()[:2] in ("- ", "-")
            if line.strip() and depth <= indent and not entry:
                break
            under.append(at[position])
            position += 1
        while under and not lines[under[-1]].strip():
            under.pop()
        edits.update(_value_under(lines, i, under, key["key"], key["value"], options))
    return edits


def _value_under(
    lines: list[str], i: int, under: list[int], name: str, value: str, options: DirectiveOptions
) -> Edits:
    """The rewrites for the key on line ``i`` (``value``: on its line) and the lines
    ``under`` it."""
    misplaced = [j for j in under if _is_key(lines[j], options)]
    if value:
        if opens_block_scalar(value):
            return {}  # text written over the lines under it: MyST reads it
        # A key of ours under a value on one line would be read as part of that value.
        return {j: _placeholder(INDENTED_MORE, j, lines[j]) for j in misplaced}
    rows = [i, *under]  # the lines the value is read from
    node = _node_of(lines, rows) if under else None
    if node is None and misplaced:  # perhaps because of keys of ours indented under it
        rows = [j for j in rows if j not in misplaced]
        node = _node_of(lines, rows) if len(rows) > 1 else None
    elif node is not None:
        misplaced = []
    if node is None:
        return {}  # nothing under it, or what MyST reports at its line
    edits: Edits = {j: _placeholder(INDENTED_MORE, j, lines[j]) for j in misplaced}
    if isinstance(node, SequenceNode) and all(isinstance(e, ScalarNode) for e in node.value):
        if not options.takes_list(name):
            edits[i] = _placeholder(YAML_LIST, i, lines[i])
        else:
            edits.update(_list_entries(lines, rows, name, node))
    elif isinstance(node, SequenceNode | MappingNode):
        edits[i] = _placeholder(YAML_NESTED, i, lines[i])
    else:
        return edits  # text going on over more lines: YAML's own reading
    return {**dict.fromkeys(rows[1:]), **edits}


def _list_entries(lines: list[str], rows: list[int], name: str, node: SequenceNode) -> Edits:
    """The list on its key's line, comma-separated; or, where an entry would lose its text
    there (a comma in it, or nothing), the key left out and each such entry told."""
    told: Edits = {}
    for entry in node.value:
        row = rows[entry.start_mark.line]
        prefix = YAML_EMPTY_ENTRY if not entry.value.strip() else YAML_COMMA_ENTRY
        if prefix == YAML_EMPTY_ENTRY or "," in entry.value:
            told[row] = _placeholder(prefix, row, f"{name}: {lines[row].strip()}")
    if told:
        return {rows[0]: None, **told}
    return {rows[0]: (name, ", ".join(entry.value for entry in node.value))}


def _is_key(line: str, options: DirectiveOptions) -> bool:
    """Whether the line is ``key: value`` for an option of the directive."""
    key = YAML_KEY_RE.match(line)
    return key is not None and key["key"] in options.names and bool(key["value"])


def _node_of(lines: list[str], rows: list[int]) -> Node | None:
    """The YAML node of the value of the one key written on the lines ``rows``, every
    scalar as text; None if YAML cannot read them."""
    text = textwrap.dedent("\n".join(lines[j] for j in rows))
    try:
        node = yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return None
    except RecursionError:  # nested deeper than YAML's reader recurses: nested, surely
        return MappingNode("tag:yaml.org,2002:map", [])
    if isinstance(node, MappingNode) and len(node.value) == 1:
        value: Node = node.value[0][1]
        return value
    return None


def _placeholder(prefix: str, i: int, line: str) -> tuple[str, str]:
    """A placeholder key and value for line ``i`` (reported by the directive)."""
    return placeholder(prefix, i + 1, line)
