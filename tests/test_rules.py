"""The cross-item rules of SPEC section 5: settings, freshness from git, chains, and the
same answer whatever the build (parallel, incremental, config change)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.parallel import parallel_available

from helpers import Build, Copy, export_of, export_text, warnings_of
from helpers import git as _git

DOCS = Path(__file__).parent.parent / "docs"

CONF = 'project = "Rules"\nextensions = ["sphinxcontrib_mldesign"]\nshow_warning_types = True\n'


def write_project(root: Path, files: dict[str, str], conf: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(CONF + conf, encoding="utf-8")
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def rules_of(app: SphinxTestApp) -> list[tuple[str, str | None]]:
    return [(v["rule"], v["item"]) for v in export_of(app)["violations"]]


# -- freshness ----------------------------------------------------------------------------

STALE_DOC = """Doc
===

.. owner:: Ann
   :id: ann
   :areas: serving
   :backups: ben

.. owner:: Ben
   :id: ben
   :reviewed: 2026-10-01
"""


def _commit_all(root: Path, date: str) -> None:
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", f"at {date}", date=date)


@pytest.mark.parametrize("dirname", ["repo", "repo "])  # git prints the top level as is
def test_items_without_reviewed_are_dated_by_git(
    dirname: str, build: Build, tmp_path: Path
) -> None:
    root = write_project(
        tmp_path / dirname,
        {
            "index.rst": STALE_DOC + "\n.. toctree::\n\n   fresh\n   new\n",
            "fresh.rst": "",
            "new.rst": "",
        },
        'mldesign_today = "2026-11-01"\n',
    )
    _git(root, "init", "-q")
    _git(root, "add", "conf.py", "index.rst")
    _git(root, "commit", "-q", "-m", "old", date="2025-01-10T12:00:00+00:00")
    item = ".. owner:: {0}\n   :id: {0}\n   :backups: ann\n"
    (root / "fresh.rst").write_text("Fresh\n=====\n\n" + item.format("cy"), encoding="utf-8")
    _git(root, "add", "fresh.rst")
    _git(root, "commit", "-q", "-m", "recent", date="2026-10-30T12:00:00+00:00")
    # Never committed: git knows no date, so the rule stays quiet about it.
    (root / "new.rst").write_text("New\n===\n\n" + item.format("dee"), encoding="utf-8")

    app = build(root)
    assert rules_of(app) == [("stale", "ann")]  # ben has a recent :reviewed:
    assert (
        f"{root / 'index.rst'}:4: WARNING: owner 'ann' is stale: its file last changed in git "
        "on 2025-01-10, 660 days before 2026-11-01 (review every 180d) [mldesign.stale]"
    ) in warnings_of(app)


def test_odd_file_names_are_dated_too(build: Build, tmp_path: Path) -> None:
    """Names git would read as pathspec magic, or print quoted."""
    root = write_project(
        tmp_path / "repo",
        {
            "index.rst": "Index\n=====\n\n.. toctree::\n   :glob:\n\n   *\n",
            ":(magic)x.rst": "Magic\n=====\n\n.. owner:: M\n   :id: magic\n",
            'q"uote é.rst': "Quote\n=====\n\n.. owner:: Q\n   :id: quote\n",
        },
        'mldesign_today = "2026-11-01"\n',
    )
    _commit_all(root, "2025-01-10T12:00:00+00:00")
    app = build(root)
    assert sorted(rules_of(app)) == [("stale", "magic"), ("stale", "quote")]


def test_a_shallow_clone_does_not_date_files_by_its_cut_off_commit(
    build: Build, tmp_path: Path
) -> None:
    origin = write_project(
        tmp_path / "origin",
        {
            "index.rst": "Index\n=====\n\n.. toctree::\n\n   old\n",
            "old.rst": "Old\n===\n\n.. owner:: O\n   :id: old\n",
        },
        'mldesign_today = "2026-11-01"\n',
    )
    _commit_all(origin, "2024-01-10T12:00:00+00:00")
    (origin / "index.rst").write_text("Index\n=====\n\nNew text.\n\n.. toctree::\n\n   old\n")
    _git(origin, "commit", "-q", "-am", "tip", date="2024-02-10T12:00:00+00:00")
    assert rules_of(build(origin)) == [("stale", "old")]  # full history: dated 2024-01-10
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--depth", "1", origin.as_uri(), str(clone))
    # The cut-off commit stands for all older history: it does not date old.rst.
    assert rules_of(build(clone)) == []


def test_outside_a_git_work_tree_there_is_no_git_date(build: Build, tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "plain", {"index.rst": STALE_DOC}, 'mldesign_today = "2030-01-01"\n'
    )
    app = build(root)
    assert rules_of(app) == [("stale", "ben")]  # only the :reviewed: date counts


def test_without_git_installed_freshness_is_skipped_quietly(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(
        tmp_path / "repo", {"index.rst": STALE_DOC}, 'mldesign_today = "2030-01-01"\n'
    )
    _commit_all(root, "2025-01-10T12:00:00+00:00")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    app = build(root)
    assert rules_of(app) == [("stale", "ben")]
    assert "Traceback" not in app.warning.getvalue()


@pytest.mark.parametrize("epoch", ["300000000000", "-99999999999999", "1e9"])
def test_unusable_source_date_epoch_falls_back_to_the_clock(
    epoch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    from sphinxcontrib_mldesign.config import MLDesignConfig

    # Local clocks 26 hours apart (POSIX TZ strings, no tz database needed): at least one
    # of them is on another day than UTC, so a local date would show.
    for local in ("AAA+12", "BBB-14"):
        monkeypatch.setenv("TZ", local)
        time.tzset()
        before = dt.datetime.now(dt.timezone.utc).date()
        today = MLDesignConfig().today_date()
        after = dt.datetime.now(dt.timezone.utc).date()
        assert before <= today <= after  # the clock (UTC), not a clamped date or a traceback
    monkeypatch.undo()  # TZ as it was, then the time module told
    time.tzset()


def test_source_date_epoch_sets_today(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # 2030-01-01
    app = build(write_project(tmp_path / "p", {"index.rst": STALE_DOC}))
    assert any("days before 2030-01-01" in w for w in warnings_of(app))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # 2026-09-21: before the review
    app = build(write_project(tmp_path / "q", {"index.rst": STALE_DOC}))
    assert rules_of(app) == []


# -- settings -----------------------------------------------------------------------------


@pytest.mark.sphinx(
    "html",
    testroot="broken",
    confoverrides={"mldesign_min_bus_factor": 3, "mldesign_review_every": "1200d"},
)
def test_bus_factor_and_review_period_are_settings(app: SphinxTestApp) -> None:
    app.build()
    rules = rules_of(app)
    assert ("bus-factor", "ann") in rules  # 'serving': ann + backup ben = 2 < 3
    assert not [r for r in rules if r[0] == "stale"]  # 1035 days < 1200d
    assert any(
        "area 'serving' has a bus factor of 2 (ann, ben); at least 3" in w for w in warnings_of(app)
    )


def test_changing_rule_settings_rereads_nothing(build: Build, copy_root: Copy) -> None:
    src = copy_root("broken")
    first = build(src)
    assert ("stale", "REQ-OLD") in rules_of(first)
    second = build(
        src, confoverrides={"mldesign_rules": {"stale": "off"}, "mldesign_today": "2027-01-01"}
    )
    assert "0 added, 0 changed, 0 removed" in second.status.getvalue()
    assert ("stale", "REQ-OLD") not in rules_of(second)
    assert rules_of(second) == [r for r in rules_of(first) if r[0] != "stale"]


# -- one answer whatever the build --------------------------------------------------------


@pytest.mark.skipif(not parallel_available, reason="needs fork-based parallel builds")
def test_parallel_build_reports_the_same_problems(build: Build, copy_root: Copy) -> None:
    serial = build(copy_root("broken", "serial"))
    parallel = build(copy_root("broken", "parallel"), parallel=2)
    assert export_text(parallel) == export_text(serial)

    def located(app: SphinxTestApp) -> list[str]:
        return sorted(w.replace(str(app.srcdir), "<src>") for w in warnings_of(app))

    assert located(parallel) == located(serial)
    assert parallel.statuscode == serial.statuscode == 1


def test_fix_in_one_file_clears_a_problem_reported_in_another(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("broken")
    (src / "metrics.rst").write_text(
        "Metrics\n=======\n\n.. metric:: Defined elsewhere\n   :id: MET-ELSEWHERE\n"
        "   :owner: ann\n   :kind: system\n",
        encoding="utf-8",
    )
    index = src / "index.rst"
    index.write_text(index.read_text().replace("   rules\n", "   rules\n   metrics\n"))
    rules = src / "rules.rst"
    rules.write_text(rules.read_text().replace(":trigger: MET-QUIET", ":trigger: MET-ELSEWHERE"))
    before = build(src)
    assert ("trigger-not-monitored", "MET-ELSEWHERE") in rules_of(before)
    metrics = src / "metrics.rst"
    metrics.write_text(metrics.read_text() + "   :crit: p99 > 300 ms\n")
    incremental = build(src)
    assert ("trigger-not-monitored", "MET-ELSEWHERE") not in rules_of(incremental)
    fresh_copy = src.parent / "fresh"
    shutil.copytree(src, fresh_copy, ignore=shutil.ignore_patterns("_build"))
    assert export_text(build(fresh_copy)) == export_text(incremental)


# -- chains -------------------------------------------------------------------------------

FALLBACK = ".. fallback:: {id}\n   :id: {id}\n   :owner: ann\n   :kind: {kind}\n{next}\n"
ANN = ".. owner:: Ann\n   :id: ann\n\n"


def _fallbacks(*tiers: tuple[str, str, str | None]) -> str:
    return (
        "Chains\n======\n\n"
        + ANN
        + "".join(
            FALLBACK.format(id=i, kind=k, next=f"   :next: {n}\n" if n else "") for i, k, n in tiers
        )
    )


def test_two_chains_merging_into_one_unsafe_tier_report_it_once(
    build: Build, tmp_path: Path
) -> None:
    doc = _fallbacks(("A", "model", "C"), ("B", "cache", "C"), ("C", "previous-version", None))
    app = build(write_project(tmp_path / "p", {"index.rst": doc}))
    assert rules_of(app) == [("fallback-terminal", "C")]


def test_a_chain_running_into_a_loop_reports_the_loop_once(build: Build, tmp_path: Path) -> None:
    doc = _fallbacks(
        ("HEAD", "model", "X"), ("X", "rule", "Y"), ("Y", "rule", "Z"), ("Z", "rule", "X")
    )
    app = build(write_project(tmp_path / "p", {"index.rst": doc}))
    assert rules_of(app) == [("fallback-cycle", "X")]
    assert any("loops: X -> Y -> Z -> X" in w for w in warnings_of(app))


def test_a_broken_next_is_only_an_unknown_ref(build: Build, tmp_path: Path) -> None:
    doc = _fallbacks(("A", "model", "GONE"), ("S", "constant", None))
    app = build(write_project(tmp_path / "p", {"index.rst": doc}))
    assert rules_of(app) == [("unknown-ref", "A")]


def test_a_fallback_pointing_at_itself_is_a_loop(build: Build, tmp_path: Path) -> None:
    app = build(write_project(tmp_path / "p", {"index.rst": _fallbacks(("A", "rule", "A"))}))
    assert rules_of(app) == [("fallback-cycle", "A")]


# -- rules that must stay quiet -----------------------------------------------------------


def test_inactive_requirements_need_no_metric_but_still_a_target_and_fallback(
    build: Build, tmp_path: Path
) -> None:
    """As the spec's table says: only must-needs-metric spares out-of-scope, rejected and
    deprecated requirements."""
    doc = ANN + "".join(
        f".. ml-requirement:: R{n}\n   :id: R{n}\n   :owner: ann\n   :priority: must\n"
        f"   :kind: non-functional\n   :inference: batch\n   {extra}\n\n"
        for n, extra in enumerate([":scope: out", ":status: rejected", ":status: deprecated"])
    )
    app = build(write_project(tmp_path / "p", {"index.rst": "Reqs\n====\n\n" + doc}))
    rules = rules_of(app)
    assert not [rule for rule, _ in rules if rule == "must-needs-metric"]
    assert sorted(rules) == sorted(
        (rule, f"R{n}")
        for n in range(3)
        for rule in ("nonfunctional-needs-target", "serving-needs-fallback")
    )


def test_mitigated_or_low_risks_need_no_mitigation(build: Build, tmp_path: Path) -> None:
    risk = ".. ml-risk:: {0}\n   :id: {0}\n   :owner: ann\n   :likelihood: {1}\n   :impact: high\n   :status: {2}\n\n"
    doc = "Risks\n=====\n\n" + ANN + risk.format("R1", "moderate", "open")  # 12
    doc += risk.format("R2", "high", "mitigated") + risk.format("R3", "low", "open")  # 16, 8
    app = build(write_project(tmp_path / "p", {"index.rst": doc}))
    assert rules_of(app) == [("high-risk-needs-mitigation", "R1")]


def test_the_docs_worked_example_breaks_no_rule(build: Build, tmp_path: Path) -> None:
    """No false positives on a sound design doc: our own showcase. What it reports is
    what its system measures, on purpose (docs/observed.json), not a gap of the doc."""
    app = build(DOCS, "mldesign", builddir=tmp_path / "docs-build")
    found = [v["rule"] for v in export_of(app)["violations"]]
    assert found == ["target-missed", "threshold-breached"]
    assert len(export_of(app)["items"]) >= 25
    assert not [w for w in warnings_of(app) if "mldesign" in w]


def test_git_is_not_run_when_nothing_needs_a_date(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``stale`` off, no roll-up and no export (whose ``changed`` is a git date; a text
    build writes none): no git date is shown or checked, so git is not run."""
    root = write_project(
        tmp_path / "repo",
        {"index.rst": STALE_DOC},
        'mldesign_today = "2030-01-01"\nmldesign_rules = {"stale": "off"}\n',
    )
    _commit_all(root, "2025-01-10T12:00:00+00:00")
    spy = tmp_path / "spy-bin"
    spy.mkdir()
    calls = tmp_path / "git-calls"
    real_git = shutil.which("git")
    assert real_git is not None
    (spy / "git").write_text(f'#!/bin/sh\necho "$@" >> "{calls}"\nexec "{real_git}" "$@"\n')
    (spy / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{spy}{os.pathsep}{os.environ['PATH']}")
    app = build(root, "text")
    assert not [w for w in warnings_of(app) if "[mldesign." in w]
    assert not calls.exists()
    (root / "index.rst").write_text(STALE_DOC + "\n.. ml-freshness-index::\n")
    build(root, "text")  # with a roll-up that shows git dates, git runs
    assert "log" in calls.read_text()


def test_the_export_carries_the_last_change_for_portfolios(build: Build, tmp_path: Path) -> None:
    root = write_project(tmp_path / "repo", {"index.rst": STALE_DOC})
    _commit_all(root, "2025-01-10T12:00:00+00:00")
    assert export_of(build(root))["changed"] == "2025-01-10"
