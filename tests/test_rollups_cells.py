"""Roll-up cells on small projects: a gap is flagged exactly when the check reports it,
missing values are marked, order and counts, wrong-type refs, filters and sorting that
follow the project's schema extensions."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import Build, export_of, ids, page, row_of, tables_of, warnings_of


def test_rollup_gaps_are_what_the_checks_report(build: Build, tmp_path: Path) -> None:
    """One definition of each gap: a cell is flagged exactly when the build warns, and a
    rule turned off derives no risk."""
    src = tmp_path / "p"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_mldesign"]\nmldesign_today = "2026-11-01"\n'
        'mldesign_rules = {"bus-factor": "off", "stale": "off"}\n'
        "show_warning_types = True\n"  # the default from Sphinx 8; 7.4 needs it said
    )
    (src / "index.rst").write_text(
        "Gaps\n====\n\n"
        ".. ml-owner:: Ann\n   :id: ann\n   :areas: serving\n   :reviewed: 2020-01-01\n\n"
        ".. ml-requirement:: Must\n   :id: R-MUST\n   :priority: must\n   :owner: ann\n\n"
        ".. ml-requirement:: Could\n   :id: R-COULD\n   :priority: could\n   :owner: ann\n\n"
        ".. ml-requirement:: Rejected\n   :id: R-OLD\n   :status: rejected\n"
        "   :inference: batch\n\n"
        ".. ml-requirement-index::\n\n.. ml-risk-index::\n"
    )
    app = build(src)
    warned = {(w.rsplit("[mldesign.", 1)[1].rstrip("]"), w) for w in warnings_of(app)}
    rules = sorted(rule for rule, _ in warned)
    assert rules == ["missing-owner", "must-needs-metric", "serving-needs-fallback"]
    html = page(app, "index")
    [table] = tables_of(html, "ml-requirement-index")
    rows = {row[0]: row for row in table[1:]}
    assert rows["R-MUST"][5] == "✗ no metric"  # must-needs-metric
    assert rows["R-COULD"][5] == "—"  # no rule asks a could-have for a metric
    assert rows["R-OLD"][6:] == ["✗ no fallback", "✗ no owner"]  # rejected, still reported
    [derived] = tables_of(html, "ml-derived-risks")
    assert [row[1:3] for row in derived[1:]] == [["no fallback", "R-OLD"]]  # stale, bus: off

    # The same rules turned off: no warning, no gap cell, no derived risk.
    (src / "conf.py").write_text(
        (src / "conf.py").read_text()
        + 'mldesign_rules.update({"must-needs-metric": "off", "missing-owner": "off",'
        ' "serving-needs-fallback": "off"})\n'
    )
    app = build(src, freshenv=True)
    assert warnings_of(app) == []
    html = page(app, "index")
    [table] = tables_of(html, "ml-requirement-index")
    rows = {row[0]: row for row in table[1:]}
    assert rows["R-MUST"][5] == "—" and rows["R-OLD"][6:] == ["—", "—"]
    assert "ml-derived-risks" not in html and "No derived risks" in html


MISSING_PAGE = """\
Missing
=======

.. ml-owner:: Ann
   :id: ann

.. ml-metric:: Alerting, nobody owns it
   :id: MET-A
   :kind: system
   :crit: p99 > 300 ms

.. ml-fallback:: Smaller model
   :id: FB-1
   :kind: simpler-model
   :owner: ann
   :trigger: MET-A
   :next: FB-2

.. ml-fallback:: Constant answer
   :id: FB-2
   :kind: constant
   :owner: ann

.. ml-risk:: Unowned and unmitigated
   :id: RISK-1
   :likelihood: high
   :impact: high

.. ml-risk-index::

.. ml-monitoring-index::

.. ml-fallback-chains::
"""


def test_rollup_cells_flag_what_is_missing(build: Build, tmp_path: Path) -> None:
    src = tmp_path / "p"
    src.mkdir()
    conf = 'extensions = ["sphinxcontrib_mldesign"]\nmldesign_today = "2026-11-01"\n'
    (src / "conf.py").write_text(conf)
    (src / "index.rst").write_text(MISSING_PAGE)
    html = page(build(src), "index")
    [register] = tables_of(html, "ml-risk-register")
    assert register[1][0] == "RISK-1" and register[1][7:] == ["✗ none", "✗ no owner"]
    [monitoring] = tables_of(html, "ml-monitoring-index")
    assert row_of(monitoring, "MET-A")["Owner"] == "✗ no owner"
    assert row_of(monitoring, "MET-A")["Triggers"] == "FB-1"
    chain = " ".join(re.sub(r"<[^>]+>", " ", html.split('<div class="ml-chain ', 1)[1]).split())
    assert "primary; switch manual, recovery manual; triggered by MET-A" in chain
    assert "tier 2; switch manual, recovery manual; no trigger named" in chain
    # missing-owner turned off: no owner gap is flagged; a risk with no mitigation still is.
    (src / "conf.py").write_text(conf + 'mldesign_rules = {"missing-owner": "off"}\n')
    html = page(build(src, freshenv=True), "index")
    assert tables_of(html, "ml-risk-register")[0][1][7:] == ["✗ none", "—"]
    assert row_of(tables_of(html, "ml-monitoring-index")[0], "MET-A")["Owner"] == "—"


ORDER_PAGE = """\
Order
=====

.. ml-owner:: Ann
   :id: ann

.. ml-risk:: Minor
   :id: RISK-MINOR
   :likelihood: low
   :impact: low
   :owner: ann
   :mitigations: FB-SAFE

.. ml-risk:: Major
   :id: RISK-MAJOR
   :likelihood: very-high
   :impact: high
   :owner: ann
   :mitigations: FB-SAFE

