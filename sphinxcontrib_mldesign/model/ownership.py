"""Areas of ownership and their bus factor. Used by the checks and the ownership roll-up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .items import OWNER, Item, as_list


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
    listed_by: dict[str, dict[str | None, Item]] = {}  # area -> owners by ID, in order
    for owner in owners:
        for name in as_list(owner.values.get("areas")):
            key = area_key(name)
            if not key:
                continue
            names.setdefault(key, " ".join(name.split()))
            listed_by.setdefault(key, {}).setdefault(owner.id, owner)
    areas = []
    for key, area_owners in listed_by.items():
        backups: dict[str | None, Item] = {}
        for owner in area_owners.values():
            for backup_id in as_list(owner.values.get("backups")):
                backup = index.get(backup_id)
                if (
                    backup is not None
                    and backup.type == OWNER.name
                    and backup.id not in area_owners
                ):
                    backups.setdefault(backup.id, backup)
        areas.append(Area(names[key], tuple(area_owners.values()), tuple(backups.values())))
    return sorted(areas, key=lambda area: area_key(area.name))
