"""Helpers for reading what a finished test build produced."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sphinx.testing.util import SphinxTestApp

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def warnings_of(app: SphinxTestApp) -> list[str]:
    return [line for line in _ANSI.sub("", app.warning.getvalue()).splitlines() if line.strip()]


def export_text(app: SphinxTestApp) -> str:
    return (Path(app.outdir) / "mldesign.json").read_text(encoding="utf-8")


def export_of(app: SphinxTestApp) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(export_text(app))
    return data
