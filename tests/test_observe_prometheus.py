"""Observed values from a real Prometheus server (tests/prometheus_server.py): the worst
of several series decides and is counted, a scalar is one series, an empty result is no
data, Prometheus' own refusal is told, a week's trend of the series that decided, the
alerts firing for a metric (asked once per build), and basic auth: no credentials are an
``observation-failed`` warning, the right ones through ``${ENV}`` give values and the
secret is in no output."""

from __future__ import annotations

import datetime as dt
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from prometheus_server import (
    AT,
    AT_TEXT,
    SECRET,
    USER,
    Server,
    needs_prometheus,
    prometheus_auth_fixture,  # noqa: F401 (the fixture prometheus_auth)
    prometheus_blocks_fixture,  # noqa: F401 (the fixture prometheus_blocks)
    prometheus_fixture,  # noqa: F401 (the fixture prometheus)
)

from helpers import Build, export_of, warnings_of
from sphinxcontrib_mldesign.config import MLDesignConfig
from sphinxcontrib_mldesign.model.formats import parse_condition
from sphinxcontrib_mldesign.model.inputs.base import Request, Where
from sphinxcontrib_mldesign.model.observe.live import observe_live
from sphinxcontrib_mldesign.model.observe.prometheus import observe_prometheus

pytestmark = needs_prometheus

LATENCY: dict[str, Any] = {
    "id": "MET-LAT",
    "query": "mld_latency_ms",
    "target": parse_condition("p99 <= 120 ms"),
    "warn": parse_condition("p99 > 100 ms"),
    "crit": parse_condition("p99 > 150 ms"),
}
AUC: dict[str, Any] = {
    "id": "MET-AUC",
    "query": "scalar(mld_auc)",
    "target": parse_condition(">= 0.9"),
    "alert": ["AUCLow"],
}


def _config(server: Server, **values: Any) -> MLDesignConfig:
    setting = {"url": server.url, "timeout": 10}
    given: dict[str, Any] = {"prometheus": setting, "observe": "live", "observe_at": AT_TEXT}
    return MLDesignConfig(**given, **values)


def _observe(server: Server, metric: dict[str, Any], trend: str = "0") -> Any:
    config = _config(server, observe_trend=trend)
    assert config.prometheus is not None
    return observe_prometheus(metric["query"], config.prometheus, metric, AT, config)


def test_the_worst_of_several_series_decides_and_they_are_counted(prometheus: Server) -> None:
    observation = _observe(prometheus, LATENCY)
    # Pods a, b and c at 80, 134 and 95 ms: b misses "<= 120 ms" and passes warn.
    assert (observation.value, observation.series, observation.error) == (134.0, 3, None)
    assert observation.at == AT_TEXT and observation.source == "prometheus"
    # Of a target alone, the worst is the furthest the wrong way: the lowest AUC.
    lowest = {**LATENCY, "query": "-mld_latency_ms", "warn": None, "crit": None,
              "target": parse_condition(">= -90")}  # fmt: skip
    assert _observe(prometheus, lowest).value == -134.0


def test_a_scalar_is_one_series(prometheus: Server) -> None:
    observation = _observe(prometheus, AUC)
    assert (observation.value, observation.series, observation.error) == (0.91, 1, None)


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("mld_not_there", "no data: the query returned no series"),
        ("vector(0) / 0", "not a number: the series {} is nan"),
        ("mld_latency_ms[5m]", "query error: the query gives a range vector, not a number"),
        # Prometheus refuses it (422): its own words.
        (
            '(vector(1) or label_replace(vector(1), "a", "b", "", "")) * on() vector(1)',
            "query error: multiple matches for labels: many-to-one matching must be explicit",
        ),
        (
            "sum(mld_latency_ms",
            'query error: invalid parameter "query": 1:19: parse error: unclosed left parenthesis',
        ),
    ],
)
def test_what_gives_no_value_says_why(prometheus: Server, query: str, error: str) -> None:
    observation = _observe(prometheus, {**LATENCY, "query": query}, trend="7d")
    assert observation.value is None and observation.error.startswith(error), observation.error
    assert observation.trend == ()


def test_the_trend_is_the_week_of_the_series_that_decided(prometheus: Server) -> None:
    observation = _observe(prometheus, LATENCY, trend="7d")
    times = [at for at, _ in observation.trend]
    # A week at a step of 604800 / 100 s: about 100 points, the last at the time asked.
    assert 95 <= len(times) <= 102 and times == sorted(times)
    assert times[-1] == AT.timestamp() and times[0] >= AT.timestamp() - 7 * 86400
    # Pod b's (114..137 ms over the week, 134 at the end), not pod a's (60..83).
    values = [value for _, value in observation.trend]
    assert values[-1] == 134.0 and min(values) >= 114
    assert len(_observe(prometheus, AUC, trend="1d").trend) > 90  # a scalar: its one series


