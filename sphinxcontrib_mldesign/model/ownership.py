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


def _email(owner: Item) -> str | None:
    email = owner.values.get("email")
    return email.strip().casefold() if isinstance(email, str) and email.strip() else None


def same_person(one: Item, other: Item) -> bool:
    """The same owner item, or owners of two projects with the same e-mail address (the
    same person, under each project's ID). Within a project, owners are distinct: two may
    share a team mailbox."""
    if one.id == other.id:
        return True
    return one.project != other.project and _email(one) is not None and _email(one) == _email(other)


def collect_areas(
    owners: Iterable[Item], index: Mapping[str, Item], shared: Iterable[Item] = ()
) -> list[Area]:
    """Every area of ``owners``, sorted by name; bus factor = distinct people listing it
    plus their backups. ``shared`` owners (of other projects) count for the areas that
    ``owners`` list too, but add no area of their own."""
    names: dict[str, str] = {}
    listed_by: dict[str, list[Item]] = {}  # area -> the people listing it, in order
    for owner in owners:
        for name in as_list(owner.values.get("areas")):
            key = area_key(name)
            if key:
                names.setdefault(key, " ".join(name.split()))
                _add(listed_by.setdefault(key, []), owner)
    for owner in shared:
        for name in as_list(owner.values.get("areas")):
            area_owners = listed_by.get(area_key(name))
            if area_owners is not None:
                _add(area_owners, owner)
    areas = []
    for key, area_owners in listed_by.items():
        backups: list[Item] = []
        for owner in area_owners:
            for backup_id in as_list(owner.values.get("backups")):
                backup = index.get(backup_id)
                if backup is None or backup.type != OWNER.name:
                    continue
                if not any(same_person(backup, known) for known in area_owners):
                    _add(backups, backup)
        areas.append(Area(names[key], tuple(area_owners), tuple(backups)))
    return sorted(areas, key=lambda area: area_key(area.name))


def _add(people: list[Item], person: Item) -> None:
    if not any(same_person(person, known) for known in people):
        people.append(person)
