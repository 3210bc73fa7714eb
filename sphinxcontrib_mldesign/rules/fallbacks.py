"""Rules on fallback chains: no loops, and a last tier that cannot fail."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.chains import SAFE_TERMINAL_KINDS, Chain, find_cycles
from ..model.items import FALLBACK
from ..model.project import Project
from ..model.rules import Rule
from .findings import Finding


def fallback_cycles(context: Project) -> Iterator[Finding]:
    for cycle in find_cycles(context.of_type(FALLBACK.name), context.index):
        path = " -> ".join(str(tier.id) for tier in [*cycle, cycle[0]])
        yield Finding(
            Rule.FALLBACK_CYCLE,
            cycle[0],
            f"fallback chain loops: {path}; the last tier of a chain must name no :next:",
            concerns=tuple(str(tier.id) for tier in cycle),
        )


def unsafe_terminals(context: Project) -> Iterator[Finding]:
    reported = set()
    for chain in context.chains:
        terminal = chain.terminal
        if not chain.complete:
            # A loop or a broken :next: is reported by its own rule, in this project; in
            # another project (read-only), where this one hands over to it.
            problem = _ends_elsewhere(chain)
            if problem is not None:
                yield _handing_over(chain, f"fallback chain {' -> '.join(chain.ids())} {problem}")
            continue
        if terminal.id in reported:
            continue
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
        else:
            yield _handing_over(chain, f"{message} (in project {terminal.project!r})")


def _ends_elsewhere(chain: Chain) -> str | None:
    """How a chain that does not end well goes wrong in another project, if it does."""
    if chain.loops_to is not None and chain.loops_to.project is not None:
        return (
            f"never ends: it loops back to {chain.loops_to.id} in project "
            f"{chain.loops_to.project!r}"
        )
    if chain.dangling is not None and chain.terminal.project is not None:
        return (
            f"ends at a :next: naming nothing ({chain.dangling!r}) in project "
            f"{chain.terminal.project!r}"
        )
    return None


def _handing_over(chain: Chain, message: str) -> Finding:
    """A finding about a chain going wrong in another project, at the :next: of this
    project's last tier."""
    tier = [tier for tier in chain.tiers if tier.project is None][-1]
    end = chain.loops_to if chain.loops_to is not None else chain.terminal
    return Finding(
        Rule.FALLBACK_TERMINAL, tier, message, concerns=(str(end.id),), lineno=tier.line_of("next")
    )


CHECKS = (fallback_cycles, unsafe_terminals)
