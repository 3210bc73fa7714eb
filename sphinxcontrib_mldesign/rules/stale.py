"""The ``stale`` rule: every item re-confirmed by a person within ``mldesign_review_every``."""

from __future__ import annotations

from collections.abc import Iterator

from ..warnings_ import Rule
from .base import Context, Finding


def stale_items(context: Context) -> Iterator[Finding]:
    if context.config.setting(Rule.STALE) == "off":
        return  # spare the git call
    today = context.today.isoformat()
    for item_id, stale in context.stale.items():
        item = context.index[item_id]
        label = item.item_type.label.lower()
        yield Finding(
            Rule.STALE,
            item,
            f"{label} {item.id!r} is stale: {stale.source} on {stale.date.isoformat()}, "
            f"{stale.age_days} days before {today} (review every "
            f"{context.config.review_every})",
        )


CHECKS = (stale_items,)
