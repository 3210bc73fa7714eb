"""Bad input: a located ``mldesign.<rule>`` warning for each problem, never a traceback."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import export_of, warnings_of
from sphinxcontrib_mldesign.model.rules import Rule

# (file, line, severity label, subtype, message fragment): every problem in test-broken,
# each option problem at its option's own line.
EXPECTED = [
    ("index.rst", 11, "ERROR", "schema", "unknown option :colour: for ml-requirement"),
    ("index.rst", 15, "ERROR", "schema", ":priority: 'urgent' is not one of: must, should"),
    ("index.rst", 16, "ERROR", "schema", ":reviewed: '2026-02-30' is not a valid calendar date"),
    ("index.rst", 21, "ERROR", "schema", ":target: 'about 200ms' is not a condition"),
    ("index.rst", 22, "ERROR", "schema", ":window: 'five minutes' is not a duration"),
    ("index.rst", 24, "ERROR", "schema", "missing required option :kind:"),
    ("index.rst", 28, "ERROR", "schema", ":id: '9lives' is not a valid ID"),
    ("index.rst", 30, "ERROR", "schema", "ml-requirement needs a title"),
    ("index.rst", 34, "ERROR", "duplicate-id", "duplicate ID 'REQ-1': already used by"),
    ("index.rst", 38, "ERROR", "unknown-ref", ":metrics: 'MET-404' names no item"),
    (
        "index.rst",
        38,
        "ERROR",
        "unknown-ref",
        ":metrics: 'REQ-1' is an ml-requirement, expected ml-metric",
    ),
    ("index.rst", 39, "ERROR", "unknown-ref", ":owner: 'nobody' names no item"),
    ("index.rst", 44, "ERROR", "schema", ":next: expects a single ID, got 'FB-2, FB-3'"),
    ("index.rst", 46, "ERROR", "unknown-ref", ":ml:metric: 'REQ-1' is an ml-requirement"),
    ("index.rst", 46, "ERROR", "unknown-ref", ":ml:ref: 'GONE' names no item"),
    ("index.rst", 46, "ERROR", "unknown-ref", ":ml:req: 'REQ-404' names no item"),
    (
        "other.rst",
        5,
        "ERROR",
        "duplicate-id",
        "duplicate ID 'REQ-2': already used by the ml-requirement",
    ),
    ("other.rst", 6, "ERROR", "schema", ":likelihood: 'sometimes' is not one of"),
    # Every item below lacks an owner, besides its main problem.
    ("index.rst", 9, "WARNING", "missing-owner", "requirement 'REQ-1' has no :owner:"),
    ("index.rst", 13, "WARNING", "missing-owner", "requirement 'REQ-2' has no :owner:"),
    ("index.rst", 18, "WARNING", "missing-owner", "metric 'MET-1' has no :owner:"),
    ("index.rst", 24, "WARNING", "missing-owner", "metric 'MET-2' has no :owner:"),
    ("index.rst", 30, "WARNING", "missing-owner", "requirement 'REQ-NOTITLE' has no :owner:"),
    ("index.rst", 41, "WARNING", "missing-owner", "fallback 'FB-1' has no :owner:"),
    # rules.rst: one item per cross-item rule.
    ("rules.rst", 11, "WARNING", "bus-factor", "area 'labelling' has a bus factor of 1 (ben)"),
    ("rules.rst", 15, "WARNING", "missing-owner", "requirement 'REQ-NO-OWNER' has no :owner:"),
    ("rules.rst", 19, "WARNING", "must-needs-metric", "'REQ-MUST' lists no :metrics:"),
    ("rules.rst", 24, "WARNING", "nonfunctional-needs-target", "'REQ-NF' has no :target:"),
    ("rules.rst", 31, "WARNING", "serving-needs-fallback", "'REQ-SERVE' serves real-time"),
    (
        "rules.rst",
        36,
        "WARNING",
        "stale",
        "'REQ-OLD' is stale: reviewed on 2024-01-01, 1035 days before 2026-11-01",
    ),
    ("rules.rst", 48, "WARNING", "trigger-not-monitored", "'MET-QUIET' triggers fallback"),
    ("rules.rst", 54, "WARNING", "drift-needs-method", "'MET-DRIFT' has no :reference:"),
    ("rules.rst", 61, "ERROR", "fallback-cycle", "loops: FB-A -> FB-B -> FB-A"),
    (
        "rules.rst",
        80,
        "WARNING",
        "fallback-terminal",
        "chain FB-SMALL -> FB-CACHE ends in a 'cache' fallback",
    ),
    ("rules.rst", 85, "WARNING", "high-risk-needs-mitigation", "'RISK-HIGH' scores 16"),
    ("rules.rst", 91, "WARNING", "alert-missing", "'MET-UNDEPLOYED' has no deployed alerting"),
    (  # at the :crit: line, the doc's threshold in its own words
        "rules.rst",
        103,
        "ERROR",
        "alert-drift",
        "deployed rule 'MET_DRIFTED_crit' (alerts.yaml:4) differs from its crit threshold: "
        "threshold > 1 % in the doc, > 2 deployed",
    ),
    (
        "rules.rst",
        106,
        "WARNING",
        "component-unmonitored",
        "model component 'COMP-MODEL' lists no :metrics:",
    ),
    (
        "rules.rst",
        106,
        "WARNING",
        "serving-component-needs-fallback",
        "model component 'COMP-MODEL' lists no :fallbacks:",
    ),
    (
        "rules.rst",
        106,
        "WARNING",
        "feedback-loop",
        "feedback loop through model 'COMP-MODEL': COMP-MODEL -> COMP-LOGS -> COMP-MODEL",
    ),
    (  # at its :metrics: line, naming only the metric with neither :warn: nor :crit:
        "rules.rst",
        121,
        "WARNING",
        "requirement-unmonitored",
        "'REQ-UNWATCHED' is measured by metric 'MET-QUIET', which has neither :warn: nor",
    ),
    # At the deployed rule file's own line.
    (
        "alerts.yaml",
        10,
        "WARNING",
        "alert-unknown",
        "'Forgotten' is labelled mldesign_id='MET-REMOVED'",
    ),
    # At the import's line in conf.py.
    (
        "conf.py",
        7,
        "WARNING",
        "import",
        "mldesign_imports: cannot read 'exports/gone.json': No such file or directory",
    ),
    # Observed values (observed.json): at the option each concerns; the snapshot's age at
    # its setting in conf.py.
    ("rules.rst", 128, "WARNING", "target-missed", "'MET-SLOW': observed 140 ms"),
    ("rules.rst", 136, "WARNING", "threshold-breached", "past its crit threshold '> 5 %'"),
    ("rules.rst", 142, "WARNING", "observation-failed", "gave no value: missing key: "),
    ("conf.py", 12, "WARNING", "observation-stale", "'observed.json' was taken at 2026-10-01"),
]


def _match(lines: list[str], srcdir: Path) -> list[str]:
    unmatched = list(lines)
    for filename, line, label, subtype, fragment in EXPECTED:
        prefix = f"{srcdir / filename}:{line}: {label}: "
        hits = [
            w
            for w in unmatched
            if w.startswith(prefix) and fragment in w and w.endswith(f"[mldesign.{subtype}]")
        ]
        assert len(hits) == 1, (
            f"expected one {prefix}...{fragment} [mldesign.{subtype}] in:\n" + "\n".join(lines)
        )
        unmatched.remove(hits[0])
    return unmatched


@pytest.mark.sphinx("html", testroot="broken")
def test_every_problem_is_reported_at_its_line(app: SphinxTestApp) -> None:
    app.build()
    assert _match(warnings_of(app), Path(app.srcdir)) == []


@pytest.mark.sphinx("html", testroot="broken")
def test_errors_fail_the_build_without_W(app: SphinxTestApp) -> None:
    app.build()  # no exception: bad input never raises
    assert app.statuscode == 1
    assert "mldesign: 20 errors in the design doc; the build fails." in app.status.getvalue()


@pytest.mark.sphinx("html", testroot="broken")
def test_bad_items_still_render_without_the_bad_option(app: SphinxTestApp) -> None:
    app.build()
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert 'id="REQ-2"' in html and "Bad enum and date" in html
    items = export_of(app)["items"]
    # An invalid value is left out, and no default is guessed in its place.
    assert "priority" not in items["REQ-2"] and "priority" in items["REQ-2"]["invalid"]
    assert "urgent (invalid)" in html  # the item shows what was written
    assert "ml-priority-should" not in html.split('id="REQ-2"', 1)[1].split("ml-item-header")[1]
    assert "reviewed" not in items["REQ-2"]
    assert "target" not in items["MET-1"] and "window" not in items["MET-1"]
    assert "9lives" not in items  # an invalid ID is not registered...
    assert "Invalid ID" in html  # ...but the item still renders
    assert items["REQ-1"]["title"] == "Unknown option"  # first in document order wins
    assert items["REQ-2"]["type"] == "ml-requirement"  # index.rst sorts before other.rst
    # Broken references render as unlinked text.
    assert '<span class="ml-broken-ref"><code class="ml-ref literal notranslate">MET-404<' in html


@pytest.mark.sphinx("html", testroot="broken")
def test_violations_are_exported(app: SphinxTestApp) -> None:
    app.build()
    violations = export_of(app)["violations"]
    assert len(violations) == len(EXPECTED)
    # Sorted by document, line, then rule name (the deployed rule file "alerts.yaml" and
    # conf.py, for the import, first).
    assert violations[0]["docname"] == "alerts.yaml" and violations[0]["item"] is None
    assert violations[1]["docname"] == "conf.py" and violations[1]["rule"] == "import"
    assert violations[2]["docname"] == "conf.py" and violations[2]["rule"] == "observation-stale"
    violations = violations[3:]
    assert violations[0] == {
        "rule": "missing-owner",
        "severity": "warning",
        "item": "REQ-1",
        "docname": "index",
        "lineno": 9,
        "message": "requirement 'REQ-1' has no :owner:",
    }
    assert violations[1]["rule"] == "schema"
    assert violations[1]["message"].startswith("unknown option :colour:")
    prose = [v for v in violations if v["lineno"] == 46]
    assert {v["item"] for v in prose} == {None}  # a role in prose belongs to no item


@pytest.mark.sphinx(
    "html",
    testroot="broken",
    confoverrides={"mldesign_rules": {"unknown-ref": "warning", "schema": "off"}},
)
def test_rule_settings_change_severity_or_switch_off(app: SphinxTestApp) -> None:
    app.build()
    lines = warnings_of(app)
    assert not any("[mldesign.schema]" in w for w in lines)
    unknown = [w for w in lines if w.endswith("[mldesign.unknown-ref]")]
    assert len(unknown) == 6 and all(": WARNING: " in w for w in unknown)
    rules = {v["rule"] for v in export_of(app)["violations"]}
    assert "schema" not in rules and {"unknown-ref", "duplicate-id"} <= rules
    assert app.statuscode == 1  # duplicate-id is still an error


@pytest.mark.sphinx(
    "html",
    testroot="broken",
    confoverrides={
        "mldesign_rules": {
            "duplicate-id": "warning",
            "unknown-ref": "warning",
            "schema": "warning",
            "fallback-cycle": "warning",
            "alert-drift": "warning",
        }
    },
)
def test_only_warnings_do_not_fail_the_build(app: SphinxTestApp) -> None:
    app.build()
    assert len(warnings_of(app)) == len(EXPECTED)
    assert app.statuscode == 0


@pytest.mark.sphinx(
    "html",
    testroot="broken",
    confoverrides={"suppress_warnings": ["mldesign.schema", "mldesign.missing-owner"]},
)
def test_suppress_warnings_silences_a_subtype(app: SphinxTestApp) -> None:
    app.build()
    lines = warnings_of(app)
    assert lines
    assert not [w for w in lines if w.endswith(("[mldesign.schema]", "[mldesign.missing-owner]"))]
    # Suppressed messages stay in the export: suppress_warnings is about the console.
    assert {"schema", "missing-owner"} <= {v["rule"] for v in export_of(app)["violations"]}
    assert app.statuscode == 1  # the unknown-ref errors still fail it


@pytest.mark.sphinx(
    "html",
    testroot="broken",
    confoverrides={"suppress_warnings": ["mldesign"]},
)
def test_suppressing_everything_does_not_fail_the_build(app: SphinxTestApp) -> None:
    app.build()
    assert warnings_of(app) == []
    assert app.statuscode == 0


@pytest.mark.sphinx("html", testroot="broken", confoverrides={"nitpicky": True})
def test_nitpicky_mode_does_not_double_report_broken_refs(app: SphinxTestApp) -> None:
    app.build()
    assert not [w for w in warnings_of(app) if "reference target not found" in w]


@pytest.mark.sphinx("html", testroot="broken", confoverrides={"nitpicky": True})
def test_nitpicky_mode_reports_each_broken_ref_once_as_unknown_ref(app: SphinxTestApp) -> None:
    """-n adds no warning of its own: each broken reference (role or option) is reported
    once, as mldesign.unknown-ref at its line, and still shows its text, unlinked."""
    app.build()
    assert _match(warnings_of(app), Path(app.srcdir)) == []  # each once, nothing else
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    for target in ("MET-404", "nobody", "REQ-404", "GONE"):
        assert re.search(f'<span class="ml-broken-ref">(<[^>]*>)*{target}<', html), target
    assert app.statuscode == 1


SUGGESTIONS_PAGE = """\
Page
====