.. ml-metric:: Error rate
   :id: MET-ERR
   :kind: system
   :crit: rate > 5 %
   :owner: ann
   :on-breach: FB-SAFE

.. ml-fallback:: Safe answer
   :id: FB-SAFE
   :kind: constant
   :owner: ann

.. ml-risk-index::

.. ml-monitoring-index::

.. ml-ownership-index::

.. ml-freshness-index::
"""


def test_rollup_order_counts_and_on_breach(build: Build, tmp_path: Path) -> None:
    """The register by score whatever the document order; how many items each owner
    owns; a metric's :on-breach: among what it triggers; "not checked" freshness when the
    stale rule is off."""
    src = tmp_path / "p"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_mldesign"]\nmldesign_today = "2026-11-01"\n'
        'mldesign_rules = {"stale": "off"}\n'
    )
    (src / "index.rst").write_text(ORDER_PAGE)
    html = page(build(src), "index")
    [register] = tables_of(html, "ml-risk-register")
    assert [row[:1] + row[5:6] for row in register[1:]] == [
        ["RISK-MAJOR", "20"],
        ["RISK-MINOR", "4"],
    ]
    [monitoring] = tables_of(html, "ml-monitoring-index")
    assert monitoring[1][0] == "MET-ERR" and row_of(monitoring, "MET-ERR")["Triggers"] == "FB-SAFE"
    [owners] = tables_of(html, "ml-ownership-index")
    assert owners[1][3:5] == ["RISK-MINOR, RISK-MAJOR, MET-ERR, FB-SAFE", "4"]
    [freshness] = tables_of(html, "ml-freshness-index")
    assert freshness[1][5] == "not checked"


def test_wrong_type_refs_and_option_forms(build: Build, tmp_path: Path) -> None:
    src = tmp_path / "p"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_mldesign"]\nshow_warning_types = True\n'
    )
    (src / "index.md").write_text(
        "# Index\n\n"
        "```{ml-requirement} Measured by a requirement\n:id: R1\n:metrics: R1, R1\n```\n\n"
        "```{ml-requirement-index}\n:columns: -id, title, metrics\n```\n\n"
        "```{ml-freshness-index}\nstale-only: true\n```\n"
    )
    app = build(src)
    lines = warnings_of(app)
    assert any(":columns: '-id'" in w and w.endswith("[mldesign.schema]") for w in lines)
    assert not any("stale-only" in w for w in lines)
    html = page(app, "index")
    [table] = tables_of(html, "ml-requirement-index")
    # Shown once and not linked; no "no metric" gap: it lists a metric (a wrong one, which
    # unknown-ref reports), and the gaps are what the checks report.
    assert table[1] == ["Measured by a requirement", "R1"]
    index_html = html.split("ml-requirement-index", 1)[1]
    assert '<span class="ml-broken-ref"><code class="ml-ref' in index_html
    assert any("'R1' is an ml-requirement, expected ml-metric" in w for w in lines)


def test_filters_follow_the_projects_schema_extensions(build: Build, tmp_path: Path) -> None:
    src = tmp_path / "p"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_mldesign"]\nshow_warning_types = True\n'
        'mldesign_schema_extensions = {"ml-risk": {"properties": {"status": '
        '{"enum": ["open", "closed", "watching"]}}},\n'
        '    "ml-requirement": {"properties": {"priority": {"enum": [1, 2, 3], "default": 3}}}}\n'
    )
    (src / "index.rst").write_text(
        "Risks\n=====\n\n.. ml-risk:: Watched\n   :id: R1\n   :status: watching\n\n"
        ".. ml-risk-index::\n   :status: watching, mitigated\n\n"
        ".. ml-requirement-index::\n   :priority: 4, 2\n\n"
        ".. ml-requirement:: Numbered\n   :id: N2\n   :priority: 2\n"
    )
    app = build(src)
    [register] = tables_of(page(app, "index"), "ml-risk-register")
    assert ids(register) == ["R1"]  # "watching" exists in this project
    bad = [w for w in warnings_of(app) if "ml-risk-index :status:" in w]
    assert len(bad) == 1 and "'mitigated' is not one of: open, closed, watching" in bad[0]
    # An enum of numbers: filter values are compared as text, reported at the line.
    [numeric] = [w for w in warnings_of(app) if "ml-requirement-index :priority:" in w]
    assert "index.rst:12: ERROR" in numeric and "'4' is not one of: 1, 2, 3" in numeric
    # ...and an item's "2" is the member 2, so the filter finds it.
    assert not [w for w in warnings_of(app) if "priority" in w and "N2" in w]
    assert export_of(app)["items"]["N2"]["priority"] == 2
    [numbered] = tables_of(page(app, "index"), "ml-requirement-index")
    assert ids(numbered) == ["N2"]


def test_requirement_index_sorts_enums_in_the_projects_order(build: Build, tmp_path: Path) -> None:
    src = tmp_path / "p"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_mldesign"]\n'
        'mldesign_schema_extensions = {"ml-requirement": {"properties": {"priority": '
        '{"enum": ["should", "must"]}}}}\n'  # narrowed, and should ranks first here
    )
    (src / "index.rst").write_text(
        "Order\n=====\n\n"
        ".. ml-requirement:: A\n   :id: R-MUST\n   :priority: must\n\n"
        ".. ml-requirement:: B\n   :id: R-SHOULD\n   :priority: should\n\n"
        ".. ml-requirement-index::\n   :sort: priority\n"
    )
    [table] = tables_of(page(build(src), "index"), "ml-requirement-index")
    assert ids(table) == ["R-SHOULD", "R-MUST"]
