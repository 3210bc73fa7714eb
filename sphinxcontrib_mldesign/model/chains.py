"""Fallback chains: from a head (a fallback no other fallback names in ``:next:``) down
through ``:next:`` to the last tier. Used by the checks and by the chain roll-up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .items import FALLBACK, Item, as_list

#: Kinds that cannot themselves fail, so a chain may safely end in them.
SAFE_TERMINAL_KINDS = ("constant", "rule", "human", "reject")


@dataclass(frozen=True)
class Chain:
    """One chain, head first."""

    tiers: tuple[Item, ...]
    loops_to: Item | None = None
    """The earlier tier the last one's ``:next:`` returns to, if the chain loops."""
    dangling: str | None = None
    """A ``:next:`` that names no fallback (reported by ``unknown-ref``)."""

    @property
    def head(self) -> Item:
        return self.tiers[0]

    @property
    def terminal(self) -> Item:
        return self.tiers[-1]

    @property
    def complete(self) -> bool:
        """Ends in a last tier (no loop, no broken link)."""
        return self.loops_to is None and self.dangling is None

    @property
    def safe(self) -> bool:
        return self.complete and self.terminal.values.get("kind") in SAFE_TERMINAL_KINDS

    def ids(self) -> list[str]:
        return [str(tier.id) for tier in self.tiers]


def _next(fallback: Item, index: Mapping[str, Item]) -> tuple[Item | None, str | None]:
    """The next tier, or (None, the ID) when ``:next:`` names no fallback."""
    target = fallback.values.get("next")
    if not target:
        return None, None
    if not isinstance(target, str):
        return None, str(target)
    found = index.get(target)
    if found is None or found.type != FALLBACK.name:
        return None, str(target)
    return found, None


def build_chains(fallbacks: Iterable[Item], index: Mapping[str, Item]) -> list[Chain]:
    """Every chain, in document order of its head. Fallbacks that only sit on a loop (no
    head leads into it) make a chain of their own, starting at the loop's first fallback."""
    fallbacks = list(fallbacks)
    named = set()
    for fallback in fallbacks:
        following, _ = _next(fallback, index)
        if following is not None:
            named.add(following.id)
    chains = [_walk(f, index) for f in fallbacks if f.id not in named]
    covered = {tier.id for chain in chains for tier in chain.tiers}
    for fallback in fallbacks:  # loops nobody enters
        if fallback.id not in covered:
            chain = _walk(fallback, index)
            covered.update(tier.id for tier in chain.tiers)
            chains.append(chain)
    return chains


def _walk(head: Item, index: Mapping[str, Item]) -> Chain:
    tiers = [head]
    seen = {head.id}
    while True:
        following, dangling = _next(tiers[-1], index)
        if following is None:
            return Chain(tuple(tiers), dangling=dangling)
        if following.id in seen:
            return Chain(tuple(tiers), loops_to=following)
        tiers.append(following)
        seen.add(following.id)


def find_cycles(fallbacks: Iterable[Item], index: Mapping[str, Item]) -> list[list[Item]]:
    """Each ``:next:`` loop once, rotated to start at its first fallback in document order.

    Every fallback has at most one ``:next:``, so following it from each fallback finds
    every loop in one pass over the fallbacks.
    """
    fallbacks = list(fallbacks)  # document order
    position = {fallback.id: n for n, fallback in enumerate(fallbacks)}
    done: set[str | None] = set()
    cycles = []
    for start in fallbacks:
        path: list[Item] = []
        on_path: dict[str | None, int] = {}
        current: Item | None = start
        while current is not None and current.id not in done and current.id not in on_path:
            on_path[current.id] = len(path)
            path.append(current)
            current, _ = _next(current, index)
        if current is not None and current.id in on_path:
            cycle = path[on_path[current.id] :]
            first = min(range(len(cycle)), key=lambda i: position[cycle[i].id])
            cycles.append(cycle[first:] + cycle[:first])
        done.update(on_path)
    return cycles


def triggers_of(fallbacks: Iterable[Item]) -> dict[str, list[str]]:
    """Metric ID -> the fallbacks naming it in ``:trigger:`` (each once, in order)."""
    triggered_by: dict[str, list[str]] = {}
    for fallback in fallbacks:
        for metric_id in dict.fromkeys(as_list(fallback.values.get("trigger"))):
            triggered_by.setdefault(metric_id, []).append(str(fallback.id))
    return triggered_by
