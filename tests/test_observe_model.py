"""Observed values without Sphinx or servers: verdicts, the worst series, requirements met,
snapshots as kept, ``:observe:`` specs, server settings and the observe config values."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sphinx.errors import ConfigError

from sphinxcontrib_mldesign.config import MLDesignConfig
from sphinxcontrib_mldesign.model.formats import parse_condition
from sphinxcontrib_mldesign.model.numbers import FormatError
from sphinxcontrib_mldesign.model.observe.server import MissingSecret, Server, ServerError
from sphinxcontrib_mldesign.model.observe.snapshot import (
    Observation,
    Snapshot,
    SnapshotError,
    parse_time,
    time_text,
)
from sphinxcontrib_mldesign.model.observe.spec import observe_of, parse_observe
from sphinxcontrib_mldesign.model.observed import (
    Verdict,
    age_text,
    judge,
    judge_all,
    requirement_met,
    worst,
)

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)


def metric(mid: str = "MET-1", **conditions: str) -> dict[str, Any]:
    return {"id": mid, **{name: parse_condition(text) for name, text in conditions.items()}}


# -- verdicts ---------------------------------------------------------------------------------


def test_a_latency_is_judged_against_target_warn_and_crit() -> None:
    latency = metric(target="p99 <= 120 ms", warn="p99 > 150 ms", crit="p99 > 180 ms")
    assert judge(latency, 100) == Verdict("met", "ok")
    assert judge(latency, 120) == Verdict("met", "ok")  # <= holds at the bound
    assert judge(latency, 134) == Verdict("missed", "ok")
    assert judge(latency, 160) == Verdict("missed", "warn")
    assert judge(latency, 200) == Verdict("missed", "crit")


def test_a_metric_without_a_target_has_no_target_verdict() -> None:
    assert judge(metric(crit="< 0.8"), 0.7) == Verdict(None, "crit")
    assert judge({"id": "MET-1"}, 5) == Verdict(None, "ok")
    # An invalid condition is not in the exported values: nothing is judged against it.
    assert judge({"id": "MET-1", "target": {"text": "bad"}}, 5) == Verdict(None, "ok")


@pytest.mark.parametrize(
    ("conditions", "values", "decides"),
    [
        ({"target": "p99 <= 120 ms"}, [90, 134, 110], 134),  # the highest latency
        ({"target": ">= 0.92"}, [0.95, 0.89, 0.93], 0.89),  # the lowest AUC
        ({"crit": "> 5 %"}, [1, 7, 3], 7),
        # A breach beats a missed target, whatever the direction of the numbers.
        ({"target": ">= 0.9", "crit": "> 0.99"}, [0.5, 0.995], 0.995),
        ({"target": "== 1"}, [1, 1, 0], 0),  # the one missing an equality
    ],
)
def test_of_several_series_the_worst_decides(
    conditions: dict[str, str], values: list[float], decides: float
) -> None:
    assert worst(metric(**conditions), values) == decides


def test_requirement_met_by_its_metrics_and_its_own_target() -> None:
    latency = metric("MET-P99", target="p99 <= 150 ms")
    auc = metric("MET-AUC", target=">= 0.9")
    requirement = {"id": "REQ-1", "target": parse_condition("p99 <= 120 ms")}

    def observed(**values: float) -> dict[str, Any]:
        found = {
            mid.replace("_", "-"): Observation("prometheus", v, "x", 1) for mid, v in values.items()
        }
        return judge_all([latency, auc], found)

    both = [latency, auc]
    assert requirement_met(requirement, both, observed(MET_P99=110, MET_AUC=0.95)) is True
    # The metric meets its own 150 ms, but the requirement says 120 ms of the same stat.
    assert requirement_met(requirement, both, observed(MET_P99=134, MET_AUC=0.95)) is False
    assert requirement_met(requirement, both, observed(MET_P99=110, MET_AUC=0.85)) is False
    # Only the metrics with a value count; none: unknown.
    assert requirement_met(requirement, both, observed(MET_AUC=0.95)) is True
    assert requirement_met(requirement, both, {}) is None
    errors = judge_all(both, {"MET-P99": Observation("prometheus", error="no data: none")})
    assert requirement_met(requirement, both, errors) is None
    # Another unit is another quantity: the requirement's target is not applied to it.
    seconds = metric("MET-P99", target="p99 <= 0.2 s")
    judged = judge_all([seconds], {"MET-P99": Observation("prometheus", 0.15, "x", 1)})
    assert requirement_met(requirement, [seconds], judged) is True


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "now"), (42, "42 s"), (600, "10 min"), (5 * 3600 + 59, "5 h"), (3 * 86400, "3 d")],
)
def test_ages_are_coarse(seconds: int, text: str) -> None:
    assert age_text(time_text(NOW - dt.timedelta(seconds=seconds)), NOW) == text
    assert age_text(None, NOW) is None


# -- snapshots --------------------------------------------------------------------------------


def test_a_snapshot_round_trips_through_its_json() -> None:
    snapshot = Snapshot(
        "2026-12-01T12:00:00Z",
        {
            "MET-P99": Observation(
                "prometheus",
                134.5,
                "2026-12-01T11:59:30Z",
                3,
                None,
                ((1.0, 2.0), (3.0, 4.0)),
                ("LatencyCrit",),
            ),
            "MET-AUC": Observation("mlflow:fraud@champion#auc", error="HTTP error 404: no alias"),
        },
    )
    text = json.dumps(snapshot.as_json(), sort_keys=True)
    assert Snapshot.from_json(json.loads(text)) == snapshot
    assert list(json.loads(text)["observations"]) == ["MET-AUC", "MET-P99"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "not a JSON object"),
        ({"version": 2, "at": "2026-12-01T12:00:00Z", "observations": {}}, "'version' is not 1"),
        ({"version": 1, "at": "yesterday", "observations": {}}, "'at' is not an ISO 8601"),
        ({"version": 1, "at": "2026-12-01T12:00:00Z", "observations": []}, "'observations'"),
        (
            {"version": 1, "at": "2026-12-01", "observations": {"M": {"source": "x"}}},
            "'M': an observation has neither a value nor an error",
        ),
        (
            {
                "version": 1,
                "at": "2026-12-01",
                "observations": {"M": {"source": "x", "value": "1"}},
            },
            "'value' is not a number",
        ),
        (
            {
                "version": 1,
                "at": "2026-12-01",
                "observations": {"M": {"source": "x", "value": True}},
            },
            "'value' is not a number",
        ),
        (
            {
                "version": 1,
                "at": "2026-12-01",
                "observations": {"M": {"source": "x", "value": 1, "trend": [[1, "a"]]}},
            },
            "'trend' is not a list",
        ),
    ],
)
def test_a_snapshot_that_is_not_one_says_why(data: object, message: str) -> None:
    with pytest.raises(SnapshotError, match=message):
        Snapshot.from_json(data)


def test_times_are_utc() -> None:
    assert parse_time("2026-12-01T13:00:00+01:00") == NOW
    assert parse_time("2026-12-01T12:00:00") == NOW  # no offset: UTC
    assert parse_time("soon") is None
    assert time_text(NOW) == "2026-12-01T12:00:00Z"


# -- :observe: --------------------------------------------------------------------------------


def test_observe_specs() -> None:
    spec = parse_observe(" mlflow:fraud model@champion#val/auc ")
    assert (spec.kind, spec.model, spec.alias, spec.key) == (
        "mlflow",
        "fraud model",
        "champion",
        "val/auc",
    )
    spec = parse_observe("file:eval/metrics.json#folds.0.auc")
    assert (spec.kind, spec.path, spec.key_path) == (
        "file",
        "eval/metrics.json",
        ["folds", "0", "auc"],
    )
    assert parse_observe("prometheus").kind == "prometheus"
    for wrong in ("mlflow:fraud#auc", "mlflow:@a#k", "file:#a", "file:x.json#a..b", "grafana", ""):
        with pytest.raises(FormatError):
            parse_observe(wrong)


def test_observe_defaults_to_prometheus_only_with_a_query() -> None:
    assert observe_of({"id": "M", "query": "up"}) == parse_observe("prometheus")
    assert observe_of({"id": "M"}) is None
    assert observe_of({"id": "M", "query": "up", "observe": "none"}) is None
    # Written invalidly: not replaced by the default.
    assert observe_of({"id": "M", "query": "up", "invalid": ["observe"]}) is None


# -- servers and settings ---------------------------------------------------------------------


def test_header_secrets_are_expanded_only_when_sent() -> None:
    server = Server.from_setting(
        "mldesign_prometheus",
        {"url": "http://127.0.0.1:9090/", "headers": {"Authorization": "Bearer ${PROM_TOKEN}"}},
    )
    assert server.url == "http://127.0.0.1:9090"
    sent = server.sent_headers({"PROM_TOKEN": "s3cret-value"})
    assert sent == {"Authorization": "Bearer s3cret-value"}
    with pytest.raises(MissingSecret, match="PROM_TOKEN is not set"):
        server.sent_headers({})
    # What fingerprints and the config's dict hold: no value, not even the template.
    literal = Server.from_setting("x", {"url": "http://h", "headers": {"X-Key": "s3cret-value"}})
    assert "s3cret-value" not in json.dumps(literal.as_dict())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("http://h", "must be a dict"),
        ({"url": "ftp://h"}, "must be an http"),
        ({"url": "http://h", "token": "x"}, "unknown key 'token'"),
        ({"url": "http://h", "headers": {"Bad Name": "x"}}, "is not a header name"),
        ({"url": "http://h", "headers": {"X-Key": "a\nb"}}, "must be one line"),
        ({"url": "http://h", "timeout": 0}, "timeout"),
    ],
)
def test_server_settings_that_cannot_be_used(value: object, message: str) -> None:
    with pytest.raises(ServerError, match=message):
        Server.from_setting("mldesign_prometheus", value)


def test_a_header_value_is_not_shown_in_a_config_error() -> None:
    with pytest.raises(ConfigError) as raised:
        MLDesignConfig(prometheus={"url": "http://h", "headers": {"X-Key": "s3cret\nvalue"}})
    assert "s3cret" not in str(raised.value)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"observe": "on"}, "must be 'off', 'live' or 'snapshot'"),
        ({"observe_at": "noon"}, "ISO 8601"),
        ({"observe_max_age": "a week"}, "must be a duration"),
        ({"observe_trend": "7 days"}, "must be a duration"),
        ({"observe_snapshot": ""}, "must be a file name"),
    ],
)
def test_observe_config_values_are_validated(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        MLDesignConfig(**values)


def test_observe_config_values_accepted() -> None:
    config = MLDesignConfig(
        observe="snapshot", observe_at="2026-12-01T13:00:00+01:00", observe_trend="0"
    )
    assert config.observe_at == NOW
    assert config.observe_trend == "0"


# -- bounds on what a snapshot or a server says (review findings H2, H3, L2, L3) --------------


def _snapshot_with(**observation: Any) -> dict[str, Any]:
    return {
        "version": 1,
        "at": "2026-12-01T12:00:00Z",
        "observations": {"M": {"source": "prometheus", "value": 1, **observation}},
    }


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31T23:59:59-05:00",
        "0001-01-01T00:00:00+01:00",
        "1969-12-31T23:59:59Z",
        "9001-01-01",
    ],
)
def test_times_out_of_range_are_not_times(text: str) -> None:
    # Each raised OverflowError (a traceback in the build) or could not be reckoned from.
    assert parse_time(text) is None
    with pytest.raises(SnapshotError, match="'at' is not an ISO 8601"):
        Snapshot.from_json(_snapshot_with(at=text))
    with pytest.raises(ConfigError, match="from 1970 to 9000"):
        MLDesignConfig(observe_at=text)


@pytest.mark.parametrize(
    ("trend", "message"),
    [
        ([[float(t), 1.0] for t in range(1001)], "more than 1,000 samples"),
        ([[2.0, 1.0], [1.0, 1.0]], "not in time order"),
        ([[-1e308, 1.0], [1e308, 1.0]], "not a list of \\[time, value\\] pairs"),
        ([[1e12, 1.0]], "not a list of \\[time, value\\] pairs"),
    ],
)
def test_a_trend_is_bounded_and_in_order(trend: list[list[float]], message: str) -> None:
    with pytest.raises(SnapshotError, match=message):
        Snapshot.from_json(_snapshot_with(trend=trend))


def test_what_a_snapshot_says_is_kept_printable_and_bounded() -> None:
    data = _snapshot_with(
        source="prometheus\x1b[31m",
        error=None,
        firing=[f"Alert{n}\n" for n in range(50)],
        query="up",
    )
    observation = Snapshot.from_json(data).observations["M"]
    assert "\x1b" not in observation.source and "\\x1b" in observation.source
    assert len(observation.firing) == 20 and all("\n" not in name for name in observation.firing)
    assert observation.query == "up"
    with pytest.raises(SnapshotError, match="'series' is not a count"):
        Snapshot.from_json(_snapshot_with(series=10**400))


def test_a_sparkline_of_numbers_near_the_limits_is_not_drawn() -> None:
    from sphinxcontrib_mldesign.model.observe.shown import sparkline

    huge = metric(target="< 1")
    assert sparkline(huge, [(0.0, -1e308), (60.0, 1e308)]) is None
    many = [(float(t), (-1) ** t * 1e308) for t in range(300)]
    assert sparkline(huge, many) is None
    drawn = sparkline(huge, [(0.0, 0.5), (60.0, 2.0)])
    assert drawn is not None and len(drawn.points) == 2


def test_a_loaded_rules_duration_that_is_no_number_is_no_for() -> None:
    # Python's JSON reader takes NaN and Infinity: int() of them raised in the build.
    from sphinxcontrib_mldesign.model.observe.loaded_rules import _duration

    assert _duration(float("nan")) is None and _duration(float("inf")) is None
    assert (_duration(300), _duration(1.5), _duration(0)) == ("5m", "1500ms", None)
