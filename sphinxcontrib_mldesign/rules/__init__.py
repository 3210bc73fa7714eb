"""Project-wide checks, run once per build after all documents are read.

They run on ``env-updated``, which fires on every build (unlike ``env-check-consistency``,
which Sphinx skips when no document changed). So every build — serial, parallel,
incremental, or one where nothing changed — sees the whole project and reports the same
violations in the same order, and the export always lists all of them.

Each module of this package holds the checks of one concern; a check is a function from
a :class:`Context` to :class:`Finding`\\ s, listed in :data:`CHECKS`.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..config import get_config
from ..domain import get_ml_domain
from ..warnings_ import WARNING_TYPE
from . import core, coverage, fallbacks, people, stale
from .base import Check, Context, Finding, Violation

__all__ = ["CHECKS", "Context", "Finding", "Violation", "collect_violations"]

logger = logging.getLogger(__name__)

CHECKS: tuple[Check, ...] = (
    *core.CHECKS,
    *coverage.CHECKS,
    *fallbacks.CHECKS,
    *people.CHECKS,
    *stale.CHECKS,
)


def collect_violations(context: Context) -> list[Violation]:
    config = context.config
    violations = []
    for check in CHECKS:
        for finding in check(context):
            setting = config.setting(finding.rule)
            if setting != "off":
                violations.append(finding.violation(setting))
    return sorted(violations, key=Violation.sort_key)


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> None:
    domain = get_ml_domain(env)
    context = Context(env, domain, get_config(app))
    domain.violations = tuple(collect_violations(context))
    domain.context = context  # the roll-ups render from the same view of the project
    for violation in domain.violations:
        log = logger.error if violation.severity == "error" else logger.warning
        log(
            violation.message,
            type=WARNING_TYPE,
            subtype=violation.rule,
            location=violation.location,
        )


def fail_on_errors(app: Sphinx, exception: Exception | None) -> None:
    """Rules of severity ``error`` fail the build even without ``-W``.

    A violation whose warning the project silenced with ``suppress_warnings`` does not.
    """
    if exception is not None or app.env is None:
        return
    errors = failing_errors(app)
    if errors:
        app.statuscode = 1
        logger.info(
            "mldesign: %d error(s) in the design doc; the build fails.", len(errors), color="red"
        )


def failing_errors(app: Sphinx) -> list[Violation]:
    """The error-severity violations of this build that fail it: all but those whose
    warning the project silenced with ``suppress_warnings``."""
    suppressed = app.config.suppress_warnings
    return [
        violation
        for violation in get_ml_domain(app.env).violations
        if violation.severity == "error"
        and not logging.is_suppressed_warning(WARNING_TYPE, violation.rule, suppressed)
    ]
