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
from dataclasses import dataclass, field
from typing import Any, Literal

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from .config_validators import (
    Validator,
    at_least_one,
    boolean,
    date_or_none,
    duration,
    duration_or_zero,
    globs,
    imports,
    observe_mode,
    relative_file,
    rule_settings,
    schema_extensions,
    seconds,
    server_or_none,
    time_or_none,
    whole_days,
    wide_rollups,
)
from .model.extensions import ProjectSchemas
from .model.observe.server import Server
from .model.rules import Rule, Setting

ENV_ATTRIBUTE = "mldesign_config"


@dataclass(frozen=True)
class MLDesignConfig:
    """Every ``mldesign_*`` value, validated. ``rebuild="env"``: the items must be re-read
    to apply a change; the others are applied by every build's checks."""

    short_names: bool = field(
        default=True,
        metadata={"validator": boolean, "rebuild": "env",
                  "doc": "Register ``metric``, ``fallback`` and ``owner`` besides "
                  "``ml-metric``, ``ml-fallback`` and ``ml-owner``. Set to ``False`` when another "
                  "extension owns the short names."},
    )  # fmt: skip
    rules: dict[Rule, Setting] = field(
        default_factory=dict,
        metadata={"validator": rule_settings,
                  "doc": "Per-rule severity, ``\"error\"``, ``\"warning\"`` or ``\"off\"``, keyed "
                  "by rule name (the warning subtypes): ``{\"stale\": \"error\", \"bus-factor\": "
                  "\"off\"}``. ``\"off\"`` also removes the rule's findings from the export and "
                  "its marks from the roll-ups."},
    )  # fmt: skip
    schema_extensions: dict[str, dict[str, Any]] = field(
        default_factory=dict,
        metadata={"validator": schema_extensions, "rebuild": "env",
                  "doc": "JSON Schema fragments merged into an item type's schema, keyed by "
                  "the type's long name: add options (also required ones), narrow enums."},
    )  # fmt: skip
    min_bus_factor: int = field(
        default=2,
        metadata={"validator": at_least_one,
                  "doc": "An area known to fewer people than this (owners listing it in "
                  "``:areas:`` plus their ``:backups:``) is flagged by ``bus-factor``."},
    )  # fmt: skip
    review_every: str = field(
        default="180d",
        metadata={"validator": duration,
                  "doc": "A duration. An item whose ``:reviewed:`` date (else its file's last "
                  "git commit) is older than this is flagged by ``stale``."},
    )  # fmt: skip
    today: dt.date | None = field(
        default=None,
        metadata={"validator": date_or_none,
                  "doc": "The date staleness is measured against, ``\"YYYY-MM-DD\"``; unset: "
                  "``SOURCE_DATE_EPOCH``, else today's date (UTC)."},
    )  # fmt: skip

    wide_rollups: str = field(
        default="auto",
        metadata={"validator": wide_rollups, "rebuild": "env",
                  "doc": "Which pages holding a roll-up drop the theme's table-of-contents "
                  "sidebar, to give the tables room (pydata-sphinx-theme, sphinx-book-theme, "
                  "furo): ``\"auto\"`` pages made of roll-ups (no items), ``\"always\"``, "
                  "``\"never\"``."},
    )  # fmt: skip

    alert_rules: list[str] = field(
        default_factory=list,
        metadata={"validator": globs,
                  "doc": "Globs, relative to the directory of ``conf.py``, of the deployed "
                  "Prometheus rule files or ``PrometheusRule`` manifests to check the metrics "
                  "against (``alert-missing``, ``alert-drift``, ``alert-unknown``)."},
    )  # fmt: skip

    imports: dict[str, str] = field(
        default_factory=dict,
        metadata={"validator": imports,
                  "doc": "Other projects' items: ``{\"payments\": \"<path or http(s) URL of "
                  "an mldesign.json>\"}``. Paths are relative to the directory of ``conf.py``. "
                  "Their items are referenced as ``payments:REQ-1`` and rolled up with "
                  "``:projects:``."},
    )  # fmt: skip
    imports_cache_limit: int = field(
        default=1,
        metadata={"validator": whole_days,
                  "doc": "Days a fetched import (a URL) is used from the cache in the doctree "
                  "directory before it is fetched again; negative: forever, ``0``: every build. "
                  "An import that cannot be fetched falls back to an older cached copy."},
    )  # fmt: skip
    imports_timeout: float = field(
        default=10,  # an int, which sphinx-build -D can set (it cannot set a float)
        metadata={"validator": seconds, "types": (int, float),
                  "doc": "Seconds a URL import may take in all, redirects (at most 5) included."},
    )  # fmt: skip

    observe: str = field(
        default="off",
        metadata={"validator": observe_mode,
                  "doc": "Whether builds show observed values: "
                  "``\"off\"``; ``\"live\"``, asking the sources once per build; "
                  "``\"snapshot\"``, reading ``mldesign_observe_snapshot`` (no network)."},
    )  # fmt: skip
    observe_snapshot: str = field(
        default="observed.json",
        metadata={"validator": relative_file,
                  "doc": "The snapshot file ``mldesign observe -o`` wrote, relative to the "
                  "directory of ``conf.py``; read when ``mldesign_observe`` is "
                  "``\"snapshot\"``."},
    )  # fmt: skip
    observe_at: dt.datetime | None = field(
        default=None,
        metadata={"validator": time_or_none,
                  "doc": "The time observed values are asked for and their age measured from, "
                  "ISO 8601 (``\"2026-12-01T12:00:00Z\"``); unset: now. Pins reproducible "
                  "builds and tests; ``mldesign observe`` asks now all the same (``--at`` "
                  "pins it)."},
    )  # fmt: skip
    observe_max_age: str = field(
        default="7d",
        metadata={"validator": duration,
                  "doc": "A duration: a snapshot older than this is ``observation-stale``."},
    )  # fmt: skip
    observe_trend: str = field(
        default="7d",
        metadata={"validator": duration_or_zero,
                  "doc": "A duration: the range of the sparkline drawn for each Prometheus "
                  "metric; ``\"0\"`` draws none."},
    )  # fmt: skip
    prometheus: Server | None = field(
        default=None,
        metadata={"validator": server_or_none, "types": (dict,),
                  "doc": "The Prometheus (or compatible) server ``:query:`` metrics are "
                  "observed on: ``{\"url\": ..., \"headers\": {...}, \"timeout\": 10}``. "
                  "Header values may name environment variables: ``\"Bearer ${PROM_TOKEN}\"``."},
    )  # fmt: skip
    mlflow: Server | None = field(
        default=None,
        metadata={"validator": server_or_none, "types": (dict,),
                  "doc": "The MLflow tracking server ``mlflow:`` metrics are observed on, "
                  "set like ``mldesign_prometheus``."},
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
        for name in ("prometheus", "mlflow"):
            server: Server | None = values[name]
            values[name] = None if server is None else server.as_dict()
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
