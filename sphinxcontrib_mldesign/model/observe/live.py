"""Live observation: every observed metric's source asked once, concurrently (a bounded
pool of threads, in this process), each within the deadline its server's settings give.

A metric whose source cannot give a value gets an :class:`Observation` with an ``error``
(the checks report it at the metric); a source never raises out of here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..inputs.base import InputProblem, Request
from .files import observe_file
from .mlflow import observe_mlflow
from .once import Once
from .prometheus import observe_prometheus
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
    the servers as a whole."""
    asked = [(metric, spec) for metric in request.metrics if (spec := observe_of(metric))]
    observations: dict[str, Observation] = {}
    once = Once()
    if asked:
        with ThreadPoolExecutor(min(POOL_SIZE, len(asked))) as pool:
            futures = {
                str(metric["id"]): pool.submit(observe_metric, request, metric, spec, now, once)
                for metric, spec in asked
            }
            observations = {metric: future.result() for metric, future in futures.items()}
    return Snapshot(time_text(now), observations), []
