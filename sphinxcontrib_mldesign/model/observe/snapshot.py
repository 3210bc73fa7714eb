"""Observations as they are kept: one metric's (:class:`Observation`) and every metric's
of one moment (:class:`Snapshot`), as ``mldesign observe`` writes the file and a
``snapshot`` build reads it. Sphinx-free; every value read is checked."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..formats import printable
from ..numbers import shortened

SNAPSHOT_VERSION = 1
#: A trend holds at most this many samples: ``mldesign observe`` keeps about 200 (a
#: sparkline has 120 pixels); a snapshot holding more was not written by it.
MAX_TREND = 1000
#: Alert names kept per metric: a cell shows a few, a message names them all.
MAX_FIRING = 20
#: The Unix times a trend's samples may have: from 1970 to the year 3000.
_LAST_TIME = 32_503_680_000.0
#: Characters kept of the texts a snapshot holds (what a source or a server said).
_TEXT = 500


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
    query: str | None = None
    """Prometheus: the query asked, so that a snapshot is not judged once the doc asks
    another."""

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
        if self.query is not None:
            data["query"] = self.query
        return data

    @classmethod
    def from_json(cls, data: object) -> Observation:
        """An observation as a snapshot keeps it; :class:`SnapshotError` if it is not one."""
        if not isinstance(data, Mapping):
            raise SnapshotError("an observation is not an object")
        source, value, at = data.get("source"), data.get("value"), data.get("at")
        series, error, query = data.get("series", 0), data.get("error"), data.get("query")
        if not isinstance(source, str):
            raise SnapshotError("an observation has no 'source'")
        if value is not None and not is_number(value):
            raise SnapshotError(f"'value' is not a number: {kept_text(str(value), 40)!r}")
        if at is not None and (not isinstance(at, str) or parse_time(at) is None):
            raise SnapshotError(f"'at' is not an ISO 8601 time: {kept_text(str(at), 40)!r}")
        if not isinstance(series, int) or isinstance(series, bool) or not 0 <= series <= 10**9:
            raise SnapshotError("'series' is not a count")
        if error is not None and not isinstance(error, str):
            raise SnapshotError("'error' is not text")
        if query is not None and not isinstance(query, str):
            raise SnapshotError("'query' is not text")
        if value is None and error is None:
            raise SnapshotError("an observation has neither a value nor an error")
        trend = _samples(data.get("trend", []))
        firing = data.get("firing", [])
        if not isinstance(firing, list) or not all(isinstance(name, str) for name in firing):
            raise SnapshotError("'firing' is not a list of alert names")
        # What a file says is shown in warnings and pages: one printable line each, bounded.
        return cls(
            kept_text(source),
            None if value is None else float(value),
            at,
            series,
            None if error is None else kept_text(error),
            trend,
            tuple(sorted({kept_text(name, 200) for name in firing}))[:MAX_FIRING],
            query,  # compared, never shown
        )


def kept_text(text: str, width: int = _TEXT) -> str:
    """What a file or a server said, as kept and shown: one printable line, bounded."""
    return printable(shortened(" ".join(text.split()), width))


def is_number(value: object) -> bool:
    """A finite int or float (not a bool; not an int too large for a float)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # a JSON or YAML integer of 400 digits
        return False


def _samples(data: object) -> tuple[tuple[float, float], ...]:
    """A trend as kept: [Unix time, value] pairs, times from 1970 to 3000 and in order,
    at most :data:`MAX_TREND`."""
    if not isinstance(data, list):
        raise SnapshotError("'trend' is not a list of [time, value] pairs")
    if len(data) > MAX_TREND:
        raise SnapshotError(f"'trend' has more than {MAX_TREND:,} samples")
    samples = []
    for sample in data:
        if (
            not isinstance(sample, list)
            or len(sample) != 2
            or not all(is_number(part) for part in sample)
            or not 0 <= float(sample[0]) <= _LAST_TIME
        ):
            raise SnapshotError("'trend' is not a list of [time, value] pairs")
        samples.append((float(sample[0]), float(sample[1])))
    if any(later[0] < earlier[0] for earlier, later in itertools.pairwise(samples)):
        raise SnapshotError("'trend' is not in time order")
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
    """An ISO 8601 date-time (``Z`` or an offset; none is UTC), in UTC, from 1970 to the
    year 9000 (so that ages and trend ranges can be reckoned from it); None if it is not
    one."""
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        when = when.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):  # 0001-01-01T00:00+01:00 is before year 1 in UTC
        return None
    return when if 1970 <= when.year <= 9000 else None


def time_text(when: dt.datetime) -> str:
    """A time as observations write it: UTC, whole seconds, ``Z``."""
    return when.astimezone(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def unix_time_text(seconds: float) -> str | None:
    """A Unix time a source gives (a sample's, a file's, a logged metric's) as
    observations write it; None past the years a datetime holds."""
    try:
        return time_text(dt.datetime.fromtimestamp(seconds, dt.timezone.utc))
    except (OverflowError, OSError, ValueError):
        return None
