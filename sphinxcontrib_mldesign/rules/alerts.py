"""The doc against the alerting rules deployed: ``alert-missing``, ``alert-drift``,
``alert-unknown`` (only when ``mldesign_alert_rules`` names rule files)."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.alerts import match_alerts
from ..model.items import METRIC
from .context import Context
from .findings import Finding
from .registry import Rule


def deployed_alerts(context: Context) -> Iterator[Finding]:
    if not context.config.alert_rules:
        return
    files = context.deployed_alerts
    for problem in files.problems:
        message = f"cannot read the deployed alerting rules: {problem.message}"
        yield Finding(Rule.ALERT_UNKNOWN, problem, message)
    outcomes, unknown = match_alerts(context.of_type(METRIC.name), files.rules)
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
        for drift in outcome.differences:  # each at the line of the option that drifted
            yield Finding(
                Rule.ALERT_DRIFT,
                item,
                f"metric {item.id!r}: deployed rule {rule.name!r} ({rule.docname}:{rule.lineno}) "
                f"differs from its {threshold.level} threshold: {drift.text}",
                summary=f"{threshold.level}: {drift.text}",
                lineno=item.line_of(drift.option),
            )
    for rule in unknown:
        yield Finding(
            Rule.ALERT_UNKNOWN,
            rule,
            f"deployed rule {rule.name!r} is labelled mldesign_id={rule.labels['mldesign_id']!r}, "
            "which names no metric of the doc",
        )


CHECKS = (deployed_alerts,)
