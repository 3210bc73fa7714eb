"""The validators of the ``mldesign_*`` values (:class:`.config.MLDesignConfig` names one per
field): each takes the ``conf.py`` name and the raw value and returns the value to keep,
or raises Sphinx's :class:`ConfigError` saying what is wrong."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sphinx.errors import ConfigError

from .model.extensions import ProjectSchemas, SchemaExtensionError
from .model.formats import FormatError, duration_seconds
from .model.imports import project_name_problem
from .model.observe.server import Server, ServerError
from .model.observe.snapshot import parse_time
from .model.rules import RULE_BY_NAME, RULE_NAMES, SETTINGS, Rule, Setting

Validator = Callable[[str, Any], Any]
"""Takes the conf.py name and the raw value; returns the value to keep, or raises
:class:`ConfigError` saying what is wrong."""


def boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False, got {value!r}")
    return value


def rule_settings(name: str, value: Any) -> dict[Rule, Setting]:
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a dict of rule name to severity, got {value!r}")
    for rule, setting in value.items():
        if rule not in RULE_NAMES:
            raise ConfigError(
                f"{name}: unknown rule {rule!r}; known rules: {', '.join(sorted(RULE_NAMES))}"
            )
        if setting not in SETTINGS:
            raise ConfigError(
                f"{name}[{rule!r}] must be 'error', 'warning' or 'off', got {setting!r}"
            )
    return {RULE_BY_NAME[rule]: setting for rule, setting in value.items()}


def schema_extensions(name: str, value: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a dict of item type to JSON Schema")
    try:
        ProjectSchemas(value)  # reject one that is not valid JSON Schema now, not mid-build
    except SchemaExtensionError as err:
        raise ConfigError(str(err)) from None
    return dict(value)


def globs(name: str, value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ConfigError(f"{name} must be a list of glob patterns, got {value!r}")
    if not all(isinstance(pattern, str) and pattern.strip() for pattern in value):
        raise ConfigError(f"{name} must hold non-empty strings, got {value!r}")
    return [str(pattern) for pattern in value]


def wide_rollups(name: str, value: Any) -> str:
    if value not in ("auto", "always", "never"):
        raise ConfigError(f"{name} must be 'auto', 'always' or 'never', got {value!r}")
    return str(value)


def at_least_one(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{name} must be a whole number >= 1, got {value!r}")
    return value


def duration(name: str, value: Any) -> str:
    try:
        if not isinstance(value, str):
            raise FormatError(repr(value))
        duration_seconds(value)
    except FormatError:
        raise ConfigError(
            f"{name} must be a duration like '180d' or '26w', got {value!r}"
        ) from None
    return value


def imports(name: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a dict of project name to path or URL, got {value!r}")
    for project, source in value.items():
        problem = project_name_problem(project)
        if problem:
            raise ConfigError(f"{name}: {problem}")
        if not isinstance(source, str) or not source.strip():
            raise ConfigError(
                f"{name}[{project!r}] must be the path or http(s) URL of an mldesign.json, "
                f"got {source!r}"
            )
    return {project: source.strip() for project, source in value.items()}


def whole_days(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be a whole number of days, got {value!r}")
    return value


def seconds(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3600:
        raise ConfigError(f"{name} must be a number of seconds > 0 (at most 3600), got {value!r}")
    return float(value)


def date_or_none(name: str, value: Any) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{name} must be a date or 'YYYY-MM-DD', got {value!r}")


OBSERVE_MODES = ("off", "live", "snapshot")


def observe_mode(name: str, value: Any) -> str:
    if value not in OBSERVE_MODES:
        raise ConfigError(f"{name} must be 'off', 'live' or 'snapshot', got {value!r}")
    return str(value)


def time_or_none(name: str, value: Any) -> dt.datetime | None:
    if value is None:
        return None
    # A datetime is read as its text is: the same bounds (1970 to 9000), the same zone rule.
    text = value.isoformat() if isinstance(value, dt.datetime) else value
    parsed = parse_time(text) if isinstance(text, str) else None
    if parsed is None:
        raise ConfigError(
            f"{name} must be an ISO 8601 date-time from 1970 to 9000 like "
            f"'2026-12-01T12:00:00Z', got {value!r}"
        )
    return parsed


def duration_or_zero(name: str, value: Any) -> str:
    if value in ("0", 0):
        return "0"
    return duration(name, value)


def server_or_none(name: str, value: Any) -> Server | None:
    if value is None:
        return None
    try:
        return Server.from_setting(name, value)
    except ServerError as err:
        raise ConfigError(str(err)) from None


def relative_file(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{name} must be a file name (relative to conf.py), got {value!r}")
    return value.strip()
