"""The whole project as the checks and the roll-ups see it. Sphinx-free.

A :class:`Project` is made of plain data: the items read, the references and roll-ups
written, the settings and today's date, and where its outside is (:class:`.Where`). What
comes from outside (imports, git dates, deployed rules) is read through the loader
(:mod:`.inputs`) when first asked for. Lookups and derived structures are computed on
first use, once per project; the checks and the roll-ups read the same project, so they
always see the same one. A test makes one in a line and runs real checks on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any

from .alert_matching import AlertOutcome, match_alerts
from .chains import Chain, build_chains, triggers_of
from .dataflow import Loop, feedback_loops
from .formats import duration_seconds
from .imports import ImportedProject
from .inputs.alert_rules import ALERT_RULES
from .inputs.base import InputProblem, Request, Source, Where
from .inputs.exports import EXPORTS
from .inputs.git import GIT
from .inputs.loader import Inputs
from .inputs.observed import OBSERVED, Observed
from .items import (
    COMPONENT,
    FALLBACK,
    METRIC,
    OWNER,
    REQUIREMENT,
    Item,
    RoleRef,
    RollupUse,
    as_list,
    is_active_requirement,
    split_qualified,
)
from .observe.spec import observe_of
from .observed import Judged, judge_all, requirement_met
from .ownership import Area, area_key, collect_areas
from .rulefiles import DeployedRule, RuleFiles
from .settings import Settings
from .staleness import Staleness, staleness


def index_of(items: Iterable[Item]) -> dict[str, Item]:
    """ID -> item. Of duplicates, the first in ``items`` wins: in document order, so the
    index does not depend on the order documents were read in (serial, parallel,
    incremental)."""
    index: dict[str, Item] = {}
    for item in items:
        if item.id is not None:
            index.setdefault(item.id, item)
    return index


class Project:
    """This project's items and what is derived from them, computed once.

    ``items``: every item, in document order, duplicates included. ``role_refs``: the
    references written with roles; ``any_refs``: the targets of ``:any:`` references;
    ``rollups``: the roll-up directives written. ``paths``: docname -> the absolute path
    of its file (a document not listed is named by its docname); ``titles``: docname ->
    its title as text (both needed only for the documents holding items); ``title``: the
    project's name. ``inventories``: the names of the intersphinx inventories (their
    qualified IDs are theirs to resolve). ``where``: where the outside is read; None
    reads nothing, and each source not ``given`` is empty.
    """

    def __init__(
        self,
        items: Iterable[Item],
        config: Settings,
        today: dt.date,
        *,
        role_refs: Iterable[RoleRef] = (),
        any_refs: Iterable[str] = (),
        rollups: Iterable[RollupUse] = (),
        paths: Mapping[str, str] | None = None,
        titles: Mapping[str, str] | None = None,
        title: str = "",
        inventories: Collection[str] = (),
        where: Where | None = None,
        given: Mapping[Source[Any], object] | None = None,
    ) -> None:
        self.items = list(items)
        self.config = config
        self.today = today
        self.role_refs = list(role_refs)
        self.any_refs = frozenset(any_refs)
        self.rollups = list(rollups)
        self.paths: Mapping[str, str] = paths or {}
        self.titles: Mapping[str, str] = titles or {}
        self.title = title
        self.inventories = frozenset(inventories)
        self.where = where
        self.inputs = Inputs(None if where is None else self._request, given)

    def _request(self) -> Request:
        assert self.where is not None
        files = tuple(sorted({self.source_of(item) for item in self.items}))
        metrics = tuple(item.export() for item in self.of_type(METRIC.name))
        return Request(self.config, self.where, files, metrics)

    def source_of(self, item: Item) -> str:
        """The absolute path of the file the item is written in."""
        return item.source or self.paths.get(item.docname, item.docname)

    # -- what comes from outside ------------------------------------------------------------

    @property
    def git_dates(self) -> dict[str, dt.date]:
        """Last git commit date of every file holding items (one ``git log`` per build)."""
        return self.inputs.get(GIT)

    @property
    def last_change(self) -> str | None:
        """The date of the last git commit of the files holding items, if known."""
        return max(self.git_dates.values()).isoformat() if self.git_dates else None

    @property
    def imports(self) -> dict[str, ImportedProject]:
        """The projects of ``mldesign_imports`` that could be read, by name."""
        return self.inputs.get(EXPORTS).projects

    @property
    def import_problems(self) -> list[InputProblem]:
        """The imports that could not be read (or only from an old cached copy)."""
        return self.inputs.problems(EXPORTS)

    @property
    def deployed_alerts(self) -> RuleFiles:
        """The rules in the files ``mldesign_alert_rules`` names."""
        return self.inputs.get(ALERT_RULES)

    @property
    def observed(self) -> Observed:
        """What the running system measured (``mldesign_observe``), read once."""
        return self.inputs.get(OBSERVED)

    @cached_property
    def judged(self) -> dict[str, Judged]:
        """Metric ID -> its observed value and verdict, for each metric the doc observes
        (not ``:observe: none``, written invalidly, or no query: whatever a snapshot
        holds); one a snapshot lacks, or holds from another source, has no value and an
        error saying so (:func:`.judge_all`). The checks, roll-ups and export read these."""
        exported = (metric.export() for metric in self.of_type(METRIC.name))
        metrics = [metric for metric in exported if observe_of(metric) is not None]
        return judge_all(metrics, self.observed.observations, self.observed.absent)

    @cached_property
    def requirements_met(self) -> dict[str, bool | None]:
        """Requirement ID -> whether it is met by the observed values (None: unknown, and
        for one out of scope, rejected or deprecated: the checks hold it to nothing)."""
        met: dict[str, bool | None] = {}
        for requirement in self.of_type(REQUIREMENT.name):
            if not is_active_requirement(requirement):
                met[str(requirement.id)] = None
                continue
            metrics = [
                found.export()
                for ref in as_list(requirement.values.get("metrics"))
                if (found := self.index.get(ref)) is not None and found.type == METRIC.name
            ]
            met[str(requirement.id)] = requirement_met(requirement.export(), metrics, self.judged)
        return met

    # -- lookups ----------------------------------------------------------------------------

    @cached_property
    def index(self) -> dict[str, Item]:
        return index_of(self.items)

    @cached_property
    def lookup(self) -> dict[str, Item]:
        """Every item a reference may name: this project's by ID, imported ones by
        qualified ID (``payments:REQ-1``). A local ID wins over an imported one."""
        found: dict[str, Item] = {}
        for project in self.imports.values():
            found.update(project.items)
        found.update(self.index)
        return found

    @cached_property
    def imported_refs(self) -> dict[str, Item | None]:
        """The qualified IDs this project references (in options, roles and ``:any:``),
        each with the imported item it names (None: none)."""
        targets = {target for item in self.items for target in item.ref_targets()}
        targets.update(ref.target for ref in self.role_refs)
        targets.update(self.any_refs)
        return {
            target: self.lookup.get(target)
            for target in sorted(targets)
            if split_qualified(target, self.config.imports).project and target not in self.index
        }

    @cached_property
    def depended_imports(self) -> set[str]:
        """The imports whose items this project's own roll-ups and checks can show."""
        return self.imports_reached((None,))

    def imports_reached(self, projects: Iterable[str | None]) -> set[str]:
        """The imports whose items a view of ``projects`` (None: this one) can show: those
        projects, those whose people share an area with theirs, and every import their
        refs lead to, and theirs in turn."""
        shown = set(projects)
        reached = {name for name in shown if name in self.imports}
        areas = set().union(*(self.imports[name].area_keys for name in reached))
        following = set()
        if None in shown:
            areas.update(
                area_key(area)
                for owner in self.of_type(OWNER.name)
                for area in as_list(owner.values.get("areas"))
            )
            following = {p for t in self.imported_refs if (p := split_qualified(t).project)}
        reached.update(name for name, project in self.imports.items() if project.area_keys & areas)
        following = (following | reached) & self.imports.keys()
        while following:
            reached.update(following)
            following = {
                name for found in following for name in self.imports[found].refers_to
            } & self.imports.keys() - reached
        return reached

    @cached_property
    def rollup_pages(self) -> dict[str, str]:
        """Roll-up directive (``ml-requirement-index``) -> the page showing it best: the
        first (by name) where it shows all of this project's items, else the first."""
        pages: dict[str, str] = {}
        for use in sorted(self.rollups, key=lambda use: not use.whole):  # stable: by name
            pages.setdefault(f"ml-{use.kind}", use.docname)
        return pages

    @cached_property
    def unique_items(self) -> list[Item]:
        """The items that own their ID (a duplicate is reported once, then ignored)."""
        return [item for item in self.items if item.id and self.index.get(item.id) is item]

    def of_type(self, type_name: str) -> Sequence[Item]:
        """The unique items of one type, in document order (shared: do not change it)."""
        return self._by_type.get(type_name, ())

    def of_project(self, project: str | None, type_name: str) -> Sequence[Item]:
        """The items of one type of this project (None) or of a readable import."""
        source = self if project is None else self.imports[project]
        return source.of_type(type_name)

    @cached_property
    def _by_type(self) -> dict[str, list[Item]]:
        by_type: dict[str, list[Item]] = {}
        for item in self.unique_items:
            by_type.setdefault(item.type, []).append(item)
        return by_type

    # -- derived structures, shared by the checks and the roll-ups --------------------------

    @cached_property
    def stale(self) -> dict[str, Staleness]:
        """Why each stale item is stale, by ID, in document order."""
        found = {}
        review_seconds = duration_seconds(self.config.review_every)
        for item in self.unique_items:
            git_date = self.git_dates.get(self.source_of(item))
            why = staleness(item.values.get("reviewed"), git_date, self.today, review_seconds)
            if why is not None:
                found[str(item.id)] = why
        return found

    @cached_property
    def chains(self) -> list[Chain]:
        return build_chains(self.of_type(FALLBACK.name), self.lookup)

    @cached_property
    def areas(self) -> list[Area]:
        # An area this project shares with imported ones counts their people too.
        shared = [o for project in self.imports.values() for o in project.of_type(OWNER.name)]
        return collect_areas(self.of_type(OWNER.name), self.lookup, shared)

    @cached_property
    def triggers(self) -> dict[str, list[str]]:
        """Metric ID -> the fallbacks naming it in ``:trigger:`` (each once, in order)."""
        return triggers_of(self.of_type(FALLBACK.name))

    @cached_property
    def feedback_loops(self) -> list[Loop]:
        return feedback_loops(self.of_type(COMPONENT.name), self.lookup)

    @cached_property
    def alerts(self) -> tuple[list[AlertOutcome], list[DeployedRule]]:
        """Each threshold of the metrics matched to a deployed rule, and the rules naming
        no metric: what the drift check reports and the monitoring roll-up shows."""
        return match_alerts(self.of_type(METRIC.name), self.deployed_alerts.rules)