.. ml-requirement:: Fast
   :id: REQ-1
   :priorty: must
   :status: aproved
   :metrics: MET-P9, RISK-P99
   :owner: sam

.. metric:: p99
   :id: MET-P99
   :kind: system
   :owner: sam

.. ml-risk:: p99 risk
   :id: RISK-P90
   :owner: sam

.. owner:: Sam
   :id: sam
"""


def test_a_near_miss_gets_a_suggestion(
    make_app: Callable[..., SphinxTestApp], tmp_path: Path
) -> None:
    (tmp_path / "conf.py").write_text('extensions = ["sphinxcontrib_mldesign"]\n')
    (tmp_path / "index.rst").write_text(SUGGESTIONS_PAGE)
    app = make_app("html", srcdir=tmp_path)
    app.build()
    text = app.warning.getvalue()
    assert "unknown option :priorty: for ml-requirement; did you mean 'priority'?" in text
    assert "(allowed:" not in text  # the likely name, not all seventeen
    assert "'aproved' is not one of: " in text and "did you mean 'approved'?" in text
    assert ":metrics: 'MET-P9' names no item; did you mean 'MET-P99'?" in text
    # A near ID of another type (the risk RISK-P90) is no suggestion for a metric.
    assert ":metrics: 'RISK-P99' names no item" in text
    assert "did you mean 'RISK-P90'" not in text


def test_an_option_name_with_a_line_break_is_one_warning_line(
    make_app: Callable[..., SphinxTestApp], tmp_path: Path
) -> None:
    (tmp_path / "conf.py").write_text(
        'extensions = ["sphinxcontrib_mldesign", "myst_parser"]\n'
        'myst_enable_extensions = ["colon_fence"]\n'
        "show_warning_types = True  # the default from Sphinx 8; 7.4 needs it said\n"
    )
    (tmp_path / "index.md").write_text(
        '# Page\n\n:::{owner} Sam\n---\nid: sam\n"bad\\nkey": x\n---\n:::\n'
    )
    app = make_app("html", srcdir=tmp_path)
    app.build()
    lines = [line for line in warnings_of(app) if "mldesign" in line]
    assert len(lines) == 1, lines
    assert "index.md:6" in lines[0] and "unknown option :bad\\nkey: for ml-owner" in lines[0]


CASCADE_PAGE = """\
Page
====

