"""Project-wide checks, run once per build after all documents are read.

They run on ``env-updated``, which fires on every build (unlike ``env-check-consistency``,
which Sphinx skips when no document changed). So every build — serial, parallel,
incremental, or one where nothing changed — sees the whole project and reports the same
violations in the same order, and the export always lists all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from .config import MLDesignConfig, get_config
from .domain import ANY_ROLE, MLDomain, get_ml_domain
from .items import ITEM_TYPES, TYPE_BY_ROLE, Item
from .warnings_ import WARNING_TYPE, Rule, Severity

logger = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class Violation:
    """One problem, located where the author must change something."""

    docname: str
    lineno: int
    rule: str
    message: str
    item: str | None
    severity: Severity

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "item": self.item,
            "docname": self.docname,
            "lineno": self.lineno,
            "message": self.message,
        }


Finding = tuple[Rule, Item | None, str, int, str]  # rule, item, docname, lineno, message


def _schema_problems(domain: MLDomain) -> Iterator[Finding]:
    for item in domain.all_items():
        for problem in item.problems:
            yield Rule.SCHEMA, item, item.docname, item.lineno, problem


def _duplicates(domain: MLDomain) -> Iterator[Finding]:
    index = domain.index
    for item in domain.all_items():
        if item.id is None:
            continue
        first = index[item.id]
        if first is not item:
            yield (
                Rule.DUPLICATE_ID,
                item,
                item.docname,
                item.lineno,
                f"duplicate ID {item.id!r}: already used by the {first.type} "
                f"{first.title!r} ({first.docname}, line {first.lineno})",
            )


def _describe_target(domain: MLDomain, target: str, allowed: tuple[str, ...]) -> str | None:
    """None when the target is fine, else why it is not."""
    found = domain.index.get(target)
    if found is None:
        return f"{target!r} names no item"
    if found.type not in allowed:
        expected = " or ".join(allowed)
        return f"{target!r} is an {found.type}, expected {expected}"
    return None


def _unknown_refs(domain: MLDomain) -> Iterator[Finding]:
    for item in domain.all_items():
        for ref in item.refs:
            problem = _describe_target(domain, ref.target, ref.allowed)
            if problem:
                yield Rule.UNKNOWN_REF, item, item.docname, item.lineno, f":{ref.option}: {problem}"
    every_type = tuple(ITEM_TYPES)
    for role_ref in domain.all_refs():
        allowed = every_type if role_ref.role == ANY_ROLE else (TYPE_BY_ROLE[role_ref.role].name,)
        problem = _describe_target(domain, role_ref.target, allowed)
        if problem:
            yield (
                Rule.UNKNOWN_REF,
                None,
                role_ref.docname,
                role_ref.lineno,
                f":ml:{role_ref.role}: {problem}",
            )


CHECKS = (_schema_problems, _duplicates, _unknown_refs)


def collect_violations(domain: MLDomain, config: MLDesignConfig) -> list[Violation]:
    violations = []
    for check in CHECKS:
        for rule, item, docname, lineno, message in check(domain):
            setting = config.rules.get(rule.subtype, rule.severity)
            if setting == "off":
                continue
            violations.append(
                Violation(
                    docname, lineno, rule.subtype, message, item.id if item else None, setting
                )
            )
    return sorted(violations)


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> None:
    domain = get_ml_domain(env)
    domain.violations = tuple(collect_violations(domain, get_config(app)))
    for violation in domain.violations:
        log = logger.error if violation.severity == "error" else logger.warning
        log(
            violation.message,
            type=WARNING_TYPE,
            subtype=violation.rule,
            location=(violation.docname, violation.lineno),
        )


def fail_on_errors(app: Sphinx, exception: Exception | None) -> None:
    """Rules of severity ``error`` fail the build even without ``-W``.

    A violation whose warning the project silenced with ``suppress_warnings`` does not.
    """
    if exception is not None or app.env is None:
        return
    suppressed = app.config.suppress_warnings
    errors = [
        violation
        for violation in get_ml_domain(app.env).violations
        if violation.severity == "error"
        and not logging.is_suppressed_warning(WARNING_TYPE, violation.rule, suppressed)
    ]
    if errors:
        app.statuscode = 1
        logger.info(
            "mldesign: %d error(s) in the design doc; the build fails.", len(errors), color="red"
        )
