"""Observed values judged on the right value, shown once, fingerprinted by what is shown
(issue 24, review findings M1, M2, M3, L4, L5):

- a snapshot observation made from another source (or Prometheus query) than the doc now
  names is not judged: observation-failed, no value in the export;
- a metric the snapshot lacks is a judged entry with an error, which the check reports
  and the export carries alike;
- a requirement out of scope, rejected or deprecated is neither met nor missed;
- two live builds whose observations show the same re-write no page;
- ``mldesign observe`` asks at the clock's now, whatever ``mldesign_observe_at`` pins,
  unless ``--at`` says when.

Real builds of tests/roots/test-observe-snapshot and of small live projects."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import jsonschema
import pytest
from observe_projects import AT, write_project
from sphinx.testing.util import SphinxTestApp

from helpers import Build, Copy, edit, export_of, located, mldesign, page, row_of, tables_of
from sphinxcontrib_mldesign.export import export_schema

STALE_ADVICE = "write a new snapshot (mldesign observe)"


def _about(app: SphinxTestApp, metric: str) -> list[tuple[str, int, str, str]]:
    return [w for w in located(app) if f"'{metric}'" in w[3]]


def _index_line(src: Path, text: str) -> int:
    lines = (src / "index.rst").read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1


# -- M1: an observation from another source or query is not judged --------------------------


def test_a_snapshot_from_another_source_is_not_judged(build: Build, copy_root: Copy) -> None:
    """The doc now reads the error rate from another file: the snapshot's 0.8 % (which
    misses REQ-TIGHT's target) is from the old one, and judges nothing."""
    src = copy_root("observe-snapshot")
    edit(src / "index.rst", ":observe: file:eval/errors.json#rate", ":observe: file:new.json#rate")
    app = build(src, "mldesign")
    line = _index_line(src, "   :observe: file:new.json#rate")
    assert _about(app, "MET-ERRORS") == [
        (
            "index.rst",
            line,
            "observation-failed",
            "metric 'MET-ERRORS': its :observe: source 'file:new.json#rate' gave no value: "
            "source changed: observed from 'file:eval/errors.json#rate'; the doc now says "
            f"'file:new.json#rate': {STALE_ADVICE}",
        )
    ]
    data = export_of(app)
    jsonschema.validate(data, export_schema())
    observed = data["items"]["MET-ERRORS"]["observed"]
    assert (observed["value"], observed["target"], observed["source"]) == (
        None,
        None,
        "file:new.json#rate",
    )
    assert observed["error"].startswith("source changed: observed from 'file:eval/errors.json")
    assert data["items"]["REQ-TIGHT"]["met"] is None  # was False on the old file's value


@pytest.mark.parametrize(
    ("kept", "asked", "judged"),
    [
        ("max(queue_depth)", "max(queue_depth)", True),  # the query the snapshot asked
        ("max(queue_depth_old)", "max(queue_depth)", False),  # the doc asks another now
        (None, "max(queue_depth)", True),  # a snapshot that kept no query: not compared
    ],
)
def test_a_snapshot_from_another_query_is_not_judged(
    kept: str | None, asked: str, judged: bool, build: Build, copy_root: Copy
) -> None:
    src = copy_root("observe-snapshot")
    if kept is not None:
        edit(src / "observed.json", '"value": 5000,', f'"value": 5000, "query": "{kept}",')
    app = build(src)
    found = _about(app, "MET-QUEUE")
    if judged:  # 5000 is past crit (> 1000)
        assert [w[2] for w in found] == ["threshold-breached"]
        return
    assert found == [
        (
            "index.rst",
            _index_line(src, f"   :query: {asked}"),
            "observation-failed",
            "metric 'MET-QUEUE': its :query: on Prometheus gave no value: query changed: "
            f"observed with another query than the doc's :query:: {STALE_ADVICE}",
        )
    ]


# -- L5: a metric the snapshot lacks is judged once, for the check and the export alike -----


