"""``.. ml-ownership-index::`` — per owner: what they own, their areas and backups; per
area: who knows it, and its bus factor."""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes

from ..model.items import OWNER
from ..model.rules import Rule
from .directive import RollupDirective, matches
from .renderer import CellContent, Renderer

FILTERS = {"tags": (OWNER.name, "tags")}


class OwnershipIndex(RollupDirective):
    summary = (
        "Per owner: the items they own, their areas and backups; per area: its owners, "
        "backups and bus factor."
    )
    kind = "ownership-index"
    filters: ClassVar[dict[str, tuple[str, str]]] = FILTERS


def render(renderer: Renderer) -> list[nodes.Node]:
    context = renderer.context
    owners = [o for o in renderer.of_type(OWNER.name) if matches(o, FILTERS, renderer.options)]
    if not owners:
        return [renderer.empty("No owners match this index.")]
    owned: dict[str, list[str]] = {}
    for item in renderer.view.unique_items:
        if not renderer.in_documents(item.docname):
            continue
        for owner_id in item.values.get("owner", ()):
            owned.setdefault(owner_id, []).append(str(item.id))
    # A missing backup is a gap where it leaves an area below the minimum bus factor.
    short_handed = {person for f in renderer.of_rule(Rule.BUS_FACTOR) for person in f.concerns}
    rows: list[list[CellContent]] = []
    for owner in owners:
        values = owner.values
        items = owned.get(str(owner.id), [])
        rows.append(
            [
                renderer.link(str(owner.id)),
                owner.title,
                renderer.text(" / ".join(v for v in (values.get("team"), values.get("role")) if v)),
                renderer.links(items) or "—",
                str(len(items)),
                renderer.text(values.get("areas")),
                renderer.links(values.get("backups") or [], OWNER.name)
                or renderer.mark("no backup", owner.id in short_handed),
            ]
        )
    out: list[nodes.Node] = [
        renderer.table(
            ["ID", "Owner", "Team / role", "Owns", "Items", "Areas", "Backups"],
            rows,
            classes=["ml-ownership-index"],
            widths=[10, 14, 14, 30, 6, 14, 12],
        )
    ]
    minimum = context.config.min_bus_factor
    areas = renderer.view.areas
    out.append(nodes.rubric("", f"Areas and bus factor (minimum {minimum})"))
    if not areas:
        out.append(renderer.empty("No owner lists :areas:, so no bus factor to show."))
        return out
    area_rows: list[list[CellContent]] = []
    row_classes = []
    for area in areas:
        low = renderer.about(Rule.BUS_FACTOR, area.name) is not None
        area_rows.append(
            [
                area.name,
                renderer.links(str(o.id) for o in area.owners),
                renderer.links(str(b.id) for b in area.backups) or "—",
                renderer.gap(f"{area.bus_factor}") if low else str(area.bus_factor),
            ]
        )
        row_classes.append(["ml-derived"] if low else [])
    out.append(
        renderer.table(
            ["Area", "Owners", "Backups", "Bus factor"],
            area_rows,
            classes=["ml-area-index"],
            row_classes=row_classes,
        )
    )
    return out
