"""Rules on people: no area known to fewer than ``mldesign_min_bus_factor`` people."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.project import Project
from ..model.rules import Rule
from .findings import Finding


def low_bus_factor(context: Project) -> Iterator[Finding]:
    minimum = context.config.min_bus_factor
    for area in context.areas:
        if area.bus_factor >= minimum:
            continue
        people = tuple(str(person.id) for person in area.people)
        yield Finding(
            Rule.BUS_FACTOR,
            area.owners[0],
            f"area {area.name!r} has a bus factor of {area.bus_factor} ({', '.join(people)}); "
            f"at least {minimum} people should know it — add a backup or a second owner",
            summary=f"only {area.bus_factor} of the {minimum} people needed know this area",
            concerns=people,
            area=area.name,
        )


CHECKS = (low_bus_factor,)
