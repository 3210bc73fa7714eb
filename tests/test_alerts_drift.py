"""How the drift check reports: one warning per mistake (a difference the warn and crit
rules share is one, naming both), a way to keep the ``for`` that earlier versions took
from ``:window:``, rule files named from the conf directory, a broken rule file at a line
it has, and a monitoring roll-up that claims no agreement about options written
invalidly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_alerts import _alert_warnings, _drift_project

from helpers import Build, edit, export_of, row_of, tables_of

#: What follows the location of MET-P99's drift, warn and crit rules both: its deployed
#: rules (tests/test_alerts.py DEPLOYED) wait 5m.
BOTH_RULES = (
    "ERROR: metric 'MET-P99': deployed rules 'MET_P99_warn' (deploy/rules.yaml:4) and "
    "'MET_P99_crit' (deploy/rules.yaml:8) differ from its warn and crit thresholds: "
)


def test_rules_deployed_with_the_window_as_for_are_told_how_to_keep_it(
    build: Build, tmp_path: Path
) -> None:
    """Earlier versions wrote :window: as the rule's for. After an upgrade the doc of
    MET-P99 (window 5m, no :for:) differs from its rules (for 5m): one error, saying how
    to keep the for."""
    src = _drift_project(tmp_path)
    edit(src / "index.rst", "   :window: 5m\n   :for: 5m\n", "   :window: 5m\n")
    found = _alert_warnings(build(src, warningiserror=False))
    assert found == [
        f"{src / 'index.rst'}:7: {BOTH_RULES}no :for: in the doc, 5m deployed; `:window:` no "
        "longer sets `for`; write `:for: 5m` to keep it [mldesign.alert-drift]"
    ]
    # Doing what it says ends it.
    edit(src / "index.rst", "   :window: 5m\n", "   :window: 5m\n   :for: 5m\n")
    assert _alert_warnings(build(src, warningiserror=False)) == []


def test_a_changed_for_is_one_warning_naming_both_rules(build: Build, tmp_path: Path) -> None:
    src = _drift_project(tmp_path)
    edit(src / "index.rst", "   :for: 5m\n", "   :for: 10m\n")
    found = _alert_warnings(build(src, warningiserror=False))
    assert found == [
        f"{src / 'index.rst'}:15: {BOTH_RULES}for 10m in the doc, 5m deployed "
        "[mldesign.alert-drift]"
    ]


def test_rule_files_outside_the_source_directory_are_named_from_the_conf_directory(
    build: Build, tmp_path: Path
) -> None:
    """In a CI log the runner's absolute paths mean nothing: a rule file is named as
    ``mldesign_alert_rules`` names it, from the conf directory."""
    src = _drift_project(tmp_path)
    shutil.move(src / "deploy", tmp_path / "deploy")
    edit(src / "conf.py", '["deploy/*.yaml"]', '["../deploy/*.yaml"]')
    rules = tmp_path / "deploy" / "rules.yaml"
    rules.write_text(
        rules.read_text()
        .replace("> 60", "> 65")
        .replace("mldesign_id: MET-P99, mldesign_threshold: crit", "mldesign_id: MET-GONE")
    )
    app = build(src, warningiserror=False)
    drift = [w for w in _alert_warnings(app) if "alert-drift" in w]
    assert [w.split(": ERROR: ", 1)[1] for w in drift] == [
        "metric 'MET-P99': deployed rule 'MET_P99_warn' (../deploy/rules.yaml:4) differs from "
        "its warn threshold: threshold p99 > 60 ms in the doc, > 65 deployed "
        "[mldesign.alert-drift]"
    ]
    unknown = [v for v in export_of(app)["violations"] if v["rule"] == "alert-unknown"]
    assert [(v["docname"], v["lineno"]) for v in unknown] == [("../deploy/rules.yaml", 8)]
    assert str(tmp_path) not in (Path(app.outdir) / "mldesign.json").read_text()


def test_a_broken_rule_file_is_reported_at_a_line_it_has(build: Build, tmp_path: Path) -> None:
    """A bracket never closed is found at the end of the stream, past the last line: it is
    reported at the line that opens it."""
    src = _drift_project(tmp_path)
    (src / "deploy" / "rules.yaml").write_text("groups:\n- name: ranking\n  rules: [\n")
    [broken] = [w for w in _alert_warnings(build(src, warningiserror=False)) if "cannot" in w]
    assert broken.startswith(
        f"{src / 'deploy' / 'rules.yaml'}:3: WARNING: cannot read the deployed alerting rules: "
        "not valid YAML"
    )


def test_a_rule_file_nested_too_deeply_is_a_warning_not_a_crash(
    build: Build, tmp_path: Path
) -> None:
    src = _drift_project(tmp_path)
    (src / "deploy" / "rules.yaml").write_text("groups: " + "[" * 5000 + "]" * 5000 + "\n")
    [broken] = [w for w in _alert_warnings(build(src, warningiserror=False)) if "cannot" in w]
    assert broken == (
        f"{src / 'deploy' / 'rules.yaml'}:1: WARNING: cannot read the deployed alerting rules: "
        "nested more than 64 levels deep [mldesign.alert-unknown]"
    )


@pytest.mark.parametrize(
    ("old", "new", "cell"),
    [
        ("   :for: 5m\n", "   :for: soon\n   :severity: tiket\n", "— invalid :for:, :severity:"),
        # The crit rule is still deployed; the doc states no crit to compare it with.
        ("   :crit: p99 >= 80 ms\n", "   :crit: p99 >= eighty ms\n", "— invalid :crit:"),
    ],
)
def test_the_rollup_claims_no_agreement_about_an_invalid_option(
    old: str, new: str, cell: str, build: Build, tmp_path: Path
) -> None:
    src = _drift_project(tmp_path)
    edit(src / "index.rst", old, new)
    app = build(src, warningiserror=False)
    assert _alert_warnings(app) == []  # nothing compared differs; the schema error says it
    [table] = tables_of((Path(app.outdir) / "index.html").read_text(), "ml-monitoring-index")
    assert row_of(table, "MET-P99")["Deployed"] == cell
    assert row_of(table, "MET-CTR")["Deployed"] == "✓ as the doc says"
