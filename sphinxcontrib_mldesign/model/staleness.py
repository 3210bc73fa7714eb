"""When an item was last known to be true, and whether that is too long ago."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

REVIEWED = "reviewed"
GIT = "its file last changed in git"


@dataclass(frozen=True)
class Staleness:
    """Why an item is stale: the date it was last confirmed, where that date comes from
    (:data:`REVIEWED` or :data:`GIT`), and how many days ago it was."""

    date: dt.date
    source: str
    age_days: int


def last_confirmed(reviewed: object, git_date: dt.date | None) -> tuple[dt.date | None, str]:
    """The ``:reviewed:`` date when the item has one, else its file's last git change."""
    if isinstance(reviewed, str) and reviewed:
        try:
            return dt.date.fromisoformat(reviewed), REVIEWED
        except ValueError:  # not reachable with the shipped schema; never a traceback
            return None, REVIEWED
    return git_date, GIT


def staleness(
    reviewed: object, git_date: dt.date | None, today: dt.date, review_seconds: int
) -> Staleness | None:
    """Why the item is stale, or None when it is fresh or has no date at all."""
    date, source = last_confirmed(reviewed, git_date)
    if date is None:
        return None
    age = (today - date).days
    if age * 86400 <= review_seconds:
        return None
    return Staleness(date, source, age)
