"""Graphviz DOT text, written deterministically: the same graph gives the same bytes, so
``-j`` and serial builds draw the same picture, and Graphviz's output (named by a digest
of the DOT) is reused across builds."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Control characters (but the line break), which Graphviz refuses in a string.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
#: Graphviz refuses a string over 16,384 characters; a label this long says enough.
MAX_STRING = 1000


def quoted(text: str) -> str:
    """A DOT string: quotes and backslashes escaped, line breaks as ``\\n``, control
    characters dropped, cut short after :data:`MAX_STRING` characters."""
    text = _CONTROL.sub("", text)
    if len(text) > MAX_STRING:
        text = text[: MAX_STRING - 1] + "…"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


def _attributes(attributes: Mapping[str, str]) -> str:
    if not attributes:
        return ""
    return " [" + ", ".join(f"{key}={quoted(value)}" for key, value in attributes.items()) + "]"


@dataclass
class Graph:
    """A directed graph; nodes and edges keep the order they are added in."""

    name: str
    attributes: dict[str, str] = field(default_factory=dict)
    node_defaults: dict[str, str] = field(default_factory=dict)
    edge_defaults: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def node(self, node_id: str, **attributes: str) -> None:
        self.nodes.setdefault(node_id, {}).update(attributes)

    def edge(self, tail: str, head: str, **attributes: str) -> None:
        if (tail, head) not in {(t, h) for t, h, _ in self.edges}:
            self.edges.append((tail, head, dict(attributes)))

    def source(self) -> str:
        lines = [f"digraph {quoted(self.name)} {{"]
        lines += [f"  {key}={quoted(value)};" for key, value in self.attributes.items()]
        if self.node_defaults:
            lines.append(f"  node{_attributes(self.node_defaults)};")
        if self.edge_defaults:
            lines.append(f"  edge{_attributes(self.edge_defaults)};")
        lines += [f"  {quoted(n)}{_attributes(a)};" for n, a in self.nodes.items()]
        lines += [f"  {quoted(t)} -> {quoted(h)}{_attributes(a)};" for t, h, a in self.edges]
        lines.append("}")
        return "\n".join(lines) + "\n"
