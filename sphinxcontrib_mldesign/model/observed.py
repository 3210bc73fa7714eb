"""Observed values: what the running system and the evaluation jobs measured, and how it
compares with what the doc says. Sphinx-free, network-free.

An :class:`Observation` is one metric's value as a source gave it (or why it gave none);
a :class:`Snapshot` is every observation of one moment, as ``mldesign observe`` writes it
and a ``snapshot`` build reads it. :func:`judge` compares a value with the metric's
``target``, ``warn`` and ``crit``; :func:`worst` picks, of several series, the one that
decides; :func:`requirement_met` says whether a requirement holds. The checks, the
roll-ups and the export all read these verdicts: none decides again.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .observe.snapshot import Observation, is_number, parse_time
from .observe.spec import ObserveSpec, observe_of

TargetVerdict = Literal["met", "missed"]
Level = Literal["ok", "warn", "crit"]

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


# -- verdicts -------------------------------------------------------------------------------


def holds(condition: Mapping[str, Any] | None, value: float) -> bool | None:
    """Whether ``value`` satisfies a parsed condition (``{"op", "value", ...}``); None
    when there is no valid condition to compare with."""
    if not isinstance(condition, Mapping):
        return None
    compare = _COMPARE.get(str(condition.get("op")))
    bound = condition.get("value")
    if compare is None or not isinstance(bound, (int, float)) or not is_number(bound):
        return None
    return compare(value, float(bound))


@dataclass(frozen=True)
class Verdict:
    """A value judged against a metric's conditions."""

    target: TargetVerdict | None
    """``met`` or ``missed``; None when the metric has no (valid) target."""
    level: Level
    """``crit`` when ``crit`` is breached, else ``warn`` when ``warn`` is, else ``ok``."""


def judge(metric: Mapping[str, Any], value: float) -> Verdict:
    """The value against the metric's ``target``, ``warn`` and ``crit`` (its values as
    exported: parsed conditions; an invalid one is not there and is not judged)."""
    met = holds(metric.get("target"), value)
    level: Level = "ok"
    if holds(metric.get("crit"), value):
        level = "crit"
    elif holds(metric.get("warn"), value):
        level = "warn"
    return Verdict(None if met is None else "met" if met else "missed", level)


def _badness(metric: Mapping[str, Any], value: float) -> tuple[int, int, float]:
    """How bad a value is for the metric: breached level first, then a missed target,
    then how far it lies in the direction the conditions call bad."""
    verdict = judge(metric, value)
    level = {"ok": 0, "warn": 1, "crit": 2}[verdict.level]
    missed = 1 if verdict.target == "missed" else 0
    direction = 0.0
    for option in ("crit", "warn", "target"):
        condition = metric.get(option)
        if isinstance(condition, Mapping) and condition.get("op") in _COMPARE:
            op = str(condition["op"])
            bad_is_high = op in (">", ">=") if option != "target" else op in ("<", "<=")
            if op in ("==", "!="):
                continue
            direction = value if bad_is_high else -value
            break
    return (level, missed, direction)


def worst(metric: Mapping[str, Any], values: Sequence[float]) -> float:
    """Of several series' values, the one that decides: the most breached, else the one
    missing the target, else the one furthest in the direction the conditions call bad
    (the highest latency, the lowest AUC). ``values`` must not be empty."""
    return max(values, key=lambda value: _badness(metric, value))


@dataclass(frozen=True)
class Judged:
    """One metric's observation with its verdict (None when it has no value)."""

    observation: Observation
    verdict: Verdict | None

    def as_json(self) -> dict[str, Any]:
        """As the export's ``observed`` of the metric (SPEC section 8); without a value,
        neither verdict (``target`` and ``level`` null)."""
        observation, verdict = self.observation, self.verdict
        return {
            "value": observation.value,
            "at": observation.at,
            "source": observation.source,
            "series": observation.series,
            "target": verdict.target if verdict else None,
            "level": verdict.level if verdict else None,
            "error": observation.error,
        }


