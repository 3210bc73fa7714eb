"""``mldesign.json``: every item and violation, byte-identical for identical sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.dummy import DummyBuilder
from sphinx.util import logging

from .domain import get_ml_domain
from .schema import load_json

EXPORT_FILENAME = "mldesign.json"
EXPORT_VERSION = 1
EXPORT_SCHEMA = "export.schema.json"

logger = logging.getLogger(__name__)


def build_export(app: Sphinx) -> dict[str, Any]:
    domain = get_ml_domain(app.env)
    return {
        "version": EXPORT_VERSION,
        "project": app.config.project,
        "items": {item_id: item.export() for item_id, item in domain.index.items()},
        "violations": [violation.to_json() for violation in domain.violations],
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def export_schema() -> dict[str, Any]:
    return load_json(EXPORT_SCHEMA)


def write_export(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    if app.builder.format != "html" and app.builder.name != MLDesignBuilder.name:
        return
    path = Path(app.outdir) / EXPORT_FILENAME
    text = dumps(build_export(app))
    # Keep the file (and its mtime) when nothing changed, like Sphinx does for its outputs.
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


class MLDesignBuilder(DummyBuilder):
    """``-b mldesign``: reads the project, runs the checks, writes only ``mldesign.json``."""

    name = "mldesign"
    format = "mldesign"
    epilog = "The design-doc export is in %(outdir)s/" + EXPORT_FILENAME + "."

    def get_outdated_docs(self) -> set[str]:
        # Nothing to write per page: the export comes from the domain, not from doctrees.
        return set()
