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


def person_key(owner: Item) -> str:
    """Who an owner item is: its e-mail address (the same person may be an owner in several
    projects, under other IDs), else its ID."""
    email = owner.values.get("email")
    if isinstance(email, str) and email.strip():
        return email.strip().casefold()
    return str(owner.id)


def collect_areas(
    owners: Iterable[Item], index: Mapping[str, Item], shared: Iterable[Item] = ()
) -> list[Area]:
    """Every area of ``owners``, sorted by name; bus factor = distinct people listing it
    plus their backups. ``shared`` owners (of other projects) count for the areas that
    ``owners`` list too, but add no area of their own."""
    names: dict[str, str] = {}
    listed_by: dict[str, dict[str, Item]] = {}  # area -> owners by person, in order
    for owner in owners:
        for name in as_list(owner.values.get("areas")):
            key = area_key(name)
            if not key:
                continue
            names.setdefault(key, " ".join(name.split()))
            listed_by.setdefault(key, {}).setdefault(person_key(owner), owner)
    for owner in shared:
        for name in as_list(owner.values.get("areas")):
            area_owners = listed_by.get(area_key(name))
            if area_owners is not None:
                area_owners.setdefault(person_key(owner), owner)
    areas = []
    for key, area_owners in listed_by.items():
        backups: dict[str, Item] = {}
        for owner in area_owners.values():
            for backup_id in as_list(owner.values.get("backups")):
                backup = index.get(backup_id)
                if backup is None or backup.type != OWNER.name:
                    continue
                person = person_key(backup)
                if person not in area_owners:
                    backups.setdefault(person, backup)
        areas.append(Area(names[key], tuple(area_owners.values()), tuple(backups.values())))
    return sorted(areas, key=lambda area: area_key(area.name))
