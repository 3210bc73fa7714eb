"""Other projects' items: an ``mldesign.json`` export read as a project of imported items.

An imported item keeps its data as its project exported it, under a qualified ID
(``payments:REQ-AVAIL``); the IDs its refs name are qualified the same way, so following a
ref never leaves the project it was written in. Imported items are read-only: nothing
checks them again; what their own build found comes with them (``violations``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from .imported_values import clean_values
from .items import ITEM_TYPES, OWNER, Item, as_list, qualify, split_qualified
from .ownership import area_key
from .rules import Rule, rule_named
from .schema import ref_options

_PROJECT_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
#: A JSON escape of a surrogate (a pair spells one character; a lone one is not Unicode).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: What an item ID looks like (the ``id`` of ``schemas/common.json``).
_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]*$")
#: Words with a meaning of their own in ``:projects:``.
RESERVED_PROJECT_NAMES = ("local", "all")

#: The keys of an exported item that are not its options.
_ITEM_KEYS = frozenset({"id", "type", "title", "docname", "lineno", "url", "invalid"})


class ExportError(ValueError):
    """Data that is not an ``mldesign.json`` export (the message says why)."""


@dataclass(frozen=True)
class ImportedViolation:
    """A violation as the imported project's own build reported it."""

    rule: Rule | str
    """Ours, or the name of a rule this version does not know (added by a newer one)."""
    severity: str
    item: str | None
    """The qualified ID of the item it is about, if any."""
    docname: str
    lineno: int
    message: str
    area: str | None = None
    """The area a bus-factor violation is about (exports from before it was exported: None)."""


@dataclass
class ImportedProject:
    """One export, as read: its items under qualified IDs, and its violations."""

    name: str
    """The name it is imported under: the qualifier of its IDs."""
    title: str
    """Its Sphinx project name."""
    items: dict[str, Item]
    """Qualified ID -> item, in document order."""
    violations: list[ImportedViolation]
    digest: str
    """SHA-256 of the export's bytes: what changed imports are recognised by."""
    skipped: int = 0
    """Entries of ``items`` that were not items and were left out."""
    dropped: int = 0
    """Option values left out of the items read, not having the shape of their option."""
    last_change: str | None = None
    """The export's ``changed``: the last git commit of its files holding items."""
    rollup_pages: dict[str, str] = field(default_factory=dict)
    """Roll-up directive -> the URL of its project's page showing it (its ``rollups``)."""
    by_type: dict[str, list[Item]] = field(default_factory=dict)

    area_keys: set[str] = field(default_factory=set)
    """The areas its owners list (as :func:`.area_key` makes them)."""
    refers_to: set[str] = field(default_factory=set)
    """The names its refs qualify other projects' IDs with (``search`` of ``search:X``)."""

    def __post_init__(self) -> None:
        for item in self.items.values():
            self.by_type.setdefault(item.type, []).append(item)
            for option in ref_options(item.type) & item.values.keys():
                for target in as_list(item.values[option]):
                    prefix = split_qualified(target).project  # every ref here is qualified
                    if prefix is not None and prefix != self.name:
                        self.refers_to.add(prefix)
        for owner in self.of_type(OWNER.name):
            self.area_keys.update(area_key(area) for area in as_list(owner.values.get("areas")))

    def of_type(self, type_name: str) -> Sequence[Item]:
        return self.by_type.get(type_name, ())


def project_name_problem(name: object) -> str | None:
    """Why ``name`` cannot name an import (it qualifies IDs: ``payments:REQ-1``), or None."""
    if not isinstance(name, str) or not _PROJECT_NAME_RE.match(name):
        return (
            f"{name!r} cannot name a project: use a letter, then letters, digits, '_', '.' "
            "or '-' (it qualifies IDs, as in 'payments:REQ-1')"
        )
    if name in RESERVED_PROJECT_NAMES:
        return f"{name!r} is reserved (it means something in :projects:)"
    return None


