"""Roll-ups stay right on incremental and parallel builds: the edit-in-A, table-in-B case
for every roll-up, removed documents, settings, partial builds, shared environments and
a damaged state file; and what is not re-written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.parallel import parallel_available

from helpers import Build, Copy, page, tables_of

EDITS = [
    # (file, old text, new text, the roll-up table, then the cell (row key, column) that
    # must change to show it -- or, for the chains, a sentence that must appear)
    ("design.rst", ":priority: must\n", ":priority: could\n", "ml-requirement-index",
     ("REQ-FAST", 2, "could")),
    ("design.rst", ":likelihood: high\n   :impact: very-high", ":likelihood: low\n   :impact: low",
     "ml-risk-register", ("RISK-DRIFT", 5, "4")),
    ("design.rst", "   :window: 5m\n", "   :window: 15m\n", "ml-monitoring-index",
     ("MET-P99", 6, "15m")),
    ("people.rst", ":areas: evaluation", ":areas: evaluation, labelling", "ml-area-index",
     ("labelling", 1, "ben")),
    ("design.rst", ":kind: constant\n", ":kind: heuristic\n", "ml-chain",
     "the last tier is a heuristic"),
    ("design.rst", ":reviewed: 2025-01-01", ":reviewed: 2026-10-30", "ml-freshness-index",
     ("Design", 5, "fresh")),
]  # fmt: skip


Shows = str | tuple[str, int, str]


def _shown(html: str, where: str, shows: Shows) -> str | None:
    """The cell (or, for a sentence, the sentence if present) the edit must change."""
    if isinstance(shows, str):
        return shows if shows in html.split(where, 1)[1] else None
    key, column, _ = shows
    [table] = tables_of(html, where)
    row = next((row for row in table[1:] if row[0] == key), None)
    return None if row is None else row[column]


SPHINX_REWRITES = {"genindex.html", "search.html", "index.html"}


def _mtimes(app: SphinxTestApp) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in Path(app.outdir).glob("*.html")}


@pytest.mark.parametrize(
    ("filename", "old", "new", "where", "shows"), EDITS, ids=[e[3] for e in EDITS]
)
def test_edit_in_one_page_updates_the_rollup_in_another(
    filename: str, old: str, new: str, where: str, shows: Shows, build: Build, copy_root: Copy
) -> None:
    src = copy_root("rollups")
    first = build(src)
    expected = shows if isinstance(shows, str) else shows[2]
    assert _shown(page(first, "rollups"), where, shows) != expected  # not so before
    before = _mtimes(first)
    source = src / filename
    text = source.read_text(encoding="utf-8")
    assert old in text
    source.write_text(text.replace(old, new, 1), encoding="utf-8")
    second = build(src)
    rewritten = {name for name, mtime in _mtimes(second).items() if mtime != before.get(name)}
    # The edited page and the roll-up pages are re-written; nothing else is (but for what
    # Sphinx itself always refreshes: the indices, and the toctree parent of an edited page).
    rewritten -= SPHINX_REWRITES
    assert rewritten == {filename.replace(".rst", ".html"), "rollups.html", "filtered.html"}
    fresh = copy_root("rollups", "fresh")
    (fresh / filename).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    clean = build(fresh)
    assert page(second, "rollups") == page(clean, "rollups")
    assert page(second, "filtered") == page(clean, "filtered")
    assert _shown(page(second, "rollups"), where, shows) == expected


def test_removed_document_leaves_the_rollups(build: Build, copy_root: Copy) -> None:
    src = copy_root("rollups")
    build(src)
    (src / "people.rst").unlink()
    index = src / "index.rst"
    index.write_text(index.read_text().replace("   people\n", ""))
    app = build(src)
    html = page(app, "rollups")
    assert "Ann Lee" not in html
    assert "No owners match this index." in html


def test_settings_change_rewrites_rollups_without_rereading(build: Build, copy_root: Copy) -> None:
    src = copy_root("rollups")
    build(src)
    app = build(src, confoverrides={"mldesign_min_bus_factor": 3})
    assert "0 added, 0 changed, 0 removed" in app.status.getvalue()
    [areas] = tables_of(page(app, "rollups"), "ml-area-index")
    assert [row[3] for row in areas[1:]] == ["✗ 1", "✗ 2", "✗ 2"]


def test_a_setting_shown_only_in_a_rollup_rewrites_it(build: Build, copy_root: Copy) -> None:
    """The review period changes no finding here (what is stale stays stale), only the
    freshness index's note: the roll-up page is re-written all the same."""
    src = copy_root("rollups")
    first = build(src)
    assert "is more than 180d old." in page(first, "rollups")
    app = build(src, confoverrides={"mldesign_review_every": "190d"})
    assert "0 added, 0 changed, 0 removed" in app.status.getvalue()
    html = page(app, "rollups")
    assert "is more than 190d old." in html and "180d" not in html
    [table] = tables_of(html, "ml-freshness-index")
    assert table[1][5] == "✗ stale: REQ-GOOD"


