"""``.. ml-architecture::`` — the components and how data flows between them, drawn from
the items (left to right along the data flow), then the components table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from docutils import nodes

from ..model.dataflow import inputs_of
from ..model.dot import Graph
from ..model.formats import FormatError
from ..model.items import COMPONENT, OWNER, Item, as_list
from ..model.numbers import whole_number
from ..model.rules import Rule
from .diagrams import EDGE_STYLE, GAP_COLOUR, KIND_COLOURS, NODE_STYLE, diagram, item_url
from .directive import RollupDirective, matches
from .markup import Markup
from .renderer import CellContent, Renderer

FILTERS = {
    "kind": (COMPONENT.name, "kind"),
    "tags": (COMPONENT.name, "tags"),
    "owner": (COMPONENT.name, "owner"),
}
#: The most steps ``:depth:`` takes: a diagram reaching further is the whole data flow, drawn
#: without ``:around:`` (and each step costs a pass over the components).
MAX_DEPTH = 50
#: The gaps a component's node and row are marked with (each says its rule's gap label).
GAPS = (Rule.MISSING_OWNER, Rule.COMPONENT_UNMONITORED, Rule.SERVING_COMPONENT_NEEDS_FALLBACK)


class ArchitectureDiagram(RollupDirective):
    summary = (
        "The data-flow diagram of the components (each node coloured by kind, labelled with "
        "title and owner, linked to its item, its gaps marked), then the components table."
    )
    kind = "architecture"
    filters: ClassVar[dict[str, tuple[str, str]]] = FILTERS
    extra_options = ("around", "depth")
    ref_options: ClassVar[dict[str, tuple[str, ...]]] = {"around": (COMPONENT.name,)}
    option_help: ClassVar[dict[str, str]] = {
        "around": "Only this component and its neighbours along the data flow.",
        "depth": f"With ``:around:``: how many steps away, 0 to {MAX_DEPTH} (default 1).",
    }

    def check_option(self, name: str, values: list[str], problems: list[str]) -> Any:
        if name == "depth":
            try:
                return whole_number(", ".join(values), MAX_DEPTH)
            except FormatError as err:
                problems.append(
                    f"{self.name} :depth: {err} (the steps from :around: to show; for the "
                    "whole data flow leave :around: out)"
                )
                return None
        if len(values) != 1:
            problems.append(f"{self.name} :around: give one component ID")
            return None
        return values[0]


def render(renderer: Renderer) -> list[nodes.Node]:
    index = renderer.context.lookup
    components = [
        c for c in renderer.of_type(COMPONENT.name) if matches(c, FILTERS, renderer.options)
    ]
    around = renderer.options.get("around")
    if around:
        depth = renderer.options.get("depth")
        components = _neighbourhood(components, index, around, 1 if depth is None else depth)
    if not components:
        return [renderer.empty("No components match this diagram.")]
    shown = {str(c.id) for c in components}
    graph = Graph("architecture", {"rankdir": "LR"}, dict(NODE_STYLE), dict(EDGE_STYLE))
    rows: list[list[CellContent]] = []
    for component in components:
        gaps = [rule.gap for rule in GAPS if renderer.about(rule, component.id)]
        _node(renderer, graph, component, gaps)
        for source in inputs_of(component, index):
            if source in shown:
                graph.edge(source, str(component.id))
        rows.append(_row(renderer, component, gaps))
    headers = ["ID", "Component", "Kind", "Reads", "Owner", "Watched by", "Fallback", "Gaps"]
    table = renderer.table(headers, rows, classes=["ml-components"])
    return [*diagram(renderer, graph, "Data flow between the components"), table]


def _node(renderer: Renderer, graph: Graph, component: Item, gaps: list[str]) -> None:
    kind = str(component.values.get("kind", ""))
    owners = ", ".join(as_list(component.values.get("owner")))
    label = [component.title, f"{kind}" + (f" · {owners}" if owners else "")]
    label += [f"{renderer.marks[0]} {gap}" for gap in gaps]
    attributes = {"label": "\n".join(label), "fillcolor": KIND_COLOURS.get(kind, "#ffffff"),
                  "URL": item_url(renderer, component), "target": "_top",
                  "tooltip": str(component.id)}  # fmt: skip
    if gaps:
        attributes.update(color=GAP_COLOUR, penwidth="2", fontcolor=GAP_COLOUR)
    graph.node(str(component.id), **attributes)


def _row(renderer: Renderer, component: Item, gaps: list[str]) -> list[CellContent]:
    values = component.values
    gap_marks: list[Markup] = []
    for gap in gaps:
        gap_marks += [renderer.gap(gap), " "]
    return [
        renderer.link(str(component.id)),
        component.title,
        renderer.text(values.get("kind")),
        renderer.links(values.get("inputs") or [], COMPONENT.name) or "—",
        renderer.links(values.get("owner") or [], OWNER.name) or "—",
        renderer.links(values.get("metrics") or []) or "—",
        renderer.links(values.get("fallbacks") or []) or "—",
        gap_marks[:-1] or "—",
    ]


def _neighbourhood(
    components: list[Item], index: Mapping[str, Item], around: str, depth: int
) -> list[Item]:
    """The components at most ``depth`` data-flow steps from ``around`` (either way)."""
    neighbours: dict[str, set[str]] = {str(c.id): set() for c in components}
    for component in components:
        for source in inputs_of(component, index):
            if source in neighbours:
                neighbours[source].add(str(component.id))
                neighbours[str(component.id)].add(source)
    reached = {around} if around in neighbours else set()
    frontier = set(reached)
    for _ in range(depth):
        frontier = {n for node in frontier for n in neighbours[node]} - reached
        if not frontier:
            break  # all reached: more steps find nothing
        reached |= frontier
    return [c for c in components if str(c.id) in reached]
