"""``.. ml-requirement-index::`` — every requirement with how it is measured, protected
and owned, and the gaps in each."""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes

from ..model.items import REQUIREMENT, Item
from ..model.rules import Rule
from .directive import RollupDirective, matches
from .markup import Markup
from .observed import met_cell, met_of, shows_observations
from .renderer import Renderer

REQ = REQUIREMENT.name
FILTERS = {
    "status": (REQ, "status"),
    "priority": (REQ, "priority"),
    "kind": (REQ, "kind"),
    "category": (REQ, "category"),
    "owner": (REQ, "owner"),
    "tags": (REQ, "tags"),
}
COLUMNS = (
    "id", "title", "kind", "category", "priority", "status", "target", "inference",
    "verification", "scope", "metrics", "fallbacks", "risks", "depends", "owner", "tags",
    "reviewed", "document", "met",
)  # fmt: skip
DEFAULT_COLUMNS = ("id", "title", "priority", "status", "target", "metrics", "fallbacks", "owner")
_REF_TYPES = {
    "metrics": "ml-metric",
    "fallbacks": "ml-fallback",
    "risks": "ml-risk",
    "depends": "ml-requirement",
    "owner": "ml-owner",
}
#: How :sort: met orders requirements: missed first, then unknown, then met.
MET_ORDER = (False, None, True)
HEADERS = {"id": "ID", "title": "Requirement", "owner": "Owner", "reviewed": "Reviewed"}


class RequirementIndex(RollupDirective):
    summary = (
        "Every requirement with its target, metrics, fallbacks and owner; the gaps the "
        "checks report (no metric for a must-have, no owner, no fallback for a requirement "
        "that serves predictions) are flagged, unless their rule is turned off."
    )
    kind = "requirement-index"
    filters: ClassVar[dict[str, tuple[str, str]]] = FILTERS
    extra_options = ("columns", "sort")
    option_help: ClassVar[dict[str, str]] = {
        "columns": "Columns to show, in order; default: "
        + ", ".join(DEFAULT_COLUMNS)
        + ". Any of: "
        + ", ".join(COLUMNS),
        "sort": "One column to sort by (``-`` before it: descending); enumerated values "
        "sort in their natural order (must before should). Default: document order.",
    }

    def check_option(self, name: str, values: list[str], problems: list[str]) -> Any:
        # Only :sort: takes a leading "-" (descending).
        names = [value.removeprefix("-") if name == "sort" else value for value in values]
        bad = [value for value in names if value not in COLUMNS]
        if bad or (name == "sort" and len(values) > 1):
            problems.append(
                f"{self.name} :{name}: {', '.join(map(repr, bad or values))} — "
                + ("give one column" if not bad else f"columns are: {', '.join(COLUMNS)}")
            )
            return [] if name == "sort" else [v for v in names if v not in bad]
        return values


def render(renderer: Renderer) -> list[nodes.Node]:
    options = renderer.options
    items = [item for item in renderer.of_type(REQ) if matches(item, FILTERS, options)]
    if not items:
        return [renderer.empty("No requirements match this index.")]
    # Enumerated values rank in the project's order (an extension may add or narrow).
    schema = renderer.context.config.schemas.of(REQ)
    orders = {name: list(spec.enum) for name, spec in schema.options.items() if spec.enum}
    sort = options.get("sort")
    if sort:
        column = sort[0].lstrip("-")
        items.sort(
            key=lambda item: (
                (MET_ORDER.index(met_of(renderer, item)), "")
                if column == "met"
                else _sort_key(item, column, orders.get(column))
            ),
            reverse=sort[0].startswith("-"),
        )
    columns = options.get("columns") or list(DEFAULT_COLUMNS)
    if not options.get("columns") and shows_observations(renderer, items):
        columns = [*columns, "met"]  # observed values shown: whether each holds
    headers = [HEADERS.get(column, column.capitalize()) for column in columns]
    rows = [[_cell(renderer, orders, item, column) for column in columns] for item in items]
    return [renderer.table(headers, rows, classes=["ml-requirement-index"])]


def _sort_key(item: Item, column: str, order: list[str] | None) -> tuple[int, str]:
    value = item.values.get(column)
    if column == "id":
        return (0, str(item.id))
    if column == "title":
        return (0, item.title.casefold())
    if column == "document":
        return (0, item.docname)
    if order is not None:
        return (order.index(value) if value in order else len(order), "")
    if isinstance(value, dict):
        value = value.get("text")
    return (0 if value else 1, str(value or ""))


def _cell(
    renderer: Renderer, orders: dict[str, list[Any]], item: Item, column: str
) -> Markup | list[Markup]:
    values = item.values
    if column == "id":
        return renderer.link(str(item.id))
    if column == "title":
        return item.title
    if column == "document":
        return renderer.doc_link(item.docname)
    if column == "met":
        return met_cell(renderer, item)
    if column in _REF_TYPES:
        shown = renderer.links(values.get(column) or [], _REF_TYPES[column])
        if column in GAPS:  # empty where the check found the gap
            return shown or renderer.flagged(GAPS[column], item.id)
        return shown or "—"
    if column in ("priority", "status", "kind", "scope"):
        return renderer.ranked(values.get(column), orders.get(column, ()))
    return renderer.text(values.get(column))


#: Column -> the rule whose finding is the gap an empty cell shows.
GAPS: dict[str, Rule] = {
    "metrics": Rule.MUST_NEEDS_METRIC,
    "fallbacks": Rule.SERVING_NEEDS_FALLBACK,
    "owner": Rule.MISSING_OWNER,
}