def judge_all(
    metrics: Iterable[Mapping[str, Any]],
    observations: Mapping[str, Observation],
    absent: str | None = None,
) -> dict[str, Judged]:
    """Metric ID -> its observation judged, for every metric (as exported) of ``metrics``,
    the ones the doc observes. One of which ``observations`` hold none: no value, with
    the error ``absent`` (None: not judged). One observed from another source or query
    than its ``:observe:`` now names: no value (:func:`as_written`)."""
    judged = {}
    for metric in metrics:
        spec = observe_of(metric)
        observation = observations.get(str(metric.get("id")))
        if observation is None:
            if absent is None or spec is None:
                continue
            observation = Observation(spec.text, error=absent)
        elif spec is not None:
            observation = as_written(observation, metric, spec)
        verdict = None if observation.value is None else judge(metric, observation.value)
        judged[str(metric["id"])] = Judged(observation, verdict)
    return judged


def as_written(
    observation: Observation, metric: Mapping[str, Any], spec: ObserveSpec
) -> Observation:
    """The observation, if it was made from the source the metric's ``:observe:`` names
    and (Prometheus, when the observation keeps it) the ``:query:`` it asks; else no
    value, with an error saying so: a snapshot older than the doc's edit is not judged
    against the new targets under the new source's name."""
    if observation.source != spec.text:
        changed = (
            f"source changed: observed from {observation.source!r}; the doc now says {spec.text!r}"
        )
    elif observation.query is not None and observation.query != str(metric.get("query", "")):
        # The query a file holds is compared, never shown (it is not the doc's).
        changed = "query changed: observed with another query than the doc's :query:"
    else:
        return observation
    return Observation(spec.text, error=f"{changed}: write a new snapshot (mldesign observe)")


def stat_and_unit(metric: Mapping[str, Any]) -> tuple[object, object] | None:
    """What a metric's value is: the stat and unit of its target, else of its ``crit``,
    else of its ``warn``; None when it states none."""
    for option in ("target", "crit", "warn"):
        condition = metric.get(option)
        if isinstance(condition, Mapping):
            return (condition.get("stat"), condition.get("unit"))
    return None


def requirement_met(
    requirement: Mapping[str, Any],
    metrics: Iterable[Mapping[str, Any]],
    judged: Mapping[str, Judged],
) -> bool | None:
    """Whether a requirement holds: every metric it names that has a value meets its
    target, and the requirement's own ``target`` holds for each of those whose stat and
    unit are the target's. None when none of its metrics has a value."""
    seen = False
    for metric in metrics:
        found = judged.get(str(metric.get("id")))
        if found is None or found.verdict is None or found.observation.value is None:
            continue
        seen = True
        if found.verdict.target == "missed" or misses_own_target(requirement, metric, found):
            return False
    return True if seen else None


def misses_own_target(
    requirement: Mapping[str, Any], metric: Mapping[str, Any], found: Judged
) -> bool:
    """Whether the metric's observed value fails the requirement's own ``target``: when
    the value is of the target's stat and unit (another unit is another quantity)."""
    target, value = requirement.get("target"), found.observation.value
    return (
        isinstance(target, Mapping)
        and value is not None
        and stat_and_unit(metric) == (target.get("stat"), target.get("unit"))
        and holds(target, value) is False
    )


def age_text(at: str | None, now: dt.datetime) -> str | None:
    """How old an observation is, as coarsely as a reader needs it (``45 s``, ``12 min``,
    ``5 h``, ``3 d``); None without a time. Coarse on purpose: a page showing it is
    re-written when the text changes, not every second."""
    when = parse_time(at) if at else None
    if when is None:
        return None
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s" if seconds >= 10 else "now"


def value_text(value: float, metric: Mapping[str, Any]) -> str:
    """An observed value as messages and roll-ups show it: six significant digits, then
    the unit of the metric's conditions (``134 ms``, ``0.891``)."""
    found = stat_and_unit(metric)
    unit = found[1] if found is not None else None
    return f"{value:.6g} {unit}" if isinstance(unit, str) and unit else f"{value:.6g}"