def test_firing_alerts_are_asked_once_and_given_to_their_metrics(
    prometheus: Server, tmp_path: Path
) -> None:
    # LatencyPage carries mldesign_id=MET-LAT; AUCLow is named in :alert:; MET_OTHER_crit
    # is the name `mldesign alerts` gives MET-OTHER's crit rule; MET_LAT_warn fails at every
    # evaluation, so it never fires.
    other = {"id": "MET-OTHER", "query": "mld_auc", "crit": parse_condition("< 0.5")}
    quiet = {"id": "MET-QUIET", "query": "mld_auc", "target": parse_condition(">= 0.5")}
    config = _config(prometheus)
    where = Where(tmp_path, tmp_path, tmp_path / "cache")
    before = _alerts_asked(prometheus)
    snapshot, problems = observe_live(
        Request(config, where, metrics=(LATENCY, AUC, other, quiet)), AT
    )
    assert _alerts_asked(prometheus) == before + 1  # once for the four metrics
    firing = {metric: found.firing for metric, found in snapshot.observations.items()}
    assert firing == {
        "MET-LAT": ("LatencyPage",),
        "MET-AUC": ("AUCLow",),
        "MET-OTHER": ("MET_OTHER_crit",),
        "MET-QUIET": (),
    }
    assert problems == []


def _alerts_asked(server: Server) -> float:
    """How often the server has answered /api/v1/alerts (its own count)."""
    with urllib.request.urlopen(f"{server.url}/metrics", timeout=5) as answer:
        metrics = answer.read().decode()
    handler = 'prometheus_http_requests_total{code="200",handler="/api/v1/alerts"}'
    found = re.search(re.escape(handler) + r" (\S+)", metrics)
    return float(found.group(1)) if found else 0.0


# -- through a build ----------------------------------------------------------------------

DOC = """\
Metrics
=======

.. metric:: Ranking latency
   :id: MET-LAT
   :kind: system
   :query: mld_latency_ms
   :target: p99 <= 120 ms
   :warn: p99 > 100 ms
   :crit: p99 > 150 ms

.. metric:: Model quality
   :id: MET-AUC
   :kind: offline
   :query: scalar(mld_auc)
   :target: >= 0.9
   :alert: AUCLow

.. metric:: Gone
   :id: MET-GONE
   :kind: system
   :query: mld_not_there
   :target: < 1
"""


def observe_project(src: Path, url: str, headers: str = "", extra: str = "") -> Path:
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_mldesign"]\nshow_warning_types = True\n'
        'mldesign_observe = "live"\n'
        f'mldesign_observe_at = "{AT_TEXT}"\n'
        f'mldesign_prometheus = {{"url": "{url}", "timeout": 10{headers}}}\n'
        'mldesign_rules = {"missing-owner": "off"}\n' + extra
    )
    (src / "index.rst").write_text(DOC)
    return src


def _observed(app: Any) -> dict[str, dict[str, Any]]:
    items = export_of(app)["items"]
    return {item_id: item["observed"] for item_id, item in items.items() if "observed" in item}


def test_a_live_build_shows_and_checks_what_prometheus_says(
    build: Build, tmp_path: Path, prometheus: Server
) -> None:
    src = observe_project(tmp_path / "src", prometheus.url)
    app = build(src, "mldesign", warningiserror=False)
    observed = _observed(app)
    assert observed["MET-LAT"] == {"value": 134.0, "at": AT_TEXT, "source": "prometheus",
                                   "series": 3, "target": "missed", "level": "warn",
                                   "error": None}  # fmt: skip
    assert observed["MET-AUC"]["value"] == 0.91 and observed["MET-AUC"]["target"] == "met"
    assert observed["MET-GONE"]["error"] == "no data: the query returned no series"
    warnings = warnings_of(app)
    index = src / "index.rst"
    assert any(
        w.startswith(f"{index}:22: WARNING: metric 'MET-GONE': its :query: on Prometheus gave "
                     "no value: no data") and "[mldesign.observation-failed]" in w
        for w in warnings
    ), warnings  # fmt: skip
    # The breach names the alert firing for it.
    assert any(w.startswith(f"{index}:9:") and "firing: LatencyPage" in w for w in warnings), (
        warnings
    )


