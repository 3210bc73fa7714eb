"""The item types and the record the domain keeps for every item read."""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class ItemType:
    """Static facts about one item type."""

    name: str
    """Long directive name, also the ``type`` in the export (``ml-metric``)."""
    objtype: str
    """Object type in the ``ml`` domain and ``objects.inv`` (``metric``)."""
    role: str
    """Role that references this type (``:ml:metric:``)."""
    label: str
    """Human label shown before the title."""
    short_name: str | None = None
    """Alias switched by ``mldesign_short_names`` (``metric``)."""
    badges: tuple[str, ...] = ()
    """Options shown as badges in the item header."""

    @property
    def directive_names(self) -> tuple[str, ...]:
        return (self.name,) if self.short_name is None else (self.name, self.short_name)


REQUIREMENT = ItemType(
    "ml-requirement", "requirement", "req", "Requirement",
    badges=("priority", "status", "kind"),
)  # fmt: skip
METRIC = ItemType("ml-metric", "metric", "metric", "Metric", "metric", badges=("kind", "severity"))
FALLBACK = ItemType("ml-fallback", "fallback", "fallback", "Fallback", "fallback", badges=("kind",))
OWNER = ItemType("ml-owner", "owner", "owner", "Owner", "owner")
RISK = ItemType("ml-risk", "risk", "risk", "Risk", badges=("status", "category"))
COMPONENT = ItemType(
    "ml-component", "component", "component", "Component", "component", badges=("kind",)
)

ITEM_TYPES: dict[str, ItemType] = {
    item_type.name: item_type
    for item_type in (REQUIREMENT, METRIC, FALLBACK, OWNER, RISK, COMPONENT)
}
TYPE_BY_ROLE: dict[str, ItemType] = {t.role: t for t in ITEM_TYPES.values()}


def is_monitored(metric: Item) -> bool:
    """A metric with alert thresholds (``:warn:`` or ``:crit:``) is monitored."""
    return "warn" in metric.values or "crit" in metric.values


_INACTIVE_STATUSES = {"rejected", "deprecated"}


def is_active_requirement(item: Item) -> bool:
    """In scope and not rejected or deprecated: the requirements the rules hold to account
    and observed values say are met or not (one whose scope or status is invalid is not
    judged on a guess)."""
    return (
        item.values.get("scope", "in") != "out"
        and item.values.get("status") not in _INACTIVE_STATUSES
        and not {"scope", "status"} & set(item.invalid_options)
    )


def as_list(value: object) -> list[str]:
    """A list option's value as stored, tolerating a single value (a retyped option)."""
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


class QualifiedId(NamedTuple):
    """An ID as a reference names it: the imported project it is in (None: this one's)
    and its ID there."""

    project: str | None
    local_id: str


def qualify(project: str, local_id: str) -> str:
    """How this project names an imported project's item: ``payments:REQ-1``."""
    return f"{project}:{local_id}"


def split_qualified(target: str, projects: Container[str] | None = None) -> QualifiedId:
    """``payments:REQ-1`` is ``("payments", "REQ-1")`` when ``payments`` is one of
    ``projects`` (the imports' names), else ``(None, target)``: an ID may hold ':' itself,
    and ``a:b`` is this project's unless ``a`` names an import. Without ``projects``, any
    name before the first ':' is taken (where the names are not known: in an export); a
    leading ':' names no project (``:x`` is not qualified)."""
    prefix, colon, local_id = target.partition(":")
    if colon and prefix and (projects is None or prefix in projects):
        return QualifiedId(prefix, local_id)
    return QualifiedId(None, target)


@dataclass(frozen=True)
class Problem:
    """A problem in how an item or roll-up is written, and where it was written."""

    message: str
    option: str | None = None
    """The option it is about; None for the directive as a whole (a missing option)."""
    lineno: int | None = None
    """The line of that option in the source, once the directive knows it."""


@dataclass
class OptionRef:
    """A reference written in an option (``:metrics: MET-1``)."""

    option: str
    target: str
    allowed: tuple[str, ...]


@dataclass
class Item:
    """One item as read from a document. Pickled with the environment."""

    id: str | None
    type: str
    title: str
    docname: str
    lineno: int
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    refs: list[OptionRef] = field(default_factory=list)
    invalid_options: tuple[str, ...] = ()
    """Options written but dropped as invalid (the rules do not guess at them)."""
    option_lines: dict[str, int] = field(default_factory=dict)
    """The source line of each option written, where findings about it are reported."""
    anchor: str | None = None
    """The HTML id of the item's block: the ID itself unless that id is already taken on
    the page (a section of the same name), else a generated one."""
    source: str | None = None
    """The file the item is written in, when that is not the document itself (an
    ``.. include::``d file); warnings point there."""
    project: str | None = None
    """The name of the imported project it comes from (``mldesign_imports``); None for an
    item of this project. An imported item's ID and refs are qualified (``payments:REQ-1``)."""
    url: str | None = None
    """Where an imported item is published (its export's ``url``), when known."""

    def line_of(self, option: str) -> int:
        """Where a finding about an option is reported: its own line, else the item's."""
        return self.option_lines.get(option, self.lineno)

    @property
    def item_type(self) -> ItemType:
        return ITEM_TYPES[self.type]

    def export(self) -> dict[str, Any]:
        """The item as it appears under ``items`` in ``mldesign.json``."""
        return {
            **self.values,
            **({"invalid": list(self.invalid_options)} if self.invalid_options else {}),
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "docname": self.docname,
            "lineno": self.lineno,
        }

    def ref_targets(self) -> Iterator[str]:
        for ref in self.refs:
            yield ref.target


@dataclass(frozen=True)
class RoleRef:
    """A reference written with a role in prose (``:ml:req:`REQ-1```)."""

    target: str
    role: str
    docname: str
    lineno: int
    source: str | None = None
    """As :attr:`Item.source`."""


@dataclass
class RollupUse:
    """A roll-up directive written in a page, with any problem in its options."""

    kind: str
    docname: str
    lineno: int
    source: str | None = None
    problems: list[Problem] = field(default_factory=list)
    projects: tuple[str, ...] = ()
    """The projects it shows, as written in ``:projects:`` (checked with the project)."""
    refs: list[OptionRef] = field(default_factory=list)
    """Items its options name (``ml-trace :ids:``), checked like an item's refs."""
    option_lines: dict[str, int] = field(default_factory=dict)
    """The source line of each option written."""
    whole: bool = True
    """Whether it shows all of this project's items of its kind (no filter, no other
    project): a portfolio links there."""

    def line_of(self, option: str) -> int:
        """Where a finding about an option is reported: its own line, else the roll-up's."""
        return self.option_lines.get(option, self.lineno)
