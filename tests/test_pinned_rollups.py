"""Pinned: what the roll-ups leave out and which date they show — inactive and imported
requirements are no coverage gap, derived risks follow :documents:, the freshness index
shows a document's latest git change and its oldest review. Each test kills a mutant of
tools/mutants.py that the rest of the suite let through."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Build, Copy, git, page, row_of, tables_of

CONF = 'extensions = ["sphinxcontrib_mldesign"]\nmldesign_today = "2026-11-01"\n'


def _project(tmp_path: Path, pages: dict[str, str], conf: str = CONF) -> Path:
    src = tmp_path / "p"
    src.mkdir()
    (src / "conf.py").write_text(conf, encoding="utf-8")
    for name, text in pages.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


def _gaps(html: str) -> str:
    """The text of the monitoring index's coverage gaps."""
    return html.split("Coverage gaps", 1)[1].split("</ul>", 1)[0]


def test_monitoring_gaps_spare_inactive_requirements(build: Build, tmp_path: Path) -> None:
    requirements = [("R-ACTIVE", ""), ("R-REJECTED", "   :status: rejected\n"),
                    ("R-DEPRECATED", "   :status: deprecated\n"), ("R-OUT", "   :scope: out\n")]  # fmt: skip
    index = "Gaps\n====\n\n.. ml-metric:: Quiet\n   :id: MET-QUIET\n\n" + "".join(
        f".. ml-requirement:: {rid}\n   :id: {rid}\n   :metrics: MET-QUIET\n{extra}\n"
        for rid, extra in requirements
    )
    html = page(
        build(_project(tmp_path, {"index.rst": index + ".. ml-monitoring-index::\n"})), "index"
    )
    gaps = _gaps(html)
    assert gaps.count("unmonitored") == 1 and "R-ACTIVE" in gaps
    assert not [rid for rid, _ in requirements[1:] if rid in gaps]


def test_imported_requirements_are_no_coverage_gap(build: Build, copy_root: Copy) -> None:
    """An imported requirement measured by an unmonitored metric is its project's
    business; a local one measured by the same imported metric is a gap here."""
    src = copy_root("portfolio")
    export = src / "exports" / "payments.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    data["items"]["REQ-LIMITS"]["metrics"] = ["MET-QUIET"]
    export.write_text(json.dumps(data), encoding="utf-8")
    (src / "plain.rst").write_text(
        "Plain\n=====\n\n.. ml-requirement:: Local\n   :id: REQ-LOCAL\n"
        "   :metrics: payments:MET-QUIET\n   :owner: ann\n\n"
        ".. ml-monitoring-index::\n   :projects: all\n",
        encoding="utf-8",
    )
    gaps = _gaps(page(build(src), "plain"))
    assert "REQ-LOCAL" in gaps
    assert "REQ-LIMITS" not in gaps


def test_derived_risks_follow_documents(build: Build, tmp_path: Path) -> None:
    """A risk index limited by :documents: derives risks only from findings reported in
    them: the bus factor of an area (reported at its owner) in a.rst is left out of an
    index of b.rst."""
    pages = {
        "index.rst": "Index\n=====\n\n.. toctree::\n\n   a\n   b\n\n"
        ".. ml-risk-index::\n   :documents: b\n",
        "a.rst": "A\n=\n\n.. owner:: Ann\n   :id: ann\n   :areas: serving\n",
        "b.rst": "B\n=\n\n.. ml-requirement:: Batch\n   :id: R-BATCH\n   :inference: batch\n"
        "   :owner: ann\n",
    }
    html = page(build(_project(tmp_path, pages)), "index")
    [derived] = tables_of(html, "ml-derived-risks")
    assert [row[1:3] for row in derived[1:]] == [["no fallback", "R-BATCH"]]


def test_freshness_shows_a_documents_latest_git_change(build: Build, tmp_path: Path) -> None:
    """A document whose items are in two files (one included) last changed when the
    later of them was committed."""
    pages = {
        "index.rst": "Index\n=====\n\n.. ml-metric:: A\n   :id: MET-A\n\n.. include:: part.inc\n\n"
        ".. ml-freshness-index::\n",
        "part.inc": ".. ml-metric:: B\n   :id: MET-B\n",
    }
    src = _project(tmp_path, pages, CONF.replace("2026-11-01", "2026-04-01"))
    git(src, "init", "-q")
    git(src, "add", ".")
    git(src, "commit", "-qm", "first", date="2026-01-05T12:00:00Z")
    (src / "part.inc").write_text(pages["part.inc"] + "   :kind: business\n", encoding="utf-8")
    git(src, "commit", "-qam", "later", date="2026-03-10T12:00:00Z")
    [table] = tables_of(page(build(src), "index"), "ml-freshness-index")
    assert row_of(table, "Index")["Last change (git)"] == "2026-03-10"


def test_freshness_shows_a_documents_oldest_review(build: Build, tmp_path: Path) -> None:
    index = (
        "Index\n=====\n\n.. ml-metric:: Newer\n   :id: MET-NEW\n   :reviewed: 2026-10-01\n\n"
        ".. ml-metric:: Older\n   :id: MET-OLD\n   :reviewed: 2026-09-01\n\n"
        ".. ml-freshness-index::\n"
    )
    [table] = tables_of(page(build(_project(tmp_path, {"index.rst": index})), "index"),
                        "ml-freshness-index")  # fmt: skip
    assert row_of(table, "Index")["Oldest review"] == "2026-09-01 (MET-OLD)"
