"""What checks see (:class:`Context`), what they return (:class:`Finding`), and what the
build reports (:class:`Violation`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sphinx.environment import BuildEnvironment

from ..chains import Chain, build_chains
from ..config import MLDesignConfig
from ..domain import MLDomain
from ..formats import duration_seconds
from ..freshness import last_changes
from ..items import FALLBACK, OWNER, Item, RoleRef, RollupUse, as_list
from ..ownership import Area, collect_areas
from ..warnings_ import Rule, Severity


@dataclass(frozen=True)
class Violation:
    """One problem, located where the author must change something."""

    docname: str
    lineno: int
    rule: str
    message: str
    item: str | None
    severity: Severity
    source: str | None = None
    """The included file the problem is in, when not the document itself (not exported)."""

    @property
    def location(self) -> str | tuple[str, int]:
        return f"{self.source}:{self.lineno}" if self.source else (self.docname, self.lineno)

    def sort_key(self) -> tuple[str, int, str, str, str]:
        # ``item`` is None for references written in prose; None does not compare with str.
        return (self.docname, self.lineno, self.rule, self.item or "", self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "item": self.item,
            "docname": self.docname,
            "lineno": self.lineno,
            "message": self.message,
        }


@dataclass(frozen=True)
class Finding:
    """What a check found, before the project's severity settings apply."""

    rule: Rule
    where: Item | RoleRef | RollupUse
    """The item that must change, the prose reference, or the roll-up directive."""
    message: str

    def violation(self, severity: Severity) -> Violation:
        item_id = self.where.id if isinstance(self.where, Item) else None
        return Violation(
            docname=self.where.docname,
            lineno=self.where.lineno,
            rule=self.rule.subtype,
            message=self.message,
            item=item_id,
            severity=severity,
            source=self.where.source,
        )


class Context:
    """The whole project as the checks see it, with lookups computed once per build."""

    def __init__(self, env: BuildEnvironment, domain: MLDomain, config: MLDesignConfig) -> None:
        self.env = env
        self.domain = domain
        self.config = config
        self._doc_paths: dict[str, str] = {}

    def source_of(self, item: Item) -> str:
        """The absolute path of the file the item is written in."""
        return item.source or self._doc_path(item.docname)

    def _doc_path(self, docname: str) -> str:
        # Cached on the instance: a functools.cache on the method would keep every
        # build's Context (and its environment) alive in a long-running sphinx-autobuild.
        path = self._doc_paths.get(docname)
        if path is None:
            path = self._doc_paths[docname] = str(Path(self.env.doc2path(docname)).resolve())
        return path

    @cached_property
    def git_dates(self) -> dict[str, dt.date]:
        """Last git commit date of every file holding items (one ``git log`` per build)."""
        files = sorted({self.source_of(item) for item in self.items})
        return last_changes(self.env.srcdir, files)

    @cached_property
    def items(self) -> list[Item]:
        """Every item, in document order, duplicates included."""
        return self.domain.all_items()

    @property
    def index(self) -> dict[str, Item]:
        return self.domain.index

    @cached_property
    def unique_items(self) -> list[Item]:
        """The items that own their ID (a duplicate is reported once, then ignored)."""
        return [item for item in self.items if item.id and self.index.get(item.id) is item]

    def of_type(self, type_name: str) -> Sequence[Item]:
        """The unique items of one type, in document order (shared: do not change it)."""
        return self._by_type.get(type_name, ())

    @cached_property
    def _by_type(self) -> dict[str, list[Item]]:
        by_type: dict[str, list[Item]] = {}
        for item in self.unique_items:
            by_type.setdefault(item.type, []).append(item)
        return by_type

    # -- derived structures, shared by the rules and the roll-ups ---------------------------

    @cached_property
    def stale(self) -> dict[str, Staleness]:
        """Why each stale item is stale, by ID, in document order."""
        found = {}
        for item in self.unique_items:
            why = staleness(self, item)
            if why is not None:
                found[str(item.id)] = why
        return found

    @cached_property
    def chains(self) -> list[Chain]:
        return build_chains(self.of_type(FALLBACK.name), self.index)

    @cached_property
    def areas(self) -> list[Area]:
        return collect_areas(self.of_type(OWNER.name), self.index)

    @cached_property
    def triggers(self) -> dict[str, list[str]]:
        """Metric ID -> the fallbacks naming it in ``:trigger:`` (each once, in order)."""
        triggered_by: dict[str, list[str]] = {}
        for fallback in self.of_type(FALLBACK.name):
            for metric_id in dict.fromkeys(as_list(fallback.values.get("trigger"))):
                triggered_by.setdefault(metric_id, []).append(str(fallback.id))
        return triggered_by

    @cached_property
    def today(self) -> dt.date:
        return self.config.today_date()

    @cached_property
    def review_seconds(self) -> int:
        return duration_seconds(self.config.review_every)

    def rollup_digest(self) -> str:
        """A fingerprint of everything a roll-up can show. When it changes, every page
        holding a roll-up is re-written; when it does not, none is."""
        state = {
            # Line numbers and violations are not shown in roll-ups: an edit that only
            # moves items down a page does not re-write them. Their order is kept.
            "items": [
                {**item.export(), "lineno": None, "anchor": item.anchor} for item in self.items
            ],
            "git": {file: date.isoformat() for file, date in sorted(self.git_dates.items())},
            "titles": {
                docname: self.env.titles[docname].astext() if docname in self.env.titles else ""
                for docname in sorted({item.docname for item in self.items})
            },
            "today": self.today.isoformat(),
            "settings": [self.config.min_bus_factor, self.config.review_every],
        }
        text = json.dumps(state, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def last_confirmed(context: Context, item: Item) -> tuple[dt.date | None, str]:
    """The date the item was last known true, and where that date comes from."""
    reviewed = item.values.get("reviewed")
    if isinstance(reviewed, str) and reviewed:
        try:
            return dt.date.fromisoformat(reviewed), "reviewed"
        except ValueError:  # not reachable with the shipped schema; never a traceback
            return None, "reviewed"
    return context.git_dates.get(context.source_of(item)), "its file last changed in git"


@dataclass(frozen=True)
class Staleness:
    date: dt.date
    source: str
    age_days: int


def staleness(context: Context, item: Item) -> Staleness | None:
    """Why the item is stale, or None when it is fresh or has no date at all."""
    date, source = last_confirmed(context, item)
    if date is None:
        return None
    age = (context.today - date).days
    if age * 86400 <= context.review_seconds:
        return None
    return Staleness(date, source, age)


Check = Callable[[Context], Iterable[Finding]]
