"""What the checks find (:class:`Finding`), every finding of a build (:class:`Findings`),
and what the build reports (:class:`Violation`).

Findings are the single source of truth about gaps: warnings, the export's
``violations``, the roll-ups' gap marks and derived risks are all views of them, and the
project's ``mldesign_rules`` is applied here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..model.formats import printable
from ..model.inputs.base import InputProblem
from ..model.items import Item, RoleRef, RollupUse
from ..model.rulefiles import DeployedRule
from ..model.rules import Rule, Setting, Severity, setting


@dataclass(frozen=True)
class Violation:
    """One problem, located where the author must change something."""

    docname: str
    lineno: int
    rule: str
    message: str
    """One line: control characters (of a rule file, an import, a server) shown as escapes."""
    item: str | None
    severity: Severity
    source: str | None = None
    """The included file the problem is in, when not the document itself (not exported)."""
    area: str | None = None
    """The area it is about (bus factor): exported, so portfolios can mark the area."""

    @property
    def location(self) -> str | tuple[str, int]:
        if self.source:  # an outside file's name (matched by a glob) may hold a line break
            return f"{printable(self.source)}:{self.lineno}"
        return (self.docname, self.lineno)

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
            **({"area": self.area} if self.area is not None else {}),
        }


@dataclass(frozen=True)
class Finding:
    """What a check found, before the project's severity settings apply."""

    rule: Rule
    where: Item | RoleRef | RollupUse | DeployedRule | InputProblem
    """The item that must change, the prose reference, the roll-up directive, or a
    deployed rule (file)."""
    message: str
    """The warning's text."""
    summary: str = ""
    """Why, in a few words, for the roll-ups (derived risks)."""
    concerns: tuple[str, ...] = ()
    """The IDs of the items it is about (the roll-ups link them)."""
    area: str | None = None
    """The area it is about (bus factor), instead of an item."""
    lineno: int | None = None
    """The line of the option at fault, when it is not the item's own line."""

    @property
    def item(self) -> str | None:
        """The ID of the item that must change (None for prose, roll-ups, rule files)."""
        return self.where.id if isinstance(self.where, Item) else None

    @property
    def subject(self) -> str | None:
        """What the finding is about: the area, else the item's ID."""
        if self.area is not None:
            return self.area
        return self.item

    def violation(self, severity: Severity) -> Violation:
        # The one place every message passes on its way to the log, the export and
        # ``mldesign check``: text from outside (a rule file's name or labels, an import's
        # status text, a parser's error) can put no second line or terminal escape there.
        # A line break is shown as ``\n``, not a space: the name written is told as it is.
        return Violation(
            docname=self.where.docname,
            lineno=self.lineno or self.where.lineno,
            rule=self.rule.subtype,
            message=printable(self.message),
            item=self.item,
            severity=severity,
            source=self.where.source,
            area=self.area,
        )


class Findings:
    """Every finding of one build, and the views the rest of the extension reads."""

    def __init__(self, found: Iterable[Finding], settings: Mapping[Rule, Setting]) -> None:
        self.found = tuple(found)
        """Everything the checks found, rules turned off included."""
        self._settings = dict(settings)
        self._by_subject: dict[tuple[Rule, str | None], Finding] = {}
        for finding in self.reported:
            self._by_subject.setdefault((finding.rule, finding.subject), finding)

    def checked(self, rule: Rule) -> bool:
        """Whether the project checks this rule (it is not turned "off")."""
        return setting(rule, self._settings) != "off"

    @cached_property
    def reported(self) -> tuple[Finding, ...]:
        """The findings of the rules the project checks, in the checks' order."""
        return tuple(finding for finding in self.found if self.checked(finding.rule))

    def about(self, rule: Rule, subject: str | None) -> Finding | None:
        """The rule's finding about an item (by ID) or an area, if the project checks it."""
        return self._by_subject.get((rule, subject))

    def severity(self, rule: Rule) -> Severity:
        """The severity the project reports a checked rule's findings at."""
        return setting(rule, self._settings)  # type: ignore[return-value]  # not "off"

    def of_rule(self, rule: Rule) -> list[Finding]:
        """The rule's findings, in the order the check made them (none when it is off)."""
        return [finding for finding in self.reported if finding.rule is rule]

    @cached_property
    def violations(self) -> tuple[Violation, ...]:
        """What the build reports, at each rule's severity, in document order."""
        made = [finding.violation(self.severity(finding.rule)) for finding in self.reported]
        return tuple(sorted(made, key=Violation.sort_key))
