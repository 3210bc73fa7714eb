"""Typed configuration, read from ``conf.py`` and validated at ``config-inited``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
from dataclasses import dataclass, field
from typing import Any, Literal

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from .formats import FormatError, duration_seconds
from .warnings_ import RULE_NAMES, Rule, Setting

#: The item types that ``mldesign_schema_extensions`` may extend.
EXTENSIBLE_TYPES = ("ml-requirement", "ml-metric", "ml-fallback", "ml-owner", "ml-risk")


@dataclass(frozen=True)
class MLDesignConfig:
    """Every ``mldesign_*`` value, after validation."""

    short_names: bool = field(
        default=True,
        metadata={"rebuild": "env",
                  "doc": "Register ``metric``, ``fallback`` and ``owner`` besides "
                  "``ml-metric``, ``ml-fallback`` and ``ml-owner``. Set to ``False`` when another "
                  "extension owns the short names."},
    )  # fmt: skip
    rules: dict[str, Setting] = field(
        default_factory=dict,
        metadata={"doc": "Per-rule severity, ``\"error\"``, ``\"warning\"`` or ``\"off\"``, keyed "
                  "by rule name (the warning subtypes): ``{\"stale\": \"error\", \"bus-factor\": "
                  "\"off\"}``. ``\"off\"`` also removes the rule's findings from the export."},
    )  # fmt: skip
    schema_extensions: dict[str, dict[str, Any]] = field(
        default_factory=dict,
        metadata={"rebuild": "env",
                  "doc": "JSON Schema fragments merged into an item type's schema, keyed by "
                  "the type's long name: add options (also required ones), narrow enums."},
    )  # fmt: skip
    min_bus_factor: int = field(
        default=2,
        metadata={"doc": "An area known to fewer people than this (owners listing it in "
                  "``:areas:`` plus their ``:backups:``) is flagged by ``bus-factor``."},
    )  # fmt: skip
    review_every: str = field(
        default="180d",
        metadata={"doc": "A duration. An item whose ``:reviewed:`` date (else its file's last "
                  "git commit) is older than this is flagged by ``stale``."},
    )  # fmt: skip
    today: dt.date | None = field(
        default=None,
        metadata={"doc": "The date staleness is measured against, ``\"YYYY-MM-DD\"``; unset: "
                  "``SOURCE_DATE_EPOCH``, else today's date (UTC)."},
    )  # fmt: skip

    @functools.cached_property
    def extension_keys(self) -> dict[str, str]:
        """Each type's schema extension as canonical JSON: the key of its compiled schema,
        made once per build rather than once per item."""
        return {
            type_name: json.dumps(
                self.schema_extensions.get(type_name, {}), sort_keys=True, default=str
            )
            for type_name in EXTENSIBLE_TYPES
        }

    def setting(self, rule: Rule) -> Setting:
        """The rule's severity in this project, or "off"."""
        return self.rules.get(rule.subtype, rule.severity)

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


def conf_values() -> list[tuple[str, Any, Literal["env", ""], str]]:
    """(conf.py name, default, rebuild scope, meaning) of every value: the dataclass is the
    single source for registration and for the generated reference. Rebuild ``"env"``: the
    items must be re-read to apply a change; the others are applied by every build's checks."""
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


def register(app: Sphinx) -> None:
    for name, default, rebuild, _ in conf_values():
        app.add_config_value(name, default, rebuild)
    app.connect("config-inited", _on_config_inited, priority=400)


def get_config(app_or_config: Sphinx | Config) -> MLDesignConfig:
    config = app_or_config.config if isinstance(app_or_config, Sphinx) else app_or_config
    parsed: MLDesignConfig | None = getattr(config, "_mldesign", None)
    if parsed is None:  # e.g. a Config that never went through config-inited
        parsed = parse_config(config)
    return parsed


def _on_config_inited(app: Sphinx, config: Config) -> None:
    # Stored as a private attribute so it is not pickled or compared as a conf value.
    config._mldesign = parse_config(config)


def parse_config(config: Config) -> MLDesignConfig:
    """Validate the raw ``mldesign_*`` values; raise :class:`ConfigError` with a clear message."""
    short_names = config.mldesign_short_names
    if not isinstance(short_names, bool):
        raise ConfigError(f"mldesign_short_names must be True or False, got {short_names!r}")

    rules = config.mldesign_rules
    if not isinstance(rules, dict):
        raise ConfigError(f"mldesign_rules must be a dict of rule name to severity, got {rules!r}")
    for name, setting in rules.items():
        if name not in RULE_NAMES:
            known = ", ".join(sorted(RULE_NAMES))
            raise ConfigError(f"mldesign_rules: unknown rule {name!r}; known rules: {known}")
        if setting not in ("error", "warning", "off"):
            raise ConfigError(
                f"mldesign_rules[{name!r}] must be 'error', 'warning' or 'off', got {setting!r}"
            )

    extensions = config.mldesign_schema_extensions
    if not isinstance(extensions, dict):
        raise ConfigError("mldesign_schema_extensions must be a dict of item type to JSON Schema")
    for type_name, fragment in extensions.items():
        if type_name not in EXTENSIBLE_TYPES:
            raise ConfigError(
                f"mldesign_schema_extensions: unknown item type {type_name!r}; "
                f"use one of {', '.join(EXTENSIBLE_TYPES)}"
            )
        if not isinstance(fragment, dict):
            raise ConfigError(f"mldesign_schema_extensions[{type_name!r}] must be a dict")

    min_bus_factor = config.mldesign_min_bus_factor
    if (
        isinstance(min_bus_factor, bool)
        or not isinstance(min_bus_factor, int)
        or min_bus_factor < 1
    ):
        raise ConfigError(
            f"mldesign_min_bus_factor must be a whole number >= 1, got {min_bus_factor!r}"
        )

    review_every = config.mldesign_review_every
    try:
        if not isinstance(review_every, str):
            raise FormatError(repr(review_every))
        duration_seconds(review_every)
    except FormatError:
        raise ConfigError(
            f"mldesign_review_every must be a duration like '180d' or '26w', got {review_every!r}"
        ) from None

    today = _parse_today(config.mldesign_today)
    parsed = MLDesignConfig(
        short_names=short_names,
        rules=dict(rules),
        schema_extensions=dict(extensions),
        min_bus_factor=min_bus_factor,
        review_every=review_every,
        today=today,
    )
    # Reject a schema extension that is not valid JSON Schema now, not mid-build.
    from .schema import check_extensions

    check_extensions(parsed)
    return parsed


def _parse_today(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"mldesign_today must be a date or 'YYYY-MM-DD', got {value!r}")
