"""``.. ml-risk-index::`` — the risk register by score, a likelihood x impact matrix, and
the risks the extension derives from the doc itself."""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes

from ..model.items import OWNER, RISK, Item
from ..model.rules import Rule
from ..model.scoring import LEVEL_SCORES, LEVELS, score_band
from ..rules.findings import Finding
from .directive import RollupDirective, matches
from .markup import Cell, Markup, el
from .renderer import CellContent, Renderer

FILTERS = {
    "status": (RISK.name, "status"),
    "category": (RISK.name, "category"),
    "owner": (RISK.name, "owner"),
    "tags": (RISK.name, "tags"),
}


class RiskIndex(RollupDirective):
    summary = (
        "The risk register sorted by score, a likelihood x impact matrix, and the risks "
        "derived from the doc: areas below the minimum bus factor, serving requirements "
        "with no fallback, stale items, unacknowledged feedback loops in the data flow."
    )
    kind = "risk-index"
    filters: ClassVar[dict[str, tuple[str, str]]] = FILTERS


#: The findings shown as derived risks (each of the kind its rule's gap label says).
DERIVED = (Rule.BUS_FACTOR, Rule.SERVING_NEEDS_FALLBACK, Rule.STALE, Rule.FEEDBACK_LOOP)


def derived_risks(renderer: Renderer) -> list[Finding]:
    """What the bus-factor, serving-needs-fallback, stale and feedback-loop checks found,
    as risks (a rule turned "off" finds none), where the finding is reported in the
    ``:documents:``."""
    return [
        finding
        for rule in DERIVED
        for finding in renderer.of_rule(rule)
        if renderer.in_documents(finding.where.docname)
    ]


def render(renderer: Renderer) -> list[nodes.Node]:
    risks = [r for r in renderer.of_type(RISK.name) if matches(r, FILTERS, renderer.options)]
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
                        finding.rule.gap,
                        _concerns(renderer, finding),
                        finding.summary,
                    ]
                    for finding in derived
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


def _concerns(renderer: Renderer, finding: Finding) -> list[Markup]:
    prefix: list[Markup] = [f"area {finding.area!r}: "] if finding.area else []
    return prefix + renderer.links(finding.concerns)


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
                renderer.links(values.get("mitigations") or [])
                or renderer.flagged(Rule.HIGH_RISK_NEEDS_MITIGATION, risk.id),
                renderer.links(values.get("owner") or [], OWNER.name)
                or renderer.flagged(Rule.MISSING_OWNER, risk.id),
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
            row.append(Cell(tuple(content), (f"ml-cell-{score_band(score)}",)))
        rows.append(row)
    headers = ["Impact \\ likelihood", *LEVELS]
    return renderer.table(headers, rows, classes=["ml-risk-matrix"], widths=[18] + [12] * 5)