def test_unchanged_rebuild_rewrites_nothing(build: Build, copy_root: Copy) -> None:
    src = copy_root("rollups")
    before = _mtimes(build(src))
    after = _mtimes(build(src))
    changed = {name for name in after if after[name] != before[name]}
    assert changed <= {"genindex.html", "search.html"}  # Sphinx writes those every time


def test_moving_items_down_a_page_does_not_rewrite_rollups(build: Build, copy_root: Copy) -> None:
    src = copy_root("rollups")
    before = _mtimes(build(src))
    design = src / "design.rst"
    design.write_text(
        design.read_text().replace("Design\n======\n", "Design\n======\n\nA new paragraph.\n")
    )
    after = _mtimes(build(src))
    assert after["design.html"] != before["design.html"]
    assert after["rollups.html"] == before["rollups.html"]


@pytest.mark.skipif(not parallel_available, reason="needs fork-based parallel builds")
def test_parallel_rollups_equal_serial(build: Build, copy_root: Copy) -> None:
    serial = build(copy_root("rollups", "serial"))
    parallel = build(copy_root("rollups", "parallel"), parallel=2)
    for docname in ("rollups", "filtered", "design"):
        assert page(parallel, docname) == page(serial, docname)


def test_a_build_of_some_files_does_not_lose_a_rollup_update(build: Build, copy_root: Copy) -> None:
    """`sphinx-build ... design.rst` writes only that page; the next full build must still
    re-write the roll-ups."""
    src = copy_root("rollups")
    build(src)
    design = src / "design.rst"
    design.write_text(design.read_text().replace("Rank fast", "Rank faster"))
    partial = SphinxTestApp("html", srcdir=src)
    try:
        partial.build(force_all=False, filenames=[str(design)])
    finally:
        partial.cleanup()
    assert "Rank fast<" in page(partial, "rollups")  # not written by the partial build
    app = build(src)
    assert "Rank faster" in page(app, "rollups")


def test_two_output_directories_sharing_one_environment(copy_root: Copy, tmp_path: Path) -> None:
    """``sphinx-build -d DOCTREES``: what one output directory was written with says nothing
    about another."""
    src = copy_root("rollups")

    def build_into(name: str) -> str:
        out = tmp_path / name
        command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-d", str(tmp_path / "dt")]
        # Exit 1: test-rollups has error-level findings on purpose.
        result = subprocess.run([*command, str(src), str(out)], capture_output=True, check=False)
        assert result.returncode in (0, 1), result.stderr
        return (out / "rollups.html").read_text(encoding="utf-8")

    build_into("one")
    build_into("two")
    design = src / "design.rst"
    design.write_text(design.read_text().replace("Rank fast", "Rank faster"))
    assert "Rank faster" in build_into("two")
    assert "Rank faster" in build_into("one")


@pytest.mark.parametrize(
    "state", [b'{"targets": [], "rollups": 1}', b"[1, 2]", b"not json", b"\xff\xfe not text"]
)
def test_a_damaged_state_file_rewrites_the_rollups(
    state: bytes, build: Build, copy_root: Copy
) -> None:
    src = copy_root("rollups")
    first = build(src)
    before = _mtimes(first)
    (Path(first.outdir) / ".mldesign-state.json").write_bytes(state)
    second = build(src)
    assert second.statuscode == first.statuscode  # the same findings, no crash
    assert "Traceback" not in second.warning.getvalue()
    rewritten = {name for name, mtime in _mtimes(second).items() if mtime != before.get(name)}
    assert {"rollups.html", "filtered.html"} <= rewritten  # the old state is unknown
    assert page(second, "rollups") == page(first, "rollups")
