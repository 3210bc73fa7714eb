"""Every check, in the order their findings are reported."""

from __future__ import annotations

from . import alerts, components, core, coverage, fallbacks, imports, people, stale
from .context import Check, Context
from .findings import Findings

CHECKS: tuple[Check, ...] = (
    *core.CHECKS,
    *coverage.CHECKS,
    *fallbacks.CHECKS,
    *people.CHECKS,
    *stale.CHECKS,
    *components.CHECKS,
    *alerts.CHECKS,
    *imports.CHECKS,
)


def run_checks(context: Context) -> Findings:
    """What every check finds in the project, with the project's rule settings."""
    return Findings(
        (finding for check in CHECKS for finding in check(context)), context.config.rules
    )
