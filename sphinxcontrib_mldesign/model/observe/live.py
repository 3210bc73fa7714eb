"""Live observation: every observed metric's source asked once, concurrently (a bounded
pool of threads, in this process), each within the deadline its server's settings give.

A metric whose source cannot give a value gets an :class:`Observation` with an ``error``
(the checks report it at the metric); a source never raises out of here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from ..inputs.base import InputProblem, Request, conf_line
from .files import observe_file
from .mlflow import observe_mlflow
from .once import Once
from .prometheus import firing_alerts, firing_for, observe_prometheus
from .prometheus_api import PrometheusFailed
from .server import MissingSecret, Server
from .snapshot import Observation, Snapshot, time_text
from .spec import ObserveSpec, observe_of

#: Requests in flight at once: enough to hide a server's latency, few enough not to
#: flood one with a doc of a thousand metrics.
POOL_SIZE = 8


def observe_metric(
    request: Request, metric: Mapping[str, Any], spec: ObserveSpec, now: dt.datetime, once: Once
) -> Observation:
    """One metric's value from its source (an observation with ``error`` if none);
    ``once`` holds what this build asked its servers already."""
    config = request.config
    if spec.kind == "file":
        return observe_file(spec, request.where.confdir, metric, now)
    server = config.prometheus if spec.kind == "prometheus" else config.mlflow
    if server is None:
        setting = f"mldesign_{spec.kind}"
        return Observation(spec.text, error=f"no server: {setting} is not set in conf.py")
    if spec.kind == "prometheus":
        return observe_prometheus(str(metric.get("query", "")), server, metric, now, config)
    return observe_mlflow(spec, server, metric, now, once)


def observe_live(request: Request, now: dt.datetime) -> tuple[Snapshot, list[InputProblem]]:
    """Every metric of the request observed at ``now``, and what could not be read of
    the servers as a whole (the firing alerts)."""
    asked = [(metric, spec) for metric in request.metrics if (spec := observe_of(metric))]
    observations: dict[str, Observation] = {}
    once = Once()
    problems: list[InputProblem] = []
    server = request.config.prometheus
    if asked:
        with ThreadPoolExecutor(min(POOL_SIZE, len(asked) + 1)) as pool:
            # The alerts once for the build, asked alongside the metrics' values.
            alerts = (
                pool.submit(_firing_alerts, server)
                if server is not None and any(spec.kind == "prometheus" for _, spec in asked)
                else None
            )
            futures = {
                str(metric["id"]): pool.submit(observe_metric, request, metric, spec, now, once)
                for metric, spec in asked
            }
            observations = {metric: future.result() for metric, future in futures.items()}
            firing, failed = alerts.result() if alerts is not None else ([], None)
        from_prometheus = [str(metric["id"]) for metric, spec in asked if spec.kind == "prometheus"]
        # A server that gave no value at all is told at each metric already.
        if failed is not None and any(observations[m].value is not None for m in from_prometheus):
            problems.append(_server_problem(request, f"the firing alerts cannot be read: {failed}"))
        for metric, spec in asked:
            metric_id = str(metric["id"])
            if spec.kind == "prometheus" and (names := firing_for(metric, firing)):
                observations[metric_id] = replace(observations[metric_id], firing=names)
    return Snapshot(time_text(now), observations), problems


def _firing_alerts(server: Server) -> tuple[list[dict[str, str]], str | None]:
    """The labels of the alerts firing on ``server``, or why they cannot be had."""
    try:
        return firing_alerts(server), None
    except (PrometheusFailed, MissingSecret) as err:
        return [], str(err)


def _server_problem(request: Request, message: str) -> InputProblem:
    """A problem of the Prometheus server as a whole, at its setting in ``conf.py``."""
    conf = request.where.confdir / "conf.py"
    line = conf_line(conf, "mldesign_prometheus", "url")
    return InputProblem(request.where.name_of(conf), str(conf), line, message)
