"""Alerting rules as the doc states them: one per threshold of a monitored metric.

:func:`thresholds` reads a metric (as exported: its values with ``id`` and ``title``);
:func:`alerting_rule` is the Prometheus rule ``mldesign alerts`` writes for one threshold,
and :func:`differences` compares a deployed rule with the threshold it implements.
Sphinx-free; PromQL is read by ``promql-parser``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from .formats import FormatError, duration_seconds, prometheus_seconds, promql_tree
from .imports import is_web_url
from .items import Item, as_list
from .rulefiles import DeployedRule

LEVELS = ("warn", "crit")
#: The metric's options a deployed rule is compared with (its query is the team's to tune).
COMPARED = (*LEVELS, "for", "severity")
#: What a warning does, whatever the metric's severity (which is what ``crit`` does).
WARN_SEVERITY = "ticket"
_COMPARISONS = {">", "<", ">=", "<=", "==", "!="}
_FLIPPED = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!="}


@dataclass(frozen=True)
class Threshold:
    """One alert threshold of a metric, as the doc states it."""

    metric: str
    level: str
    """``warn`` or ``crit``."""
    op: str
    value: int | float
    condition: str
    """As written: ``p99 > 80 ms``."""
    for_: str | None
    """The metric's ``:for:`` as written: how long a breach lasts before the alert fires.
    Not its ``:window:``, which is what the statistic is computed over."""
    severity: str | None
    """``ticket`` for ``warn``; the metric's ``:severity:`` for ``crit``: None when the doc
    gives none that is valid (no default stands in for an invalid value)."""
    window: str | None = None
    """The metric's ``:window:`` as written (earlier versions made it the rule's ``for``)."""
    metric_invalid: frozenset[str] = frozenset()
    """The metric's options written invalidly: the drift check does not guess at them."""

    @property
    def not_compared(self) -> tuple[str, ...]:
        """The metric's options the drift check compares that the doc writes invalidly, so
        it does not compare them: it cannot say whether what is deployed is what the doc
        means. An invalid threshold is none; an invalid :severity:, none for ``crit``."""
        return tuple(option for option in COMPARED if option in self.metric_invalid)

    @property
    def name(self) -> str:
        """The alerting rule's name: a valid Prometheus name, stable for the same ID."""
        return f"{re.sub(r'[^A-Za-z0-9_]', '_', self.metric)}_{self.level}"


def thresholds(metric: Mapping[str, Any]) -> list[Threshold]:
    """The metric's alert thresholds, warn before crit. ``metric`` is as exported: its
    values (defaults filled), ``id``, ``title`` and ``invalid``."""
    found = []
    for_ = metric.get("for")
    severity = metric.get("severity")
    for level in LEVELS:
        condition = metric.get(level)
        if not _is_condition(condition):
            continue  # none, or not a parsed condition (an export edited by hand)
        found.append(
            Threshold(
                metric=str(metric["id"]),
                level=level,
                op=str(condition["op"]),
                value=condition["value"],
                condition=str(condition["text"]),
                for_=_duration_text(for_),
                severity=WARN_SEVERITY if level == "warn" else _text_or_none(severity),
                window=_duration_text(metric.get("window")),
                metric_invalid=frozenset(as_list(metric.get("invalid"))),
            )
        )
    return found


def _is_condition(value: object) -> TypeGuard[Mapping[str, Any]]:
    """A condition as parsed: a comparison operator, a number and its text."""
    if not isinstance(value, Mapping) or not {"op", "value", "text"} <= value.keys():
        return False
    number = value["value"]
    return value["op"] in _COMPARISONS and type(number) in (int, float)  # not a bool


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _duration_text(value: object) -> str | None:
    """A duration option as written (exported as ``{"text": ..., "seconds": ...}``)."""
    return str(value["text"]) if isinstance(value, Mapping) and "text" in value else None


