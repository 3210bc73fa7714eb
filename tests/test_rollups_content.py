"""The six roll-ups' content, read from one build of tests/roots/test-rollups: rows,
cells, gaps, derived risks, filters, sorting and bad roll-up options."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import Build, ids, page, row_of, tables_of, warnings_of

Pages = tuple[str, str, list[str]]


@pytest.fixture(scope="module")
def rollups_html(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Pages:
    """One build of test-rollups shared by the content tests (they only read it)."""
    src = tmp_path_factory.mktemp("rollups") / "src"
    shutil.copytree(rootdir / "test-rollups", src)
    app = SphinxTestApp("html", srcdir=src)
    try:
        app.build()
    finally:
        app.cleanup()
    return page(app, "rollups"), page(app, "filtered"), warnings_of(app)


def test_requirement_index_lists_every_requirement_with_gaps(
    rollups_html: Pages,
) -> None:
    html, _, _ = rollups_html
    [table] = tables_of(html, "ml-requirement-index")
    assert table[0] == [
        "ID",
        "Requirement",
        "Priority",
        "Status",
        "Target",
        "Metrics",
        "Fallbacks",
        "Owner",
    ]
    rows = {row[0]: row for row in table[1:]}
    assert list(rows) == ["REQ-FAST", "REQ-GOOD", "REQ-BATCH", "REQ-OUT"]  # document order
    assert rows["REQ-FAST"][4:] == ["p99 <= 200 ms", "MET-P99", "FB-MODEL", "ann"]
    assert rows["REQ-BATCH"][6] == "✗ no fallback"  # serves predictions, nothing to fall back to
    assert rows["REQ-GOOD"][6] == "—"  # does not serve: no fallback needed
    assert 'href="design.html#REQ-FAST"' in html  # every ID links to its item


def test_risk_index_register_matrix_and_derived_risks(
    rollups_html: Pages,
) -> None:
    html, _, _ = rollups_html
    [register] = tables_of(html, "ml-risk-register")
    assert ids(register) == ["RISK-DRIFT", "RISK-LAT"]  # by score: 20, then 6
    assert [row[5] for row in register[1:]] == ["20", "6"]
    [matrix] = tables_of(html, "ml-risk-matrix")
    assert matrix[0] == ["Impact \\ likelihood", "very-low", "low", "moderate", "high", "very-high"]
    assert matrix[1][0] == "impact very-high" and matrix[1][4] == "RISK-DRIFT"
    assert matrix[3][2] == "RISK-LAT"  # impact moderate, likelihood low
    assert (
        '<td class="ml-cell-critical" data-label="high"><p><a class="reference internal" '
        'href="design.html#RISK-DRIFT"' in html
    )
    [derived] = tables_of(html, "ml-derived-risks")
    assert [row[1:3] for row in derived[1:]] == [
        ["bus factor", "area 'evaluation': ben"],
        ["no fallback", "REQ-BATCH"],
        ["stale", "REQ-GOOD"],
    ]
    assert all(row[0] == "derived" for row in derived[1:])
    assert html.count('<tr class="ml-derived') == 3 + 1 + 1  # derived risks, low area, stale doc


def test_monitoring_index_and_gaps(rollups_html: Pages) -> None:
    html, _, _ = rollups_html
    [table] = tables_of(html, "ml-monitoring-index")
    assert ids(table) == ["MET-P99"]  # MET-NDCG has no thresholds: not monitored
    assert list(row_of(table, "MET-P99").items())[3:] == [
        ("Target", "p99 <= 200 ms"),
        ("Warn", "p99 > 150 ms"),
        ("Crit", "p99 > 200 ms"),
        ("Window", "5m"),
        ("For", "10m"),
        ("Severity", "page"),
        ("Owner", "ann"),
        ("Triggers", "FB-SMALL, FB-POP"),
    ]
    gaps = html.split("Coverage gaps", 1)[1].split("</ul>", 1)[0]
    assert "REQ-GOOD" in gaps and "MET-NDCG" in gaps and "FB-CACHE" in gaps


def test_ownership_index_owners_and_areas(rollups_html: Pages) -> None:
    html, _, _ = rollups_html
    [owners] = tables_of(html, "ml-ownership-index")
    assert ids(owners) == ["ann", "ben"]
    assert (
        owners[1][3]
        == "REQ-FAST, REQ-BATCH, REQ-OUT, MET-P99, FB-MODEL, FB-SMALL, FB-POP, RISK-LAT"
    )
    assert owners[2][6] == "✗ no backup"
    [areas] = tables_of(html, "ml-area-index")
    assert areas[1:] == [
        ["evaluation", "ben", "—", "✗ 1"],
        ["serving", "ann", "ben", "2"],
        ["training", "ann", "ben", "2"],
    ]


def test_fallback_chains_tier_by_tier(rollups_html: Pages) -> None:
    html, _, _ = rollups_html
    chains = html.split('<div class="ml-chain ')[1:]
    assert len(chains) == 2
    first, second = chains
    assert first.startswith("ml-chain-safe")
    assert first.index("FB-MODEL") < first.index("FB-SMALL") < first.index("FB-POP")
    assert "protects" in first and "REQ-FAST" in first and "ends safely in a constant tier" in first
    assert second.startswith("ml-chain-unsafe") and "unsafe end" in second


def test_freshness_index_per_document(rollups_html: Pages) -> None:
    html, _, _ = rollups_html
    [table] = tables_of(html, "ml-freshness-index")
    assert table[1:] == [
        ["Design", "12", "—", "2025-01-01 (REQ-GOOD)", "ann, ben", "✗ stale: REQ-GOOD"],
        ["People", "2", "—", "—", "—", "fresh"],
    ]


def test_derived_risks_say_why(rollups_html: Pages) -> None:
    """The "Why" of a derived risk is the finding's summary, for each rule that derives one."""
    html, _, _ = rollups_html
    [derived] = tables_of(html, "ml-derived-risks")
    assert [row[3] for row in derived[1:]] == [
        "only 1 of the 2 people needed know this area",
        "serves batch predictions with nothing to fall back to",
        "reviewed on 2025-01-01, 669 days ago",
    ]


