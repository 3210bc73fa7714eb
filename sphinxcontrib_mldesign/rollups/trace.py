"""``.. ml-trace::`` — for each selected requirement, everything that keeps it true: its
metrics and their thresholds, the fallback chain tier by tier, and the owners; gaps marked.
Then the same as a table, for readers (and builds) without the picture."""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes

from ..model.chains import Chain, build_chains
from ..model.dot import Graph
from ..model.items import FALLBACK, METRIC, REQUIREMENT, Item, as_list
from ..model.rules import Rule
from .diagrams import EDGE_STYLE, GAP_COLOUR, KIND_COLOURS, NODE_STYLE, diagram, item_url
from .directive import RollupDirective, matches
from .markup import Markup
from .observed import observed_cell, observed_label, observed_style
from .renderer import CellContent, Renderer
from .requirements import FILTERS as REQUIREMENT_FILTERS

#: A requirement's gaps, in the order of their nodes and columns (metrics, chain, owners);
#: each node and cell says its rule's gap label.
GAPS = (Rule.MUST_NEEDS_METRIC, Rule.SERVING_NEEDS_FALLBACK, Rule.MISSING_OWNER)


class Trace(RollupDirective):
    summary = (
        "Per selected requirement, the graph requirement → metrics with their thresholds → "
        "fallback chain tier by tier → owners, gaps marked; then the same as a table."
    )
    kind = "trace"
    filters: ClassVar[dict[str, tuple[str, str]]] = REQUIREMENT_FILTERS
    extra_options = ("ids",)
    ref_options: ClassVar[dict[str, tuple[str, ...]]] = {"ids": (REQUIREMENT.name,)}
    option_help: ClassVar[dict[str, str]] = {"ids": "Only these requirements, by ID."}

    def check_option(self, name: str, values: list[str], problems: list[str]) -> Any:
        return values


def render(renderer: Renderer) -> list[nodes.Node]:
    options = renderer.options
    wanted = set(options.get("ids") or [])
    requirements = [
        r
        for r in renderer.of_type(REQUIREMENT.name)
        if matches(r, REQUIREMENT_FILTERS, options) and (not wanted or str(r.id) in wanted)
    ]
    if not requirements:
        return [renderer.empty("No requirements match this trace.")]
    graph = Graph("trace", {"rankdir": "LR"}, dict(NODE_STYLE), dict(EDGE_STYLE))
    rows: list[list[CellContent]] = []
    for requirement in requirements:
        rows.append(_trace(renderer, graph, requirement))
    headers = ["Requirement", "Metrics and thresholds", "Fallback chain", "Owners"]
    table = renderer.table(headers, rows, classes=["ml-trace"])
    return [*diagram(renderer, graph, "What keeps each requirement true"), table]


def _add(renderer: Renderer, graph: Graph, item: Item, kind: str, lines: list[str]) -> str:
    graph.node(str(item.id), label="\n".join([str(item.id), *lines]),
               fillcolor=KIND_COLOURS[kind], URL=item_url(renderer, item), target="_top",
               tooltip=item.title)  # fmt: skip
    return str(item.id)


def _gap(graph: Graph, requirement: str, text: str, mark: str) -> None:
    gap = f"{requirement}:{text}"
    graph.node(gap, label=f"{mark} {text}", color=GAP_COLOUR, fontcolor=GAP_COLOUR,
               fillcolor="#ffffff", style="rounded,dashed")  # fmt: skip
    graph.edge(requirement, gap, color=GAP_COLOUR, style="dashed")


def _trace(renderer: Renderer, graph: Graph, requirement: Item) -> list[CellContent]:
    index, mark = renderer.context.lookup, renderer.marks[0]
    head = _add(renderer, graph, requirement, "requirement", [requirement.title])
    metric_cells: list[Markup] = []
    for metric_id in as_list(requirement.values.get("metrics")):
        metric = index.get(metric_id)
        if metric is None or metric.type != METRIC.name:
            continue
        thresholds = [f"{level} {metric.values[level]['text']}" for level in ("warn", "crit")
                      if isinstance(metric.values.get(level), dict)]  # fmt: skip
        shown = observed_label(renderer, metric)  # None: no observed value to show
        node = _add(renderer, graph, metric, "metric", [*thresholds, *([shown] if shown else [])])
        graph.edge(head, node, label="measured by")
        graph.node(node, **observed_style(renderer, metric))
        if metric_cells:
            metric_cells.append("; ")
        metric_cells += [renderer.link(metric_id), f" ({', '.join(thresholds) or 'no alert'})"]
        if shown is not None:
            metric_cells += [": ", *observed_cell(renderer, metric, trend=False)]
    chain_cells: list[Markup] = []
    for chain in _chains_of(renderer, requirement):
        previous = head
        for tier in chain.tiers:
            kind = str(tier.values.get("kind", ""))
            tier_id = _add(renderer, graph, tier, "fallback", [kind])
            graph.edge(previous, tier_id, label="falls back to" if previous == head else "then")
            previous = tier_id
            chain_cells += [renderer.link(str(tier.id)), " → "]
    owners = as_list(requirement.values.get("owner"))
    for owner_id in owners:
        owner = index.get(owner_id)
        if owner is not None:
            graph.edge(head, _add(renderer, graph, owner, "owner", [owner.title]), label="owned by")
    for rule in GAPS:
        if renderer.about(rule, requirement.id):
            _gap(graph, head, rule.gap, mark)
    no_metric, no_fallback, no_owner = (renderer.flagged(rule, requirement.id) for rule in GAPS)
    return [
        [renderer.link(head), " ", requirement.title],
        metric_cells or no_metric,
        chain_cells[:-1] or no_fallback,
        renderer.links(owners) or no_owner,
    ]


def _chains_of(renderer: Renderer, requirement: Item) -> list[Chain]:
    """The chains whose heads the requirement names in ``:fallbacks:``: of the projects
    shown, and another project's too (this project relies on it, whatever it shows)."""
    heads = as_list(requirement.values.get("fallbacks"))
    chains = [chain for chain in renderer.view.chains if str(chain.head.id) in heads]
    shown = {str(chain.head.id) for chain in chains}
    lookup = renderer.context.lookup
    imported = [lookup[head] for head in heads if head not in shown and head in lookup]
    imported = [f for f in imported if f.project is not None and f.type == FALLBACK.name]
    return chains + build_chains(imported, lookup)
