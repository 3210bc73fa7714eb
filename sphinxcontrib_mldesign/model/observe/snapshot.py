"""Observations as they are kept: one metric's (:class:`Observation`) and every metric's
of one moment (:class:`Snapshot`), as ``mldesign observe`` writes the file and a
``snapshot`` build reads it. Sphinx-free; every value read is checked."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SNAPSHOT_VERSION = 1


class SnapshotError(ValueError):
    """A snapshot file that is not one ``mldesign observe`` wrote (the message says why)."""


@dataclass(frozen=True)
class Observation:
    """One metric's observed value, or why there is none."""

    source: str
    """Where it came from, as the metric's ``:observe:`` says (``prometheus``,
    ``mlflow:fraud@champion#auc``, ``file:metrics.json#eval.auc``)."""
    value: float | None = None
    """The value (of several series, the worst: :func:`worst`); None when ``error``."""
    at: str | None = None
    """When the value was measured, ISO 8601 in UTC (``2026-12-01T12:00:00Z``)."""
    series: int = 0
    """How many series (Prometheus) the value was chosen from; 1 for other sources."""
    error: str | None = None
    """Why there is no value, starting with what went wrong: ``unreachable``, ``HTTP
    error``, ``query error``, ``no data``, ``not a number``, ``missing key``, ..."""
    trend: tuple[tuple[float, float], ...] = ()
    """(Unix time, value) samples of the last ``mldesign_observe_trend`` (Prometheus only),
    of the series that decided, oldest first."""
    firing: tuple[str, ...] = ()
    """The alerts firing for the metric when it was observed (their names, sorted)."""

    def as_json(self) -> dict[str, Any]:
        """As the snapshot file keeps it (keys sorted by the writer)."""
        data: dict[str, Any] = {
            "source": self.source,
            "value": self.value,
            "at": self.at,
            "series": self.series,
            "error": self.error,
        }
        if self.trend:
            data["trend"] = [list(sample) for sample in self.trend]
        if self.firing:
            data["firing"] = list(self.firing)
        return data

    @classmethod
    def from_json(cls, data: object) -> Observation:
        """An observation as a snapshot keeps it; :class:`SnapshotError` if it is not one."""
        if not isinstance(data, Mapping):
            raise SnapshotError("an observation is not an object")
        source, value, at = data.get("source"), data.get("value"), data.get("at")
        series, error = data.get("series", 0), data.get("error")
        if not isinstance(source, str):
            raise SnapshotError("an observation has no 'source'")
        if value is not None and not is_number(value):
            raise SnapshotError(f"'value' is not a number: {str(value)[:40]!r}")
        if at is not None and (not isinstance(at, str) or parse_time(at) is None):
            raise SnapshotError(f"'at' is not an ISO 8601 time: {str(at)[:40]!r}")
        if not isinstance(series, int) or isinstance(series, bool) or series < 0:
            raise SnapshotError("'series' is not a count")
        if error is not None and not isinstance(error, str):
            raise SnapshotError("'error' is not text")
        if value is None and error is None:
            raise SnapshotError("an observation has neither a value nor an error")
        trend = _samples(data.get("trend", []))
        firing = data.get("firing", [])
        if not isinstance(firing, list) or not all(isinstance(name, str) for name in firing):
            raise SnapshotError("'firing' is not a list of alert names")
        return cls(
            source,
            None if value is None else float(value),
            at,
            series,
            error,
            trend,
            tuple(sorted(firing)),
        )


def is_number(value: object) -> bool:
    """A finite int or float (not a bool; not an int too large for a float)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # a JSON or YAML integer of 400 digits
        return False


def _samples(data: object) -> tuple[tuple[float, float], ...]:
    if not isinstance(data, list):
        raise SnapshotError("'trend' is not a list of [time, value] pairs")
    samples = []
    for sample in data:
        if (
            not isinstance(sample, list)
            or len(sample) != 2
            or not all(is_number(part) for part in sample)
        ):
            raise SnapshotError("'trend' is not a list of [time, value] pairs")
        samples.append((float(sample[0]), float(sample[1])))
    return tuple(samples)


@dataclass(frozen=True)
class Snapshot:
    """Every observation of one moment, by metric ID."""

    at: str
    """When the observations were made (ISO 8601, UTC)."""
    observations: Mapping[str, Observation] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "version": SNAPSHOT_VERSION,
            "at": self.at,
            "observations": {
                metric: observation.as_json()
                for metric, observation in sorted(self.observations.items())
            },
        }

    @classmethod
    def from_json(cls, data: object) -> Snapshot:
        """A snapshot as ``mldesign observe`` wrote it; :class:`SnapshotError` if not."""
        if not isinstance(data, Mapping):
            raise SnapshotError("the file is not a JSON object")
        if data.get("version") != SNAPSHOT_VERSION:
            raise SnapshotError(f"'version' is not {SNAPSHOT_VERSION}")
        at = data.get("at")
        if not isinstance(at, str) or parse_time(at) is None:
            raise SnapshotError("'at' is not an ISO 8601 time")
        observations = data.get("observations")
        if not isinstance(observations, Mapping):
            raise SnapshotError("'observations' is not an object")
        found = {}
        for metric, observation in observations.items():
            try:
                found[str(metric)] = Observation.from_json(observation)
            except SnapshotError as err:
                raise SnapshotError(f"{str(metric)[:60]!r}: {err}") from None
        return cls(at, found)


def parse_time(text: str) -> dt.datetime | None:
    """An ISO 8601 date-time (``Z`` or an offset; none is UTC), in UTC; None if it is not
    one."""
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


def time_text(when: dt.datetime) -> str:
    """A time as observations write it: UTC, whole seconds, ``Z``."""
    return when.astimezone(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
