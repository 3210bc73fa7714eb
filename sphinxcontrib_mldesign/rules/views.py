"""What one roll-up shows: the items of the projects its ``:projects:`` selects, and what
the roll-ups derive from them (chains, areas, triggers, findings).

For this project alone (the default) a view is the checks' own project
(:class:`.model.project.Project`) and findings. An imported project brings its own
findings: the violations its build exported, read, never decided again here. Kept below
the build state (which caches the views of one build) and above the checks.
"""

from __future__ import annotations

from functools import cached_property

from ..model.chains import Chain, build_chains, triggers_of
from ..model.imports import ImportedProject
from ..model.items import FALLBACK, OWNER, Item, as_list, split_qualified
from ..model.ownership import Area, area_key, collect_areas
from ..model.project import Project
from ..model.rules import Rule
from .coverage import unmonitored_metrics
from .findings import Finding, Findings

#: A project as a roll-up names it: None for this one, else the import's name.
ProjectName = str | None


class View:
    """The items of some projects, and what is derived from them once per build."""

    def __init__(
        self,
        context: Project,
        findings: Findings,
        imported_cache: dict[str, ImportedFindings],
        projects: tuple[ProjectName, ...],
    ) -> None:
        self.context = context
        self.findings = findings
        self._imported_cache = imported_cache
        self.projects = projects
        self.local_only = projects == (None,)

    @property
    def imported(self) -> list[ImportedProject]:
        return [self.context.imports[name] for name in self.projects if name is not None]

    def of_type(self, type_name: str) -> list[Item]:
        """The items of one type, project by project, in document order."""
        items: list[Item] = []
        for name in self.projects:
            items.extend(self.context.of_project(name, type_name))
        return items

    @cached_property
    def unique_items(self) -> list[Item]:
        items: list[Item] = list(self.context.unique_items) if None in self.projects else []
        for project in self.imported:
            items.extend(project.items.values())
        return items

    @cached_property
    def chains(self) -> list[Chain]:
        if self.local_only:
            return self.context.chains
        chains = list(self.context.chains) if None in self.projects else []
        for project in self.imported:
            chains += build_chains(project.of_type(FALLBACK.name), self.context.lookup)
        return chains

    @cached_property
    def areas(self) -> list[Area]:
        """The areas the owners of the projects shown list, each counting the people of
        every project (this one and all imports) who list it, as the bus-factor check
        counts this project's: the same area has the same bus factor in every view."""
        if self.local_only:
            return self.context.areas
        others = [name for name in (None, *self.context.imports) if name not in self.projects]
        shared = [o for name in others for o in self.context.of_project(name, OWNER.name)]
        return collect_areas(self.of_type(OWNER.name), self.context.lookup, shared)

    @cached_property
    def triggers(self) -> dict[str, list[str]]:
        """Metric ID -> the fallbacks naming it in ``:trigger:``."""
        if self.local_only:
            return self.context.triggers
        return triggers_of(self.of_type(FALLBACK.name))

    def of_rule(self, rule: Rule) -> list[Finding]:
        """The rule's findings: this project's (when selected, as checked), then each
        imported project's own."""
        found = self.findings.of_rule(rule) if None in self.projects else []
        for project in self.imported:
            found += self._imported_findings(project).by_rule.get(rule, [])
        return found

    def about(self, rule: Rule, subject: str | None) -> Finding | None:
        """The rule's finding about an item (by ID) or area, whichever project it is in."""
        finding = self.findings.about(rule, subject)
        if finding is not None or subject is None:
            return finding
        project = split_qualified(subject, self.context.imports).project
        if project is not None:  # an imported item
            if project not in self.projects:
                return None
            imported = self._imported_findings(self.context.imports[project])
            return imported.by_subject.get((rule, subject))
        for shown in self.imported:  # an area: what a project shown found about it
            found = self._imported_findings(shown).by_subject.get((rule, area_subject(subject)))
            if found is not None:
                return found
        return None

    def _imported_findings(self, project: ImportedProject) -> ImportedFindings:
        found = self._imported_cache.get(project.name)
        if found is None:
            found = self._imported_cache[project.name] = ImportedFindings(project)
        return found


def area_subject(area: str) -> str:
    """How an imported finding about an area is filed (areas match ignoring case and
    repeated blanks; an item ID has no blank)."""
    return f"area {area_key(area)}"


class ImportedFindings:
    """An imported project's violations as findings about its items and areas (rules this
    version does not know, and violations about no item, are left out)."""

    def __init__(self, project: ImportedProject) -> None:
        self.by_rule: dict[Rule, list[Finding]] = {}
        self.by_subject: dict[tuple[Rule, str | None], Finding] = {}
        triggers = triggers_of(project.of_type(FALLBACK.name))
        for violation in project.violations:
            item = project.items.get(violation.item) if violation.item else None
            rule = violation.rule
            if item is None or not isinstance(rule, Rule):
                continue
            concerns: tuple[str, ...] = (str(item.id),)
            if rule is Rule.TRIGGER_NOT_MONITORED:  # the metric, then its fallbacks
                concerns += tuple(triggers.get(str(item.id), ()))
            elif rule is Rule.REQUIREMENT_UNMONITORED:
                # The requirement, then which of its metrics lack thresholds: the project's
                # own (the export does not say which of a third project's did).
                metrics = as_list(item.values.get("metrics"))
                concerns += tuple(unmonitored_metrics(project.items, metrics))
            finding = Finding(
                rule, item, violation.message, violation.message, concerns, violation.area
            )
            self.by_rule.setdefault(rule, []).append(finding)
            subject = area_subject(violation.area) if violation.area else finding.subject
            self.by_subject.setdefault((rule, subject), finding)
