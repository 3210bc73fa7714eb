"""The figures of one project in a portfolio: what a platform team compares across the
design docs it looks after. Computed from a project's items and the violations its own
checks reported (this build's for this project, the export's for an imported one), so a
portfolio never judges a project by rules other than its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .items import ITEM_TYPES, METRIC, Item
from .observed import Judged
from .ownership import Area
from .rules import Rule, name_of


@dataclass(frozen=True)
class Reported:
    """A violation as the portfolio counts it."""

    rule: Rule | str
    """Ours, or the name of a rule an imported project's newer version reported."""
    severity: str
    item: str | None


@dataclass(frozen=True)
class ProjectFigures:
    name: str | None
    """The import's name; None for this project."""
    title: str
    items_by_type: dict[str, int]
    errors: int
    warnings: int
    by_rule: list[tuple[Rule | str, int]]
    """Violations per rule, most first (then by name)."""
    stale_items: int
    lowest_bus_factor: tuple[int, str] | None
    """(bus factor, area) of the area fewest people know, None without areas."""
    serving_without_fallback: int
    unmonitored_triggers: int
    last_change: str | None
    targets_missed: int | None = None
    """Metrics whose observed value misses their target; None when none of its metrics
    has an observed value (it observes nothing, or its snapshot could not be read)."""

    @property
    def item_count(self) -> int:
        return sum(self.items_by_type.values())

    @property
    def stale_share(self) -> float | None:
        """Stale items of all items (None without items)."""
        return self.stale_items / self.item_count if self.item_count else None


def targets_missed(metrics: Sequence[Item], judged: Mapping[str, Judged] | None) -> int | None:
    """How many of the metrics miss their target by their observed value: this project's
    verdicts (``judged``: :attr:`.Project.judged`), else, for an import (None), the ones its
    export gives each metric (``observed``). None when none of them has a value."""
    if judged is not None:
        verdicts = [
            found.verdict.target if found.verdict else "no value"
            for metric in metrics
            if (found := judged.get(str(metric.id))) is not None
        ]
    else:
        verdicts = [
            seen.get("target") if seen.get("value") is not None else "no value"
            for metric in metrics
            if isinstance(seen := metric.values.get("observed"), dict)
        ]
    valued = [verdict for verdict in verdicts if verdict != "no value"]
    return valued.count("missed") if valued else None


def figures(
    name: str | None,
    title: str,
    items_by_type: Mapping[str, Sequence[Item]],
    reported: Iterable[Reported],
    areas: Sequence[Area],
    last_change: str | None,
    judged: Mapping[str, Judged] | None = None,
) -> ProjectFigures:
    """``judged``: this project's verdicts (:attr:`.Project.judged`); None for an import,
    whose metrics carry their own (``observed``)."""
    found = list(reported)

    def items_of(rule: Rule) -> int:
        return len({v.item for v in found if v.rule is rule and v.item is not None})

    by_rule = Counter(v.rule for v in found)
    lowest = min(areas, key=lambda area: area.bus_factor, default=None)
    return ProjectFigures(
        name=name,
        title=title,
        items_by_type={t: len(items_by_type.get(t, ())) for t in ITEM_TYPES},
        errors=sum(v.severity == "error" for v in found),
        warnings=sum(v.severity != "error" for v in found),
        by_rule=sorted(by_rule.items(), key=lambda pair: (-pair[1], name_of(pair[0]))),
        stale_items=items_of(Rule.STALE),
        lowest_bus_factor=None if lowest is None else (lowest.bus_factor, lowest.name),
        serving_without_fallback=items_of(Rule.SERVING_NEEDS_FALLBACK),
        unmonitored_triggers=items_of(Rule.TRIGGER_NOT_MONITORED),
        last_change=last_change,
        targets_missed=targets_missed(items_by_type.get(METRIC.name, ()), judged),
    )
