"""Observed values checked against the doc (SPEC sections 5 and 8): target-missed,
threshold-breached, observation-failed, observation-stale, each at the line of the option
it concerns; the ``:observe:`` option's own schema errors; ``mldesign check`` reporting them.
Real builds of a snapshot-mode project (tests/roots/test-observe-snapshot: its snapshot
written by hand, its evaluation time pinned)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import ROOTS
from observe_roots import Build, observe_conf_line
from sphinx.util.parallel import parallel_available

from helpers import Copy, assert_warnings, edit, export_text, located, mldesign, warnings_of

#: What the snapshot project reports: every rule of observed values, at its option's line.
EXPECTED = [
    ("index.rst", 23, "target-missed",
     "requirement 'REQ-TIGHT': metric 'MET-ERRORS' observed 0.8 % "
     "(file:eval/errors.json#rate, 2026-11-30T12:00:00Z) misses its target 'rate <= 0.5 %'"),
    ("index.rst", 41, "target-missed",
     "metric 'MET-LATENCY': observed 134 ms (worst of 3 series, prometheus, "
     "2026-11-30T12:00:00Z) misses its target 'p99 <= 120 ms'"),
    ("index.rst", 42, "threshold-breached",
     "metric 'MET-LATENCY': observed 134 ms (worst of 3 series, prometheus, "
     "2026-11-30T12:00:00Z) is past its warn threshold 'p99 > 130 ms'; firing: LatencyHigh"),
    ("index.rst", 65, "observation-failed",
     "metric 'MET-NODATA': its :query: on Prometheus gave no value: no data: the query "
     "returned no series"),
    ("index.rst", 75, "threshold-breached",
     "metric 'MET-QUEUE': observed 5000 (prometheus, 2026-11-30T12:00:00Z) is past its crit "
     "threshold '> 1000'; no alert is firing"),
]  # fmt: skip


def test_each_verdict_is_reported_at_its_options_line(build: Build, copy_root: Copy) -> None:
    """Missed at :target:, breached at :crit: (not also :warn:) or :warn:, no data at
    :query:; a met target, a metric the doc does not observe (MET-QUIET, in the snapshot)
    and one the doc does not have (MET-GONE) say nothing; a requirement whose target is
    its metric's own (REQ-SAME) is not reported twice."""
    app = build(copy_root("observe-snapshot"))
    assert_warnings(app, EXPECTED)
    assert app.statuscode == 0  # warnings, not errors


def test_an_observe_error_is_at_the_observe_line(build: Build, copy_root: Copy) -> None:
    src = copy_root("observe-snapshot")
    edit(src / "observed.json", '"value": 0.93,', '"value": null, "error": "missing key: auc",')
    edit(src / "observed.json", '"error": null},\n    "MET-ERRORS"', '"x": 1},\n    "MET-ERRORS"')
    found = [w for w in located(build(src)) if w[2] == "observation-failed"]
    assert (
        "index.rst",
        49,
        "observation-failed",
        "metric 'MET-AUC': its :observe: source 'mlflow:fraud@champion#auc' gave no value: "
        "missing key: auc",
    ) in found


def test_a_metric_observed_but_not_in_the_snapshot(build: Build, copy_root: Copy) -> None:
    src = copy_root("observe-snapshot")
    edit(src / "index.rst", ":query: max(queue_depth)", ":query: max(queue_depth)\n   :alert: Q")
    edit(src / "observed.json", '"MET-QUEUE"', '"MET-QUEUE-OLD"')
    found = [w for w in located(build(src)) if w[2] == "observation-failed"]
    assert ("index.rst", 73, "observation-failed") in [w[:3] for w in found]
    assert (
        "not in the snapshot: write a new one (mldesign observe); "
        "it was taken at 2026-11-30T12:00:00Z"
    ) in str(found)


# -- the snapshot itself ----------------------------------------------------------------


def _not_json(path: Path) -> None:
    path.write_text("{not json", encoding="utf-8")


