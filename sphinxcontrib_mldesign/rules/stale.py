"""The ``stale`` rule: every item re-confirmed by a person within ``mldesign_review_every``."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.project import Project
from ..model.rules import Rule, setting
from .findings import Finding


def stale_items(context: Project) -> Iterator[Finding]:
    if setting(Rule.STALE, context.config.rules) == "off":
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
            summary=f"{stale.source} on {stale.date.isoformat()}, {stale.age_days} days ago",
            concerns=(item_id,),
        )


CHECKS = (stale_items,)
