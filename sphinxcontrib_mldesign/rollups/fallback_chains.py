"""``.. ml-fallback-chains::`` — every chain drawn tier by tier, primary to last, with
what triggers each tier and whether the chain ends somewhere safe.

Each chain is a numbered list (so text, LaTeX and man pages read it top to bottom); the
stylesheet lays the tiers out left to right with arrows in HTML.
"""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes

from ..model.chains import SAFE_TERMINAL_KINDS, Chain
from ..model.items import FALLBACK, REQUIREMENT, Item
from ..model.rules import Rule
from .directive import RollupDirective, matches
from .markup import Element, Markup, el
from .renderer import Renderer

FILTERS = {"owner": (FALLBACK.name, "owner"), "tags": (FALLBACK.name, "tags")}


class FallbackChains(RollupDirective):
    summary = (
        "Every fallback chain drawn tier by tier from its head, with the triggers of each"
        " tier and whether it ends in a safe kind."
    )
    kind = "fallback-chains"
    filters: ClassVar[dict[str, tuple[str, str]]] = FILTERS


def render(renderer: Renderer) -> list[nodes.Node]:
    chains = [
        chain
        for chain in renderer.view.chains
        if any(
            renderer.in_documents(tier.docname) and matches(tier, FILTERS, renderer.options)
            for tier in chain.tiers
        )
    ]
    if not chains:
        return [renderer.empty("No fallback chains match.")]
    protects: dict[str, list[str]] = {}  # chain head -> requirements naming it
    for requirement in renderer.of_type(REQUIREMENT.name):
        for head in requirement.values.get("fallbacks", ()):
            protects.setdefault(head, []).append(str(requirement.id))
    return renderer.block(
        [_chain(renderer, chain, protects.get(str(chain.head.id), [])) for chain in chains]
    )


def _chain(renderer: Renderer, chain: Chain, protected: list[str]) -> Element:
    status, status_class = _status(renderer, chain)
    heading: list[Markup] = [el("strong", f"Chain from {chain.head.id}")]
    if protected:
        heading += [" — protects ", *renderer.links(protected)]
    tiers = [_tier(renderer, tier, position) for position, tier in enumerate(chain.tiers)]
    return el(
        "container",
        el("paragraph", *heading, classes=["ml-chain-heading"]),
        el("enumerated_list", *tiers, classes=["ml-chain-tiers"]),
        el("paragraph", *status, classes=["ml-chain-end"]),
        classes=["ml-chain", status_class],
    )


def _tier(renderer: Renderer, tier: Item, position: int) -> Element:
    values = tier.values
    label = "primary" if position == 0 else f"tier {position + 1}"
    header = el(
        "paragraph",
        renderer.link(str(tier.id)),
        f" {tier.title} ",
        el("inline", f"[{values.get('kind', '?')}]", classes=["ml-tier-kind"]),
        classes=["ml-tier-header"],
    )
    details: list[Markup] = [
        f"{label}; switch {values.get('switch', '?')}, ",
        f"recovery {values.get('recovery', '?')}",
    ]
    triggers = values.get("trigger") or []
    if triggers:
        details += ["; triggered by ", *renderer.links(triggers)]
    elif position > 0:
        details.append("; no trigger named")
    classes = ["ml-tier"]
    if values.get("kind") in SAFE_TERMINAL_KINDS:
        classes.append("ml-tier-safe")
    return el(
        "list_item", header, el("paragraph", *details, classes=["ml-tier-details"]), classes=classes
    )


def _status(renderer: Renderer, chain: Chain) -> tuple[list[Markup], str]:
    """How the chain ends; marked as a gap where a check found it (fallback-cycle,
    unknown-ref, fallback-terminal), so a rule turned off leaves the plain facts."""
    terminal = chain.terminal
    if chain.loops_to is not None:
        looped = str(chain.loops_to.id)
        found = any(looped in f.concerns for f in renderer.of_rule(Rule.FALLBACK_CYCLE))
        return [
            renderer.mark(Rule.FALLBACK_CYCLE.gap, found),
            " back to ",
            renderer.link(looped),
        ], "ml-chain-broken"
    if chain.dangling is not None:
        found = renderer.about(Rule.UNKNOWN_REF, terminal.id) is not None
        return [
            renderer.mark(Rule.UNKNOWN_REF.gap, found),
            f" :next: names {chain.dangling!r}, which is no fallback",
        ], "ml-chain-broken"
    kind = terminal.values.get("kind", "?")
    if chain.safe:
        return [f"{renderer.marks[1]} ends safely in a {kind} tier"], "ml-chain-safe"
    return [
        renderer.mark(Rule.FALLBACK_TERMINAL.gap, _unsafe_end_found(renderer, str(terminal.id))),
        f" the last tier is a {kind}, which can fail too",
    ], "ml-chain-unsafe"


def _unsafe_end_found(renderer: Renderer, terminal: str) -> bool:
    """Whether fallback-terminal found this end: about it, or (an end in another project)
    about the tier of this one handing over to it."""
    if renderer.about(Rule.FALLBACK_TERMINAL, terminal):
        return True
    return any(terminal in f.concerns for f in renderer.of_rule(Rule.FALLBACK_TERMINAL))
