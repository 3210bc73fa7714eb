"""Alerting rules as the doc states them: one per threshold of a monitored metric.

:func:`thresholds` reads a metric (as exported: its values with ``id`` and ``title``);
:func:`differences` compares a deployed rule with the threshold it implements (the rule
``mldesign alerts`` writes for one is :func:`.generated_rules.alerting_rule`).
Sphinx-free; PromQL is read by ``promql-parser``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeGuard

from .formats import FormatError, promql_tree
from .items import as_list
from .numbers import duration_seconds, prometheus_seconds, shortened

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


def promql_number(value: int | float) -> str:
    """A number as PromQL reads it: ``80``, ``0.04``, ``1e-05``, ``1e+308`` (not its 309
    digits); a whole number written as one keeps its digits."""
    if isinstance(value, int) or (value.is_integer() and abs(value) < 1e16):  # repr: 1e+16
        return str(int(value))
    return repr(float(value))


def template_text(text: str) -> str:
    """Text as Prometheus shows it literally in a rule's label or annotation, which it reads
    as a Go template: each ``{{`` written as an action printing it."""
    return text.replace("{{", '{{ "{{" }}')


def comparison(expr: str) -> tuple[str, float] | None:
    """``(op, threshold)`` of an expression that compares something with a number, with
    the number on the right; None for any other expression."""
    compared = _compared(expr)
    return None if isinstance(compared, str) else compared


# Matching a rule to its threshold and comparing them both read its expression: parsed
# once (a file of aliased copies of a rule holds the same expression many times).
@lru_cache(maxsize=4096)
def _compared(expr: str) -> tuple[str, float] | str:
    """What :func:`comparison` reads, or why it reads nothing (one line)."""
    import promql_parser

    try:
        parsed = promql_tree(expr)
    except FormatError as err:
        return f"expression cannot be read: {err}"
    not_one = f"expression is not a comparison with a number: {shortened(expr)!r}"
    if not isinstance(parsed, promql_parser.BinaryExpr):
        return not_one
    op = str(parsed.op).strip()
    if op not in _COMPARISONS or (parsed.modifier is not None and parsed.modifier.return_bool):
        return not_one
    if isinstance(parsed.rhs, promql_parser.NumberLiteral):
        return op, float(parsed.rhs.val)
    if isinstance(parsed.lhs, promql_parser.NumberLiteral):
        return _FLIPPED[op], float(parsed.lhs.val)
    return not_one


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
    compared = _compared(expr)
    if isinstance(compared, str):
        found.append(Drift(threshold.level, compared))
    else:
        op, value = compared
        # Not "> tolerance": NaN (a rule that never fires) is within no tolerance.
        if op != threshold.op or not abs(value - threshold.value) <= 1e-9 * max(1.0, abs(value)):
            deployed = f"{op} {promql_number(value)}"
            text = f"threshold {threshold.condition} in the doc, {deployed} deployed"
            found.append(Drift(threshold.level, text))
    if "for" not in threshold.not_compared and seconds(threshold.for_) != seconds(for_):
        found.append(Drift("for", _for_text(threshold, for_)))
    # An invalid :severity: gives a crit threshold none (a warn rule's is ticket whatever it is).
    # What the rule writes for the doc's severity: the same text, but for a "{{" escaped.
    if threshold.severity is not None and severity != template_text(threshold.severity):
        text = f"severity {threshold.severity} in the doc, {severity or 'none'} deployed"
        # A warning's severity is no option of the doc's: its fix is at the :warn: line.
        found.append(Drift("severity" if threshold.level == "crit" else threshold.level, text))
    return found


def _for_text(threshold: Threshold, deployed: str | None) -> str:
    doc = f"for {threshold.for_} in the doc" if threshold.for_ else "no :for: in the doc"
    text = f"{doc}, {shortened(deployed or 'none')} deployed"
    if threshold.for_ is None and deployed and seconds(deployed) == seconds(threshold.window):
        # A rule written by a version that made :window: the rule's for: how to keep it.
        text += f"; `:window:` no longer sets `for`; write `:for: {deployed}` to keep it"
    return text