def _wrong_version(path: Path) -> None:
    path.write_text(path.read_text().replace('"version": 1', '"version": 2'), encoding="utf-8")


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)  # a build waiting on it would hang: it is refused, not read


@pytest.mark.parametrize(
    ("spoil", "why"),
    [
        (Path.unlink, "cannot be read: "),
        (_not_json, "cannot be read: not JSON: "),
        (_wrong_version, "cannot be read: 'version' is not 1"),
        pytest.param(_fifo, "cannot be read: "),
    ],
    ids=["missing", "not-json", "wrong-version", "fifo"],
)
def test_an_unreadable_snapshot_is_one_warning_at_its_setting(
    build: Build, copy_root: Copy, spoil: object, why: str
) -> None:
    src = copy_root("observe-snapshot")
    spoil(src / "observed.json")  # type: ignore[operator]
    app = build(src)
    line = observe_conf_line(src, "mldesign_observe_snapshot")
    assert_warnings(
        app,
        [
            (
                "conf.py",
                line,
                "observation-failed",
                f"mldesign_observe: the snapshot of observed values 'observed.json' {why}",
            )
        ],
    )
    items = json.loads(export_text(app))["items"]
    assert not [item for item in items.values() if "observed" in item]  # nothing observed
    assert items["REQ-FAST"]["met"] is None  # unknown, not met


