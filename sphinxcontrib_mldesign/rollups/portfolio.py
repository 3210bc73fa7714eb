"""``.. ml-portfolio::`` — one row per project (this one and each import): its items by
type, what its checks found, and the figures a platform team compares across design docs;
each figure links to the project's own roll-up that explains it."""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes

from ..model.formats import counted
from ..model.imports import ImportedProject
from ..model.items import ITEM_TYPES, OWNER
from ..model.ownership import Area, collect_areas
from ..model.portfolio import ProjectFigures, Reported, figures
from ..model.rules import Rule, name_of
from .directive import RollupDirective
from .markup import Element, Markup, el
from .observed import observing
from .renderer import CellContent, Renderer
from .view import selected_projects

#: Figure -> the roll-up that explains it.
EXPLAINED_BY = {
    "items": "ml-requirement-index",
    "stale": "ml-freshness-index",
    "bus-factor": "ml-ownership-index",
    "no-fallback": "ml-fallback-chains",
    "triggers": "ml-monitoring-index",
}


class Portfolio(RollupDirective):
    summary = (
        "One row per project — this one and every one of ``mldesign_imports`` (``:projects:`` "
        "defaults to ``all``) — with its items by type, errors and warnings by rule, share of "
        "stale items, lowest bus factor, serving requirements without a fallback, unmonitored "
        "triggers and last change; each figure links to the project's roll-up explaining it."
    )
    kind = "portfolio"
    default_projects = ("all",)


def render(renderer: Renderer) -> list[nodes.Node]:
    context = renderer.context
    # Every project selected, also an import that could not be read (said, not left out).
    shown: list[tuple[str, ProjectFigures | None, dict[str, str]]] = []
    for name in selected_projects(renderer.options.get("projects", ()), context.config.imports):
        if name is None:
            shown.append(("", _local(renderer), _local_pages(renderer)))
        elif name in context.imports:
            project = context.imports[name]
            shown.append((name, _imported(renderer, project), project.rollup_pages))
        else:
            shown.append((name, None, {}))
    if not shown:
        return [renderer.empty("No project to show: :projects: names none that could be read.")]
    # Targets missed: where this project observes, or a project shown has observed values.
    missed = observing(renderer) or any(
        found is not None and found.targets_missed is not None for _, found, _ in shown
    )
    rows: list[list[CellContent]] = []
    for name, found, pages in shown:
        if found is None:
            unread = renderer.gap("could not be read (see the build's import warning)")
            rows.append([[el("strong", name)], unread, *["—"] * (9 if missed else 8)])
            continue
        rows.append(_row(renderer, found, pages))
        if missed:
            rows[-1].append("—" if found.targets_missed is None else str(found.targets_missed))
    headers = ["Project", "Items", "Errors", "Warnings", "Findings by rule", "Stale",
               "Lowest bus factor", "Serving without fallback", "Unmonitored triggers",
               "Last change", *(["Targets missed"] if missed else [])]  # fmt: skip
    return [renderer.table(headers, rows, classes=["ml-portfolio"])]


def _local(renderer: Renderer) -> ProjectFigures:
    context = renderer.context
    found = renderer.findings
    reported = [
        Reported(finding.rule, found.severity(finding.rule), finding.item)
        for finding in found.reported
        if renderer.in_documents(finding.where.docname)
    ]
    return _figures(renderer, None, context.title, reported, context.areas, context.last_change)


def _imported(renderer: Renderer, project: ImportedProject) -> ProjectFigures:
    # Its areas as its own build counted them: its own people.
    areas = collect_areas(project.of_type(OWNER.name), renderer.context.lookup)
    reported = [
        Reported(violation.rule, violation.severity, violation.item)
        for violation in project.violations
        if renderer.in_documents(violation.docname)
    ]
    return _figures(renderer, project.name, project.title, reported, areas, project.last_change)


def _figures(
    renderer: Renderer,
    name: str | None,
    title: str,
    reported: list[Reported],
    areas: Sequence[Area],
    last_change: str | None,
) -> ProjectFigures:
    """A project's figures: what it reported in the roll-up's ``:documents:``, and its
    items there."""
    return figures(
        name,
        title,
        {type_name: renderer.of_type_in(name, type_name) for type_name in ITEM_TYPES},
        reported,
        areas,
        last_change,
        # This project's verdicts; an import's metrics carry theirs (its export's).
        judged=renderer.context.judged if name is None else None,
    )


def _local_pages(renderer: Renderer) -> dict[str, str]:
    """Roll-up directive -> the URI of the page of this project showing it best (the
    first roll-up of a kind on a page has the directive's name as its id)."""
    pages = renderer.context.rollup_pages
    return {kind: renderer.page_uri(docname) for kind, docname in pages.items()}


def _row(renderer: Renderer, found: ProjectFigures, pages: dict[str, str]) -> list[CellContent]:
    def linked(figure: str, text: str) -> Markup:
        rollup = EXPLAINED_BY[figure]
        uri = pages.get(rollup)
        if uri is None:
            return text
        return Element("reference", (text,), uri=f"{uri.partition('#')[0]}#{rollup}")

    breakdown = ", ".join(
        counted(count, ITEM_TYPES[type_name].label.lower())
        for type_name, count in found.items_by_type.items()
        if count
    )
    by_rule = [f"{name_of(rule)} {count}" for rule, count in found.by_rule]
    share = found.stale_share
    lowest = found.lowest_bus_factor
    bus_factor: Markup = "—"
    if lowest is not None:
        text = f"{lowest[0]} ({lowest[1]})"
        bus_factor = linked("bus-factor", text)
        if any(rule is Rule.BUS_FACTOR for rule, _ in found.by_rule):  # by its own minimum
            bus_factor = el("inline", renderer.marks[0], " ", bus_factor, classes=["ml-gap"])
    project: list[Markup] = [el("strong", found.title)]
    project.append(" (this project)" if found.name is None else f" — {found.name}")
    return [
        project,
        [linked("items", str(found.item_count)), *([f" ({breakdown})"] if breakdown else [])],
        str(found.errors),
        str(found.warnings),
        "; ".join(by_rule) or "—",
        "—" if share is None else linked("stale", f"{share:.0%} ({found.stale_items})"),
        bus_factor,
        linked("no-fallback", str(found.serving_without_fallback)),
        linked("triggers", str(found.unmonitored_triggers)),
        found.last_change or "—",
    ]
