"""Observed values in the roll-ups (``mldesign_observe``): the monitoring roll-up's Observed
column and its sparkline, the requirement index's Met column, the values in ``ml-trace``'s
metric nodes, *targets missed* in ``ml-portfolio``; and nothing of it when observation
is off. Real builds of tests/roots/test-observe-rollups, its snapshot pinned at
2026-12-01T12:00Z and judged at 15:00Z (``mldesign_observe_at``)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from helpers import Build, Copy, page, row_of, tables_of
from sphinxcontrib_mldesign.model.formats import parse_condition
from sphinxcontrib_mldesign.model.observe.shown import HEIGHT, WIDTH, sparkline
from sphinxcontrib_mldesign.rollups.diagrams import GAP_COLOUR, WARN_COLOUR


def _monitoring(text: str) -> list[list[str]]:
    [table] = tables_of(text, "ml-monitoring-index")
    return table


def test_the_observed_column_shows_value_mark_age_series_and_alerts(
    build: Build, copy_root: Copy
) -> None:
    app = build(copy_root("observe-rollups"))
    table = _monitoring(page(app, "monitoring"))
    assert table[0][:7] == ["ID", "Metric", "Kind", "Target", "Warn", "Crit", "Observed"]
    p99 = row_of(table, "MET-P99")["Observed"]
    # Past warn, within target; worst of 3 series; 3 h old at 15:00; its alert firing.
    assert p99.startswith("▲ warn ✓ met 180 ms")
    assert p99.endswith("· 3 h ago · 3 series · firing: MET-P99Warn")
    assert row_of(table, "MET-ERR")["Observed"] == (
        "▲ crit ✗ missed 7.5 % · 4 h ago · firing: MET-ERRCrit"
    )
    assert row_of(table, "MET-AUC")["Observed"] == "✓ met 0.9312 · 3 h ago"
    assert row_of(table, "MET-QPS")["Observed"] == (
        "? no value: unreachable: connection refused by 127.0.0.1:9090 · 3 h ago"
    )


def test_observed_marks_sort_worst_first(build: Build, copy_root: Copy) -> None:
    """The table script sorts a cell by its first ``ml-rank-NN``: crit, warn, missed, no
    value, met."""
    text = page(build(copy_root("observe-rollups")), "monitoring")
    rows = text.split("<tbody>", 1)[1].split("</tbody>")[0].split("<tr")[1:]
    ranks = {
        re.findall(r">(MET-[A-Z0-9]+)<", row)[0]: re.findall(r"ml-rank-(\d\d)", row)[0]
        for row in rows
    }
    assert ranks == {"MET-P99": "01", "MET-ERR": "00", "MET-AUC": "04", "MET-QPS": "03"}


def test_the_sparkline_is_an_accessible_svg_in_html_only(build: Build, copy_root: Copy) -> None:
    src = copy_root("observe-rollups")
    shown = page(build(src), "monitoring")
    svgs = re.findall(r"<svg .*?</svg>", shown, re.S)
    assert len(svgs) == 1  # only MET-P99 has a trend in the snapshot
    [svg] = svgs
    assert 'role="img"' in svg and 'class="ml-sparkline"' in svg
    assert f'width="{WIDTH}"' in svg and f'height="{HEIGHT}"' in svg
    assert "<title>lowest 120 ms, highest 180 ms, last 180 ms</title>" in svg
    # The target and both thresholds across, the line, its last point.
    for part in ("ml-spark-target", "ml-spark-warn", "ml-spark-crit", "ml-spark-line",
                 "ml-spark-last"):  # fmt: skip
        assert f'class="{part}"' in svg
    text = build(src, "text")
    monitoring = (Path(text.outdir) / "monitoring.txt").read_text(encoding="utf-8")
    assert "Observed: ▲ warn ✓ met **180 ms** · 3 h ago ·\u00a03 series" in monitoring
    assert "lowest 120 ms" not in monitoring and "svg" not in monitoring


def test_sparkline_geometry() -> None:
    metric = {"target": parse_condition("<= 200 ms"), "crit": parse_condition("> 250 ms")}
    drawn = sparkline(metric, [(0.0, 100.0), (60.0, 150.0), (120.0, 120.0)])
    assert drawn is not None
    ys = dict(drawn.lines)
    # The height spans the samples and the bounds: crit (250) on top, the lowest sample
    # (100) at the bottom, the target between them; y grows downwards.
    assert ys["crit"] == pytest.approx(2.0) and drawn.points[0][1] == pytest.approx(HEIGHT - 2)
    assert ys["crit"] < ys["target"] < drawn.points[0][1]
    assert [x for x, _ in drawn.points] == sorted(x for x, _ in drawn.points)
    assert drawn.title == "lowest 100 ms, highest 150 ms, last 120 ms"
    assert sparkline(metric, [(0.0, 1.0)]) is None  # one sample draws no line
    # A week of samples, one spike: at most two points per pixel column, the spike kept.
    week = [(float(t), 100.0) for t in range(10_000)]
    week[5000] = (5000.0, 400.0)
    many = sparkline(metric, week)
    assert many is not None and len(many.points) <= 2 * WIDTH
    assert min(y for _, y in many.points) == pytest.approx(2.0)  # the spike is the top


def test_the_requirement_index_says_which_requirements_are_met(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("observe-rollups")
    app = build(src)
    shown = page(app, "requirements")
    [table] = tables_of(shown, "ml-requirement-index")
    assert table[0][-1] == "Met"
    met = {row[0]: row[-1] for row in table[1:]}
    # REQ-QUALITY: MET-AUC meets its target, MET-NDCG has no value (not judged).
    assert met == {"REQ-FAST": "✓ met", "REQ-RELIABLE": "✗ missed", "REQ-QUALITY": "✓ met",
                   "REQ-FAIR": "? unknown"}  # fmt: skip
    assert '<span class="ml-gap">✗ missed</span>' in shown  # marked as gaps are
    (src / "requirements.rst").write_text(
        "Requirements\n============\n\n.. ml-requirement-index::\n   :sort: met\n"
        "   :columns: id, met\n",
        encoding="utf-8",
    )
    [table] = tables_of(page(build(src), "requirements"), "ml-requirement-index")
    assert [row[0] for row in table[1:]] == ["REQ-RELIABLE", "REQ-FAIR", "REQ-FAST", "REQ-QUALITY"]


def test_trace_nodes_show_the_value_and_its_mark(build: Build, copy_root: Copy) -> None:
    src = copy_root("observe-rollups")
    app = build(src, confoverrides={"graphviz_output_format": "svg"})
    [drawing] = [
        # Sphinx re-writes the links of an SVG (with a namespace prefix, in some versions).
        html.unescape(path.read_text(encoding="utf-8")).replace("ns0:", "")
        for path in Path(app.outdir, "_images").glob("*.svg")
    ]
    # Graphviz writes each label line as a <text>; the node's border is its worst mark.
    assert ">180 ms ▲ warn ✓ met</text>" in drawing
    assert ">7.5 % ▲ crit ✗ missed</text>" in drawing
    borders = dict(
        re.findall(r"<title>(MET-[A-Z0-9]+)</title>.*?stroke=\"([^\"]+)\"", drawing, re.S)
    )
    assert borders["MET-ERR"] == GAP_COLOUR and borders["MET-P99"] == WARN_COLOUR
    assert borders["MET-AUC"] not in (GAP_COLOUR, WARN_COLOUR)
    [table] = tables_of(page(app, "trace"), "ml-trace")
    assert row_of(table, "REQ-RELIABLE Fail rarely")["Metrics and thresholds"] == (
        "MET-ERR (crit > 5 %): ▲ crit ✗ missed 7.5 % · 4 h ago · firing: MET-ERRCrit"
    )


def test_the_portfolio_counts_targets_missed(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("observe-rollups"))
    [table] = tables_of(page(app, "portfolio"), "ml-portfolio")
    assert row_of(table, "Observed roll-ups (this project)")["Targets missed"] == "1"


def test_nothing_is_shown_when_observation_is_off(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("observe-rollups"), confoverrides={"mldesign_observe": "off"})
    for docname in ("monitoring", "requirements", "trace", "portfolio"):
        shown = page(app, docname)
        assert "ml-observed" not in shown and "<svg" not in shown, docname
    assert "Observed" not in _monitoring(page(app, "monitoring"))[0]
    [requirements] = tables_of(page(app, "requirements"), "ml-requirement-index")
    assert "Met" not in requirements[0]
    [portfolio] = tables_of(page(app, "portfolio"), "ml-portfolio")
    assert "Targets missed" not in portfolio[0]


def test_a_server_secret_is_in_no_output(
    build: Build, copy_root: Copy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The roll-ups' fingerprint reads the settings: a header's secret, expanded from the
    environment, must not reach the state file, the pages or the environment pickle."""
    secret = "tok-9f3c1e77b2a04d5e"
    monkeypatch.setenv("PROM_TOKEN", secret)
    server = {"url": "http://127.0.0.1:9", "headers": {"Authorization": "Bearer ${PROM_TOKEN}"}}
    src = copy_root("observe-rollups")
    app = build(src, confoverrides={"mldesign_prometheus": server, "mldesign_mlflow": server})
    assert "7.5 %" in page(app, "monitoring")  # the snapshot was read
    written = [path for path in Path(app.outdir).parent.rglob("*") if path.is_file()]
    assert any(path.name == ".mldesign-state.json" for path in written)
    for path in written:
        assert secret.encode() not in path.read_bytes(), path
    assert secret not in app.status.getvalue() + app.warning.getvalue()


