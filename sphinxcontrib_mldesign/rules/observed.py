"""The doc against what the running system measured (``mldesign_observe``):
``target-missed``, ``threshold-breached``, ``observation-failed``, ``observation-stale``.

The verdicts are the project's (:attr:`.Project.judged`, decided by
:mod:`..model.observed`); these checks only say where and in which words. A metric the
snapshot holds but the doc does not have is ignored: a snapshot of an older or wider doc
is normal, and ``mldesign observe`` writes a fresh one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..model.formats import duration_seconds
from ..model.inputs.observed import snapshot_problem
from ..model.items import METRIC, REQUIREMENT, Item, as_list, is_active_requirement
from ..model.observe.snapshot import Observation
from ..model.observed import age_text, misses_own_target, value_text
from ..model.project import Project
from ..model.rules import Rule
from .findings import Finding

#: The parts of a condition that make two of them the same.
_SAME = ("stat", "op", "value", "unit")


def _seen(observation: Observation, metric: Mapping[str, Any]) -> str:
    """The observed value with where it came from: ``134 ms (worst of 3 series,
    prometheus, 2026-12-01T12:00:00Z)``."""
    assert observation.value is not None
    parts = [f"worst of {observation.series} series"] if observation.series > 1 else []
    parts += [observation.source, *([observation.at] if observation.at else [])]
    return f"{value_text(observation.value, metric)} ({', '.join(parts)})"


def observed_metrics(context: Project) -> Iterator[Finding]:
    """Each metric's observation: missing its target, past a threshold, or failed (no
    value: the source's error, or one the project gave it: not in the snapshot, or
    observed from another source)."""
    for item in context.of_type(METRIC.name):
        judged = context.judged.get(str(item.id))
        if judged is None:
            continue
        if judged.verdict is None:
            yield _failed(item, judged.observation)
            continue
        metric, observation = item.export(), judged.observation
        if judged.verdict.target == "missed":
            yield Finding(
                Rule.TARGET_MISSED,
                item,
                f"metric {item.id!r}: observed {_seen(observation, metric)} misses its target "
                f"{metric['target']['text']!r}",
                summary="target missed",
                lineno=item.line_of("target"),
            )
        level = judged.verdict.level
        if level != "ok":
            firing = observation.firing
            alerts = f"; firing: {', '.join(firing)}" if firing else "; no alert is firing"
            yield Finding(
                Rule.THRESHOLD_BREACHED,
                item,
                f"metric {item.id!r}: observed {_seen(observation, metric)} is past its {level} "
                f"threshold {metric[level]['text']!r}{alerts}",
                summary=f"{level} breached",
                lineno=item.line_of(level),
            )


def _failed(item: Item, observation: Observation) -> Finding:
    """No value: at the ``:observe:`` that names the source, else the ``:query:`` asked."""
    option = next((name for name in ("observe", "query") if name in item.option_lines), None)
    asked = {
        "observe": f"its :observe: source {observation.source!r}",
        "query": "its :query: on Prometheus",
        None: f"its source {observation.source!r}",
    }[option]
    return Finding(
        Rule.OBSERVATION_FAILED,
        item,
        f"metric {item.id!r}: {asked} gave no value: {observation.error}",
        summary="not observed",
        lineno=item.line_of(option) if option else None,
    )


def requirement_targets(context: Project) -> Iterator[Finding]:
    """A requirement's own ``:target:`` against each of its metrics' values of the same
    stat and unit (:func:`..model.observed.misses_own_target`, as requirements are met).
    Not again when the metric's own target is the same condition: its finding says it."""
    for item in context.of_type(REQUIREMENT.name):
        target = item.values.get("target")
        if not isinstance(target, Mapping) or not is_active_requirement(item):
            continue
        requirement = item.export()
        for ref in as_list(item.values.get("metrics")):
            metric = context.index.get(ref)
            judged = context.judged.get(ref)
            if metric is None or judged is None or _said_by_metric(target, metric):
                continue
            if not misses_own_target(requirement, metric.export(), judged):
                continue
            yield Finding(
                Rule.TARGET_MISSED,
                item,
                f"requirement {item.id!r}: metric {ref!r} observed "
                f"{_seen(judged.observation, metric.export())} misses its target "
                f"{target['text']!r}",
                summary="target missed",
                concerns=(ref,),
                lineno=item.line_of("target"),
            )


def _said_by_metric(target: Mapping[str, Any], metric: Item) -> bool:
    """Whether the metric's own target is the requirement's (its finding says it)."""
    own = metric.values.get("target")
    return isinstance(own, Mapping) and all(own.get(key) == target.get(key) for key in _SAME)


def observed_source(context: Project) -> Iterator[Finding]:
    """The snapshot that cannot be read (or a server as a whole), and one that is old."""
    observed = context.observed
    for problem in observed.problems:
        yield Finding(Rule.OBSERVATION_FAILED, problem, f"mldesign_observe: {problem.message}")
    age = observed.snapshot_age()
    if age is None or observed.snapshot is None or context.where is None:
        return
    max_age = context.config.observe_max_age
    if age.total_seconds() <= duration_seconds(max_age):
        return
    setting = context.config.observe_snapshot
    message = (
        f"the snapshot of observed values {setting!r} was taken at {observed.snapshot.at}, "
        f"{age_text(observed.snapshot.at, observed.now)} ago: older than "
        f"mldesign_observe_max_age ({max_age}); write a new one with "
        f"`mldesign observe SOURCEDIR -o {setting}`"
    )
    where = snapshot_problem(context.where, setting, message)
    yield Finding(Rule.OBSERVATION_STALE, where, message)


CHECKS = (observed_source, observed_metrics, requirement_targets)
