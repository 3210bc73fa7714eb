"""The ``mldesign_observe`` source: every metric's observed value, asked once per build.

``off``: none. ``snapshot``: the file ``mldesign observe`` wrote
(``mldesign_observe_snapshot``), read like any outside file: bounded, regular files only;
a file that cannot be read is a problem at the setting's line in ``conf.py``. ``live``:
the sources each metric's ``:observe:`` names, asked concurrently in this process
(:mod:`..observe.live`). What cannot be observed for one metric is not a problem of the
source but an observation with an ``error``, reported at the metric by the checks.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..observe.live import observe_live
from ..observe.snapshot import Observation, Snapshot, SnapshotError, parse_time
from ..observed import age_text
from .base import InputProblem, Request, Source, Where, conf_line
from .files import UnreadableFile, read_outside

#: A snapshot holds one small record per metric and a week of samples for some: ten
#: thousand metrics with a trend each are under 100 MiB.
MAX_SNAPSHOT_BYTES = 128 * 2**20


@dataclass(frozen=True)
class Observed:
    """What this build knows of the running system."""

    mode: str
    """``off``, ``live`` or ``snapshot``."""
    now: dt.datetime
    """The time values are judged at (``mldesign_observe_at``, else the clock)."""
    snapshot: Snapshot | None = None
    """The observations (live: made during this build); None when there are none."""
    problems: list[InputProblem] = field(default_factory=list)
    """What could not be read: the snapshot file, a server's rules (not a metric's value)."""

    @property
    def observations(self) -> Mapping[str, Observation]:
        """Metric ID -> its observation (none without a snapshot)."""
        return self.snapshot.observations if self.snapshot else {}

    @property
    def absent(self) -> str | None:
        """Why a metric the doc observes has no observation: the snapshot (read) was
        written before the doc observed it. None in the other modes: live observes every
        such metric, off none."""
        if self.mode != "snapshot" or self.snapshot is None:
            return None
        taken = self.snapshot.at
        return f"not in the snapshot: write a new one (mldesign observe); it was taken at {taken}"

    def snapshot_age(self) -> dt.timedelta | None:
        """How old the snapshot is (snapshot mode only)."""
        if self.mode != "snapshot" or self.snapshot is None:
            return None
        taken = parse_time(self.snapshot.at)
        return None if taken is None else self.now - taken


def evaluation_time(request: Request) -> dt.datetime:
    pinned = request.config.observe_at
    return pinned if pinned is not None else dt.datetime.now(dt.timezone.utc)


def snapshot_problem(where: Where, setting: str, message: str) -> InputProblem:
    """A problem of the snapshot file, at the line of ``conf.py`` naming it
    (``mldesign_observe_snapshot``), else at the one setting ``mldesign_observe``."""
    conf = where.confdir / "conf.py"
    line = conf_line(conf, "mldesign_observe_snapshot", setting)
    if line == 1:
        line = conf_line(conf, "mldesign_observe", "snapshot")
    return InputProblem(where.name_of(conf), str(conf), line, message)


def read_snapshot(request: Request, now: dt.datetime) -> Observed:
    setting = request.config.observe_snapshot
    path = request.where.confdir / setting
    try:
        data = json.loads(read_outside(path, MAX_SNAPSHOT_BYTES))
        return Observed("snapshot", now, Snapshot.from_json(data))
    except (UnreadableFile, SnapshotError, ValueError, RecursionError) as err:
        # ValueError: not UTF-8 or not JSON. The file's name, not where it leads.
        why = err if isinstance(err, (UnreadableFile, SnapshotError)) else f"not JSON: {err}"
        message = f"the snapshot of observed values {setting!r} cannot be read: {why}"
        return Observed("snapshot", now, None, [snapshot_problem(request.where, setting, message)])


class ObservedSource(Source[Observed]):
    name = "observed"
    # The roll-ups show the values, their marks and their ages.
    fingerprinted = True

    def load(self, request: Request) -> Observed:
        now = evaluation_time(request)
        mode = request.config.observe
        if mode == "snapshot":
            return read_snapshot(request, now)
        if mode == "live":
            snapshot, problems = observe_live(request, now)
            return Observed("live", now, snapshot, problems)
        return Observed("off", now)

    def empty(self) -> Observed:
        return Observed("off", dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc))

    def problems(self, value: Observed) -> list[InputProblem]:
        return value.problems

    def fingerprint(self, value: Observed) -> Any:
        """What the roll-ups show of the observations (the verdicts follow from them and
        the items): not the times they were made at, which move on every live build,
        but the ages shown, as coarsely as they are shown. The snapshot's own time only
        in snapshot mode, where messages name it and it moves only with a new file."""
        if value.snapshot is None:
            return None
        return {
            "at": value.snapshot.at if value.mode == "snapshot" else None,
            "observations": {
                metric: {
                    **observation.as_json(),
                    "at": None,
                    "age": age_text(observation.at, value.now),
                }
                for metric, observation in sorted(value.observations.items())
            },
        }


OBSERVED = ObservedSource()
