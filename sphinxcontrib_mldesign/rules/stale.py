"""The ``stale`` rule: every item re-confirmed by a person within ``mldesign_review_every``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..formats import duration_seconds
from ..items import Item
from ..warnings_ import Rule
from .base import Context, Finding


def last_confirmed(context: Context, item: Item) -> tuple[dt.date | None, str]:
    """The date the item was last known true, and where that date comes from."""
    reviewed = item.values.get("reviewed")
    if reviewed:
        return dt.date.fromisoformat(reviewed), "reviewed"
    return context.git_dates.get(context.source_of(item)), "its file last changed in git"


def stale_items(context: Context) -> Iterator[Finding]:
    if context.config.rules.get(Rule.STALE.subtype) == "off":
        return  # spare the git call
    today = context.config.today_date()
    every = context.config.review_every
    max_days = duration_seconds(every) / 86400
    for item in context.unique_items:
        date, source = last_confirmed(context, item)
        if date is None:
            continue
        age = (today - date).days
        if age > max_days:
            label = item.item_type.label.lower()
            yield Finding(
                Rule.STALE,
                item,
                f"{label} {item.id!r} is stale: {source} on {date.isoformat()}, {age} days "
                f"before {today.isoformat()} (review every {every})",
            )


CHECKS = (stale_items,)
