"""``.. ml-fallback-chains::`` — every chain drawn tier by tier, primary to last, with
what triggers each tier and whether the chain ends somewhere safe.

Each chain is a numbered list (so text, LaTeX and man pages read it top to bottom); the
stylesheet lays the tiers out left to right with arrows in HTML.
"""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes

from ..chains import SAFE_TERMINAL_KINDS, Chain
from ..items import FALLBACK, REQUIREMENT, Item
from .base import Renderer, RollupDirective, matches

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
        for chain in renderer.context.chains
        if any(matches(tier, FILTERS, renderer.options) for tier in chain.tiers)
    ]
    if not chains:
        return [renderer.empty("No fallback chains match.")]
    protects: dict[str, list[str]] = {}  # chain head -> requirements naming it
    for requirement in renderer.context.of_type(REQUIREMENT.name):
        for head in requirement.values.get("fallbacks", ()):
            protects.setdefault(head, []).append(str(requirement.id))
    return [_chain(renderer, chain, protects.get(str(chain.head.id), [])) for chain in chains]


def _chain(renderer: Renderer, chain: Chain, protected: list[str]) -> nodes.container:
    status, status_class = _status(renderer, chain)
    box = nodes.container(classes=["ml-chain", status_class])
    heading = nodes.paragraph(classes=["ml-chain-heading"])
    heading += nodes.strong("", f"Chain from {chain.head.id}")
    if protected:
        heading += nodes.Text(" — protects ")
        heading += renderer.links(protected)
    box += heading
    tiers = nodes.enumerated_list(classes=["ml-chain-tiers"], enumtype="arabic")
    for position, tier in enumerate(chain.tiers):
        tiers += _tier(renderer, tier, position)
    box += tiers
    box += nodes.paragraph("", "", *status, classes=["ml-chain-end"])
    return box


def _tier(renderer: Renderer, tier: Item, position: int) -> nodes.list_item:
    values = tier.values
    label = "primary" if position == 0 else f"tier {position + 1}"
    header = nodes.paragraph(classes=["ml-tier-header"])
    header += renderer.link(str(tier.id))
    header += nodes.Text(f" {tier.title} ")
    header += nodes.inline("", f"[{values.get('kind', '?')}]", classes=["ml-tier-kind"])
    details = nodes.paragraph(classes=["ml-tier-details"])
    details += nodes.Text(f"{label}; switch {values.get('switch', '?')}, ")
    details += nodes.Text(f"recovery {values.get('recovery', '?')}")
    triggers = values.get("trigger") or []
    if triggers:
        details += nodes.Text("; triggered by ")
        details += renderer.links(triggers)
    elif position > 0:
        details += nodes.Text("; no trigger named")
    classes = ["ml-tier"]
    if values.get("kind") in SAFE_TERMINAL_KINDS:
        classes.append("ml-tier-safe")
    return nodes.list_item("", header, details, classes=classes)


def _status(renderer: Renderer, chain: Chain) -> tuple[list[nodes.Node], str]:
    if chain.loops_to is not None:
        return [
            renderer.gap("loops"),
            nodes.Text(" back to "),
            renderer.link(str(chain.loops_to.id)),
        ], "ml-chain-broken"
    if chain.dangling is not None:
        return [
            renderer.gap("broken link"),
            nodes.Text(f" :next: names {chain.dangling!r}, which is no fallback"),
        ], "ml-chain-broken"
    kind = chain.terminal.values.get("kind", "?")
    if chain.safe:
        return [nodes.Text(f"{renderer.marks[1]} ends safely in a {kind} tier")], "ml-chain-safe"
    return [
        renderer.gap("unsafe end"),
        nodes.Text(f" the last tier is a {kind}, which can fail too"),
    ], "ml-chain-unsafe"