def test_filters_sort_and_columns(rollups_html: Pages) -> None:
    _, html, _ = rollups_html
    first, third = tables_of(html, "ml-requirement-index")
    assert first[0] == ["ID", "Priority", "Owner", "Document"]
    assert ids(first) == ["REQ-GOOD", "REQ-OUT", "REQ-FAST"]  # -priority: should before must
    assert ids(third) == ["REQ-FAST"] and third[0] == ["ID"]  # bad values dropped
    assert "No requirements match this index." in html
    [register] = tables_of(html, "ml-risk-register")
    assert ids(register) == ["RISK-LAT"]
    assert html.count("Chain from") == 1 and "Chain from FB-CACHE" in html
    [fresh] = tables_of(html, "ml-freshness-index")
    assert [row[0] for row in fresh[1:]] == ["Design"]


def test_bad_rollup_options_are_schema_errors_at_their_line(
    rollups_html: Pages,
) -> None:
    _, html, lines = rollups_html
    bad = [w for w in lines if "ERROR: ml-requirement-index" in w]
    assert len(bad) == 2 and all(w.endswith("[mldesign.schema]") for w in bad)
    assert any("filtered.rst:23: ERROR" in w and ":columns: 'colour'" in w for w in bad)
    assert any("filtered.rst:22: ERROR" in w and ":status: 'someday'" in w for w in bad)
    # An option no roll-up has: reported, and the roll-up still renders with the rest.
    [unknown] = [w for w in lines if "unknown option" in w]
    assert "filtered.rst:26: ERROR: ml-monitoring-index: unknown option :colour:" in unknown
    assert unknown.endswith("[mldesign.schema]")
    # Its :severity: filter still applies: the one monitored metric pages, none tickets.
    assert tables_of(html, "ml-monitoring-index") == []
    assert "No monitored metric (one with :warn: or :crit:) matches." in html


def test_empty_project_says_so(build: Build, tmp_path: Path) -> None:
    src = tmp_path / "empty"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinxcontrib_mldesign"]\n')
    directives = "\n\n".join(
        f".. ml-{name}::"
        for name in (
            "requirement-index",
            "risk-index",
            "monitoring-index",
            "ownership-index",
            "fallback-chains",
            "freshness-index",
        )
    )
    (src / "index.rst").write_text("Empty\n=====\n\n" + directives + "\n")
    app = build(src)
    html = page(app, "index")
    assert "<table" not in html
    for message in (
        "No requirements match",
        "No declared risks",
        "No monitored metric",
        "No owners match",
        "No fallback chains",
        "No items yet",
    ):
        assert message in html, message
