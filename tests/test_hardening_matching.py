"""Hand-written rules named in :alert: go to the threshold they fit, for all thresholds at
once (issue 23, item 6): a rule with crit's comparison is crit's even when warn is not
deployed, so warn is missing, not drifted. Real builds against a deployed rule file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import Build, assert_warnings

CONF = (
    'extensions = ["sphinxcontrib_mldesign"]\nproject = "Serving"\nshow_warning_types = True\n'
    'mldesign_alert_rules = ["deploy/*.yaml"]\n'
)
#: Line 7: the metric; 12: :warn:; 13: :crit:; 14: :severity: (when written).
DOC = """\
Serving
=======

.. ml-owner:: Sam
   :id: sam

.. metric:: Serving cost
   :id: MET-COST
   :kind: business
   :owner: sam
   :alert: ServingCostHigh
   :warn: > 3000
   :crit: > 5000
"""
MISSING = (
    "metric 'MET-COST' has no deployed alerting rule for its {} threshold ({}); deploy the "
    "one `mldesign alerts` writes, or name yours in :alert:"
)


def _rule(expr: str, labels: str = "", name: str = "ServingCostHigh") -> str:
    return f"  - alert: {name}\n    expr: {expr}\n" + (
        f"    labels: {{{labels}}}\n" if labels else ""
    )


def _build(build: Build, tmp_path: Path, *rules: str, doc: str = DOC) -> SphinxTestApp:
    src = tmp_path / "src"
    (src / "deploy").mkdir(parents=True)
    (src / "conf.py").write_text(CONF)
    (src / "index.rst").write_text(doc)
    (src / "deploy" / "rules.yaml").write_text("groups:\n- name: cost\n  rules:\n" + "".join(rules))
    return build(src, warningiserror=False)


def _drift(rules: str, level: str, deployed: str) -> str:
    return (
        f"metric 'MET-COST': deployed rule {rules} differs from its {level} threshold: "
        f"threshold {'> 3000' if level == 'warn' else '> 5000'} in the doc, {deployed} deployed"
    )


def test_only_the_crit_rule_deployed_is_crit_and_warn_is_missing(
    build: Build, tmp_path: Path
) -> None:
    """The case of the issue: warn's fallback ("any rule left") took crit's rule and the
    build failed with drift on warn and crit missing."""
    app = _build(build, tmp_path, _rule("serving_cost > 5000", "severity: page"))
    assert_warnings(app, [("index.rst", 7, "alert-missing", MISSING.format("warn", "> 3000"))])


def test_only_the_warn_rule_deployed_is_warn_and_crit_is_missing(
    build: Build, tmp_path: Path
) -> None:
    app = _build(build, tmp_path, _rule("serving_cost > 3000", "severity: ticket"))
    assert_warnings(app, [("index.rst", 7, "alert-missing", MISSING.format("crit", "> 5000"))])


def test_a_rule_near_crit_is_crits_drift_and_warn_is_missing(build: Build, tmp_path: Path) -> None:
    """No exact comparison: the rule comparing the same way goes to the nearest threshold."""
    app = _build(build, tmp_path, _rule("serving_cost >= 4900", "severity: page"))
    assert_warnings(
        app,
        [
            ("index.rst", 7, "alert-missing", MISSING.format("warn", "> 3000")),
            ("index.rst", 13, "alert-drift",
             _drift("'ServingCostHigh' (deploy/rules.yaml:4)", "crit", ">= 4900")),
        ],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("crit", "warn", "expected"),
    [
        ("serving_cost > 5000", "serving_cost > 3000", []),
        # Both off: each goes to the threshold it is nearest, whatever the order in the file.
        ("serving_cost > 5100", "3100 < serving_cost", [
            ("index.rst", 12, "alert-drift",
             _drift("'ServingCostHigh' (deploy/rules.yaml:7)", "warn", "> 3100")),
            ("index.rst", 13, "alert-drift",
             _drift("'ServingCostHigh' (deploy/rules.yaml:4)", "crit", "> 5100")),
        ]),
    ],
)  # fmt: skip
def test_two_unlabelled_rules_in_swapped_order_go_to_their_thresholds(
    crit: str,
    warn: str,
    expected: list[tuple[str, int, str, str]],
    build: Build,
    tmp_path: Path,
) -> None:
    """Crit's rule first in the file, both with the same severity (the metric pages as a
    ticket too), so neither severity nor order tells them apart: their comparisons do."""
    doc = DOC + "   :severity: ticket\n"
    labels = "severity: ticket"
    app = _build(build, tmp_path, _rule(crit, labels), _rule(warn, labels), doc=doc)
    assert_warnings(app, expected)


def test_a_labelled_rule_keeps_its_threshold_and_an_unlabelled_one_takes_the_other(
    build: Build, tmp_path: Path
) -> None:
    """``mldesign alerts``' crit rule (labelled, drifted since) and a hand-written rule named
    in :alert:, written first and nearer crit's number than warn's: the label decides crit,
    so the hand-written rule is warn's (and differs from it)."""
    labelled = _rule(
        "(serving_cost) > 5200",
        "severity: page, mldesign_id: MET-COST, mldesign_threshold: crit",
        name="MET_COST_crit",
    )
    app = _build(build, tmp_path, _rule("serving_cost > 4500", "severity: ticket"), labelled)
    assert_warnings(
        app,
        [
            ("index.rst", 12, "alert-drift",
             _drift("'ServingCostHigh' (deploy/rules.yaml:4)", "warn", "> 4500")),
            ("index.rst", 13, "alert-drift",
             _drift("'MET_COST_crit' (deploy/rules.yaml:7)", "crit", "> 5200")),
        ],
    )  # fmt: skip


def test_labelled_and_unlabelled_rules_that_match_raise_nothing(
    build: Build, tmp_path: Path
) -> None:
    """The hand-written warn rule first, the generated crit rule after it."""
    labelled = _rule(
        "(serving_cost) > 5000",
        "severity: page, mldesign_id: MET-COST, mldesign_threshold: crit",
        name="MET_COST_crit",
    )
    app = _build(build, tmp_path, _rule("serving_cost > 3000", "severity: ticket"), labelled)
    assert_warnings(app, [])