def test_a_metric_the_snapshot_lacks_is_failed_in_the_check_and_the_export(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("observe-snapshot")
    edit(src / "observed.json", '"MET-QUEUE"', '"MET-QUEUE-OLD"')
    app = build(src, "mldesign")
    why = "not in the snapshot: write a new one (mldesign observe); it was taken at "
    [(_, line, rule, message)] = _about(app, "MET-QUEUE")
    assert (line, rule) == (_index_line(src, "   :query: max(queue_depth)"), "observation-failed")
    observed = export_of(app)["items"]["MET-QUEUE"]["observed"]
    assert observed == {
        "value": None,
        "at": None,
        "source": "prometheus",
        "series": 0,
        "target": None,
        "level": None,
        "error": f"{why}2026-11-30T12:00:00Z",
    }
    assert message.endswith(observed["error"])  # the check says what the export holds


# -- L4: inactive requirements get no verdict -------------------------------------------------


def test_an_inactive_requirement_is_neither_met_nor_missed(build: Build, copy_root: Copy) -> None:
    """REQ-TIGHT (its own target missed) deprecated and REQ-FAST (its metric's target
    missed) out of scope: both unknown in the export, neither target-missed at the
    requirement; REQ-SAME, active, still missed."""
    src = copy_root("observe-snapshot")
    edit(src / "index.rst", "   :id: REQ-TIGHT\n", "   :id: REQ-TIGHT\n   :status: deprecated\n")
    edit(src / "index.rst", "   :id: REQ-FAST\n", "   :id: REQ-FAST\n   :scope: out\n")
    app = build(src, "mldesign")
    items = export_of(app)["items"]
    met = {key: item["met"] for key, item in items.items() if "met" in item}
    assert met == {
        "REQ-FAST": None,
        "REQ-AUC": True,
        "REQ-TIGHT": None,
        "REQ-SAME": False,
        "REQ-UNKNOWN": None,
    }
    assert not [w for w in located(app) if w[3].startswith("requirement 'REQ-TIGHT'")]
    # The metric's own verdict is the metric's: still missed.
    assert items["MET-LATENCY"]["observed"]["target"] == "missed"


# -- M3: a live build whose observations show the same re-writes no page ---------------------

#: What Sphinx re-writes on every build (as tests/test_observe_incremental.py).
SPHINX_REWRITES = {"genindex.html", "search.html", "index.html"}


def _live_files_project(src: Path) -> Path:
    """A live project observing a file (a monitored metric), at the clock's now (no
    mldesign_observe_at), its monitoring and requirement roll-ups on a page of their own."""
    write_project(src, {"MET-AUC": ("file:metrics.json#eval.auc", ">= 0.9")})
    edit(src / "conf.py", f'mldesign_observe_at = "{AT}"\n', "")
    edit(src / "index.rst", ":target: >= 0.9\n", ":target: >= 0.9\n   :warn: < 0.88\n")
    design = (src / "index.rst").read_text(encoding="utf-8").replace("Observed\n========", "")
    (src / "design.rst").write_text(
        "Design\n======\n\n.. ml-requirement:: Ranks well\n   :id: REQ-AUC\n   :owner: ann\n"
        "   :metrics: MET-AUC\n" + design,
        encoding="utf-8",
    )
    (src / "monitoring.rst").write_text(
        "Monitoring\n==========\n\n.. ml-monitoring-index::\n\n.. ml-requirement-index::\n",
        encoding="utf-8",
    )
    (src / "index.rst").write_text(
        "Observed\n========\n\n.. toctree::\n\n   design\n   monitoring\n", encoding="utf-8"
    )
    _write_metrics(src, 0.91)
    return src


def _write_metrics(src: Path, auc: float) -> None:
    """The evaluation job's file, written three and a half hours ago: the age shown
    ("3 h ago") holds for half an hour."""
    path = src / "metrics.json"
    path.write_text(json.dumps({"eval": {"auc": auc}}), encoding="utf-8")
    then = time.time() - 3.5 * 3600
    os.utime(path, (then, then))


def _mtimes(app: SphinxTestApp) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in Path(app.outdir).glob("*.html")}


def _rewritten(before: dict[str, int], app: SphinxTestApp) -> set[str]:
    after = _mtimes(app)
    return {name for name in after if after[name] != before.get(name)} - SPHINX_REWRITES


def test_live_builds_observing_the_same_rewrite_no_page(build: Build, tmp_path: Path) -> None:
    src = _live_files_project(tmp_path / "src")
    first = build(src)
    [table] = tables_of(page(first, "monitoring"), "ml-monitoring-index")
    assert row_of(table, "MET-AUC")["Observed"].startswith("✓ met 0.91")
    assert "3 h ago" in row_of(table, "MET-AUC")["Observed"]
    before = _mtimes(first)
    time.sleep(1.2)  # the live snapshot's time (whole seconds) has moved on
    second = build(src)
    assert "0 added, 0 changed, 0 removed" in second.status.getvalue()
    assert _rewritten(before, second) == set()
    # A value that did change is shown: the same detection sees the page re-written.
    _write_metrics(src, 0.85)
    third = build(src)
    assert _rewritten(before, third) == {"monitoring.html"}
    [table] = tables_of(page(third, "monitoring"), "ml-monitoring-index")
    assert row_of(table, "MET-AUC")["Observed"].startswith("▲ warn ✗ missed 0.85")


# -- M2: mldesign observe asks now, or at --at ---------------------------------------------


def _files_project(src: Path) -> Path:
    """Pinned to :data:`AT` in conf.py, as the worked example and the how-to pin it."""
    write_project(src, {"MET-AUC": ("file:metrics.json#eval.auc", ">= 0.9")})
    (src / "metrics.json").write_text('{"eval": {"auc": 0.91}}', encoding="utf-8")
    return src


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_mldesign_observe_asks_now_whatever_conf_pins(tmp_path: Path) -> None:
    src = _files_project(tmp_path / "src")
    start = dt.datetime.now(dt.timezone.utc)
    ran = mldesign("observe", src, "-o", tmp_path / "now.json")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    taken = _utc(json.loads((tmp_path / "now.json").read_text(encoding="utf-8"))["at"])
    # Generous: the clock's now, not the pinned 2026-12-01T12:00:00Z.
    assert start - dt.timedelta(minutes=5) <= taken <= start + dt.timedelta(minutes=5)


def test_mldesign_observe_at_a_given_time(tmp_path: Path) -> None:
    src = _files_project(tmp_path / "src")
    ran = mldesign(
        "observe", src, "-o", tmp_path / "then.json", "--at", "2026-11-02T10:30:00+02:00"
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    written = json.loads((tmp_path / "then.json").read_text(encoding="utf-8"))
    assert written["at"] == "2026-11-02T08:30:00Z"


@pytest.mark.parametrize("at", ["yesterday", "2026-13-01T00:00:00Z", "0001-01-01T00:00:00Z"])
def test_a_bad_at_is_a_usage_error(at: str, tmp_path: Path) -> None:
    src = _files_project(tmp_path / "src")
    ran = mldesign("observe", src, "-o", tmp_path / "out.json", "--at", at)
    assert (ran.returncode, ran.stdout) == (2, "")
    assert "--at" in ran.stderr and repr(at) in ran.stderr
    assert not (tmp_path / "out.json").exists()