def alerting_rule(
    metric: Mapping[str, Any], threshold: Threshold, url: str | None = None
) -> dict[str, Any]:
    """The Prometheus alerting rule for one threshold of a metric with a ``query``."""
    labels = {"mldesign_id": threshold.metric, "mldesign_threshold": threshold.level}
    if threshold.severity is not None:  # none is made up (``mldesign alerts`` leaves out
        labels = {"severity": threshold.severity, **labels}  # a threshold without one)
    owners = as_list(metric.get("owner"))
    if owners:
        labels["owner"] = ", ".join(owners)
    annotations = {"summary": f"{metric.get('title', threshold.metric)}: {threshold.condition}"}
    runbook = str(metric.get("runbook") or "")
    if is_web_url(runbook):
        annotations["runbook_url"] = runbook
    elif runbook:
        annotations["runbook"] = runbook
    if url:
        annotations["mldesign_url"] = url
    rule: dict[str, Any] = {
        "alert": threshold.name,
        "expr": f"({metric['query']}) {threshold.op} {_number(threshold.value)}",
    }
    if threshold.for_:
        rule["for"] = threshold.for_
    rule["labels"] = labels
    rule["annotations"] = annotations
    return rule


def _number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def comparison(expr: str) -> tuple[str, float] | None:
    """``(op, threshold)`` of an expression that compares something with a number, with
    the number on the right; None for any other expression."""
    import promql_parser

    try:
        parsed = promql_tree(expr)
    except FormatError:
        return None
    if not isinstance(parsed, promql_parser.BinaryExpr):
        return None
    op = str(parsed.op).strip()
    if op not in _COMPARISONS or (parsed.modifier is not None and parsed.modifier.return_bool):
        return None
    if isinstance(parsed.rhs, promql_parser.NumberLiteral):
        return op, float(parsed.rhs.val)
    if isinstance(parsed.lhs, promql_parser.NumberLiteral):
        return _FLIPPED[op], float(parsed.lhs.val)
    return None


def seconds(duration: str | None) -> float | None:
    """A Prometheus duration (``1h30m``) or one of ours (``5m``) in seconds; None if absent
    or unreadable."""
    if not duration:
        return None
    try:
        return float(duration_seconds(duration))
    except FormatError:
        return prometheus_seconds(duration)


@dataclass(frozen=True)
class Drift:
    """One way a deployed rule differs from the doc, and the option to change for it."""

    option: str
    """The metric's option it is about (``crit``, ``for``, ``severity``): where it is reported."""
    text: str
    """``doc vs deployed``, the doc's side in its own words."""


def differences(
    threshold: Threshold, expr: str, for_: str | None, severity: str | None
) -> list[Drift]:
    """How a deployed rule differs from the threshold it implements; empty when it matches
    (the query itself is the team's to tune). An option the doc writes invalidly is not
    compared (:attr:`Threshold.not_compared`): the doc says nothing valid to compare with."""
    found = []
    compared = comparison(expr)
    if compared is None:
        shown = expr if len(expr) <= 80 else f"{expr[:77]}..."  # one readable warning line
        text = f"expression is not a comparison with a number: {shown!r}"
        found.append(Drift(threshold.level, text))
    else:
        op, value = compared
        # Not "> tolerance": NaN (a rule that never fires) is within no tolerance.
        if op != threshold.op or not abs(value - threshold.value) <= 1e-9 * max(1.0, abs(value)):
            text = f"threshold {threshold.condition} in the doc, {op} {_number(value)} deployed"
            found.append(Drift(threshold.level, text))
    if "for" not in threshold.not_compared and seconds(threshold.for_) != seconds(for_):
        found.append(Drift("for", _for_text(threshold, for_)))
    # An invalid :severity: gives a crit threshold none (a warn rule's is ticket whatever it is).
    if threshold.severity is not None and severity != threshold.severity:
        text = f"severity {threshold.severity} in the doc, {severity or 'none'} deployed"
        # A warning's severity is no option of the doc's: its fix is at the :warn: line.
        found.append(Drift("severity" if threshold.level == "crit" else threshold.level, text))
    return found


def _for_text(threshold: Threshold, deployed: str | None) -> str:
    doc = f"for {threshold.for_} in the doc" if threshold.for_ else "no :for: in the doc"
    text = f"{doc}, {deployed or 'none'} deployed"
    if threshold.for_ is None and deployed and seconds(deployed) == seconds(threshold.window):
        # A rule written by a version that made :window: the rule's for: how to keep it.
        text += f"; `:window:` no longer sets `for`; write `:for: {deployed}` to keep it"
    return text


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
    by_expr = {rule.expr: comparison(rule.expr) for rule in candidates}  # each parsed once
    compared = [by_expr[rule.expr] for rule in candidates]
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