def test_an_imported_projects_targets_missed_show_without_local_observation(
    build: Build, copy_root: Copy
) -> None:
    """The portfolio reads an import's verdicts from its export (``observed``, ``met``): the
    column is there although this project does not observe, and so are the import's
    values in the roll-ups that show its items."""
    exported = build(copy_root("observe-rollups", "team"), "mldesign")
    src = copy_root("observe-rollups", "platform")
    (src / "monitoring.rst").write_text(
        "Monitoring\n==========\n\n.. ml-monitoring-index::\n   :projects: team\n"
    )
    (src / "requirements.rst").write_text(
        "Requirements\n============\n\n.. ml-requirement-index::\n   :projects: team\n"
        "   :columns: id, met\n"
    )
    app = build(
        src,
        confoverrides={
            "mldesign_observe": "off",
            "mldesign_imports": {"team": str(Path(exported.outdir) / "mldesign.json")},
        },
    )
    [table] = tables_of(page(app, "portfolio"), "ml-portfolio")
    assert row_of(table, "Observed roll-ups (this project)")["Targets missed"] == "—"
    assert row_of(table, "Observed roll-ups — team")["Targets missed"] == "1"
    [monitoring] = tables_of(page(app, "monitoring"), "ml-monitoring-index")
    assert row_of(monitoring, "team:MET-ERR")["Observed"].startswith("▲ crit ✗ missed 7.5 %")
    [requirements] = tables_of(page(app, "requirements"), "ml-requirement-index")
    assert dict(requirements[1:])["team:REQ-RELIABLE"] == "✗ missed"
