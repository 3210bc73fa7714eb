"""Which pages to re-write although their source did not change.

Two kinds of page show what other pages hold: pages linking to an item (the link shows its
title) and pages holding a roll-up. What they showed when last written is kept in the
output directory (``.mldesign-state.json``, next to Sphinx's ``.buildinfo``), not in the
environment: one environment may serve several output directories (``-d``), and a build
limited to some files (``sphinx-build ... file.rst``) writes only those. The state moves
on only when every page it marked was actually written, so a page is never left stale.

The state also records what the package shipped (:func:`.version.shipped_fingerprint`):
after an upgrade every page is re-written, also into an output directory whose
environment another build already brought up to date.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .domain import get_ml_domain
from .model.inputs.observed import OBSERVED
from .model.items import RollupUse
from .model.rules import Rule
from .rollups.view import selected_projects
from .state import BuildState, Rewrites, build_state
from .version import shipped_fingerprint

STATE_FILE = ".mldesign-state.json"


def _state_path(app: Sphinx) -> Path:
    return Path(app.builder.outdir) / STATE_FILE


def _load(app: Sphinx) -> dict[str, Any]:
    try:
        data = json.loads(_state_path(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


#: The roll-ups that show observed values (``mldesign_observe``): a new snapshot re-writes
#: the pages holding one of them, and no other.
OBSERVING_ROLLUPS = frozenset({"monitoring-index", "requirement-index", "trace", "portfolio"})
#: The settings of observation: what they change that a roll-up shows (the values, their
#: ages, the findings) is fingerprinted, not they.
OBSERVATION_SETTINGS = (
    "observe", "observe_snapshot", "observe_at", "observe_max_age", "observe_trend",
    "prometheus", "mlflow",
)  # fmt: skip
#: The rules whose findings come from observed values (the portfolio counts them).
OBSERVATION_RULES = frozenset(
    {Rule.TARGET_MISSED, Rule.THRESHOLD_BREACHED, Rule.OBSERVATION_FAILED, Rule.OBSERVATION_STALE}
)


def rollup_digest(state: BuildState) -> tuple[str, str | None]:
    """A fingerprint of everything a roll-up can show: the items, the git dates and page
    titles, today, every setting, and the findings the roll-ups mark. When it changes,
    every page holding a roll-up is re-written; when it does not, none is.

    With ``mldesign_observe`` on, what only the roll-ups showing observed values show
    (the observations and their ages, the findings about them) is a second fingerprint,
    None when it is off (and the first is the one it always was)."""
    context = state.context
    fingerprint = {
        # Line numbers are not shown in roll-ups: an edit that only moves items down a
        # page does not re-write them. Their order is kept.
        "items": [
            {**item.export(), "lineno": None, "anchor": item.anchor} for item in context.items
        ],
        **context.inputs.fingerprints(),  # "git": the files' dates
        "titles": {
            docname: context.titles.get(docname, "")
            for docname in sorted({item.docname for item in context.items})
        },
        "today": context.today.isoformat(),
        "config": context.config.as_dict(),
        "findings": [
            [finding.rule.subtype, finding.subject, finding.summary, list(finding.concerns)]
            for finding in state.findings.reported
        ],
        # Imports whose items these roll-ups show (a link, a person of a shared area).
        "imports": {
            name: context.imports[name].digest for name in sorted(context.depended_imports)
        },
        # The order "all" shows projects in (the config's dict is compared sorted), and
        # the pages portfolios link to.
        "import_order": list(context.config.imports),
        "rollup_pages": context.rollup_pages,
    }
    observed = _observed_part(state, fingerprint)
    return _digest(fingerprint), None if observed is None else _digest(observed)


def _digest(fingerprint: object) -> str:
    text = json.dumps(fingerprint, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _observed_part(state: BuildState, fingerprint: dict[str, Any]) -> dict[str, Any] | None:
    """Takes out of the roll-ups' fingerprint what only observed values change; None (and
    nothing taken) when observation is off."""
    if state.context.observed.mode == "off":
        return None
    config = fingerprint["config"] = dict(fingerprint["config"])
    findings = list(zip(state.findings.reported, fingerprint["findings"], strict=True))
    fingerprint["findings"] = [shown for f, shown in findings if f.rule not in OBSERVATION_RULES]
    for name in OBSERVATION_SETTINGS:
        del config[name]
    return {
        "observed": fingerprint.pop(OBSERVED.name),
        "findings": [shown for f, shown in findings if f.rule in OBSERVATION_RULES],
    }


def page_digests(state: BuildState, local: str, observed: str | None) -> dict[str, str]:
    """Each page holding roll-ups -> a fingerprint of what they show: this project's, the
    content of every import they select, so a changed import re-writes the pages that
    show it and no other, and the observed values where a roll-up shows them."""
    context = state.context
    by_page: dict[str, list[RollupUse]] = {}
    for use in context.rollups:
        by_page.setdefault(use.docname, []).append(use)
    pages = {}
    for docname, uses in by_page.items():
        selected = {
            name for use in uses for name in selected_projects(use.projects, context.imports)
        }
        names = context.imports_reached(selected)
        shown = {name: context.imports[name].digest for name in sorted(names)}
        # Which imports are readable matters too ("all" selects those that are).
        page: list[Any] = [local, shown, list(context.imports)]
        if observed is not None and any(use.kind in OBSERVING_ROLLUPS for use in uses):
            page.append(observed)
        text = json.dumps(page, sort_keys=True)
        pages[docname] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return pages


def on_env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    if app.builder.name == "mldesign":
        return []  # writes no pages (and nothing but the export into its directory)
    domain = get_ml_domain(env)
    state = build_state(env)
    previous = _load(app)
    targets: dict[str, list[Any] | None] = dict(domain.link_targets())
    targets.update(
        (target, None if item is None else [item.type, item.title, item.url])
        for target, item in state.context.imported_refs.items()
    )
    old_targets = previous.get("targets")
    if not isinstance(old_targets, dict):  # no state yet, or a damaged file
        old_targets = {}
    changed = {
        i for i in targets.keys() | old_targets.keys() if targets.get(i) != old_targets.get(i)
    }
    outdated = domain.docs_referencing(changed) if changed else set()
    pages: dict[str, str] = {}
    if domain.rollups_by_doc:
        # Only for a project with roll-ups: the fingerprint reads every item and git.
        pages = page_digests(state, *rollup_digest(state))
        old_pages = previous.get("rollups")
        if not isinstance(old_pages, dict):
            old_pages = {}
        outdated.update(
            docname for docname, digest in pages.items() if old_pages.get(docname) != digest
        )
    fingerprint = shipped_fingerprint()
    if previous.get("fingerprint") != fingerprint:  # written by another version, or unknown
        outdated = set(env.found_docs)
    outdated &= env.found_docs
    state.rewrites = Rewrites(
        {"fingerprint": fingerprint, "targets": targets, "rollups": pages}, outdated
    )
    return sorted(outdated)


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    rewrites = build_state(app.env).rewrites
    if rewrites is not None:
        rewrites.written.add(docname)


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.env is None:
        return
    rewrites = build_state(app.env).rewrites
    if rewrites is None or not rewrites.must_write <= rewrites.written:
        return  # keep the old state: the pages it marks are still to be written
    text = json.dumps(rewrites.state, sort_keys=True, ensure_ascii=False)
    path = _state_path(app)
    try:
        data = text.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:  # bytes: a damaged file is no error
            path.write_bytes(data)
    except OSError:
        pass  # an unwritable output directory only costs re-writes next time


def setup(app: Sphinx) -> None:
    app.connect("env-get-updated", on_env_get_updated)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("build-finished", on_build_finished)
