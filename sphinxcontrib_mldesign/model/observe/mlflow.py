"""mlflow: sources (being written)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .server import Server
from .snapshot import Observation
from .spec import ObserveSpec


def observe_mlflow(
    spec: ObserveSpec, server: Server, metric: Mapping[str, Any], now: dt.datetime
) -> Observation:
    return Observation(spec.text, error="not yet read: MLflow sources are being written")
