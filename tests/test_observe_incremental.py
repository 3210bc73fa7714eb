"""Observed values on incremental and parallel builds: a changed snapshot, or a new time
that changes an age shown, re-writes exactly the pages whose roll-ups show observed values
(monitoring, requirement index, trace, portfolio); an unchanged one re-writes none; ``-j 2``
writes what a serial build writes. Real builds of tests/roots/test-observe-rollups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.parallel import parallel_available

from helpers import Build, Copy, page, row_of, tables_of

#: What Sphinx itself re-writes: the indices on every build, and the toctree parent of a
#: page that is re-written (as in tests/test_rollups_incremental.py).
SPHINX_REWRITES = {"genindex.html", "search.html", "index.html"}
#: The pages of the root holding a roll-up that shows observed values.
OBSERVING = {"monitoring.html", "requirements.html", "trace.html", "portfolio.html"}


def _mtimes(app: SphinxTestApp) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in Path(app.outdir).glob("*.html")}


def _rewritten(before: dict[str, int], app: SphinxTestApp) -> set[str]:
    after = _mtimes(app)
    return {name for name in after if after[name] != before.get(name)} - SPHINX_REWRITES


def _observed(app: SphinxTestApp, metric: str) -> str:
    [table] = tables_of(page(app, "monitoring"), "ml-monitoring-index")
    return row_of(table, metric)["Observed"]


def _set_value(src: Path, metric: str, value: float) -> None:
    path = src / "observed.json"
    snapshot = json.loads(path.read_text(encoding="utf-8"))
    snapshot["observations"][metric]["value"] = value
    path.write_text(json.dumps(snapshot), encoding="utf-8")


def test_a_changed_snapshot_rewrites_only_the_pages_showing_observations(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("observe-rollups")
    first = build(src)
    assert _observed(first, "MET-AUC").startswith("✓ met 0.9312")
    before = _mtimes(first)
    _set_value(src, "MET-AUC", 0.85)  # now misses its target and is past warn
    second = build(src)
    assert _observed(second, "MET-AUC").startswith("▲ warn ✗ missed 0.85")
    # The ownership page, the items' pages and the index show no observed value.
    assert _rewritten(before, second) == OBSERVING
    fresh = copy_root("observe-rollups", "fresh")
    _set_value(fresh, "MET-AUC", 0.85)
    clean = build(fresh)
    for docname in ("monitoring", "requirements", "trace", "portfolio"):
        assert page(second, docname) == page(clean, docname), docname


def test_an_unchanged_snapshot_rewrites_nothing(build: Build, copy_root: Copy) -> None:
    src = copy_root("observe-rollups")
    before = _mtimes(build(src))
    assert _rewritten(before, build(src)) == set()


@pytest.mark.parametrize(
    ("at", "rewrites", "age"),
    [
        ("2026-12-01T16:00:00Z", OBSERVING, "· 4 h ago"),  # every age shown moves on
        ("2026-12-01T15:20:00Z", set(), "· 3 h ago"),  # no age shown changes
    ],
)
def test_a_new_evaluation_time_rewrites_the_pages_whose_ages_change(
    at: str, rewrites: set[str], age: str, build: Build, copy_root: Copy
) -> None:
    src = copy_root("observe-rollups")
    before = _mtimes(build(src))
    app = build(src, confoverrides={"mldesign_observe_at": at})
    assert "0 added, 0 changed, 0 removed" in app.status.getvalue()
    assert _rewritten(before, app) == rewrites
    assert age in _observed(app, "MET-AUC")


def test_turning_observation_off_rewrites_the_pages_that_showed_it(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("observe-rollups")
    before = _mtimes(build(src))
    app = build(src, confoverrides={"mldesign_observe": "off"})
    assert _rewritten(before, app) >= OBSERVING
    assert "ml-observed" not in page(app, "monitoring")


@pytest.mark.skipif(not parallel_available, reason="needs fork-based parallel builds")
def test_parallel_equals_serial(build: Build, copy_root: Copy) -> None:
    serial = build(copy_root("observe-rollups", "serial"))
    parallel = build(copy_root("observe-rollups", "parallel"), parallel=2)
    for docname in ("monitoring", "requirements", "trace", "portfolio", "ownership", "design"):
        assert page(parallel, docname) == page(serial, docname), docname
