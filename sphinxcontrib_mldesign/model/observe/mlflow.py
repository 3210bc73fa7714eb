"""``mlflow:<model>@<alias>#<key>``: the metric ``<key>`` of the run behind the registered
model version the alias names, asked of an MLflow tracking server over its REST API (no
``mlflow`` package is imported: it is a hundred packages, and two GETs do).

1. ``GET {url}/api/2.0/mlflow/registered-models/alias?name=<model>&alias=<alias>``: the
   model version, and the run it came from (``model_version.run_id``);
2. ``GET {url}/api/2.0/mlflow/runs/get?run_id=<run>``: the run's metrics, the latest
   value of each key (``run.data.metrics``, as MLflow keeps them: of the highest step).

Each GET is one fetch within the server's ``timeout`` (a metric may take two). Both
answers are asked once per build (:class:`.once.Once`), however many metrics read them:
twenty metrics of one model ask twice in all, and all read the same model version even
if the alias moves during the build.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from ..imports import without_credentials
from ..inputs.http import FetchError, HTTPStatusError, fetch
from ..inputs.secrets import said, said_of_body, without_secrets
from .once import Once
from .server import MissingSecret, Server
from .snapshot import Observation, is_number, unix_time_text
from .spec import ObserveSpec

#: An answer of MLflow's: a run with thousands of params and tags is well under this.
MAX_ANSWER_BYTES = 8 * 2**20
#: Of an error's body, what is read: MLflow's ``{"error_code", "message"}``.
ERROR_BYTES = 2**16
#: Characters shown of an answer that is not JSON.
NOT_JSON_SHOWN = 60
_API = "/api/2.0/mlflow"


class _Failed(Exception):
    """Why there is no value: the observation's ``error``, one line."""


def observe_mlflow(
    spec: ObserveSpec, server: Server, metric: Mapping[str, Any], now: dt.datetime, once: Once
) -> Observation:
    """The value of the metric ``spec`` names, at ``now`` (as the server has it now)."""
    try:
        headers = server.sent_headers()
    except MissingSecret as err:
        return Observation(spec.text, error=f"missing secret: {err}")
    try:
        run = once.get(
            ("mlflow-alias", server, spec.model, spec.alias),
            lambda: _run_of(server, headers, spec.model, spec.alias),
        )
        metrics = once.get(("mlflow-run", server, run), lambda: _metrics_of(server, headers, run))
        found = metrics.get(spec.key)
        if found is None:
            raise _Failed(f"missing key: the run {run} has no metric {_q(spec.key)}")
        value, at = _finite(found[0]), found[1]
        if value is None:
            shown = _q(found[0], headers)
            raise _Failed(f"not a number: the run {run} gives {_q(spec.key)} as {shown}")
    except _Failed as err:  # a server may echo what it was sent (as a run ID even)
        return Observation(spec.text, error=without_secrets(str(err), headers))
    return Observation(spec.text, value, at, series=1)


def _run_of(server: Server, headers: dict[str, str], model: str, alias: str) -> str:
    """The run behind the model version ``alias`` names."""
    answer = _get(server, headers, "registered-models/alias", {"name": model, "alias": alias})
    version = answer.get("model_version")
    run = version.get("run_id") if isinstance(version, Mapping) else None
    if not isinstance(run, str) or not run.strip():
        number = version.get("version") if isinstance(version, Mapping) else None
        raise _Failed(
            f"no run: the model version {_q(number, headers)} of {_q(model)} ({_q(alias)}) "
            "names no run"
        )
    return run.strip()


def _metrics_of(
    server: Server, headers: dict[str, str], run: str
) -> dict[str, tuple[object, str | None]]:
    """Key -> (latest value, when it was logged) of the run's metrics."""
    answer = _get(server, headers, "runs/get", {"run_id": run})
    found = answer.get("run")
    data = found.get("data") if isinstance(found, Mapping) else None
    listed = data.get("metrics", []) if isinstance(data, Mapping) else None
    if not isinstance(listed, list):
        raise _Failed(f"not an MLflow answer: runs/get gives no metrics for the run {run}")
    latest: dict[str, tuple[tuple[float, float], object, str | None]] = {}
    for entry in listed:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("key"), str):
            continue
        # MLflow lists each key once, its latest value; a key twice: the highest step wins.
        order = (_float(entry.get("step")), _float(entry.get("timestamp")))
        known = latest.get(entry["key"])
        if known is None or order > known[0]:
            latest[entry["key"]] = (order, entry.get("value"), _time(entry.get("timestamp")))
    return {key: (value, at) for key, (_, value, at) in latest.items()}


def _get(
    server: Server, headers: dict[str, str], endpoint: str, query: dict[str, str]
) -> Mapping[str, Any]:
    """MLflow's JSON answer at ``endpoint``, or :class:`_Failed` saying why not."""
    url = f"{server.url}{_API}/{endpoint}?{urlencode(query)}"
    try:
        body = fetch(url, server.timeout, MAX_ANSWER_BYTES, headers, error_bytes=ERROR_BYTES)
    except HTTPStatusError as err:
        raise _Failed(f"HTTP error {err.status}: {_said(err, headers)}") from None
    except FetchError as err:
        raise _Failed(f"unreachable: {without_credentials(server.url)}: {err}") from None
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):  # ValueError: not UTF-8 or not JSON
        # A body that echoes the request (a debug endpoint, a proxy's page) shows no part
        # of a secret: they are cut out before the text is shortened.
        text = said_of_body(body, headers, NOT_JSON_SHOWN)
        raise _Failed(f"not JSON: {endpoint} answered '{text}'") from None
    if not isinstance(answer, Mapping):
        raise _Failed(f"not an MLflow answer: {endpoint} answered no JSON object")
    return answer


def _said(err: HTTPStatusError, headers: Mapping[str, str]) -> str:
    """What MLflow says of an error (``RESOURCE_DOES_NOT_EXIST: Run ... not found``), else
    the status text; secrets hidden before the text is cut (not to show a part of one)."""
    try:
        answer = json.loads(err.body)
    except (ValueError, RecursionError):
        answer = None
    if isinstance(answer, Mapping) and isinstance(answer.get("error_code"), str):
        message = answer.get("message")
        text = answer["error_code"] + (f": {message}" if isinstance(message, str) else "")
        return said(text, headers, 200)
    return str(err)


def _finite(value: object) -> float | None:
    """A finite number's value; None for anything else (a bool, NaN, text)."""
    return float(value) if isinstance(value, (int, float)) and is_number(value) else None


def _float(value: object) -> float:
    found = _finite(value)
    return float("-inf") if found is None else found


def _time(milliseconds: object) -> str | None:
    """A time MLflow gives (ms since the epoch) as observations write it; None if none."""
    found = _finite(milliseconds)
    return None if found is None else unix_time_text(found / 1000)


def _q(value: object, headers: Mapping[str, str] | None = None) -> str:
    """A value (the server's, or the doc's), quoted for a message: one short printable
    line, a secret of ``headers`` it echoes cut out before it is shortened."""
    return said(repr(value), headers or {}, 60)
