"""A live build gives up on a server it cannot reach, and on a metric whose observation
fails in a way no source expects.

A server that never answers costs the build one timeout, not one per metric: once a
request to it has timed out, its other metrics are not asked (``unreachable: <the first
failure> (not asked again in this build)``), while another server's metrics are. An
exception out of one metric's observation is that metric's ``internal error``, never a
traceback out of the pool.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from test_hardening_network import SLACK, server
from test_observe_servers import VECTOR, _answer, _sleep, live_conf

from helpers import Build, warnings_of
from sphinxcontrib_mldesign.config import MLDesignConfig
from sphinxcontrib_mldesign.model.formats import parse_condition
from sphinxcontrib_mldesign.model.inputs.base import Request, Where
from sphinxcontrib_mldesign.model.observe.live import POOL_SIZE, guarded, observe_live
from sphinxcontrib_mldesign.model.observe.server import Server
from sphinxcontrib_mldesign.model.observe.snapshot import Observation
from sphinxcontrib_mldesign.model.observe.spec import parse_observe

TIMEOUT = 1
AT = dt.datetime(2026, 12, 1, 12, tzinfo=dt.timezone.utc)
NOT_ASKED = "unreachable: timed out (not asked again in this build)"


def test_a_server_that_never_answers_costs_one_timeout_not_one_per_metric(
    build: Build, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    blocks = [
        f".. metric:: Latency {n}\n   :id: MET-{n:02}\n   :kind: system\n"
        f'   :query: p99_ms{{pod="{n}"}}\n   :target: < 80\n'
        for n in range(40)
    ]
    (src / "index.rst").write_text("Metrics\n=======\n\n" + "\n".join(blocks))
    with server(_sleep) as (url, heads):
        (src / "conf.py").write_text(live_conf(url, "2026-12-01T12:00:00Z", TIMEOUT))
        start = time.monotonic()
        app = build(src, warningiserror=False)
        took = time.monotonic() - start
        asked = len(heads)
    # Asked by the first threads of the pool at once (the alerts among them), then never
    # again: 40 metrics each waiting for its own timeout would take 40 / 8 timeouts.
    assert asked <= POOL_SIZE, asked
    assert took < 10, took
    failed = [w for w in warnings_of(app) if "[mldesign.observation-failed]" in w]
    assert len(failed) == 40
    assert all("gave no value: unreachable: timed out" in warning for warning in failed)
    assert sum(NOT_ASKED in warning for warning in failed) >= 40 - POOL_SIZE


def test_another_server_is_still_asked(tmp_path: Path) -> None:
    """MLflow down, Prometheus up: each of the twelve MLflow metrics (each its own alias,
    so that no answer is shared) is unreachable, after one round of requests at most;
    every Prometheus metric has its value."""
    metrics: list[dict[str, Any]] = [
        {"id": f"MET-AUC-{n}", "observe": f"mlflow:fraud@v{n}#auc",
         "target": parse_condition(">= 0.9")}
        for n in range(12)
    ] + [
        {"id": f"MET-P99-{n}", "query": f"p99_ms_{n}", "target": parse_condition("< 80")}
        for n in range(12)
    ]  # fmt: skip
    with (
        server(_sleep) as (down, down_heads),
        server(_answer(b"200 OK", VECTOR)) as (up, _),
    ):
        values: dict[str, Any] = {
            "prometheus": {"url": up, "timeout": TIMEOUT},
            "mlflow": {"url": down, "timeout": TIMEOUT},
            "observe_trend": "0",
        }
        where = Where(tmp_path, tmp_path, tmp_path / "cache")
        start = time.monotonic()
        snapshot, _ = observe_live(Request(MLDesignConfig(**values), where, (), tuple(metrics)), AT)
        took = time.monotonic() - start
        asked = len(down_heads)
    observed = snapshot.observations
    assert all(observed[f"MET-P99-{n}"].value == 42.0 for n in range(12))
    errors = [observed[f"MET-AUC-{n}"].error or "" for n in range(12)]
    assert all(error.startswith(f"unreachable: {down}: timed out") for error in errors), errors
    assert any(error.endswith("(not asked again in this build)") for error in errors)
    assert asked <= POOL_SIZE, asked
    assert took < 2 * TIMEOUT + SLACK, took


def test_an_exception_in_one_metric_is_its_internal_error() -> None:
    secret = "internal-secret-0b7f3a9c"
    prometheus = Server.from_setting(
        "mldesign_prometheus", {"url": "http://h", "headers": {"X-Key": secret}}
    )
    metric = {"id": "MET-P99", "query": "p99_ms"}

    def observe() -> Observation:
        # A message quoting what a server said, the secret among it, at great length.
        raise OverflowError(f"date value out of range near {secret} " + "x" * 10_000)

    observation = guarded(observe, metric, parse_observe("prometheus"), prometheus)
    assert observation.value is None and observation.source == "prometheus"
    assert observation.query == "p99_ms"  # as the source's own errors keep it
    assert observation.error is not None
    assert observation.error.startswith("internal error: OverflowError: date value out of range")
    assert secret not in observation.error and "***" in observation.error
    assert len(observation.error) < 300
    # What does not raise is passed on as it is.
    found = Observation("prometheus", 1.0, series=1)
    assert guarded(lambda: found, metric, parse_observe("prometheus"), prometheus) is found


def _ranges_hang(conn: Any, head: bytes, stop: Any) -> None:
    """Instant queries answered at once, week-long ranges never."""
    if b"/api/v1/query_range" in head:
        stop.wait(30)
    else:
        _answer(b"200 OK", VECTOR)(conn, head, stop)


def test_a_server_timing_out_on_trends_keeps_its_values_and_is_asked_no_more_trends(
    tmp_path: Path,
) -> None:
    metrics = [
        {"id": f"MET-P99-{n}", "query": f"p99_ms_{n}", "target": parse_condition("< 80")}
        for n in range(24)
    ]
    with server(_ranges_hang) as (url, heads):
        values: dict[str, Any] = {"prometheus": {"url": url, "timeout": TIMEOUT}}
        where = Where(tmp_path, tmp_path, tmp_path / "cache")
        start = time.monotonic()
        snapshot, _ = observe_live(Request(MLDesignConfig(**values), where, (), tuple(metrics)), AT)
        took = time.monotonic() - start
        ranges = sum(b"/api/v1/query_range" in head for head in heads)
    # Every value, none with a trend; the ranges asked by the first round only (24 metrics
    # each waiting a timeout for its trend would take 24 / 8 timeouts).
    assert all(snapshot.observations[m["id"]].value == 42.0 for m in metrics)
    assert all(snapshot.observations[m["id"]].trend == () for m in metrics)
    assert ranges <= POOL_SIZE, ranges
    assert took < 2 * TIMEOUT + SLACK, took