def test_basic_auth_without_credentials_is_a_warning_and_with_them_values(
    build: Build, tmp_path: Path, prometheus_auth: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = observe_project(tmp_path / "bare", prometheus_auth.url)
    app = build(bare, "mldesign", warningiserror=False)
    assert _observed(app)["MET-LAT"]["error"] == "HTTP error 401: Unauthorized"
    assert any(
        "MET-LAT" in w and "HTTP error 401" in w and "[mldesign.observation-failed]" in w
        for w in warnings_of(app)
    )

    import base64

    token = base64.b64encode(f"{USER}:{SECRET}".encode()).decode()
    monkeypatch.setenv("PROM_BASIC", token)
    headers = ', "headers": {"Authorization": "Basic ${PROM_BASIC}"}'
    src = observe_project(tmp_path / "src", prometheus_auth.url, headers)
    app = build(src, "mldesign", warningiserror=False)
    assert _observed(app)["MET-LAT"]["value"] == 134.0
    assert _observed(app)["MET-AUC"]["value"] == 0.91
    html = build(src, "html", warningiserror=False)
    # The secret (and its encoding as sent) is in no output, log, export or cache.
    for text in (app.status.getvalue(), app.warning.getvalue(),
                 html.status.getvalue(), html.warning.getvalue()):  # fmt: skip
        assert SECRET not in text and token not in text
    outputs = [Path(app.outdir), Path(app.doctreedir), Path(html.outdir), Path(html.doctreedir)]
    for root in outputs:
        for path in root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert SECRET.encode() not in data and token.encode() not in data, path


def test_an_unset_variable_is_named_and_nothing_is_sent(
    build: Build, tmp_path: Path, prometheus_auth: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROM_UNSET", raising=False)
    headers = ', "headers": {"Authorization": "Bearer ${PROM_UNSET}"}'
    app = build(observe_project(tmp_path / "src", prometheus_auth.url, headers), "mldesign",
                warningiserror=False)  # fmt: skip
    assert _observed(app)["MET-LAT"]["error"] == (
        "missing secret: environment variable PROM_UNSET is not set"
    )


def test_the_evaluation_time_is_the_pinned_one(prometheus: Server) -> None:
    """Asked a day earlier, pod b's value is the one of that time, not the last."""
    config = _config(prometheus)
    assert config.prometheus is not None
    earlier = AT - dt.timedelta(days=1)
    found = observe_prometheus("mld_latency_ms", config.prometheus, LATENCY, earlier, config)
    assert found.at == "2024-02-29T12:00:00Z" and found.value != 134.0


# -- the rules loaded in the server ------------------------------------------------------


def test_the_rules_loaded_in_prometheus_are_checked_like_rule_files(
    build: Build, tmp_path: Path, prometheus: Server
) -> None:
    extra = 'mldesign_alert_rules = ["prometheus"]\n'
    src = observe_project(tmp_path / "src", prometheus.url, extra=extra)
    app = build(src, warningiserror=False)
    drift = [w for w in warnings_of(app) if "[mldesign.alert-" in w]
    index = src / "index.rst"
    # MET_LAT_warn (the fourth rule of its group) is loaded but fails at every evaluation.
    assert any(
        w.startswith(f"{index}:9: ERROR: metric 'MET-LAT': deployed rule 'MET_LAT_warn' "
                     "(prometheus:/api/v1/rules#mldesign-test:4) differs from its warn threshold: "
                     "loaded in Prometheus but failing: multiple matches for labels")
        for w in drift
    ), drift  # fmt: skip
    # LatencyPage, labelled for MET-LAT's crit, compares another way than the doc.
    assert any("'LatencyPage' (prometheus:/api/v1/rules#mldesign-test:1)" in w for w in drift)


def test_the_loaded_rules_need_a_live_build_and_a_server(build: Build, tmp_path: Path) -> None:
    src = observe_project(
        tmp_path / "src", "http://127.0.0.1:9", extra='mldesign_alert_rules = ["prometheus"]\n'
    )
    text = (
        (src / "conf.py")
        .read_text()
        .replace('mldesign_observe = "live"', 'mldesign_observe = "off"')
    )
    (src / "conf.py").write_text(text)
    app = build(src, warningiserror=False)
    assert any(
        w.startswith(f"{src / 'conf.py'}:7: WARNING: cannot read the deployed alerting rules: "
                     "the rules loaded in Prometheus (prometheus:/api/v1/rules) are not checked: "
                     'only a live build (mldesign_observe = "live") asks the server')
        for w in warnings_of(app)
    ), warnings_of(app)  # fmt: skip
    # No file named "prometheus" is looked for, and nothing is asked of the server.
    (src / "prometheus").write_text("groups: [")
    assert not any("prometheus:1" in w for w in warnings_of(build(src, warningiserror=False)))
