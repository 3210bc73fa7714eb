"""What the project model reads of the ``mldesign_*`` values. Sphinx-free.

:class:`~sphinxcontrib_mldesign.config.MLDesignConfig` is the one the build passes,
validated from ``conf.py`` (its defaults are the documented ones); a test may pass one
made directly. Only these members are read, so a new source's settings are added here
too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from .extensions import ProjectSchemas
from .observe.server import Server
from .rules import Rule, Setting


class Settings(Protocol):
    """The settings the checks, the roll-ups and the input sources read."""

    @property
    def rules(self) -> Mapping[Rule, Setting]: ...
    @property
    def min_bus_factor(self) -> int: ...
    @property
    def review_every(self) -> str: ...
    @property
    def alert_rules(self) -> Sequence[str]: ...
    @property
    def imports(self) -> Mapping[str, str]: ...
    @property
    def imports_cache_limit(self) -> int: ...
    @property
    def imports_timeout(self) -> float: ...
    @property
    def schemas(self) -> ProjectSchemas: ...
    @property
    def observe(self) -> str: ...
    @property
    def observe_snapshot(self) -> str: ...
    @property
    def observe_at(self) -> dt.datetime | None: ...
    @property
    def observe_max_age(self) -> str: ...
    @property
    def observe_trend(self) -> str: ...
    @property
    def prometheus(self) -> Server | None: ...
    @property
    def mlflow(self) -> Server | None: ...
    def as_dict(self) -> dict[str, Any]:
        """Every value, JSON-ready (for the roll-ups' fingerprint)."""
        ...
