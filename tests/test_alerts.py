"""Alerts as code: the rules ``mldesign alerts`` writes, checked and run by Prometheus' own
``promtool``, and the build's check of the doc against the rules deployed.

``promtool`` is Debian's ``prometheus`` package (``make promtool``; ``.ci/run`` installs
it). Without it the promtool tests skip locally; in CI (``CI`` set) they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sphinx.testing.util import SphinxTestApp

from helpers import Build, export_of, mldesign, tables_of, warnings_of

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None and not os.environ.get("CI"), reason="no promtool on this machine"
)

CONF = 'extensions = ["sphinxcontrib_mldesign"]\nproject = "Ranking"\nshow_warning_types = True\n'
METRICS = """\
Metrics
=======

.. ml-owner:: Sam
   :id: sam

.. metric:: Ranking latency
   :id: MET-P99
   :kind: system
   :owner: sam
   :query: rank_p99_ms
   :warn: p99 > 60 ms
   :crit: p99 >= 80 ms
   :window: 5m
   :for: 5m
   :runbook: https://runbooks.example/p99

.. metric:: Click-through rate
   :id: MET-CTR
   :kind: online
   :owner: sam
   :query: sum(rate(clicks_total[10m])) / sum(rate(impressions_total[10m]))
   :crit: < 0.04
   :window: 10m
   :for: 15m
   :severity: ticket
   :runbook: Roll back to the previous model.

.. metric:: Offline quality
   :id: MET-NDCG
   :kind: offline
   :owner: sam
   :warn: < 0.4

.. ml-monitoring-index::
"""


def _project(tmp_path: Path, conf: str = "") -> Path:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(CONF + conf)
    (src / "index.rst").write_text(METRICS)
    return src


def _alerts(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return mldesign("alerts", *args)


def _rules(text: str) -> list[dict[str, Any]]:
    """The rules of a rule file's text (its one group)."""
    rules: list[dict[str, Any]] = yaml.safe_load(text)["groups"][0]["rules"]
    return rules


# -- generation ---------------------------------------------------------------------------


def test_generated_rules_say_what_the_doc_says(tmp_path: Path) -> None:
    src = _project(tmp_path, 'html_baseurl = "https://docs.example/ranking/"\n')
    result = _alerts(src)
    assert result.returncode == 0, result.stderr
    rules = _rules(result.stdout)
    assert [r["alert"] for r in rules] == ["MET_P99_warn", "MET_P99_crit", "MET_CTR_crit"]
    warn, crit, ctr = rules
    assert warn["expr"] == "(rank_p99_ms) > 60" and warn["for"] == "5m"
    assert warn["labels"] == {"severity": "ticket", "mldesign_id": "MET-P99",
                              "mldesign_threshold": "warn", "owner": "sam"}  # fmt: skip
    assert crit["expr"] == "(rank_p99_ms) >= 80" and crit["labels"]["severity"] == "page"
    assert crit["annotations"] == {
        "summary": "Ranking latency: p99 >= 80 ms",
        "runbook_url": "https://runbooks.example/p99",
        "mldesign_url": "https://docs.example/ranking/index.html#MET-P99",
    }
    # ``for`` is the metric's :for:, not its :window: (10m, what its rate is computed over).
    assert ctr["labels"]["severity"] == "ticket" and ctr["for"] == "15m"
    assert ctr["annotations"]["runbook"] == "Roll back to the previous model."
    # A monitored metric without a query is named, not silently skipped.
    assert "without :query: (no rule written): MET-NDCG" in result.stderr


def test_generation_is_byte_stable_in_both_formats(tmp_path: Path, build: Build) -> None:
    src = _project(tmp_path)
    app = build(src, "mldesign", warningiserror=False)
    export = Path(app.outdir) / "mldesign.json"
    for fmt in ("prometheus", "operator"):
        first = _alerts(src, "--format", fmt, "-o", tmp_path / f"a-{fmt}.yaml")
        second = _alerts(export, "--format", fmt, "-o", tmp_path / f"b-{fmt}.yaml")
        assert first.returncode == second.returncode == 0, first.stderr + second.stderr
        a, b = (tmp_path / f"{x}-{fmt}.yaml" for x in "ab")
        assert a.read_bytes() == b.read_bytes()  # from the sources or from their export
    manifest = yaml.safe_load((tmp_path / "a-operator.yaml").read_text())
    assert manifest["apiVersion"] == "monitoring.coreos.com/v1"
    assert manifest["kind"] == "PrometheusRule" and manifest["metadata"]["name"] == "ranking"
    plain = yaml.safe_load((tmp_path / "a-prometheus.yaml").read_text())
    assert manifest["spec"]["groups"] == plain["groups"]


