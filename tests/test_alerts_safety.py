"""Alerts say only what the doc says: ``mldesign alerts`` refuses a doc with errors and never
lets a default stand in for an invalid value; ``for`` is the metric's ``:for:``, never its
``:window:``; drift is reported at the option that drifted, in the doc's words, and GitHub
annotations name files from the repository's top."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_alerts import (
    PROMTOOL,
    _alert_warnings,
    _alerts,
    _drift_project,
    _project,
    _rules,
    needs_promtool,
)

from helpers import Build, Copy, edit, export_of, git, mldesign, row_of, tables_of, warnings_of

#: Two more monitored metrics: one taking an ID MET-CTR already has, one with nothing wrong
#: (and no :severity:, so its crit pages: the default, for an option not written).
MORE = """
.. metric:: Click-through rate, again
   :id: MET-CTR
   :kind: online
   :owner: sam
   :query: ctr
   :crit: < 0.03

.. metric:: Error rate
   :id: MET-ERR
   :kind: system
   :owner: sam
   :query: rank_errors_percent
   :crit: > 1.0 %
"""


def _mistyped_severity(src: Path) -> None:
    """MET-P99 (line 7) gets ``:severity: tiket`` at line 16."""
    edit(src / "index.rst", "   :for: 5m\n", "   :for: 5m\n   :severity: tiket\n")


# -- item 1: no rules from a doc with errors; no default for an invalid value ------------------


def test_alerts_refuses_a_doc_with_errors_and_lists_them(tmp_path: Path) -> None:
    src = _project(tmp_path)
    _mistyped_severity(src)
    out = tmp_path / "rules.yaml"
    result = _alerts(src, "-o", out)
    assert result.returncode == 1
    assert not out.exists() and result.stdout == ""
    assert "the doc has 1 error; no rules written" in result.stderr
    assert "   16  error    schema" in result.stderr
    assert ":severity: 'tiket' is not one of: page, ticket, log" in result.stderr


def test_the_broken_doc_gives_no_rules(copy_root: Copy) -> None:
    src = copy_root("broken")
    result = _alerts(src)
    assert result.returncode == 1 and result.stdout == ""
    assert "duplicate-id" in result.stderr and "duplicate ID 'REQ-1'" in result.stderr
    # The deployed rules differing from the doc is what regenerating them fixes: not listed.
    assert "alert-drift" not in result.stderr


def test_drift_alone_does_not_stop_regenerating_the_rules(tmp_path: Path) -> None:
    src = _drift_project(tmp_path)
    edit(src / "deploy/rules.yaml", "> 60", "> 65")
    result = _alerts(src)
    assert result.returncode == 0, result.stderr
    assert len(_rules(result.stdout)) == 3


def test_allow_errors_writes_no_rule_for_a_metric_in_error(build: Build, tmp_path: Path) -> None:
    src = _project(tmp_path)
    _mistyped_severity(src)
    with (src / "index.rst").open("a") as index:
        index.write(MORE)
    result = _alerts(src, "--allow-errors")
    assert result.returncode == 0, result.stderr
    # No MET_P99 rule (its crit would page: a default standing in for "tiket"); no MET_CTR
    # (which of the two is meant?); MET-ERR's crit pages, the default of an unwritten option.
    [rule] = _rules(result.stdout)
    assert rule["alert"] == "MET_ERR_crit" and rule["labels"]["severity"] == "page"
    assert "written despite 2 errors" in result.stderr
    assert (
        "monitored metrics in error (no rule written): MET-P99 (invalid :severity:), "
        "MET-CTR (duplicate ID)" in result.stderr
    )

    # The export (and the roll-up) leave the invalid severity out too, and the rules
    # written from the export are the same bytes; without the flag it is refused as well.
    app = build(src, warningiserror=False)
    assert "severity" not in export_of(app)["items"]["MET-P99"]
    [table] = tables_of((Path(app.outdir) / "index.html").read_text(), "ml-monitoring-index")
    assert row_of(table, "MET-P99")["Severity"] == "—"  # not the default, page
    export = Path(app.outdir) / "mldesign.json"
    assert _alerts(export, "--allow-errors").stdout == result.stdout
    assert _alerts(export).returncode == 1


def test_the_drift_check_does_not_compare_an_invalid_option(build: Build, tmp_path: Path) -> None:
    src = _drift_project(tmp_path)
    edit(src / "index.rst", "   :for: 5m\n", "   :for: soon\n   :severity: tiket\n")
    # Deployed: for 5m and severity ticket on MET-P99's crit. The doc states neither validly,
    # so neither is drift (not "page in the doc", not "none in the doc").
    edit(src / "deploy/rules.yaml", "severity: page, mldesign_id: MET-P99",
         "severity: ticket, mldesign_id: MET-P99")  # fmt: skip
    app = build(src, warningiserror=False)
    assert _alert_warnings(app) == []
    schema = [w for w in warnings_of(app) if "[mldesign.schema]" in w]
    assert len(schema) == 2 and "index.rst:15:" in schema[0] and "index.rst:16:" in schema[1]


# -- item 7: ``for`` is the metric's :for:, not its :window: -------------------------------

WINDOWS = """\
Metrics
=======

