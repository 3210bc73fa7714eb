"""The ``stale`` rule: every item re-confirmed by a person within ``mldesign_review_every``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from ..items import Item
from ..warnings_ import Rule
from .base import Context, Finding


def last_confirmed(context: Context, item: Item) -> tuple[dt.date | None, str]:
    """The date the item was last known true, and where that date comes from."""
    reviewed = item.values.get("reviewed")
    if isinstance(reviewed, str) and reviewed:
        try:
            return dt.date.fromisoformat(reviewed), "reviewed"
        except ValueError:  # not reachable with the shipped schema; never a traceback
            return None, "reviewed"
    return context.git_dates.get(context.source_of(item)), "its file last changed in git"


@dataclass(frozen=True)
class Staleness:
    date: dt.date
    source: str
    age_days: int


def staleness(context: Context, item: Item) -> Staleness | None:
    """Why the item is stale, or None when it is fresh or has no date at all."""
    date, source = last_confirmed(context, item)
    if date is None:
        return None
    age = (context.today - date).days
    if age * 86400 <= context.review_seconds:
        return None
    return Staleness(date, source, age)


def stale_items(context: Context) -> Iterator[Finding]:
    if context.config.rules.get(Rule.STALE.subtype) == "off":
        return  # spare the git call
    today = context.today.isoformat()
    for item in context.unique_items:
        stale = staleness(context, item)
        if stale is not None:
            label = item.item_type.label.lower()
            yield Finding(
                Rule.STALE,
                item,
                f"{label} {item.id!r} is stale: {stale.source} on {stale.date.isoformat()}, "
                f"{stale.age_days} days before {today} (review every "
                f"{context.config.review_every})",
            )


CHECKS = (stale_items,)
