"""``prometheus`` sources: a metric's ``:query:`` as an instant query at the evaluation
time, every series judged and the worst deciding (:func:`..observed.worst`); its trend
over ``mldesign_observe_trend`` (``/api/v1/query_range``, the series that decided); and
the alerts firing for it (``/api/v1/alerts``, asked once per build by the live pool).

What the server cannot give is an observation with an ``error`` starting with its kind:
an empty result is ``no data`` (never a pass), a NaN or infinite sample ``not a number``,
a range vector or a string ``query error``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..alerts import thresholds
from ..formats import duration_seconds
from ..items import as_list
from ..observed import worst
from ..settings import Settings
from .prometheus_api import PrometheusFailed, ask, shown
from .server import MissingSecret, Server
from .snapshot import MAX_FIRING, Observation, kept_text, unix_time_text
from .unreachable import Unreachable

SOURCE = "prometheus"
#: Samples a trend is drawn from, about: the step is the range over this.
TREND_POINTS = 100


@dataclass(frozen=True)
class _Sample:
    labels: Mapping[str, str]
    at: float
    value: float


def observe_prometheus(
    query: str,
    server: Server,
    metric: Mapping[str, Any],
    now: dt.datetime,
    config: Settings,
    unreachable: Unreachable | None = None,
) -> Observation:
    """The metric's value: its ``query`` on ``server`` at ``now``, the worst series
    deciding, with the trend of that series (unless ``mldesign_observe_trend`` is 0)."""
    try:
        headers = server.sent_headers()
    except MissingSecret as err:
        return Observation(SOURCE, error=f"missing secret: {err}", query=query)  # names it
    try:
        data = ask(server, "/api/v1/query", {"query": query, "time": _unix(now)}, headers)
        samples = _instant_samples(data, headers)
    except PrometheusFailed as err:
        return Observation(SOURCE, error=str(err), query=query)
    decided = worst(metric, [sample.value for sample in samples])
    chosen = next(sample for sample in samples if sample.value == decided)
    trend: tuple[tuple[float, float], ...] = ()
    trends = (server, "trend")
    asked = unreachable is None or unreachable.first_failure(trends) is None
    if config.observe_trend != "0" and asked:
        try:
            trend = _trend(server, headers, query, chosen.labels, now, config.observe_trend)
        except PrometheusFailed as err:  # the value stands without its trend
            if unreachable is not None:  # a server timing out on ranges: asked no more
                unreachable.tell(trends, str(err))
    at = unix_time_text(chosen.at)
    return Observation(SOURCE, decided, at, len(samples), trend=trend, query=query)


def _instant_samples(data: Any, headers: Mapping[str, str]) -> list[_Sample]:
    """Every series of an instant query's answer; PrometheusFailed when there is none or
    one is not a number."""
    kind, result = _result(data)
    if kind == "scalar":
        samples = [_sample({}, result, headers)]
    elif kind == "vector" and isinstance(result, list):
        samples = [
            _sample(
                _labels(series), series.get("value") if isinstance(series, dict) else None, headers
            )
            for series in result
        ]
    elif kind in ("matrix", "string"):
        what = "a range vector" if kind == "matrix" else "a string"
        raise PrometheusFailed(f"query error: the query gives {what}, not a number at one time")
    else:
        raise PrometheusFailed("not JSON: not an answer of the Prometheus API (no result)")
    if not samples:
        raise PrometheusFailed("no data: the query returned no series")
    for sample in samples:
        if not math.isfinite(sample.value):
            raise PrometheusFailed(
                f"not a number: the series {_series_text(sample.labels, headers)} is {sample.value}"
            )
    return samples


def _result(data: Any) -> tuple[object, Any]:
    if not isinstance(data, dict):
        raise PrometheusFailed("not JSON: not an answer of the Prometheus API (no data)")
    return data.get("resultType"), data.get("result")


def _sample(labels: Mapping[str, str], pair: Any, headers: Mapping[str, str]) -> _Sample:
    """A ``[time, "value"]`` pair (a native histogram's series has none)."""
    if (
        not isinstance(pair, list)
        or len(pair) != 2
        or not isinstance(pair[0], (int, float))
        or isinstance(pair[0], bool)
        or not isinstance(pair[1], str)
    ):
        raise PrometheusFailed(
            f"not a number: the series {_series_text(labels, headers)} has no [time, value] "
            "sample (a histogram?)"
        )
    try:
        value = float(pair[1])
    except ValueError:
        raise PrometheusFailed(
            f"not a number: {shown(repr(pair[1]), headers)} in the series "
            f"{_series_text(labels, headers)}"
        ) from None
    return _Sample(labels, float(pair[0]), value)


def _labels(series: Any) -> dict[str, str]:
    labels = series.get("metric") if isinstance(series, dict) else None
    if not isinstance(labels, dict):
        return {}
    return {str(name): str(value) for name, value in labels.items()}


def _series_text(labels: Mapping[str, str], headers: Mapping[str, str]) -> str:
    text = ", ".join(f'{name}="{value}"' for name, value in sorted(labels.items()))
    return shown(f"{{{text}}}", headers)


def _trend(
    server: Server,
    headers: Mapping[str, str],
    query: str,
    labels: Mapping[str, str],
    now: dt.datetime,
    trend: str,
) -> tuple[tuple[float, float], ...]:
    """The samples of the series with ``labels`` over the ``trend`` before ``now``, oldest
    first, at most about :data:`TREND_POINTS`; none when the answer holds none;
    PrometheusFailed when the server gives no answer."""
    seconds = duration_seconds(trend)
    step = max(1, math.ceil(seconds / TREND_POINTS))
    try:
        start = now - dt.timedelta(seconds=seconds)
    except OverflowError:  # a trend of centuries before an early evaluation time
        return ()
    params = {"query": query, "start": _unix(start), "end": _unix(now), "step": str(step)}
    data = ask(server, "/api/v1/query_range", params, headers)
    kind, result = _result(data) if isinstance(data, dict) else (None, None)
    if kind != "matrix" or not isinstance(result, list):
        return ()
    series = next((found for found in result if _labels(found) == dict(labels)), None)
    values = series.get("values") if isinstance(series, dict) else None
    if not isinstance(values, list):
        return ()
    samples = []
    for pair in values[-(2 * TREND_POINTS + 1) :]:  # the newest, if a server sends more
        try:
            sample = _sample(labels, pair, headers)
        except PrometheusFailed:
            continue
        if math.isfinite(sample.value):
            samples.append((sample.at, sample.value))
    return tuple(samples)


# -- firing alerts -----------------------------------------------------------------------


def firing_alerts(server: Server) -> list[dict[str, str]]:
    """The labels of every alert firing on the server now (``/api/v1/alerts`` has no
    time: it is the server's present state, whatever the evaluation time);
    PrometheusFailed or MissingSecret when they cannot be had."""
    data = ask(server, "/api/v1/alerts", {}, server.sent_headers())
    alerts = data.get("alerts") if isinstance(data, dict) else None
    if not isinstance(alerts, list):
        raise PrometheusFailed("not JSON: not an answer of the Prometheus API (no alerts)")
    return [
        {str(name): str(value) for name, value in alert["labels"].items()}
        for alert in alerts
        if isinstance(alert, dict)
        and alert.get("state") == "firing"
        and isinstance(alert.get("labels"), dict)
    ]


def firing_for(metric: Mapping[str, Any], alerts: Sequence[Mapping[str, str]]) -> tuple[str, ...]:
    """The names of the alerts firing for the metric (as exported): labelled with its ID,
    named in its ``:alert:``, or named as ``mldesign alerts`` names its thresholds' rules."""
    names = set(as_list(metric.get("alert")))
    names.update(threshold.name for threshold in thresholds(metric))
    metric_id = str(metric.get("id"))
    firing = {
        kept_text(alert.get("alertname", ""), 200)  # a server's words: printable, bounded
        for alert in alerts
        if alert.get("mldesign_id") == metric_id or alert.get("alertname") in names
    }
    return tuple(sorted(firing))[:MAX_FIRING]


def _unix(when: dt.datetime) -> str:
    """A time as the API reads it: Unix seconds."""
    return f"{when.timestamp():.3f}"
