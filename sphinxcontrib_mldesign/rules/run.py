"""Every check, in the order their findings are reported."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..model.project import Project
from . import alerts, components, core, coverage, fallbacks, imports, observed, people, stale
from .findings import Finding, Findings

#: A check: what it finds in the project.
Check = Callable[[Project], Iterable[Finding]]

CHECKS: tuple[Check, ...] = (
    *core.CHECKS,
    *coverage.CHECKS,
    *fallbacks.CHECKS,
    *people.CHECKS,
    *stale.CHECKS,
    *components.CHECKS,
    *alerts.CHECKS,
    *observed.CHECKS,
    *imports.CHECKS,
)


def run_checks(context: Project) -> Findings:
    """What every check finds in the project, with the project's rule settings."""
    return Findings(
        (finding for check in CHECKS for finding in check(context)), context.config.rules
    )
