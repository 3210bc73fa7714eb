"""The data flow between components: who reads whose data, and the loops in it.

A loop through a model (its predictions feed, through other components, back into its own
training or features) is the feedback loop of ML systems' hidden debt. Loops are found as
strongly connected components (Tarjan, iterative), so each is reported once, however many
cycles run through it, and in time linear in the components and edges.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .items import Item, as_list

MODEL_KIND = "model"


@dataclass(frozen=True)
class Loop:
    """Components that feed each other's data, through at least one model."""

    members: tuple[str, ...]
    """Every component of the loop, in document order."""
    cycle: tuple[str, ...]
    """One cycle through its first model, as a path that ends where it starts."""


def inputs_of(component: Item, index: Mapping[str, Item]) -> list[str]:
    """The components it reads (IDs naming no component are the unknown-ref rule's)."""
    return [
        ref
        for ref in dict.fromkeys(as_list(component.values.get("inputs")))
        if ref in index and index[ref].type == component.type
    ]


def feedback_loops(components: Sequence[Item], index: Mapping[str, Item]) -> list[Loop]:
    """The loops of the data flow that pass through a model, in document order."""
    order = {str(c.id): n for n, c in enumerate(components)}
    # Only edges between these components: one read from another project (whose own
    # inputs stay in that project) cannot close a loop through them.
    edges = {str(c.id): [i for i in inputs_of(c, index) if i in order] for c in components}
    loops = []
    for group in _strongly_connected(list(order), edges):
        members = sorted(group, key=order.__getitem__)
        single = len(members) == 1 and members[0] not in edges[members[0]]
        models = [m for m in members if index[m].values.get("kind") == MODEL_KIND]
        if single or not models:
            continue
        loops.append(Loop(tuple(members), _cycle(models[0], set(members), edges)))
    return sorted(loops, key=lambda loop: order[loop.members[0]])


def _strongly_connected(nodes: list[str], edges: Mapping[str, list[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return groups


def _cycle(start: str, members: set[str], edges: Mapping[str, list[str]]) -> tuple[str, ...]:
    """A shortest path from ``start`` back to itself inside the loop (breadth first)."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in edges.get(node, []):
                if target not in members:
                    continue
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    # Edges point from reader to input: read it back as the data flows.
                    return (start, *path[:-1], start) if len(path) > 1 else (start, start)
                if target not in previous and target != start:
                    previous[target] = node
                    following.append(target)
        frontier = following
    return (start, start)
