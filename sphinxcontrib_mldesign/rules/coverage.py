"""Rules on single items: what every requirement, metric and risk must state.

Each rule reads one item at a time (with the index for the metrics a fallback names), so
they are linear in the number of items.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from ..model.items import (
    METRIC,
    OWNER,
    REQUIREMENT,
    RISK,
    Item,
    as_list,
    is_active_requirement,
    is_monitored,
)
from ..model.project import Project
from ..model.rules import HIGH_RISK_SCORE, Rule
from .findings import Finding


def lacks(item: Item, option: str) -> bool:
    """The item states no value for the option, and did not try to: an option written with
    an invalid value is unknown, not missing (its schema error says so; no rule piles on)."""
    return not item.values.get(option) and option not in item.invalid_options


def lacks_owner(item: Item) -> bool:
    return item.type != OWNER.name and lacks(item, "owner")


def lacks_metric(item: Item) -> bool:
    """A must-have, active requirement that names no metric (``must-needs-metric``)."""
    return (
        item.values.get("priority") == "must"
        and is_active_requirement(item)
        and lacks(item, "metrics")
    )


def lacks_fallback(item: Item) -> bool:
    """A requirement serving predictions that names no fallback (``serving-needs-fallback``)."""
    return bool(item.values.get("inference")) and lacks(item, "fallbacks")


def missing_owner(context: Project) -> Iterator[Finding]:
    for item in context.unique_items:
        if lacks_owner(item):
            label = item.item_type.label.lower()
            yield Finding(Rule.MISSING_OWNER, item, f"{label} {item.id!r} has no :owner:")


def requirement_gaps(context: Project) -> Iterator[Finding]:
    # As the spec's table says: only must-needs-metric spares requirements that are out of
    # scope, rejected or deprecated; the other two hold for every requirement.
    for item in context.of_type(REQUIREMENT.name):
        values = item.values
        must = values.get("priority") == "must"
        if lacks_metric(item):
            yield Finding(
                Rule.MUST_NEEDS_METRIC,
                item,
                f"must-have requirement {item.id!r} lists no :metrics: — how will you know "
                "it is met?",
            )
        if must and values.get("kind") == "non-functional" and lacks(item, "target"):
            yield Finding(
                Rule.NONFUNCTIONAL_NEEDS_TARGET,
                item,
                f"must-have non-functional requirement {item.id!r} has no :target:",
            )
        if lacks_fallback(item):
            yield Finding(
                Rule.SERVING_NEEDS_FALLBACK,
                item,
                f"requirement {item.id!r} serves {values['inference']} predictions but lists "
                "no :fallbacks:",
                summary=f"serves {values['inference']} predictions with nothing to fall back to",
                concerns=(str(item.id),),
            )


def unmonitored_metric(lookup: Mapping[str, Item], metric_id: str) -> Item | None:
    """The metric, when it exists and has neither warn nor crit (a missing or wrong-type
    ID is an unknown-ref, not this)."""
    metric = lookup.get(metric_id)
    if metric is None or metric.type != METRIC.name or is_monitored(metric):
        return None
    return metric


def unmonitored_metrics(lookup: Mapping[str, Item], metric_ids: Iterable[str]) -> list[str]:
    """Those of the IDs that name a metric with neither warn nor crit, in order."""
    return [m for m in metric_ids if unmonitored_metric(lookup, m) is not None]


def unmonitored_triggers(context: Project) -> Iterator[Finding]:
    """Reported at the metric; a metric of another project (read-only) is reported at each
    fallback of this one naming it in ``:trigger:``. ``concerns``: the metric, then the
    fallbacks."""
    for metric_id, fallbacks in context.triggers.items():
        metric = unmonitored_metric(context.lookup, metric_id)
        if metric is None:
            continue
        if metric.project is None:
            names = ", ".join(repr(f) for f in fallbacks)
            yield Finding(
                Rule.TRIGGER_NOT_MONITORED,
                metric,
                f"metric {metric_id!r} triggers fallback {names} but has neither :warn: nor "
                ":crit:, so nothing will switch to it",
                concerns=(metric_id, *fallbacks),
            )
            continue
        for fallback_id in fallbacks:
            fallback = context.index[fallback_id]
            yield Finding(
                Rule.TRIGGER_NOT_MONITORED,
                fallback,
                f"fallback {fallback_id!r} is triggered by {metric_id!r}, which has neither "
                f":warn: nor :crit: in project {metric.project!r}, so nothing will switch to it",
                concerns=(metric_id, fallback_id),
                lineno=fallback.line_of("trigger"),
            )


def unmonitored_requirements(context: Project) -> Iterator[Finding]:
    """Active requirements measured by metrics with no alert thresholds, reported at their
    ``:metrics:`` line (the option naming those metrics). ``concerns``: the requirement,
    then those metrics. The metrics fallbacks depend on are ``trigger-not-monitored``'s."""
    for requirement in context.of_type(REQUIREMENT.name):
        if not is_active_requirement(requirement):
            continue
        unmonitored = unmonitored_metrics(
            context.lookup, as_list(requirement.values.get("metrics"))
        )
        if not unmonitored:
            continue
        names = ", ".join(map(repr, unmonitored))
        several = len(unmonitored) > 1
        which = f"metric{'s' * several} {names}, which {'have' if several else 'has'}"
        yield Finding(
            Rule.REQUIREMENT_UNMONITORED,
            requirement,
            f"requirement {requirement.id!r} is measured by {which} neither :warn: nor :crit:, "
            "so no alert says when it is not met",
            concerns=(str(requirement.id), *unmonitored),
            lineno=requirement.line_of("metrics"),
        )


def drift_without_method(context: Project) -> Iterator[Finding]:
    for metric in context.of_type(METRIC.name):
        if metric.values.get("kind") != "drift":
            continue
        missing = [name for name in ("drift-method", "reference") if lacks(metric, name)]
        if missing:
            options = " and ".join(f":{name}:" for name in missing)
            yield Finding(
                Rule.DRIFT_NEEDS_METHOD, metric, f"drift metric {metric.id!r} has no {options}"
            )


def unmitigated_high_risks(context: Project) -> Iterator[Finding]:
    for risk in context.of_type(RISK.name):
        score = risk.values.get("score")
        if (
            risk.values.get("status") == "open"
            and isinstance(score, int)
            and score >= HIGH_RISK_SCORE
            and lacks(risk, "mitigations")
        ):
            yield Finding(
                Rule.HIGH_RISK_NEEDS_MITIGATION,
                risk,
                f"open risk {risk.id!r} scores {score} (of 25; {HIGH_RISK_SCORE}+ is high) "
                "and lists no :mitigations:",
            )


CHECKS = (
    missing_owner,
    requirement_gaps,
    unmonitored_requirements,
    unmonitored_triggers,
    drift_without_method,
    unmitigated_high_risks,
)
