"""Areas of ownership and their bus factor. Used by the rules and the ownership roll-up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .items import OWNER, Item


@dataclass(frozen=True)
class Area:
    """An area named in some owners' ``:areas:``."""

    name: str
    """As first written (areas match ignoring case and repeated blanks)."""
    owners: tuple[Item, ...]
    """Owners listing the area, in document order."""
    backups: tuple[Item, ...]
    """Their backups who do not list the area themselves."""

    @property
    def people(self) -> tuple[Item, ...]:
        return self.owners + self.backups

    @property
    def bus_factor(self) -> int:
        return len(self.people)


def area_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def collect_areas(owners: Iterable[Item], index: Mapping[str, Item]) -> list[Area]:
    """Every area, sorted by name; bus factor = distinct owners listing it plus backups."""
    names: dict[str, str] = {}
    listed_by: dict[str, list[Item]] = {}
    for owner in owners:
        for name in owner.values.get("areas", ()):
            key = area_key(name)
            names.setdefault(key, " ".join(name.split()))
            if owner not in listed_by.setdefault(key, []):
                listed_by[key].append(owner)
    areas = []
    for key, area_owners in listed_by.items():
        owner_ids = {owner.id for owner in area_owners}
        backups: list[Item] = []
        for owner in area_owners:
            for backup_id in owner.values.get("backups", ()):
                backup = index.get(backup_id)
                if (
                    backup is not None
                    and backup.type == OWNER.name
                    and backup.id not in owner_ids
                    and backup not in backups
                ):
                    backups.append(backup)
        areas.append(Area(names[key], tuple(area_owners), tuple(backups)))
    return sorted(areas, key=lambda area: area_key(area.name))
