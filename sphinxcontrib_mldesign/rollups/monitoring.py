"""``.. ml-monitoring-index::`` — what watches the system: every monitored metric, then
the gaps the checks found (requirements measured by unmonitored metrics, fallbacks
nobody can trigger)."""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes

from ..model.items import FALLBACK, METRIC, OWNER, Item, as_list, is_monitored
from ..model.rules import Rule
from .directive import RollupDirective, matches
from .markup import Element, Markup, el
from .observed import observed_cell, shows_observations
from .renderer import CellContent, Renderer

FILTERS = {
    "kind": (METRIC.name, "kind"),
    "severity": (METRIC.name, "severity"),
    "owner": (METRIC.name, "owner"),
    "tags": (METRIC.name, "tags"),
}


class MonitoringIndex(RollupDirective):
    summary = (
        "Every monitored metric (with warn or crit) with its thresholds, window, how long "
        "a breach lasts before its alert fires (for), severity, owner and the fallbacks it "
        "triggers; then the coverage gaps."
    )
    kind = "monitoring-index"
    filters: ClassVar[dict[str, tuple[str, str]]] = FILTERS


def render(renderer: Renderer) -> list[nodes.Node]:
    # Metric -> fallbacks it switches to: those naming it in :trigger:, and its :on-breach:.
    triggers = {
        str(metric.id): list(
            dict.fromkeys(
                [
                    *renderer.view.triggers.get(str(metric.id), []),
                    *as_list(metric.values.get("on-breach")),
                ]
            )
        )
        for metric in renderer.of_type(METRIC.name)
    }
    metrics = [
        m
        for m in renderer.of_type(METRIC.name)
        if is_monitored(m) and matches(m, FILTERS, renderer.options)
    ]
    out: list[nodes.Node] = []
    if metrics:
        out.append(_alerts(renderer, metrics, triggers))
    else:
        out.append(renderer.empty("No monitored metric (one with :warn: or :crit:) matches."))
    out.append(nodes.rubric("", "Coverage gaps"))
    gaps = _gaps(renderer)
    out.extend(gaps if gaps is not None else [renderer.empty("No coverage gaps.")])
    return out


def _alerts(renderer: Renderer, metrics: list[Item], triggers: dict[str, list[str]]) -> nodes.table:
    rows: list[list[CellContent]] = []
    deployed = _deployed(renderer) if renderer.context.config.alert_rules else None
    observed = shows_observations(renderer, metrics)
    for metric in metrics:
        values = metric.values
        rows.append(
            [
                renderer.link(str(metric.id)),
                metric.title,
                renderer.text(values.get("kind")),
                renderer.text(values.get("target")),
                renderer.text(values.get("warn")),
                renderer.text(values.get("crit")),
                *([observed_cell(renderer, metric)] if observed else []),
                renderer.text(values.get("window")),
                renderer.text(values.get("for")),
                renderer.text(values.get("severity")),
                renderer.links(values.get("owner") or [], OWNER.name)
                or renderer.flagged(Rule.MISSING_OWNER, metric.id),
                renderer.links(triggers.get(str(metric.id), []), FALLBACK.name) or "—",
            ]
        )
        if deployed is not None:
            problems, not_compared = deployed
            rows[-1].append(
                _deployed_cell(
                    renderer,
                    metric,
                    problems.get(str(metric.id), []),
                    not_compared.get(str(metric.id), ()),
                )
            )
    headers = ["ID", "Metric", "Kind", "Target", "Warn", "Crit",
               *(["Observed"] if observed else []), "Window", "For", "Severity",
               "Owner", "Triggers", *(["Deployed"] if deployed is not None else [])]  # fmt: skip
    return renderer.table(headers, rows, classes=["ml-monitoring-index"])


def _deployed(renderer: Renderer) -> tuple[dict[str, list[str]], dict[str, tuple[str, ...]]]:
    """Metric ID -> what the alert checks found about its deployed rules; and -> the options
    the drift check did not compare, as the doc writes them invalidly."""
    found: dict[str, list[str]] = {}
    for rule in (Rule.ALERT_MISSING, Rule.ALERT_DRIFT):
        for finding in renderer.of_rule(rule):
            found.setdefault(str(finding.subject), []).append(finding.summary)
    not_compared = {
        str(outcome.item.id): outcome.threshold.not_compared
        for outcome in renderer.context.alerts[0]
        if outcome.threshold.not_compared
    }
    return found, not_compared


def _deployed_cell(
    renderer: Renderer, metric: Item, problems: list[str], not_compared: tuple[str, ...]
) -> list[Markup]:
    """✓ when every threshold's rule is deployed as the doc says; the gaps otherwise; a dash
    for a metric with neither :query: nor :alert: (nothing to check), or saying which
    options were not compared (written invalidly: the doc states nothing to agree with)."""
    out: list[Markup] = []
    for problem in problems:
        out += [renderer.gap(problem), " "]
    if not_compared:
        out += ["— invalid " + ", ".join(f":{option}:" for option in not_compared), " "]
    if out:
        return out[:-1]
    if metric.project is not None or not (metric.values.get("query") or metric.values.get("alert")):
        return ["—"]  # nothing to check (another project's rules are not ours to check)
    return [f"{renderer.marks[1]} as the doc says"]


def _gaps(renderer: Renderer) -> list[nodes.Node] | None:
    """What ``requirement-unmonitored`` and ``trigger-not-monitored`` found (nothing for a
    rule turned "off")."""
    entries: list[Element] = []
    for finding in renderer.of_rule(Rule.REQUIREMENT_UNMONITORED):
        if not renderer.in_documents(finding.where.docname):
            continue
        requirement_id, *metric_ids = finding.concerns
        entries.append(
            _entry(
                renderer.gap(Rule.REQUIREMENT_UNMONITORED.gap),
                " requirement ",
                renderer.link(requirement_id),
                " is measured by metrics with no :warn: or :crit:: ",
                *renderer.links(metric_ids),
            )
        )
    for finding in renderer.of_rule(Rule.TRIGGER_NOT_MONITORED):
        if not renderer.in_documents(finding.where.docname):
            continue
        metric_id, *fallback_ids = finding.concerns
        for fallback_id in fallback_ids:
            entries.append(
                _entry(
                    renderer.gap(Rule.TRIGGER_NOT_MONITORED.gap),
                    " fallback ",
                    renderer.link(fallback_id),
                    " is triggered by ",
                    renderer.link(metric_id),
                    ", which has no :warn: or :crit:",
                )
            )
    if not entries:
        return None
    return renderer.block([el("bullet_list", *entries, classes=["ml-gaps"])])


def _entry(*content: Markup) -> Element:
    return el("list_item", el("paragraph", *content))