def test_without_its_setting_the_snapshot_is_told_at_mldesign_observe(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("observe-snapshot")
    edit(src / "conf.py", 'mldesign_observe_snapshot = "observed.json"\n', "")
    (src / "observed.json").unlink()
    found = located(build(src))
    assert [w[:3] for w in found] == [
        ("conf.py", observe_conf_line(src, "mldesign_observe"), "observation-failed")
    ]


def test_a_stale_snapshot_is_told_once_at_its_setting(build: Build, copy_root: Copy) -> None:
    src = copy_root("observe-snapshot")
    app = build(src, confoverrides={"mldesign_observe_at": "2026-12-20T12:00:00Z"})
    stale = [w for w in located(app) if w[2] == "observation-stale"]
    assert stale == [
        (
            "conf.py",
            observe_conf_line(src, "mldesign_observe_snapshot"),
            "observation-stale",
            "the snapshot of observed values 'observed.json' was taken at "
            "2026-11-30T12:00:00Z, 20 d ago: older than mldesign_observe_max_age (7d); "
            "write a new one with `mldesign observe SOURCEDIR -o observed.json`",
        )
    ]
    # A day old, within a week: not stale. A longer allowance: not stale either.
    assert "observation-stale" not in str(located(build(copy_root("observe-snapshot", "b"))))
    longer = build(
        copy_root("observe-snapshot", "c"),
        confoverrides={
            "mldesign_observe_at": "2026-12-20T12:00:00Z",
            "mldesign_observe_max_age": "30d",
        },
    )
    assert "observation-stale" not in str(located(longer))


# -- settings -----------------------------------------------------------------------------


def test_rules_set_off_report_nothing(build: Build, copy_root: Copy) -> None:
    rules = ["target-missed", "threshold-breached", "observation-failed", "observation-stale"]
    app = build(
        copy_root("observe-snapshot"),
        confoverrides={
            "mldesign_rules": dict.fromkeys(rules, "off"),
            "mldesign_observe_at": "2026-12-20T12:00:00Z",
        },
    )
    assert located(app) == []
    assert json.loads(export_text(app))["violations"] == []


def test_a_rule_set_to_error_fails_the_build(build: Build, copy_root: Copy) -> None:
    app = build(
        copy_root("observe-snapshot"), confoverrides={"mldesign_rules": {"target-missed": "error"}}
    )
    assert app.statuscode == 1
    assert [w for w in warnings_of(app) if "ERROR" in w and "target-missed" in w]


def test_observation_off_checks_nothing(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("observe-snapshot"), confoverrides={"mldesign_observe": "off"})
    assert located(app) == []


@pytest.mark.skipif(not parallel_available, reason="needs fork-based parallel builds")
def test_parallel_build_observes_the_same(build: Build, copy_root: Copy) -> None:
    serial = build(copy_root("observe-snapshot", "serial"))
    parallel = build(copy_root("observe-snapshot", "parallel"), parallel=2)
    assert export_text(parallel) == export_text(serial)
    assert '"observed"' in export_text(serial)

    def where(app: object) -> list[tuple[str, int, str, str]]:
        return sorted(located(app))  # type: ignore[arg-type]

    assert where(parallel) == where(serial) != []


# -- :observe: ------------------------------------------------------------------------------

OBSERVE_DOC = """\
Page
====

.. metric:: Written wrongly
   :id: MET-BAD
   :kind: system
   :query: up
   :target: >= 1
   :observe: mlflow:no-alias#auc

.. metric:: Prometheus without a query
   :id: MET-NOQUERY
   :kind: system
   :target: >= 1
   :observe: prometheus
"""


def test_observe_is_validated_at_its_line(build: Build, tmp_path: Path) -> None:
    """A wrong :observe: is a schema error at its line, and nothing is observed instead:
    not the default (prometheus, the metric has a query), though the snapshot has a
    value that would miss the target."""
    (tmp_path / "conf.py").write_text(
        (ROOTS / "test-observe-snapshot" / "conf.py").read_text(encoding="utf-8")
    )
    (tmp_path / "index.rst").write_text(OBSERVE_DOC)
    settings = {"mldesign_rules": {"missing-owner": "off"}}
    observation = {"source": "prometheus", "value": 0, "series": 1, "at": "2026-12-01T00:00:00Z"}
    snapshot = {
        "version": 1,
        "at": "2026-12-01T00:00:00Z",
        "observations": {"MET-BAD": observation, "MET-NOQUERY": observation},
    }
    (tmp_path / "observed.json").write_text(json.dumps(snapshot))
    app = build(tmp_path, confoverrides=settings)
    assert_warnings(
        app,
        [
            ("index.rst", 9, "schema",
             ":observe: 'mlflow:no-alias#auc' is not 'mlflow:<registered model>@<alias>#<metric key>'"),
            ("index.rst", 15, "schema", ":observe: 'prometheus' needs a :query:"),
        ],
    )  # fmt: skip
    items = json.loads(export_text(app))["items"]
    assert items["MET-BAD"]["invalid"] == ["observe"] and "observe" not in items["MET-BAD"]
    assert items["MET-NOQUERY"]["invalid"] == ["observe"]
    assert "observed" not in items["MET-BAD"] and "observed" not in items["MET-NOQUERY"]


def test_observe_is_exported_normalised(build: Build, tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text("extensions = ['sphinxcontrib_mldesign']\n")
    (tmp_path / "index.rst").write_text(
        "Page\n====\n\n.. metric:: AUC\n   :id: M\n   :kind: offline\n"
        "   :observe:  mlflow: fraud @ champion # auc \n"
    )
    app = build(tmp_path)
    assert [w for w in located(app) if w[2] != "missing-owner"] == []
    assert json.loads(export_text(app))["items"]["M"]["observe"] == "mlflow:fraud@champion#auc"


# -- mldesign check ------------------------------------------------------------------------


def test_check_prints_a_located_target_missed(copy_root: Copy) -> None:
    src = copy_root("observe-snapshot")
    text = mldesign("check", src, cwd=src.parent)
    assert text.returncode == 0, text.stderr
    assert any(
        "41  warning  target-missed" in line and "'MET-LATENCY': observed 134 ms" in line
        for line in text.stdout.splitlines()
    ), text.stdout
    github = mldesign("check", src, "--format", "github", cwd=src.parent)
    assert github.returncode == 0
    assert (
        "::warning file=observe-snapshot/index.rst,line=41,title=mldesign.target-missed::"
        "metric 'MET-LATENCY': observed 134 ms (worst of 3 series"
    ) in github.stdout