.. metric:: Topic drift
   :id: MET-DRIFT
   :kind: drift
   :drift-method: psi
   :reference: training
   :query: topic_psi
   :crit: psi > 0.25
   :window: 1d

.. metric:: Latency
   :id: MET-P99
   :kind: system
   :query: rank_p99_ms
   :crit: p99 > 80 ms
   :window: 1m
   :for: 10m
"""


def _windows_project(tmp_path: Path) -> Path:
    src = _project(tmp_path)
    (src / "index.rst").write_text(WINDOWS)
    return src


def test_a_rule_waits_for_the_metrics_for_not_its_window(tmp_path: Path) -> None:
    result = _alerts(_windows_project(tmp_path))
    assert result.returncode == 0, result.stderr
    drift, p99 = _rules(result.stdout)
    assert "for" not in drift  # a day-long window does not delay a page by a day
    assert p99["for"] == "10m"


@needs_promtool
def test_promtool_pages_on_a_drift_at_once_and_on_latency_after_its_for(tmp_path: Path) -> None:
    rules_file = tmp_path / "rules.yaml"
    assert _alerts(_windows_project(tmp_path), "-o", rules_file).returncode == 0
    rules = {rule["alert"]: rule for rule in _rules(rules_file.read_text())}

    def firing(name: str, minute: int) -> dict[str, Any]:
        rule = rules[name]
        return {"eval_time": f"{minute}m", "alertname": name, "exp_alerts": [
            {"exp_labels": rule["labels"], "exp_annotations": rule["annotations"]}]}  # fmt: skip

    def quiet(name: str, minute: int) -> dict[str, Any]:
        return {"eval_time": f"{minute}m", "alertname": name, "exp_alerts": []}

    test = {
        "interval": "1m",
        "input_series": [  # both past their thresholds from the start
            {"series": "topic_psi", "values": "0.5x120"},
            {"series": "rank_p99_ms", "values": "100x120"},
        ],
        "alert_rule_test": [
            firing("MET_DRIFT_crit", 1),
            quiet("MET_P99_crit", 5),
            firing("MET_P99_crit", 11),
        ],
    }
    test_file = tmp_path / "tests.yaml"
    test_file.write_text(yaml.safe_dump({"rule_files": [rules_file.name], "tests": [test]}))
    ran = subprocess.run(
        [str(PROMTOOL), "test", "rules", str(test_file)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_a_deployed_for_the_doc_does_not_state_is_drift(build: Build, tmp_path: Path) -> None:
    src = _drift_project(tmp_path)
    edit(src / "index.rst", "   :for: 15m\n", "")  # MET-CTR keeps :window: 10m; CTRLow waits 15m
    [warning] = _alert_warnings(build(src, warningiserror=False))
    # At the metric's line: there is no :for: line to point at.
    assert "index.rst:18: ERROR: metric 'MET-CTR'" in warning
    assert "differs from its crit threshold: no :for: in the doc, 15m deployed" in warning
    assert "no longer sets" not in warning  # 15m is not its :window: (10m): no upgrade hint


# -- item 6: drift at the option's line, in the doc's words; GitHub paths from the repo ------


def test_each_drift_of_one_rule_is_at_its_own_options_line(build: Build, tmp_path: Path) -> None:
    src = _drift_project(tmp_path)
    edit(src / "index.rst", "   :crit: < 0.04\n", "   :crit: < 4.0 %\n")
    edit(src / "deploy/rules.yaml", "< 0.04\n", "< 0.05\n")
    edit(src / "index.rst", "   :severity: ticket\n", "   :severity: page\n")
    found = _alert_warnings(build(src, warningiserror=False))
    assert [warning.split(": ERROR: ")[0].rsplit("/", 1)[1] for warning in found] == [
        "index.rst:23",  # :crit:
        "index.rst:26",  # :severity:
    ]
    assert "threshold < 4.0 % in the doc, < 0.05 deployed" in found[0]
    assert "severity page in the doc, ticket deployed" in found[1]


def _github(
    cwd: Path, sourcedir: Path, ceiling: Path, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """``mldesign check --format github``, run from ``cwd``; git looks no higher than
    ``ceiling`` (whatever holds the test's temporary directory)."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(ceiling))
    result = mldesign("check", sourcedir, "--format", "github", cwd=cwd)
    assert result.returncode == 1, result.stderr
    return [line for line in result.stdout.splitlines() if line.startswith("::")]


@pytest.mark.parametrize("where", ["docs", "repo", "outside"])
def test_github_annotations_name_files_from_the_repositorys_top(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    src = _drift_project(repo)  # repo/src, with its deployed rules in repo/src/deploy
    edit(src / "deploy/rules.yaml", "> 60", "> 65")
    edit(src / "deploy/rules.yaml", "severity: page, mldesign_id: MET-P99, mldesign_threshold: crit",
         "severity: page, mldesign_id: MET-GONE")  # fmt: skip
    cwd = {"docs": src, "repo": repo, "outside": tmp_path / "elsewhere"}[where]
    cwd.mkdir(exist_ok=True)
    annotations = _github(cwd, src, tmp_path, monkeypatch)
    assert annotations[0] == (
        "::warning file=src/deploy/rules.yaml,line=8,title=mldesign.alert-unknown::deployed "
        "rule 'MET_P99_crit' is labelled mldesign_id='MET-GONE', which names no metric of the doc"
    )
    assert annotations[-1] == (
        "::error file=src/index.rst,line=12,title=mldesign.alert-drift::metric 'MET-P99': "
        "deployed rule 'MET_P99_warn' (deploy/rules.yaml:4) differs from its warn threshold: "
        "threshold p99 > 60 ms in the doc, > 65 deployed"
    )


def test_github_annotations_outside_git_never_climb_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "project").mkdir()
    src = _drift_project(tmp_path / "project")
    edit(src / "deploy/rules.yaml", "> 60", "> 65")
    (tmp_path / "elsewhere").mkdir()
    # From a directory holding the doc: relative to it; from one that does not: relative to
    # the source directory (never ../project/src/index.rst, never an absolute path).
    [inside] = _github(tmp_path / "project", src, tmp_path, monkeypatch)
    [outside] = _github(tmp_path / "elsewhere", src, tmp_path, monkeypatch)
    assert inside.startswith("::error file=src/index.rst,line=12,")
    assert outside.startswith("::error file=index.rst,line=12,")
