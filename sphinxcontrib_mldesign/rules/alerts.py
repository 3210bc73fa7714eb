"""The doc against the alerting rules deployed: ``alert-missing``, ``alert-drift``,
``alert-unknown`` (only when ``mldesign_alert_rules`` names rule files)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from ..model.alert_matching import AlertOutcome
from ..model.alerts import Drift
from ..model.project import Project
from ..model.rulefiles import DeployedRule
from ..model.rules import Rule
from .findings import Finding


def deployed_alerts(context: Project) -> Iterator[Finding]:
    if not context.config.alert_rules:
        return
    for problem in context.deployed_alerts.problems:
        message = f"cannot read the deployed alerting rules: {problem.message}"
        yield Finding(Rule.ALERT_UNKNOWN, problem, message)
    outcomes, unknown = context.alerts
    for _, of_metric in groupby(outcomes, key=lambda outcome: id(outcome.item)):
        yield from _metric_findings(list(of_metric))
    for rule in unknown:
        yield Finding(
            Rule.ALERT_UNKNOWN,
            rule,
            f"deployed rule {rule.name!r} is labelled mldesign_id={rule.labels['mldesign_id']!r}, "
            "which names no metric of the doc",
        )


def _metric_findings(outcomes: list[AlertOutcome]) -> Iterator[Finding]:
    """One metric's missing rules, then its drift: one finding per mistake, at the line of
    the option that drifted — a difference its rules share (no :for: written, a for
    deployed on both) is one finding naming every rule that has it."""
    drifts: dict[Drift, list[tuple[str, DeployedRule]]] = {}
    for outcome in outcomes:
        item, threshold, rule = outcome.item, outcome.threshold, outcome.rule
        if rule is None:
            yield Finding(
                Rule.ALERT_MISSING,
                item,
                f"metric {item.id!r} has no deployed alerting rule for its {threshold.level} "
                f"threshold ({threshold.condition}); deploy the one `mldesign alerts` writes, "
                "or name yours in :alert:",
                summary=f"{threshold.level}: not deployed",
            )
            continue
        for drift in outcome.differences:
            drifts.setdefault(drift, []).append((threshold.level, rule))
    item = outcomes[0].item
    for drift, where in drifts.items():
        levels = " and ".join(level for level, _ in where)
        rules = " and ".join(f"{rule.name!r} ({rule.docname}:{rule.lineno})" for _, rule in where)
        rules_differ, thresholds = (
            (f"rule {rules} differs", "threshold")
            if len(where) == 1
            else (f"rules {rules} differ", "thresholds")
        )
        yield Finding(
            Rule.ALERT_DRIFT,
            item,
            f"metric {item.id!r}: deployed {rules_differ} from its {levels} {thresholds}: "
            f"{drift.text}",
            summary=f"{levels}: {drift.text}",
            lineno=item.line_of(drift.option),
        )


CHECKS = (deployed_alerts,)
