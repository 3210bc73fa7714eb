"""Pinned: the roll-up fingerprint (outputs.py) holds everything a roll-up shows that can
change while the items do not — a page title, today's date, a git commit (a deployed rule
file: tests/test_alerts.py) — so an incremental build re-writes the pages holding
roll-ups, and they read as a clean build's. Each test kills a mutant of tools/mutants.py
that the rest of the suite let through."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import Build, Copy, edit, git, page, row_of, tables_of

CONF = 'extensions = ["sphinxcontrib_mldesign"]\n'
INDEX = "Index\n=====\n\n.. toctree::\n\n   design\n   rollups\n"
DESIGN = (
    "Design\n======\n\nWhat we build.\n\n.. ml-metric:: Latency\n   :id: MET-A\n   :kind: system\n"
)


def _project(tmp_path: Path, conf: str, rollups: str) -> Path:
    src = tmp_path / "p"
    src.mkdir()
    (src / "conf.py").write_text(CONF + conf, encoding="utf-8")
    (src / "index.rst").write_text(INDEX, encoding="utf-8")
    (src / "design.rst").write_text(DESIGN, encoding="utf-8")
    (src / "rollups.rst").write_text(f"Roll-ups\n========\n\n{rollups}\n", encoding="utf-8")
    return src


def _same_as_clean(app: SphinxTestApp, src: Path, build: Build, tmp_path: Path) -> None:
    """The incrementally built roll-up page reads as a clean build's of the same sources."""
    fresh = tmp_path / "fresh"
    shutil.copytree(src, fresh, ignore=shutil.ignore_patterns("_build"))
    assert page(app, "rollups") == page(build(fresh), "rollups")


def _freshness(app: SphinxTestApp, document: str) -> dict[str, str]:
    [table] = tables_of(page(app, "rollups"), "ml-freshness-index")
    return row_of(table, document)


def test_a_new_page_title_rewrites_the_rollups(build: Build, copy_root: Copy) -> None:
    """The freshness index names documents by their titles."""
    src = copy_root("rollups")
    assert _freshness(build(src), "Design")["Items"] == "12"
    edit(src / "design.rst", "Design\n======\n", "Design notes\n============\n")
    assert _freshness(build(src), "Design notes")["Items"] == "12"


def test_a_new_day_rewrites_the_rollups(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without mldesign_today, today is the build's date (here SOURCE_DATE_EPOCH's): the
    next day's build says so, though no item and no finding changed."""
    src = _project(tmp_path, "", ".. ml-freshness-index::")
    day = dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(day.timestamp())))
    assert "As of 2026-11-01;" in page(build(src), "rollups")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int((day + dt.timedelta(days=1)).timestamp())))
    app = build(src)
    assert "As of 2026-11-02;" in page(app, "rollups")
    _same_as_clean(app, src, build, tmp_path)


def test_a_new_git_commit_rewrites_the_rollups(build: Build, tmp_path: Path) -> None:
    """A commit that changes only prose changes no item, but the page's git date."""
    src = _project(tmp_path, 'mldesign_today = "2026-04-01"\n', ".. ml-freshness-index::")
    git(src, "init", "-q")
    git(src, "add", ".")
    git(src, "commit", "-qm", "first", date="2026-03-01T12:00:00Z")
    assert _freshness(build(src), "Design")["Last change (git)"] == "2026-03-01"
    edit(src / "design.rst", "What we build.", "What we build, and why.")
    git(src, "commit", "-qam", "prose", date="2026-03-20T12:00:00Z")
    app = build(src)
    assert _freshness(app, "Design")["Last change (git)"] == "2026-03-20"
    _same_as_clean(app, src, build, tmp_path)


def test_an_import_no_longer_readable_rewrites_the_portfolio(build: Build, tmp_path: Path) -> None:
    """With the ``import`` rule off no finding changes, yet the portfolio, which lists
    every import, now says that one could not be read."""
    conf = 'mldesign_imports = {"other": "other.json"}\nmldesign_rules = {"import": "off"}\n'
    src = _project(tmp_path, conf, ".. ml-portfolio::")
    export = '{"version": 1, "project": "Other", "items": {}, "violations": []}'
    (src / "other.json").write_text(export, encoding="utf-8")
    [table] = tables_of(page(build(src), "rollups"), "ml-portfolio")
    assert table[2][:2] == ["Other — other", "0"]
    (src / "other.json").unlink()
    app = build(src)
    [table] = tables_of(page(app, "rollups"), "ml-portfolio")
    assert table[2][:2] == ["other", "✗ could not be read (see the build's import warning)"]
    _same_as_clean(app, src, build, tmp_path)
