"""Pinned: how a deployed alerting rule is matched to and compared with the threshold the
doc states (model/alert_matching.py, model/alerts.py), as plain Python. Each test kills a
mutant of tools/mutants.py that the rest of the suite let through: operator drift, a
number on the left, durations written two ways, a threshold a little off, a comparison
that returns a value."""

from __future__ import annotations

from typing import Any

import pytest

from sphinxcontrib_mldesign.model.alert_matching import match_alerts
from sphinxcontrib_mldesign.model.alerts import Threshold, comparison, differences, thresholds
from sphinxcontrib_mldesign.model.formats import parse_condition, parse_duration
from sphinxcontrib_mldesign.model.items import Item
from sphinxcontrib_mldesign.model.rulefiles import DeployedRule


def crit(condition: str = "p99 > 150 ms", for_: str | None = "5m") -> Threshold:
    """The crit threshold of a metric as the export gives it, read by the model's parsers."""
    metric: dict[str, Any] = {"id": "MET-P99", "title": "p99", "query": "q",
                              "crit": parse_condition(condition), "severity": "page"}  # fmt: skip
    if for_ is not None:
        metric["for"] = parse_duration(for_)
    [threshold] = thresholds(metric)
    return threshold


def drift(threshold: Threshold, expr: str, for_: str | None = "5m") -> list[str]:
    return [f"{d.option}: {d.text}" for d in differences(threshold, expr, for_, "page")]


@pytest.mark.parametrize(
    ("expr", "deployed"),
    [("(q) < 150", "< 150"), ("(q) >= 150", ">= 150"), ("q == 150", "== 150")],
    ids=["lt", "ge", "eq"],
)
def test_operator_drift_is_drift(expr: str, deployed: str) -> None:
    """The doc's number with another operator fires on other values: drift at :crit:."""
    assert drift(crit(), "(q) > 150") == []
    assert drift(crit(), expr) == [f"crit: threshold p99 > 150 ms in the doc, {deployed} deployed"]


def test_a_number_on_the_left_is_flipped() -> None:
    """``150 < q`` is ``q > 150``: the comparison is read with the number on the right."""
    assert comparison("150 < q") == (">", 150.0)
    assert comparison("0.5 >= rate(x[5m])") == ("<=", 0.5)
    assert comparison("150 == q") == ("==", 150.0)
    assert drift(crit(), "150 < (q)") == []
    assert drift(crit(), "150 > (q)") == ["crit: threshold p99 > 150 ms in the doc, < 150 deployed"]


@pytest.mark.parametrize(
    ("doc", "deployed"), [("5m", "300s"), ("5m", "5m"), ("2h", "120m"), ("90m", "1h30m"),
                          ("1d", "24h"), ("1w", "7d")]
)  # fmt: skip
def test_durations_are_compared_as_durations(doc: str, deployed: str) -> None:
    """A for written in other units (or as Prometheus writes it) is the same for."""
    assert drift(crit(for_=doc), "(q) > 150", deployed) == []


@pytest.mark.parametrize(("doc", "deployed"), [("5m", "301s"), ("5m", "6m"), ("1h", "1h1m")])
def test_durations_that_differ_are_drift(doc: str, deployed: str) -> None:
    assert drift(crit(for_=doc), "(q) > 150", deployed) == [
        f"for: for {doc} in the doc, {deployed} deployed"
    ]


def test_a_threshold_off_by_a_little_is_drift() -> None:
    """Only a difference of rounding (a float's last digits) is no drift."""
    assert drift(crit(), "(q) > 150.0") == []
    assert drift(crit(), "(q) > 150.00000000001") == []
    assert drift(crit(), "(q) > 150.5") == [
        "crit: threshold p99 > 150 ms in the doc, > 150.5 deployed"
    ]
    small = crit("error_rate > 0.01")
    assert drift(small, "(q) > 0.0101") == [
        "crit: threshold error_rate > 0.01 in the doc, > 0.0101 deployed"
    ]
    # A comparison with NaN is never true: a rule that never fires is no match.
    assert drift(crit(), "(q) > NaN") == ["crit: threshold p99 > 150 ms in the doc, > nan deployed"]


def test_a_bool_comparison_is_not_a_threshold() -> None:
    """``q > bool 150`` is always a value (0 or 1), so the alert fires on every
    evaluation: not the doc's threshold."""
    assert comparison("q > bool 150") is None
    assert drift(crit(), "(q) > bool 150") == [
        "crit: expression is not a comparison with a number: '(q) > bool 150'"
    ]


def test_a_warn_rules_severity_is_drift_at_the_warn_line() -> None:
    """A warning always pages as ``ticket``, whatever the metric's :severity:: a warn rule
    deployed otherwise is fixed at its :warn: line, not at :severity: (which is crit's)."""
    metric = {"id": "MET-P99", "title": "p99", "query": "q", "severity": "page",
              "warn": parse_condition("p99 > 100 ms")}  # fmt: skip
    [warn] = thresholds(metric)
    assert [(d.option, d.text) for d in differences(warn, "(q) > 100", None, "page")] == [
        ("warn", "severity ticket in the doc, page deployed")
    ]


def test_hand_written_rules_are_matched_by_severity_before_order() -> None:
    """Two rules named in :alert:, neither with the doc's threshold nor mldesign labels:
    the page rule is the crit threshold's, the ticket rule the warn's, whatever their order
    in the file, so each differs only in its threshold."""
    values = {"query": "q", "alert": ["LatencyPage", "LatencyTicket"], "severity": "page",
              "warn": parse_condition("p99 > 100 ms"), "crit": parse_condition("p99 > 150 ms")}  # fmt: skip
    metric = Item("MET-P99", "ml-metric", "p99", "index", 1, values)

    def rule(name: str, expr: str, severity: str) -> DeployedRule:
        return DeployedRule(name, expr, None, {"severity": severity}, "rules.yaml", "/r", 1)

    deployed = [rule("LatencyPage", "q > 200", "page"), rule("LatencyTicket", "q > 120", "ticket")]
    outcomes, unknown = match_alerts([metric], deployed)
    assert unknown == []
    assert [(o.threshold.level, o.rule and o.rule.name, [d.text for d in o.differences])
            for o in outcomes] == [
        ("warn", "LatencyTicket", ["threshold p99 > 100 ms in the doc, > 120 deployed"]),
        ("crit", "LatencyPage", ["threshold p99 > 150 ms in the doc, > 200 deployed"]),
    ]  # fmt: skip
