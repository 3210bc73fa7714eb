"""The Prometheus alerting rule ``mldesign alerts`` writes for one threshold of a metric:
always one Prometheus loads, and one the drift check finds as the doc says.

The query is kept intact: a query ending in a ``# comment`` gets the closing parenthesis
on a line of its own (the comment would swallow it), a scalar query (``scalar(x)``,
``time()``, ``1``) is compared as ``vector(...)`` (a comparison of scalars needs ``bool``,
and an alert on a ``bool`` comparison always fires: 0 is a sample too). Labels and
annotations are Go templates to Prometheus: the doc's text is written to show literally.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .alerts import Threshold, promql_number, template_text
from .formats import promql_value
from .imports import is_web_url
from .items import as_list
from .promql import shape


def alerting_rule(
    metric: Mapping[str, Any], threshold: Threshold, url: str | None = None
) -> dict[str, Any]:
    """The Prometheus alerting rule for one threshold of a metric with a ``query``;
    :class:`.FormatError` when the query gives nothing to compare (an export edited by
    hand: a build of the doc reports it at the query's line)."""
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
    number = promql_number(threshold.value)
    rule: dict[str, Any] = {
        "alert": threshold.name,
        "expr": f"{_compared(str(metric['query']))} {threshold.op} {number}",
    }
    if threshold.for_:
        rule["for"] = threshold.for_
    rule["labels"] = {name: template_text(value) for name, value in labels.items()}
    rule["annotations"] = {name: template_text(value) for name, value in annotations.items()}
    return rule


def _compared(query: str) -> str:
    """The query as the left side of a comparison with a number."""
    query = query.strip()
    opening = "vector(" if promql_value(query) == "scalar" else "("
    if shape(query).comment:  # it runs to the end of its line: not over the ")"
        return f"{opening}\n{query}\n)"
    return f"{opening}{query})"
