"""Deployed alerting rules matched to the thresholds they implement: by ``mldesign_id``
label, else by a name in the metric's ``:alert:``; a metric's rules go to its thresholds
all at once, each to the one it fits (:func:`match_alerts`), then compared
(:func:`.alerts.differences`). Sphinx-free."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .alerts import Drift, Threshold, comparison, differences, thresholds
from .items import Item, as_list
from .rulefiles import DeployedRule


@dataclass(frozen=True)
class AlertOutcome:
    """What is deployed for one threshold: no rule, or a rule and how it differs."""

    item: Item
    threshold: Threshold
    rule: DeployedRule | None
    differences: tuple[Drift, ...] = ()


def match_alerts(
    metrics: Sequence[Item], deployed: Sequence[DeployedRule]
) -> tuple[list[AlertOutcome], list[DeployedRule]]:
    """Each threshold of each monitored metric with a ``query`` or ``:alert:``, matched to
    a deployed rule by its ``mldesign_id`` label, else by a name in ``:alert:``; and the
    rules labelled with an ID no metric has."""
    by_id: dict[str, list[DeployedRule]] = {}
    by_name: dict[str, list[DeployedRule]] = {}
    for rule in deployed:
        if "mldesign_id" in rule.labels:
            by_id.setdefault(rule.labels["mldesign_id"], []).append(rule)
        else:
            by_name.setdefault(rule.name, []).append(rule)
    outcomes = []
    for item in metrics:
        values = item.export()
        found = thresholds(values)
        if not found or not (values.get("query") or values.get("alert")):
            continue
        named = dict.fromkeys(as_list(values.get("alert")))  # a name written twice: once
        candidates = by_id.get(str(item.id), []) + [
            rule for name in named for rule in by_name.get(name, [])
        ]
        for threshold, picked in zip(found, _pick(found, candidates), strict=True):
            if picked is None:
                outcomes.append(AlertOutcome(item, threshold, None))
                continue
            severity = picked.labels.get("severity")
            changed = differences(threshold, picked.expr, picked.for_, severity)
            if picked.failing is not None:  # loaded, but it cannot fire
                failing = f"loaded in Prometheus but failing: {picked.failing}"
                changed.append(Drift(threshold.level, failing))
            outcomes.append(AlertOutcome(item, threshold, picked, tuple(changed)))
    known = {str(item.id) for item in metrics}
    unknown = [rule for key, rules in by_id.items() if key not in known for rule in rules]
    return outcomes, unknown


Comparison = tuple[str, float]
"""A deployed rule's ``(op, threshold)``, as :func:`comparison` reads it."""
#: The way a comparison fires: ``>`` and ``>=`` above a number, ``<`` and ``<=`` below.
_DIRECTION = {">": ">", ">=": ">", "<": "<", "<=": "<", "==": "==", "!=": "!="}


def _pick(
    found: Sequence[Threshold], candidates: Sequence[DeployedRule]
) -> list[DeployedRule | None]:
    """The rule implementing each of a metric's thresholds (None: not deployed), chosen for
    all of them at once, so a looser fit for one threshold never takes the rule that fits
    another exactly: first the rules saying their threshold (``mldesign_threshold``), then
    each rule with a threshold's comparison, then one comparing the same way with the
    nearest number, then by severity, and only then what is left, in order (then drift).
    Within a step the closest pairs go first, ties in the order of thresholds and rules."""
    compared = [comparison(rule.expr) for rule in candidates]
    # Each step scores a pair (lower fits better), or refuses it with None.
    tests: tuple[Callable[[Threshold, DeployedRule, Comparison | None], float | None], ...] = (
        lambda threshold, rule, _: _fits(rule.labels.get("mldesign_threshold") == threshold.level),
        lambda threshold, _, cmp: _fits(cmp == (threshold.op, float(threshold.value))),
        lambda threshold, rule, cmp: _distance(threshold, cmp) if _unclaimed(rule) else None,
        lambda threshold, rule, _: _fits(
            threshold.severity is not None
            and rule.labels.get("severity") == threshold.severity
            and _unclaimed(rule)
        ),
        lambda _, rule, __: _fits(_unclaimed(rule)),
    )
    picked: list[int | None] = [None] * len(found)
    taken: set[int] = set()
    for test in tests:
        pairs = []
        for at, threshold in enumerate(found):
            for index, rule in enumerate(candidates):
                if picked[at] is None and index not in taken:
                    score = test(threshold, rule, compared[index])
                    if score is not None:
                        pairs.append((score, at, index))
        for _, at, index in sorted(pairs):
            if picked[at] is None and index not in taken:
                picked[at] = index
                taken.add(index)
    return [None if index is None else candidates[index] for index in picked]


def _fits(test: bool) -> float | None:
    return 0.0 if test else None


def _unclaimed(rule: DeployedRule) -> bool:
    """A rule that does not say which threshold it implements."""
    return "mldesign_threshold" not in rule.labels


def _distance(threshold: Threshold, compared: Comparison | None) -> float | None:
    """How far a comparison's number is from the threshold's, when it fires the same way
    (None otherwise); a NaN, which fires never, comes last."""
    if compared is None or _DIRECTION[compared[0]] != _DIRECTION[threshold.op]:
        return None
    apart = abs(compared[1] - threshold.value)
    return math.inf if math.isnan(apart) else apart
