"""``mldesign.json``: every item and violation, byte-identical for identical sources."""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.dummy import DummyBuilder

from .domain import get_ml_domain
from .model.project import Project
from .model.schema import load_json
from .state import build_state

EXPORT_FILENAME = "mldesign.json"
EXPORT_VERSION = 1
EXPORT_SCHEMA = "export.schema.json"
EXPORT_STAMP = ".mldesign-export.stamp"


def build_export(app: Sphinx) -> dict[str, Any]:
    domain = get_ml_domain(app.env)
    base = str(app.config.html_baseurl or "").rstrip("/")
    items = {}
    for item_id, item in domain.index.items():
        items[item_id] = item.export()
        if base:  # where the item is published: alerts and other projects link to it
            items[item_id]["url"] = f"{base}/{page_uri(app, item.docname)}#{item.anchor or item_id}"
    state = build_state(app.env)
    if state.context.observed.mode != "off":  # off: the export of a doc not observing
        _add_observed(items, state.context)
    export: dict[str, Any] = {
        "version": EXPORT_VERSION,
        "project": app.config.project,
        "items": items,
        "violations": [v.to_json() for v in state.findings.violations],
    }
    # For portfolios (ml-portfolio): when the doc last changed, where its roll-ups are.
    if state.context.last_change is not None:
        export["changed"] = state.context.last_change
    rollups = {
        kind: {"docname": docname, **({"url": f"{base}/{page_uri(app, docname)}"} if base else {})}
        for kind, docname in sorted(state.context.rollup_pages.items())
    }
    if rollups:
        export["rollups"] = rollups
    return export


def _add_observed(items: dict[str, dict[str, Any]], context: Project) -> None:
    """Each observed metric's value and verdicts; whether each requirement is met (null:
    unknown). Read from the project's verdicts, never decided here."""
    for metric_id, judged in context.judged.items():
        if metric_id in items:
            items[metric_id]["observed"] = judged.as_json()
    for requirement_id, met in context.requirements_met.items():
        if requirement_id in items:
            items[requirement_id]["met"] = met


def page_uri(app: Sphinx, docname: str) -> str:
    """A page's address under ``html_baseurl``, as the HTML builder building it names it
    (``dirhtml``: ``page/``); the ``mldesign`` builder names it as ``html`` would."""
    if app.builder.format == "html":
        return app.builder.get_target_uri(docname)
    suffix = app.config.html_link_suffix
    return docname + (suffix if suffix is not None else app.config.html_file_suffix or ".html")


def export_schema() -> dict[str, Any]:
    return load_json(EXPORT_SCHEMA)


def write_export(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    if app.builder.format != "html" and app.builder.name != MLDesignBuilder.name:
        return
    path = Path(app.outdir) / EXPORT_FILENAME
    data = build_export(app)
    # Most incremental builds change no item: a digest of the data (the C encoder, fast)
    # against the one stored with the file skips the indented text (pure Python, slow).
    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    # -b mldesign promises a directory holding the export alone: no stamp there.
    stamp_path = None if app.builder.name == MLDesignBuilder.name else path.with_name(EXPORT_STAMP)
    if stamp_path is not None and _stamp(path, digest) == _read(stamp_path):
        return
    write_json(path, data)
    if stamp_path is not None:
        stamp_path.write_text(_stamp(path, digest), encoding="utf-8")


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write the export's indented text, keeping the file (and its mtime) when the text is
    unchanged, like Sphinx does for its outputs."""
    # Streamed to a file, not joined in memory: at thousands of items the text is
    # megabytes, and the pieces of it were the build's peak memory.
    fresh = path.with_name(f".{EXPORT_FILENAME}.new")
    try:
        with fresh.open("w", encoding="utf-8") as out:
            json.dump(data, out, sort_keys=True, indent=2, ensure_ascii=False)
            out.write("\n")
        filecmp.clear_cache()  # its cache trusts size and mtime, which may not have moved
        if path.is_file() and filecmp.cmp(fresh, path, shallow=False):
            return
        os.replace(fresh, path)
    finally:
        fresh.unlink(missing_ok=True)


def _stamp(path: Path, digest: str) -> str:
    """The data's digest with the file's identity and times: a file replaced, edited or
    removed by hand no longer matches (ctime moves on any change, whatever the tool), and
    is written again."""
    try:
        stat = path.stat()
    except OSError:
        return ""
    return f"{digest} {stat.st_size} {stat.st_ino} {stat.st_mtime_ns} {stat.st_ctime_ns}"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):  # missing, unreadable, or not text: no match
        return None


class MLDesignBuilder(DummyBuilder):
    """``-b mldesign``: reads the project, runs the checks, writes only ``mldesign.json``."""

    name = "mldesign"
    format = "mldesign"
    epilog = "The design-doc export is in %(outdir)s/" + EXPORT_FILENAME + "."

    def get_outdated_docs(self) -> set[str]:
        # Nothing to write per page: the export comes from the domain, not from doctrees.
        return set()


def setup(app: Sphinx) -> None:
    app.add_builder(MLDesignBuilder)
    app.connect("build-finished", write_export)
