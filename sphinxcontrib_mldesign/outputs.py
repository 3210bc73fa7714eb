"""Which pages to re-write although their source did not change.

Two kinds of page show what other pages hold: pages linking to an item (the link shows its
title) and pages holding a roll-up. What they showed when last written is kept in the
output directory (``.mldesign-state.json``, next to Sphinx's ``.buildinfo``), not in the
environment: one environment may serve several output directories (``-d``), and a build
limited to some files (``sphinx-build ... file.rst``) writes only those. The state moves
on only when every page it marked was actually written, so a page is never left stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .domain import get_ml_domain

STATE_FILE = ".mldesign-state.json"


class PendingState:
    """This build's state, and the pages that must be written before it can be saved.
    Kept on the domain for the length of one build (domains are not pickled)."""

    def __init__(self, state: dict[str, Any], must_write: set[str]) -> None:
        self.state = state
        self.must_write = must_write
        self.written: set[str] = set()


def _state_path(app: Sphinx) -> Path:
    return Path(app.builder.outdir) / STATE_FILE


def _load(app: Sphinx) -> dict[str, Any]:
    try:
        data = json.loads(_state_path(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def on_env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    if app.builder.name == "mldesign":
        return []  # writes no pages (and nothing but the export into its directory)
    domain = get_ml_domain(env)
    previous = _load(app)
    targets = domain.link_targets()
    old_targets = previous.get("targets")
    if not isinstance(old_targets, dict):  # no state yet, or a damaged file
        old_targets = {}
    changed = {
        i for i in targets.keys() | old_targets.keys() if targets.get(i) != old_targets.get(i)
    }
    outdated = domain.docs_referencing(changed) if changed else set()
    digest = ""
    if domain.rollups_by_doc and domain.context is not None:
        # Only for a project with roll-ups: the fingerprint reads every item and git.
        digest = domain.context.rollup_digest()
        if digest != previous.get("rollups"):
            outdated.update(domain.rollups_by_doc)
    outdated &= env.found_docs
    domain.pending_state = PendingState({"targets": targets, "rollups": digest}, outdated)
    return sorted(outdated)


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    pending = get_ml_domain(app.env).pending_state
    if pending is not None:
        pending.written.add(docname)


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if app.env is None:
        return
    domain = get_ml_domain(app.env)
    pending, domain.pending_state = domain.pending_state, None
    if exception is not None or pending is None or not pending.must_write <= pending.written:
        return  # keep the old state: the pages it marks are still to be written
    text = json.dumps(pending.state, sort_keys=True, ensure_ascii=False)
    path = _state_path(app)
    try:
        data = text.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:  # bytes: a damaged file is no error
            path.write_bytes(data)
    except OSError:
        pass  # an unwritable output directory only costs re-writes next time
