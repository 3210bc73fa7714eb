"""``.. ml-risk-index::`` — the risk register by score, a likelihood x impact matrix, and
the risks the extension derives from the doc itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from docutils import nodes

from ..directives.risk import LEVEL_SCORES
from ..items import OWNER, REQUIREMENT, RISK, Item
from ..rules.coverage import lacks_fallback
from ..warnings_ import Rule
from .base import Cell, CellContent, Renderer, RollupDirective, matches
from .markup import Markup, el

FILTERS = {
    "status": (RISK.name, "status"),
    "category": (RISK.name, "category"),
    "owner": (RISK.name, "owner"),
    "tags": (RISK.name, "tags"),
}
LEVELS = list(LEVEL_SCORES)  # very-low .. very-high


class RiskIndex(RollupDirective):
    summary = (
        "The risk register sorted by score, a likelihood x impact matrix, and the risks "
        "derived from the doc: areas below the minimum bus factor, serving requirements "
        "with no fallback, stale items."
    )
    kind = "risk-index"
    filters: ClassVar[dict[str, tuple[str, str]]] = FILTERS


def score_band(score: int) -> str:
    """low (1-4), medium (5-9), high (10-16), critical (20-25)."""
    if score >= 20:
        return "critical"
    if score >= 10:
        return "high"
    if score >= 5:
        return "medium"
    return "low"


@dataclass(frozen=True)
class DerivedRisk:
    """A risk nobody wrote down, found in the structure of the doc."""

    kind: str
    concerns: tuple[str, ...]  # item IDs
    area: str | None
    why: str


def derived_risks(renderer: Renderer) -> list[DerivedRisk]:
    """What the bus-factor, serving-needs-fallback and stale checks find, as risks; a
    check turned "off" in ``mldesign_rules`` derives none."""
    context = renderer.context
    config = context.config
    found: list[DerivedRisk] = []
    if config.setting(Rule.BUS_FACTOR) != "off":
        minimum = config.min_bus_factor
        found += [
            DerivedRisk(
                "bus factor",
                tuple(str(person.id) for person in area.people),
                area.name,
                f"only {area.bus_factor} of the {minimum} people needed know this area",
            )
            for area in context.areas
            if area.bus_factor < minimum
        ]
    if config.setting(Rule.SERVING_NEEDS_FALLBACK) != "off":
        found += [
            DerivedRisk(
                "no fallback",
                (str(item.id),),
                None,
                f"serves {item.values['inference']} predictions with nothing to fall back to",
            )
            for item in context.of_type(REQUIREMENT.name)
            if lacks_fallback(item)
        ]
    if config.setting(Rule.STALE) != "off":
        found += [
            DerivedRisk(
                "stale",
                (item_id,),
                None,
                f"{stale.source} on {stale.date.isoformat()}, {stale.age_days} days ago",
            )
            for item_id, stale in context.stale.items()
        ]
    return found


def render(renderer: Renderer) -> list[nodes.Node]:
    risks = [
        r for r in renderer.context.of_type(RISK.name) if matches(r, FILTERS, renderer.options)
    ]
    out: list[nodes.Node] = []
    if risks:
        risks.sort(key=lambda r: (-(r.values.get("score") or 0), r.docname, r.lineno))
        out.append(_register(renderer, risks))
        out.append(nodes.rubric("", "Likelihood x impact"))
        out.append(_matrix(renderer, risks))
    else:
        out.append(renderer.empty("No declared risks match this index."))
    derived = derived_risks(renderer)
    if derived:
        out.append(nodes.rubric("", "Derived risks"))
        out.append(
            renderer.table(
                ["Derived", "Kind", "Concerns", "Why"],
                [
                    [
                        el("inline", "derived", classes=["ml-derived-badge"]),
                        risk.kind,
                        _concerns(renderer, risk),
                        risk.why,
                    ]
                    for risk in derived
                ],
                classes=["ml-derived-risks"],
                row_classes=[["ml-derived"]] * len(derived),
                widths=[8, 12, 35, 45],
            )
        )
    else:
        out.append(
            renderer.empty(
                "No derived risks: every area has enough people, every "
                "serving requirement a fallback, every item a recent review."
            )
        )
    return out


def _concerns(renderer: Renderer, risk: DerivedRisk) -> list[Markup]:
    prefix: list[Markup] = [f"area {risk.area!r}: "] if risk.area else []
    return prefix + renderer.links(risk.concerns)


def _register(renderer: Renderer, risks: list[Item]) -> nodes.table:
    rows: list[list[CellContent]] = []
    row_classes = []
    for risk in risks:
        values = risk.values
        score = values.get("score")
        rows.append(
            [
                renderer.link(str(risk.id)),
                risk.title,
                renderer.text(values.get("category")),
                renderer.ranked(values.get("likelihood"), LEVELS),
                renderer.ranked(values.get("impact"), LEVELS),
                el("inline", str(score), classes=[f"ml-score-{score_band(score)}"])
                if isinstance(score, int)
                else "—",
                renderer.text(values.get("status")),
                renderer.links(values.get("mitigations") or []) or renderer.gap("none"),
                renderer.links(values.get("owner") or [], OWNER.name) or renderer.gap("no owner"),
            ]
        )
        row_classes.append([f"ml-score-{score_band(score)}"] if isinstance(score, int) else [])
    headers = ["ID", "Risk", "Category", "Likelihood", "Impact", "Score", "Status",
               "Mitigations", "Owner"]  # fmt: skip
    return renderer.table(headers, rows, classes=["ml-risk-register"], row_classes=row_classes)


def _matrix(renderer: Renderer, risks: list[Item]) -> nodes.table:
    """Impact down the side (highest first), likelihood across; each cell holds the IDs
    of the risks with that pair, coloured by the cell's score."""
    cells: dict[tuple[str, str], list[str]] = {}
    for risk in risks:
        key = (risk.values.get("likelihood"), risk.values.get("impact"))
        if key[0] in LEVEL_SCORES and key[1] in LEVEL_SCORES:
            cells.setdefault((str(key[0]), str(key[1])), []).append(str(risk.id))
    rows: list[list[CellContent]] = []
    for impact in reversed(LEVELS):
        row: list[CellContent] = [el("strong", f"impact {impact}")]
        for likelihood in LEVELS:
            score = LEVEL_SCORES[likelihood] * LEVEL_SCORES[impact]
            ids = cells.get((likelihood, impact), [])
            content: list[Markup] = renderer.links(ids) if ids else ["·"]
            row.append(Cell(content, (f"ml-cell-{score_band(score)}",)))
        rows.append(row)
    headers = ["Impact \\ likelihood", *LEVELS]
    return renderer.table(headers, rows, classes=["ml-risk-matrix"], widths=[18] + [12] * 5)
