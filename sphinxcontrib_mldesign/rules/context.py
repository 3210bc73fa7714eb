"""What the checks see: the whole project, with the lookups they share computed once per
build (and read by the roll-ups too, so both see the same project)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from pathlib import Path

from sphinx.environment import BuildEnvironment

from ..config import MLDesignConfig
from ..domain import MLDomain
from ..model.alerts import AlertOutcome, match_alerts
from ..model.chains import Chain, build_chains, triggers_of
from ..model.dataflow import Loop, feedback_loops
from ..model.formats import duration_seconds
from ..model.gitdates import last_changes
from ..model.imports import ImportedProject
from ..model.items import (
    COMPONENT,
    FALLBACK,
    METRIC,
    OWNER,
    Item,
    RoleRef,
    RollupUse,
    as_list,
    split_qualified,
)
from ..model.ownership import Area, area_key, collect_areas
from ..model.paths import relative_path
from ..model.rulefiles import DeployedRule, RuleFileProblem, RuleFiles, alert_rule_paths
from ..model.sources import load_all
from ..model.staleness import Staleness, staleness
from .findings import Finding, ImportProblem

#: Where fetched imports are cached, under the doctree directory (as intersphinx does).
IMPORT_CACHE = "mldesign-imports"


class Context:
    """The whole project as the checks see it, with lookups computed once per build."""

    def __init__(
        self, env: BuildEnvironment, domain: MLDomain, config: MLDesignConfig, confdir: str = ""
    ) -> None:
        self.env = env
        self.domain = domain
        self.config = config
        self.confdir = Path(confdir or env.srcdir)
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

    @property
    def last_change(self) -> str | None:
        """The date of the last git commit of the files holding items, if known."""
        return max(self.git_dates.values()).isoformat() if self.git_dates else None

    @cached_property
    def items(self) -> list[Item]:
        """Every item, in document order, duplicates included."""
        return self.domain.all_items()

    @property
    def index(self) -> dict[str, Item]:
        return self.domain.index

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
        for any_targets in self.domain.any_refs_by_doc.values():
            targets.update(any_targets)
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

    @property
    def imports(self) -> dict[str, ImportedProject]:
        """The projects of ``mldesign_imports`` that could be read, by name."""
        return self._loaded_imports[0]

    @property
    def import_problems(self) -> list[ImportProblem]:
        """The imports that could not be read (or only from an old cached copy)."""
        return self._loaded_imports[1]

    @cached_property
    def _loaded_imports(self) -> tuple[dict[str, ImportedProject], list[ImportProblem]]:
        """Every import, read once per build (URLs through the cache)."""
        imports: dict[str, ImportedProject] = {}
        problems: list[ImportProblem] = []
        cache_dir = Path(self.env.doctreedir) / IMPORT_CACHE
        conf = self.confdir / "conf.py"
        config = self.config
        loaded = load_all(
            config.imports, self.confdir, cache_dir, config.imports_cache_limit,
            config.imports_timeout,
        )  # fmt: skip
        for name, found in loaded.items():
            said = [found.problem] if found.problem else []
            if found.project is not None:
                imports[name] = found.project
                if found.project.skipped:
                    said.append(
                        f"{config.imports[name]!r} holds {found.project.skipped} entries under "
                        "'items' that are not items (no valid ID or type); they are left out"
                    )
                if found.project.dropped:
                    said.append(
                        f"{config.imports[name]!r} holds {found.project.dropped} option values "
                        "of the wrong type (a number where a list of IDs belongs, ...); they "
                        "are left out"
                    )
            for problem in said:
                line = conf_line(conf, name)
                problems.append(ImportProblem(self._name(conf), str(conf), line, problem))
        return imports, problems

    @cached_property
    def rollups(self) -> list[RollupUse]:
        return self.domain.all_rollups()

    @cached_property
    def rollup_pages(self) -> dict[str, str]:
        """Roll-up directive (``ml-requirement-index``) -> the page showing it best: the
        first (by name) where it shows all of this project's items, else the first."""
        pages: dict[str, str] = {}
        for use in sorted(self.rollups, key=lambda use: not use.whole):  # stable: by name
            pages.setdefault(f"ml-{use.kind}", use.docname)
        return pages

    @cached_property
    def role_refs(self) -> list[RoleRef]:
        return self.domain.all_refs()

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

    # -- derived structures, shared by the rules and the roll-ups ---------------------------

    @cached_property
    def stale(self) -> dict[str, Staleness]:
        """Why each stale item is stale, by ID, in document order."""
        found = {}
        for item in self.unique_items:
            git_date = self.git_dates.get(self.source_of(item))
            why = staleness(item.values.get("reviewed"), git_date, self.today, self.review_seconds)
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
    def deployed_alerts(self) -> RuleFiles:
        """The rules in the files ``mldesign_alert_rules`` names, read once per build."""
        found = RuleFiles()
        for path in alert_rule_paths(self.confdir, self.config.alert_rules):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                found.problems.append(RuleFileProblem(self._name(path), str(path), 1, str(err)))
                continue
            found.read(text, self._name(path), str(path))
        return found

    @cached_property
    def alerts(self) -> tuple[list[AlertOutcome], list[DeployedRule]]:
        """Each threshold of the metrics matched to a deployed rule, and the rules naming
        no metric: what the drift check reports and the monitoring roll-up shows."""
        return match_alerts(self.of_type(METRIC.name), self.deployed_alerts.rules)

    def _name(self, path: Path) -> str:
        """A file's name in the project: relative to the conf directory, as
        ``mldesign_alert_rules`` names it (never the runner's absolute path)."""
        return relative_path(path.resolve(), self.confdir.resolve())

    @cached_property
    def today(self) -> dt.date:
        return self.config.today_date()

    @cached_property
    def review_seconds(self) -> int:
        return duration_seconds(self.config.review_every)


def conf_line(conf: Path, project: str) -> int:
    """The line of ``conf.py`` naming an import (its quoted name), else 1."""
    try:
        lines = conf.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    # The first line quoting the name from where mldesign_imports is set (not, say, an
    # intersphinx_mapping entry of the same name before it).
    start = next((n for n, line in enumerate(lines) if "mldesign_imports" in line), 0)
    quoted = re.compile(rf"""(["']){re.escape(project)}\1""")
    found = (n for n, line in enumerate(lines[start:], start + 1) if quoted.search(line))
    return next(found, start + 1)


Check = Callable[[Context], Iterable[Finding]]