def read_export(name: str, data: bytes) -> ImportedProject:
    """The project an export's bytes hold. Raises :class:`ExportError` for data that is
    not an export; single entries that are not items are skipped (and counted)."""
    try:
        export = json.loads(data)
    except (ValueError, UnicodeDecodeError) as err:
        raise ExportError(f"not JSON: {err}") from None
    except RecursionError:
        raise ExportError("not JSON this build reads: nested too deeply") from None
    if not isinstance(export, dict) or not isinstance(export.get("items"), dict):
        raise ExportError("not an mldesign.json export (no 'items' object)")
    if _SURROGATE_ESCAPE.search(data) and not _valid_unicode(export):
        raise ExportError("not valid Unicode (an escaped lone surrogate, such as \\ud800)")
    version = export.get("version")
    if type(version) is not int or version != 1:
        raise ExportError(f"an export of version {version!r}; this version reads version 1")
    if not isinstance(export.get("violations", []), list):
        raise ExportError("not an mldesign.json export ('violations' is not a list)")
    entries = export["items"]
    items: list[Item] = []
    skipped = dropped = 0
    for item_id, entry in entries.items():
        made = _item(name, item_id, entry, entries)
        if made is None:
            skipped += 1
        else:
            items.append(made[0])
            dropped += made[1]
    items.sort(key=lambda item: (item.docname, item.lineno))
    violations = [
        violation
        for entry in export.get("violations", [])
        if (violation := _violation(name, entry)) is not None
    ]
    return ImportedProject(
        name=name,
        title=title if isinstance(title := export.get("project"), str) and title else name,
        items={str(item.id): item for item in items},
        violations=violations,
        digest=hashlib.sha256(data).hexdigest(),
        skipped=skipped,
        dropped=dropped,
        last_change=changed if isinstance(changed := export.get("changed"), str) else None,
        rollup_pages=_rollup_pages(export.get("rollups")),
    )


def _rollup_pages(rollups: Any) -> dict[str, str]:
    if not isinstance(rollups, dict):
        return {}
    return {
        str(kind): page["url"]
        for kind, page in rollups.items()
        if isinstance(page, dict) and is_web_url(page.get("url"))
    }


def is_web_url(value: object) -> TypeGuard[str]:
    """An absolute http(s) URL, its scheme in any case (as URLs have it): what an import
    may be fetched from, the only links taken from another project's export (a
    ``javascript:`` or relative one would run, or lead, inside this site), a link leaving
    this one, a runbook an alert links to (``runbook_url``). The one test of it."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


#: A URL's user name and password (``https://user:secret@host/``): up to the authority's last ``@``.
_USERINFO_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")


def without_credentials(url: str) -> str:
    """``url`` as a message may show it: a user name and password written in it shown as
    ``***`` (``http://***@host/``). Whatever the URL, valid or not: this never raises."""
    return _USERINFO_RE.sub(r"\1***@", url, count=1)


def _item(
    project: str, item_id: Any, entry: Any, entries: dict[str, Any]
) -> tuple[Item, int] | None:
    """The item of one entry and how many of its values were left out; None when the
    entry is no item."""
    if not isinstance(entry, dict) or not isinstance(item_id, str) or not _ID_RE.match(item_id):
        return None
    type_name = entry.get("type")
    if not isinstance(type_name, str) or type_name not in ITEM_TYPES:
        return None
    lineno = entry.get("lineno")
    values, dropped = clean_values(
        type_name, {key: value for key, value in entry.items() if key not in _ITEM_KEYS}
    )
    for option in ref_options(type_name) & values.keys():
        value = values[option]
        if isinstance(value, str):
            values[option] = _target(project, value, entries)
        else:
            values[option] = [_target(project, target, entries) for target in value]
    url = entry.get("url")
    title = _printable(entry.get("title"))
    docname = entry.get("docname")
    item = Item(
        id=qualify(project, item_id),
        type=type_name,
        title=title if isinstance(title, str) and title else item_id,
        docname=docname if isinstance(docname, str) else "",
        lineno=lineno if isinstance(lineno, int) else 0,
        values=values,
        project=project,
        url=url if is_web_url(url) else None,
    )
    return item, dropped


def _printable(text: object) -> str | None:
    """Text without control characters (a NUL breaks Graphviz and HTML), or None."""
    if not isinstance(text, str):
        return None
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def _valid_unicode(export: object) -> bool:
    """Whether every string of the export can be written as UTF-8 (JSON escapes may
    spell half of a surrogate pair, which no output can hold). Checked only when the
    bytes hold such an escape: it costs a pass over the whole export."""
    try:
        json.dumps(export, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _target(project: str, target: str, entries: dict[str, Any]) -> str:
    """A ref of the exported project as this one names it: its own items qualified by
    its name; a qualified ID naming a third project's item is kept as written (it
    resolves here when this project imports that one under the same name)."""
    if target in entries or split_qualified(target).project is None:
        return qualify(project, target)
    return target


def _violation(project: str, entry: Any) -> ImportedViolation | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("rule"), str):
        return None
    item = entry.get("item")
    lineno = entry.get("lineno")
    return ImportedViolation(
        rule=rule_named(entry["rule"]),
        severity=str(entry.get("severity") or "warning"),
        item=qualify(project, item) if isinstance(item, str) and item else None,
        docname=str(entry.get("docname") or ""),
        lineno=lineno if isinstance(lineno, int) else 0,
        message=str(entry.get("message") or ""),
        area=area if isinstance(area := entry.get("area"), str) else None,
    )
