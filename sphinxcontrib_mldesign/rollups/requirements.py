"""``.. ml-requirement-index::`` — every requirement with how it is measured, protected
and owned, and the gaps in each."""

from __future__ import annotations

import functools
from typing import Any, ClassVar

from docutils import nodes

from ..items import REQUIREMENT, Item
from ..rules.coverage import is_active_requirement
from ..schema import base_schema
from .base import Renderer, RollupDirective, matches
from .markup import Markup

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
    "reviewed", "document",
)  # fmt: skip
DEFAULT_COLUMNS = ("id", "title", "priority", "status", "target", "metrics", "fallbacks", "owner")
_REF_TYPES = {
    "metrics": "ml-metric",
    "fallbacks": "ml-fallback",
    "risks": "ml-risk",
    "depends": "ml-requirement",
    "owner": "ml-owner",
}
HEADERS = {"id": "ID", "title": "Requirement", "owner": "Owner", "reviewed": "Reviewed"}


class RequirementIndex(RollupDirective):
    summary = (
        "Every requirement with its target, metrics, fallbacks and owner; gaps (no "
        "metric, no owner, no fallback for a requirement that serves predictions) are "
        "flagged."
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
    items = [item for item in renderer.context.of_type(REQ) if matches(item, FILTERS, options)]
    if not items:
        return [renderer.empty("No requirements match this index.")]
    sort = options.get("sort")
    if sort:
        column = sort[0].lstrip("-")
        orders = _orders()
        items.sort(
            key=lambda item: _sort_key(item, column, orders.get(column)),
            reverse=sort[0].startswith("-"),
        )
    columns = options.get("columns") or list(DEFAULT_COLUMNS)
    headers = [HEADERS.get(column, column.capitalize()) for column in columns]
    rows = [[_cell(renderer, item, column) for column in columns] for item in items]
    return [renderer.table(headers, rows, classes=["ml-requirement-index"])]


@functools.cache
def _orders() -> dict[str, list[str]]:
    properties = base_schema(REQ)["properties"]
    return {name: list(prop["enum"]) for name, prop in properties.items() if "enum" in prop}


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


def _cell(renderer: Renderer, item: Item, column: str) -> Markup | list[Markup]:
    values = item.values
    if column == "id":
        return renderer.link(str(item.id))
    if column == "title":
        return item.title
    if column == "document":
        return renderer.doc_link(item.docname)
    active = is_active_requirement(item)
    if column in _REF_TYPES:
        refs = values.get(column) or []
        expected = _REF_TYPES[column]
        shown = renderer.links(refs, expected)
        if any(_is_a(renderer, ref, expected) for ref in refs):
            return shown
        # None names a real item of the right type (unknown-ref reports the bad ones).
        gap = _gap_for(item, column, active)
        if gap:
            return [*shown, " " if shown else "", renderer.gap(gap)]
        return shown or "—"
    if column in ("priority", "status", "kind", "scope"):
        return renderer.ranked(values.get(column), _orders()[column])
    return renderer.text(values.get(column))


def _gap_for(item: Item, column: str, active: bool) -> str | None:
    if not active:
        return None
    if column == "metrics":
        return "no metric"
    if column == "owner":
        return "no owner"
    if column == "fallbacks" and item.values.get("inference"):
        return "no fallback"
    return None


def _is_a(renderer: Renderer, item_id: str, type_name: str) -> bool:
    item = renderer.context.index.get(item_id)
    return item is not None and item.type == type_name
