"""Rules on fallback chains: no loops, and a last tier that cannot fail."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.chains import SAFE_TERMINAL_KINDS, find_cycles
from ..model.items import FALLBACK
from .context import Context
from .findings import Finding
from .registry import Rule


def fallback_cycles(context: Context) -> Iterator[Finding]:
    for cycle in find_cycles(context.of_type(FALLBACK.name), context.index):
        path = " -> ".join(str(tier.id) for tier in [*cycle, cycle[0]])
        yield Finding(
            Rule.FALLBACK_CYCLE,
            cycle[0],
            f"fallback chain loops: {path}; the last tier of a chain must name no :next:",
            concerns=tuple(str(tier.id) for tier in cycle),
        )


def unsafe_terminals(context: Context) -> Iterator[Finding]:
    reported = set()
    for chain in context.chains:
        terminal = chain.terminal
        if not chain.complete or terminal.id in reported:
            continue  # a loop or a broken :next: (reported by their own rules)
        reported.add(terminal.id)
        kind = terminal.values.get("kind")
        if chain.safe or kind is None or "next" in terminal.invalid_options:
            continue  # safe; or its kind or next is invalid, which schema already reports
        message = (
            f"fallback chain {' -> '.join(chain.ids())} ends in a {kind!r} fallback, which "
            f"can fail too; end it in one of: {', '.join(SAFE_TERMINAL_KINDS)}"
        )
        if terminal.project is None:
            yield Finding(Rule.FALLBACK_TERMINAL, terminal, message)
            continue
        # It ends in another project (read-only): reported where this one hands over.
        handing_over = [tier for tier in chain.tiers if tier.project is None][-1]
        yield Finding(
            Rule.FALLBACK_TERMINAL,
            handing_over,
            f"{message} (in project {terminal.project!r})",
            concerns=(str(terminal.id),),
            lineno=handing_over.line_of("next"),
        )


CHECKS = (fallback_cycles, unsafe_terminals)