#: The thresholds as METRICS writes them: the oracle is the doc, not the generated rule.
DOC_THRESHOLDS = {
    "MET_P99_warn": (">", 60),
    "MET_P99_crit": (">=", 80),
    "MET_CTR_crit": ("<", 0.04),
}


def _fires(op: str, threshold: float) -> tuple[float, float]:
    """A value just past the threshold (the alert fires) and one just short of it."""
    step = max(abs(threshold) * 0.01, 0.001)
    return {
        ">": (threshold + step, threshold),
        ">=": (threshold, threshold - step),
        "<": (threshold - step, threshold),
        "<=": (threshold, threshold + step),
    }[op]


@needs_promtool
def test_promtool_accepts_the_rules_and_they_fire_exactly_at_the_thresholds(
    tmp_path: Path,
) -> None:
    src = _project(tmp_path)
    rules_file = tmp_path / "rules.yaml"
    assert _alerts(src, "-o", rules_file).returncode == 0
    checked = subprocess.run(
        [str(PROMTOOL), "check", "rules", str(rules_file)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 3 rules found" in checked.stdout
    # The manifest's groups are the same rules: promtool checks them too.
    manifest = yaml.safe_load(_alerts(src, "--format", "operator").stdout)
    spec_file = tmp_path / "from-manifest.yaml"
    spec_file.write_text(yaml.safe_dump(manifest["spec"]))
    assert subprocess.run([str(PROMTOOL), "check", "rules", str(spec_file)]).returncode == 0

    tests = []
    for rule in _rules(rules_file.read_text()):
        firing, quiet = _fires(*DOC_THRESHOLDS[rule["alert"]])  # as the doc states them
        for level, expected in ((firing, [_expected(rule)]), (quiet, [])):
            tests.append(
                {
                    "interval": "1m",
                    "input_series": _series(rule["expr"], level),
                    "alert_rule_test": [
                        {"eval_time": "30m", "alertname": rule["alert"], "exp_alerts": expected}
                    ],
                }
            )
    test_file = tmp_path / "tests.yaml"
    test_file.write_text(
        yaml.safe_dump(
            {"rule_files": [rules_file.name], "evaluation_interval": "1m", "tests": tests}
        )
    )
    ran = subprocess.run(
        [str(PROMTOOL), "test", "rules", str(test_file)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert len(tests) == 6  # each of the 3 rules: fires just past, quiet just short


def _expected(rule: dict[str, Any]) -> dict[str, Any]:
    return {"exp_labels": rule["labels"], "exp_annotations": rule["annotations"]}


def _series(expr: str, level: float) -> list[dict[str, str]]:
    """Input series that make the rule's query evaluate to ``level``."""
    if "rank_p99_ms" in expr:
        return [{"series": "rank_p99_ms", "values": f"{level}x60"}]
    # clicks / impressions: counters growing at level : 1 per second.
    return [
        {"series": "clicks_total", "values": f"0+{level * 60}x60"},
        {"series": "impressions_total", "values": "0+60x60"},
    ]


# -- the drift check ----------------------------------------------------------------------

DEPLOYED = """\
groups:
- name: ranking
  rules:
  - alert: MET_P99_warn
    expr: (rank_p99_ms) > 60
    for: 5m
    labels: {severity: ticket, mldesign_id: MET-P99, mldesign_threshold: warn}
  - alert: MET_P99_crit
    expr: (rank_p99_ms) >= 80
    for: 5m
    labels: {severity: page, mldesign_id: MET-P99, mldesign_threshold: crit}
  - record: job:requests:rate5m
    expr: sum(rate(requests_total[5m]))
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: hand-written}
spec:
  groups:
  - name: ctr
    rules:
    - alert: CTRLow
      expr: sum(rate(clicks_total[10m])) / sum(rate(impressions_total[10m])) < 0.04
      for: 15m
      labels: {severity: ticket}
"""


def _drift_project(tmp_path: Path) -> Path:
    src = _project(tmp_path, 'mldesign_alert_rules = ["deploy/*.yaml"]\n')
    text = (src / "index.rst").read_text()
    (src / "index.rst").write_text(
        text.replace("   :severity: ticket\n", "   :severity: ticket\n   :alert: CTRLow\n")
    )
    (src / "deploy").mkdir()
    (src / "deploy" / "rules.yaml").write_text(DEPLOYED)
    return src


def _alert_warnings(app: SphinxTestApp) -> list[str]:
    return [w for w in warnings_of(app) if "[mldesign.alert-" in w]


def test_deployed_rules_that_match_the_doc_raise_nothing(build: Build, tmp_path: Path) -> None:
    app = build(_drift_project(tmp_path), warningiserror=False)
    assert _alert_warnings(app) == []
    [table] = tables_of((Path(app.outdir) / "index.html").read_text(), "ml-monitoring-index")
    assert table[0][-1] == "Deployed"
    # MET-NDCG has a threshold but neither :query: nor :alert:, so nothing to check.
    assert [row[-1] for row in table[1:]] == ["✓ as the doc says"] * 2 + ["—"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        # A threshold moved in the deployed rule: drift, at the :warn: line, naming the rule,
        # the doc's threshold in its own words.
        (("> 60", "> 65"), ["index.rst:12: ERROR: metric 'MET-P99': deployed rule 'MET_P99_warn' "
                            "(deploy/rules.yaml:4) differs from its warn threshold: threshold p99 > "
                            "60 ms in the doc, > 65 deployed [mldesign.alert-drift]"]),
        (("for: 15m", "for: 30m"), ["index.rst:25: ERROR: metric 'MET-CTR': deployed rule 'CTRLow' "
                                    "(deploy/rules.yaml:22) differs from its crit threshold: for 15m "
                                    "in the doc, 30m deployed [mldesign.alert-drift]"]),
        # MET-P99 writes no :severity: (page, the default): at the metric's line.
        (("severity: page", "severity: ticket"), ["index.rst:7: ERROR: metric 'MET-P99': deployed "
                                                  "rule 'MET_P99_crit' (deploy/rules.yaml:8) "
                                                  "differs from its crit threshold: severity page "
                                                  "in the doc, ticket deployed"]),
        # A rule deleted: missing, at the metric.
        (("severity: page, mldesign_id: MET-P99, mldesign_threshold: crit", "severity: page"),
         ["index.rst:7: WARNING: metric 'MET-P99' has no deployed alerting rule for its crit "
          "threshold (p99 >= 80 ms)"]),
        # A rule for an ID the doc does not have: at the rule's own line.
        (("mldesign_id: MET-P99, mldesign_threshold: crit", "mldesign_id: MET-GONE"),
         ["rules.yaml:8: WARNING: deployed rule 'MET_P99_crit' is labelled "
          "mldesign_id='MET-GONE', which names no metric of the doc [mldesign.alert-unknown]",
          "has no deployed alerting rule for its crit threshold"]),
        # A file that is not YAML: one located warning, no traceback.
        (("  - alert: MET_P99_warn\n", "  - alert: [MET_P99_warn\n"),
         ["rules.yaml:5: WARNING: cannot read the deployed alerting rules: not valid YAML",
          "'MET-P99' has no deployed alerting rule for its crit threshold",
          "'MET-P99' has no deployed alerting rule for its warn threshold",
          "'MET-CTR' has no deployed alerting rule for its crit threshold"]),
    ],
)  # fmt: skip
def test_each_drift_is_reported_where_to_fix_it(
    edit: tuple[str, str], expected: list[str], build: Build, tmp_path: Path
) -> None:
    src = _drift_project(tmp_path)
    rules = src / "deploy" / "rules.yaml"
    assert edit[0] in rules.read_text()
    rules.write_text(rules.read_text().replace(edit[0], edit[1], 1))
    found = _alert_warnings(build(src, warningiserror=False))
    assert len(found) == len(expected), found
    for fragment, warning in zip(expected, found, strict=True):
        assert fragment in warning


def test_an_edited_rule_file_changes_an_incremental_build_like_a_clean_one(
    build: Build, tmp_path: Path
) -> None:
    src = _drift_project(tmp_path)
    rules = src / "deploy" / "rules.yaml"
    original = rules.read_text()
    out = tmp_path / "out"

    def run(fresh: bool) -> tuple[list[str], str, dict[str, Any]]:
        app = build(src, builddir=out, freshenv=fresh, warningiserror=False)
        html = (Path(app.outdir) / "index.html").read_text()
        return (
            _alert_warnings(app),
            tables_of(html, "ml-monitoring-index")[0][1][-1],
            export_of(app),
        )

    assert run(fresh=True)[0] == []
    rules.write_text(original.replace("> 60", "> 65"))
    incremental = run(fresh=False)
    assert "differs from its warn threshold" in incremental[0][0]
    assert incremental[1].startswith("✗ warn: threshold p99 > 60 ms in the doc, > 65 deployed")
    assert incremental == run(fresh=True)
    rules.write_text(original)  # and back
    assert run(fresh=False)[:2] == ([], "✓ as the doc says")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("rate(x[5m]", ":query: 'rate(x[5m]' is not valid PromQL"),
        # Deep enough to crash the compiled parser (it recurses; 8,180 levels did): refused
        # before it runs (and short enough to be measured: at most 64 KiB are).
        ("(" * 10_000 + "x" + ")" * 10_000, ":query: PromQL nested more than 256 brackets"),
    ],
)
def test_a_query_that_is_not_promql_is_an_error_at_its_line(
    query: str, message: str, build: Build, tmp_path: Path
) -> None:
    src = _project(tmp_path)
    text = (src / "index.rst").read_text().replace("   :query: rank_p99_ms", f"   :query: {query}")
    (src / "index.rst").write_text(text)
    [warning] = [w for w in warnings_of(build(src, warningiserror=False)) if "query" in w]
    assert f"index.rst:11: ERROR: {message}" in warning


def test_a_deployed_expression_nested_too_deep_is_drift_not_a_crash(
    build: Build, tmp_path: Path
) -> None:
    src = _drift_project(tmp_path)
    rules = src / "deploy" / "rules.yaml"
    deep = "(" * 10_000 + "rank_p99_ms" + ")" * 10_000
    rules.write_text(rules.read_text().replace("expr: (rank_p99_ms) > 60", f"expr: {deep} > 60"))
    [warning] = _alert_warnings(build(src, warningiserror=False))
    assert "expression cannot be read: PromQL nested more than 256 brackets deep" in warning
    assert len(warning) < 500  # the expression cut short, not 20,000 characters


@pytest.mark.parametrize(
    "warn",
    [
        {"text": "p99 > 60 ms"},  # no op, no value
        {"op": ">", "value": "sixty", "text": "p99 > sixty ms"},
        {"op": ">", "value": True, "text": "p99 > true"},
        {"op": "DROP", "value": 60, "text": "p99 DROP 60"},
    ],
    ids=["no-op", "value-text", "value-bool", "op-unknown"],
)
def test_alerts_skip_a_hand_edited_condition_in_an_export(
    warn: dict[str, Any], build: Build, tmp_path: Path
) -> None:
    app = build(_project(tmp_path), "mldesign", warningiserror=False)
    export = json.loads((Path(app.outdir) / "mldesign.json").read_text())
    export["items"]["MET-P99"]["warn"] = warn
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(export))
    result = _alerts(edited)
    assert result.returncode == 0, result.stderr
    names = [r["alert"] for r in _rules(result.stdout)]
    assert names == ["MET_P99_crit", "MET_CTR_crit"]


