"""prometheus sources (being written)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..settings import Settings
from .server import Server
from .snapshot import Observation


def observe_prometheus(
    query: str, server: Server, metric: Mapping[str, Any], now: dt.datetime, config: Settings
) -> Observation:
    return Observation("prometheus", error="not yet read: Prometheus sources are being written")
