"""The ``mldesign_*`` values of ``conf.py``: one typed dataclass whose fields carry their
validators (as MyST-Parser's config does), checked when the config is read.

A bad value stops the build at start-up with Sphinx's "Configuration error" and a message
naming the value, never later with a traceback. The parsed config is kept on the build
environment (``env.mldesign_config``), where Sphinx extensions keep per-build data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError

from .model.extensions import ProjectSchemas, SchemaExtensionError
from .model.formats import FormatError, duration_seconds
from .model.imports import project_name_problem
from .model.rules import RULE_BY_NAME, RULE_NAMES, SETTINGS, Rule, Setting

ENV_ATTRIBUTE = "mldesign_config"

Validator = Callable[[str, Any], Any]
"""Takes the conf.py name and the raw value; returns the value to keep, or raises
:class:`ConfigError` saying what is wrong."""


def _boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False, got {value!r}")
    return value


def _rule_settings(name: str, value: Any) -> dict[Rule, Setting]:
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


def _schema_extensions(name: str, value: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a dict of item type to JSON Schema")
    try:
        ProjectSchemas(value)  # reject one that is not valid JSON Schema now, not mid-build
    except SchemaExtensionError as err:
        raise ConfigError(str(err)) from None
    return dict(value)


def _globs(name: str, value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ConfigError(f"{name} must be a list of glob patterns, got {value!r}")
    if not all(isinstance(pattern, str) and pattern.strip() for pattern in value):
        raise ConfigError(f"{name} must hold non-empty strings, got {value!r}")
    return [str(pattern) for pattern in value]


def _wide_rollups(name: str, value: Any) -> str:
    if value not in ("auto", "always", "never"):
        raise ConfigError(f"{name} must be 'auto', 'always' or 'never', got {value!r}")
    return str(value)


def _at_least_one(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{name} must be a whole number >= 1, got {value!r}")
    return value


def _duration(name: str, value: Any) -> str:
    try:
        if not isinstance(value, str):
            raise FormatError(repr(value))
        duration_seconds(value)
    except FormatError:
        raise ConfigError(
            f"{name} must be a duration like '180d' or '26w', got {value!r}"
        ) from None
    return value


def _imports(name: str, value: Any) -> dict[str, str]:
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


def _whole_days(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be a whole number of days, got {value!r}")
    return value


def _seconds(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3600:
        raise ConfigError(f"{name} must be a number of seconds > 0 (at most 3600), got {value!r}")
    return float(value)


def _date_or_none(name: str, value: Any) -> dt.date | None:
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


@dataclass(frozen=True)
class MLDesignConfig:
    """Every ``mldesign_*`` value, validated. ``rebuild="env"``: the items must be re-read
    to apply a change; the others are applied by every build's checks."""

    short_names: bool = field(
        default=True,
        metadata={"validator": _boolean, "rebuild": "env",
                  "doc": "Register ``metric``, ``fallback`` and ``owner`` besides "
                  "``ml-metric``, ``ml-fallback`` and ``ml-owner``. Set to ``False`` when another "
                  "extension owns the short names."},
    )  # fmt: skip
    rules: dict[Rule, Setting] = field(
        default_factory=dict,
        metadata={"validator": _rule_settings,
                  "doc": "Per-rule severity, ``\"error\"``, ``\"warning\"`` or ``\"off\"``, keyed "
                  "by rule name (the warning subtypes): ``{\"stale\": \"error\", \"bus-factor\": "
                  "\"off\"}``. ``\"off\"`` also removes the rule's findings from the export and "
                  "its marks from the roll-ups."},
    )  # fmt: skip
    schema_extensions: dict[str, dict[str, Any]] = field(
        default_factory=dict,
        metadata={"validator": _schema_extensions, "rebuild": "env",
                  "doc": "JSON Schema fragments merged into an item type's schema, keyed by "
                  "the type's long name: add options (also required ones), narrow enums."},
    )  # fmt: skip
    min_bus_factor: int = field(
        default=2,
        metadata={"validator": _at_least_one,
                  "doc": "An area known to fewer people than this (owners listing it in "
                  "``:areas:`` plus their ``:backups:``) is flagged by ``bus-factor``."},
    )  # fmt: skip
    review_every: str = field(
        default="180d",
        metadata={"validator": _duration,
                  "doc": "A duration. An item whose ``:reviewed:`` date (else its file's last "
                  "git commit) is older than this is flagged by ``stale``."},
    )  # fmt: skip
    today: dt.date | None = field(
        default=None,
        metadata={"validator": _date_or_none,
                  "doc": "The date staleness is measured against, ``\"YYYY-MM-DD\"``; unset: "
                  "``SOURCE_DATE_EPOCH``, else today's date (UTC)."},
    )  # fmt: skip

    wide_rollups: str = field(
        default="auto",
        metadata={"validator": _wide_rollups, "rebuild": "env",
                  "doc": "Which pages holding a roll-up drop the theme's table-of-contents "
                  "sidebar, to give the tables room (pydata-sphinx-theme, sphinx-book-theme, "
                  "furo): ``\"auto\"`` pages made of roll-ups (no items), ``\"always\"``, "
                  "``\"never\"``."},
    )  # fmt: skip

    alert_rules: list[str] = field(
        default_factory=list,
        metadata={"validator": _globs,
                  "doc": "Globs, relative to the directory of ``conf.py``, of the deployed "
                  "Prometheus rule files or ``PrometheusRule`` manifests to check the metrics "
                  "against (``alert-missing``, ``alert-drift``, ``alert-unknown``)."},
    )  # fmt: skip

    imports: dict[str, str] = field(
        default_factory=dict,
        metadata={"validator": _imports,
                  "doc": "Other projects' items: ``{\"payments\": \"<path or http(s) URL of "
                  "an mldesign.json>\"}``. Paths are relative to the directory of ``conf.py``. "
                  "Their items are referenced as ``payments:REQ-1`` and rolled up with "
                  "``:projects:``."},
    )  # fmt: skip
    imports_cache_limit: int = field(
        default=1,
        metadata={"validator": _whole_days,
                  "doc": "Days a fetched import (a URL) is used from the cache in the doctree "
                  "directory before it is fetched again; negative: forever, ``0``: every build. "
                  "An import that cannot be fetched falls back to an older cached copy."},
    )  # fmt: skip
    imports_timeout: float = field(
        default=10,  # an int, which sphinx-build -D can set (it cannot set a float)
        metadata={"validator": _seconds, "types": (int, float),
                  "doc": "Seconds a URL import may take in all, redirects (at most 5) included."},
    )  # fmt: skip

    def __post_init__(self) -> None:
        for config_field in dataclasses.fields(self):
            validate: Validator = config_field.metadata["validator"]
            value = validate(f"mldesign_{config_field.name}", getattr(self, config_field.name))
            object.__setattr__(self, config_field.name, value)

    @classmethod
    def from_sphinx(cls, config: Config) -> MLDesignConfig:
        """Validate the raw ``mldesign_*`` values of a Sphinx config."""
        return cls(
            **{f.name: getattr(config, f"mldesign_{f.name}") for f in dataclasses.fields(cls)}
        )

    @functools.cached_property
    def schemas(self) -> ProjectSchemas:
        """The item types' schemas with this project's extensions."""
        return ProjectSchemas(self.schema_extensions)

    def today_date(self) -> dt.date:
        if self.today is not None:
            return self.today
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch:
            try:
                return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
            except (ValueError, OverflowError, OSError):
                pass  # Sphinx reports a SOURCE_DATE_EPOCH it cannot use; we use the clock
        # UTC, like git and SOURCE_DATE_EPOCH dates, so ages do not shift at local midnight.
        return dt.datetime.now(dt.timezone.utc).date()

    def as_dict(self) -> dict[str, Any]:
        """Every value, JSON-ready (for fingerprints of what the roll-ups show); rules by
        name, as ``conf.py`` writes them."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        values["rules"] = {rule.subtype: setting for rule, setting in self.rules.items()}
        return values


def conf_values() -> list[tuple[str, Any, Literal["env", ""], str]]:
    """(conf.py name, default, rebuild scope, meaning) of every value: the dataclass is the
    single source for registration and for the generated reference."""
    values = []
    for config_field in dataclasses.fields(MLDesignConfig):
        if config_field.default_factory is not dataclasses.MISSING:
            default = config_field.default_factory()
        else:
            default = config_field.default
        rebuild = config_field.metadata.get("rebuild", "")
        values.append(
            (f"mldesign_{config_field.name}", default, rebuild, config_field.metadata["doc"])
        )
    return values


def get_config(env: BuildEnvironment) -> MLDesignConfig:
    """This build's parsed config (set when the builder is made)."""
    parsed: MLDesignConfig | None = getattr(env, ENV_ATTRIBUTE, None)
    if parsed is None:
        raise RuntimeError("mldesign: the config is read at builder-inited; asked for too early")
    return parsed


def _validate(app: Sphinx, config: Config) -> None:
    # At start-up, so a bad value stops the build before anything is read.
    MLDesignConfig.from_sphinx(config)


def _keep_on_env(app: Sphinx) -> None:
    setattr(app.env, ENV_ATTRIBUTE, MLDesignConfig.from_sphinx(app.config))


def setup(app: Sphinx) -> None:
    fields = {f"mldesign_{f.name}": f for f in dataclasses.fields(MLDesignConfig)}
    for name, default, rebuild, _ in conf_values():
        # Types besides the default's (the validator judges them): a float timeout.
        types = fields[name].metadata.get("types", ())
        app.add_config_value(name, default, rebuild, types=types)
    app.connect("config-inited", _validate, priority=400)
    app.connect("builder-inited", _keep_on_env, priority=400)