def test_alert_rules_must_be_a_list_of_globs(
    make_app: Callable[..., SphinxTestApp], tmp_path: Path
) -> None:
    from sphinx.errors import ConfigError

    src = _project(tmp_path, 'mldesign_alert_rules = "deploy/*.yaml"\n')
    with pytest.raises(ConfigError, match="mldesign_alert_rules must be a list of glob patterns"):
        make_app("html", srcdir=src)


def test_the_export_names_each_items_url(build: Build, tmp_path: Path) -> None:
    app = build(_project(tmp_path, 'html_baseurl = "https://docs.example/r"\n'), "mldesign")
    assert export_of(app)["items"]["MET-CTR"]["url"] == "https://docs.example/r/index.html#MET-CTR"
    items = export_of(app)["items"]
    assert json.dumps(items).count('"url"') == 4  # every item, and only with the base


def test_the_worked_examples_deployed_rules_are_what_the_doc_generates(tmp_path: Path) -> None:
    """docs/deploy/alerts.yaml is checked in as `mldesign alerts docs` writes it; the docs
    build checks the metrics against it (and the hand-written cost.yaml)."""
    docs = Path(__file__).parents[1] / "docs"
    result = _alerts(docs, "-o", tmp_path / "alerts.yaml")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "alerts.yaml").read_bytes() == (docs / "deploy" / "alerts.yaml").read_bytes()