.. ml-risk:: Drift
   :id: RISK-1
   :likelihood: very-likely
   :impact: very-high
   :owner: ghost owner

.. ml-requirement:: Fast
   :id: REQ-1
   :priorty: must
   :owner: sam

.. owner:: Sam
   :id: sam
"""


def test_an_invalid_value_feeds_no_other_check(
    make_app: Callable[..., SphinxTestApp], tmp_path: Path
) -> None:
    """No score, badge or finding is made from a default the author did not choose."""
    (tmp_path / "conf.py").write_text(
        'extensions = ["sphinxcontrib_mldesign"]\nshow_warning_types = True\n'
    )
    (tmp_path / "index.rst").write_text(CASCADE_PAGE)
    app = make_app("html", srcdir=tmp_path)
    app.build()
    rules = re.findall(r"\[mldesign\.([a-z-]+)\]", app.warning.getvalue())
    assert sorted(rules) == ["schema", "schema", "schema"], app.warning.getvalue()
    items = export_of(app)["items"]
    assert "score" not in items["RISK-1"] and "likelihood" not in items["RISK-1"]
    assert items["RISK-1"]["invalid"] == ["likelihood", "owner"]
    assert "priority" not in items["REQ-1"] and items["REQ-1"]["invalid"] == ["priority"]
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "ml-priority-should" not in html  # no badge from the default
    assert "very-likely (invalid)" in html


EXAMPLES = Path(__file__).parents[1] / "docs" / "reference" / "warning-examples.json"


@pytest.mark.sphinx("html", testroot="broken")
def test_the_docs_example_messages_are_this_builds(app: SphinxTestApp) -> None:
    """The reference's example message per rule is copied from this real build (the
    shortest message of each rule), so it cannot drift from what users see. After a
    deliberate change of wording: ``MLDESIGN_UPDATE_EXAMPLES=1 pytest -k docs_example``."""
    app.build()
    srcdir = f"{Path(app.srcdir)}/"
    shortest: dict[str, str] = {}
    for warning in warnings_of(app):
        rule = warning.rsplit("[mldesign.", 1)[1].rstrip("]")
        message = warning.removeprefix(srcdir)
        if rule not in shortest or len(message) < len(shortest[rule]):
            shortest[rule] = message
    examples = {rule.subtype: shortest[rule.subtype] for rule in Rule}  # every rule has one
    if os.environ.get("MLDESIGN_UPDATE_EXAMPLES"):
        EXAMPLES.write_text(json.dumps(examples, indent=2, ensure_ascii=False) + "\n")
    assert json.loads(EXAMPLES.read_text(encoding="utf-8")) == examples
