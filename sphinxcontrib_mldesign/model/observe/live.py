"""Live observation: every observed metric's source asked once, concurrently (a bounded
pool of threads, in this process), each within the deadline its server's settings give.

A metric whose source cannot give a value gets an :class:`Observation` with an ``error``
(the checks report it at the metric); a source never raises out of here, not even with
an exception none expects (``internal error: ...``, the metric's alone).

A server found unreachable (down, refusing, timing out) is not asked again in the build:
its other metrics get the first failure. Else a server that times out would cost each of
its metrics a timeout of its own: a thousand metrics, 10 s each, 8 at once, 21 minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from typing import Any

from ..inputs.base import InputProblem, Request, conf_line
from ..inputs.secrets import said
from .files import observe_file
from .mlflow import observe_mlflow
from .once import Once
from .prometheus import firing_alerts, firing_for, observe_prometheus
from .prometheus_api import PrometheusFailed
from .server import MissingSecret, Server
from .snapshot import Observation, Snapshot, time_text
from .spec import ObserveSpec, observe_of
from .unreachable import Unreachable

#: Requests in flight at once: enough to hide a server's latency, few enough not to
#: flood one with a doc of a thousand metrics.
POOL_SIZE = 8
#: Characters of an unexpected exception's message kept in an observation's error.
_INTERNAL_SHOWN = 200


def observe_metric(
    request: Request,
    metric: Mapping[str, Any],
    spec: ObserveSpec,
    now: dt.datetime,
    once: Once,
    unreachable: Unreachable,
) -> Observation:
    """One metric's value from its source (an observation with ``error`` if none);
    ``once`` holds what this build asked its servers already, ``unreachable`` those it
    could not reach (not asked again)."""
    if spec.kind == "file":
        return observe_file(spec, request.where.confdir, metric, now)
    server = server_of(request, spec)
    if server is None:
        setting = f"mldesign_{spec.kind}"
        return _failed(metric, spec, f"no server: {setting} is not set in conf.py")
    first = unreachable.first_failure(server)
    if first is not None:
        return _failed(metric, spec, f"{first} (not asked again in this build)")
    if spec.kind == "prometheus":
        query = str(metric.get("query", ""))
        observation = observe_prometheus(query, server, metric, now, request.config, unreachable)
    else:
        observation = observe_mlflow(spec, server, metric, now, once)
    unreachable.tell(server, observation.error)
    return observation


def guarded(
    observe: Callable[[], Observation],
    metric: Mapping[str, Any],
    spec: ObserveSpec,
    server: Server | None,
) -> Observation:
    """``observe()``, the metric's observation from ``server``; or, when it raises what no
    source expects (a bug, a time out of range), one with the error ``internal error:
    <type>: <message>``: that metric has no value, the build and the other metrics go on."""
    try:
        return observe()
    except Exception as err:  # a traceback out of the pool would end the build
        return _failed(metric, spec, internal_error(err, server))


def internal_error(err: Exception, server: Server | None) -> str:
    """An unexpected exception as an error, shortened, a header value sent to ``server``
    cut out of it (its message may quote what the server said)."""
    try:
        headers = server.sent_headers() if server is not None else {}
    except MissingSecret:
        headers = {}
    return f"internal error: {type(err).__name__}: {said(str(err), headers, _INTERNAL_SHOWN)}"


def observe_live(request: Request, now: dt.datetime) -> tuple[Snapshot, list[InputProblem]]:
    """Every metric of the request observed at ``now``, and what could not be read of
    the servers as a whole (the firing alerts)."""
    asked = [(metric, spec) for metric in request.metrics if (spec := observe_of(metric))]
    observations: dict[str, Observation] = {}
    once, unreachable = Once(), Unreachable()
    problems: list[InputProblem] = []
    server = request.config.prometheus
    if asked:
        with ThreadPoolExecutor(min(POOL_SIZE, len(asked) + 1)) as pool:
            # The alerts once for the build, asked alongside the metrics' values.
            alerts = (
                pool.submit(_firing_alerts, server, unreachable)
                if server is not None and any(spec.kind == "prometheus" for _, spec in asked)
                else None
            )
            futures = {
                str(metric["id"]): pool.submit(
                    guarded,
                    partial(observe_metric, request, metric, spec, now, once, unreachable),
                    metric,
                    spec,
                    server_of(request, spec),
                )
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


def _firing_alerts(
    server: Server, unreachable: Unreachable
) -> tuple[list[dict[str, str]], str | None]:
    """The labels of the alerts firing on ``server``, or why they cannot be had (told to
    ``unreachable``: the alerts are asked alongside the first metrics)."""
    try:
        return firing_alerts(server), None
    except (PrometheusFailed, MissingSecret) as err:
        unreachable.tell(server, str(err))
        return [], str(err)
    except Exception as err:  # as a metric's: never a traceback out of the pool
        return [], internal_error(err, server)


def server_of(request: Request, spec: ObserveSpec) -> Server | None:
    """The server a metric's source asks (None for a file, or when it is not set)."""
    config = request.config
    return {"prometheus": config.prometheus, "mlflow": config.mlflow}.get(spec.kind)


def _failed(metric: Mapping[str, Any], spec: ObserveSpec, error: str) -> Observation:
    """The metric's observation with no value and ``error`` (a Prometheus one keeps its
    query, as the source's own do)."""
    query = str(metric.get("query", "")) if spec.kind == "prometheus" else None
    return Observation(spec.text, error=error, query=query)


def _server_problem(request: Request, message: str) -> InputProblem:
    """A problem of the Prometheus server as a whole, at its setting in ``conf.py``."""
    conf = request.where.confdir / "conf.py"
    line = conf_line(conf, "mldesign_prometheus", "url")
    return InputProblem(request.where.name_of(conf), str(conf), line, message)
