"""The per-build state: findings are the one source of every gap a roll-up marks, rule
settings apply to all of them at once, and a settings change re-renders the roll-ups."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import Build, Copy, export_text, page, tables_of
from sphinxcontrib_mldesign.model.rules import Rule
from sphinxcontrib_mldesign.state import build_state


def _rows(html: str, css_class: str) -> dict[str, list[str]]:
    """The rows of the first table with the class, keyed by their first cell."""
    return {row[0]: row for row in tables_of(html, css_class)[0][1:]}


def _derived(html: str) -> set[str]:
    """The kinds of derived risk listed."""
    tables = tables_of(html, "ml-derived-risks")
    return {row[1] for row in tables[0][1:]} if tables else set()


def marks(html: str) -> set[str]:
    """Every gap mark test-gaps' roll-up page shows, named by the rule that found it."""
    requirements = _rows(html, "ml-requirement-index")["REQ-UNOWNED"]
    risks = _rows(html, "ml-risk-register")["RISK-UNOWNED"]
    monitoring = _rows(html, "ml-monitoring-index")["MET-UNOWNED"]
    area = _rows(html, "ml-area-index")["ranking"]
    owner = _rows(html, "ml-ownership-index")["solo"]
    freshness = _rows(html, "ml-freshness-index")["Items"]
    derived = _derived(html)
    shown = {
        "missing-owner (requirement)": requirements[7] == "✗ no owner",
        "missing-owner (risk)": risks[8] == "✗ no owner",
        "missing-owner (metric)": monitoring[9] == "✗ no owner",  # after Window, For
        "must-needs-metric": requirements[5] == "✗ no metric",
        "serving-needs-fallback": requirements[6] == "✗ no fallback",
        "serving-needs-fallback (derived)": "no fallback" in derived,
        "bus-factor": area[3] == "✗ 1",
        "bus-factor (no backup)": owner[6] == "✗ no backup",
        "high-risk-needs-mitigation": risks[7] == "✗ none",
        "bus-factor (derived)": "bus factor" in derived,
        "stale": freshness[5].startswith("✗ stale"),
        "stale (derived)": "stale" in derived,
        "trigger-not-monitored": bool(re.search(r"cannot fire</span> fallback", html)),
    }
    return {name for name, present in shown.items() if present}


ALL_MARKS = {
    "missing-owner (requirement)", "missing-owner (risk)", "missing-owner (metric)",
    "must-needs-metric", "serving-needs-fallback", "serving-needs-fallback (derived)",
    "bus-factor", "bus-factor (derived)", "bus-factor (no backup)", "high-risk-needs-mitigation",
    "stale", "stale (derived)", "trigger-not-monitored",
}  # fmt: skip


def test_every_gap_the_checks_find_is_marked(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("gaps"))
    assert marks(page(app, "rollups")) == ALL_MARKS
    # The marks are the findings: each rule behind a mark reported its warning.
    for rule in {name.split(" ")[0] for name in ALL_MARKS}:
        assert f"[mldesign.{rule}]" in app.warning.getvalue()


@pytest.mark.parametrize(
    "rule",
    ["missing-owner", "must-needs-metric", "serving-needs-fallback", "bus-factor", "stale",
     "trigger-not-monitored", "high-risk-needs-mitigation"],
)  # fmt: skip
def test_a_rule_turned_off_takes_its_marks_from_every_rollup(
    rule: str, build: Build, copy_root: Copy
) -> None:
    app = build(copy_root("gaps"), confoverrides={"mldesign_rules": {rule: "off"}})
    html = page(app, "rollups")
    assert marks(html) == {name for name in ALL_MARKS if name.split(" ")[0] != rule}
    if rule == "stale":  # nothing checked: not "fresh"
        assert _rows(html, "ml-freshness-index")["Items"][5] == "not checked"


def test_findings_keep_what_a_rule_turned_off_found(build: Build, copy_root: Copy) -> None:
    """Findings are made before settings apply; "off" hides them from every view."""
    app = build(copy_root("gaps"), confoverrides={"mldesign_rules": {"bus-factor": "off"}})
    findings = build_state(app.env).findings
    assert [f.area for f in findings.found if f.rule is Rule.BUS_FACTOR] == ["ranking"]
    assert findings.about(Rule.BUS_FACTOR, "ranking") is None
    assert not findings.of_rule(Rule.BUS_FACTOR)
    assert all(v.rule != "bus-factor" for v in findings.violations)
    assert findings.about(Rule.STALE, "solo") is not None


def test_the_state_is_asked_for_only_after_the_checks_ran(
    make_app: Callable[..., SphinxTestApp], copy_root: Copy
) -> None:
    app = make_app("html", srcdir=copy_root("gaps"))
    with pytest.raises(RuntimeError, match="env-updated"):
        build_state(app.env)
    app.build()
    assert build_state(app.env).findings.found


def _normalised(html: str) -> str:
    return re.sub(r"\?v=[0-9a-f]+", "", html)


@pytest.mark.parametrize(
    "setting",
    [
        'mldesign_rules = {"bus-factor": "off", "serving-needs-fallback": "warning", '
        '"missing-owner": "off"}',
        "mldesign_min_bus_factor = 1",
        'mldesign_review_every = "1000d"',
    ],
)
def test_incremental_build_after_a_settings_change_equals_a_clean_build(
    setting: str, build: Build, copy_root: Copy
) -> None:
    incremental = copy_root("gaps", "incremental")
    build(incremental)
    before = _normalised(page(build(incremental), "rollups"))
    conf = incremental / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + setting + "\n", encoding="utf-8")
    after = build(incremental)
    clean_source = copy_root("gaps", "clean")
    (clean_source / "conf.py").write_text(conf.read_text(encoding="utf-8"), encoding="utf-8")
    clean = build(clean_source)
    assert _normalised(page(after, "rollups")) == _normalised(page(clean, "rollups"))
    assert _normalised(page(after, "rollups")) != before  # the setting shows in the roll-ups
    assert export_text(after) == export_text(clean)
    assert "rollups" in after.status.getvalue().split("writing output")[-1]


@pytest.mark.parametrize("setting", ["warning", "off"])
def test_a_chains_end_is_marked_as_its_check_found_it(
    setting: str, build: Build, copy_root: Copy
) -> None:
    app = build(
        copy_root("rollups"), confoverrides={"mldesign_rules": {"fallback-terminal": setting}}
    )
    html = page(app, "rollups")
    assert "the last tier is a cache, which can fail too" in html
    assert ('<span class="ml-gap">✗ unsafe end</span>' in html) is (setting == "warning")


ASSEMBLING_EXTENSION = """
from sphinx.builders.singlehtml import SingleFileHTMLBuilder


class OnePageBuilder(SingleFileHTMLBuilder):
    name = "onepage"


def setup(app):
    app.add_builder(OnePageBuilder)
    return {"parallel_read_safe": True}
"""


def test_a_third_party_builder_that_assembles_pages_gets_the_rollups(
    build: Build, copy_root: Copy
) -> None:
    """Roll-ups are rendered wherever the resolved doctree holds them, whatever the
    builder's name (a builder assembling one page from many)."""
    src = copy_root("gaps")
    (src / "onepage_ext.py").write_text(ASSEMBLING_EXTENSION)
    conf = src / "conf.py"
    conf.write_text(
        "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n"
        + conf.read_text(encoding="utf-8").replace(
            '"sphinxcontrib_mldesign"]', '"sphinxcontrib_mldesign", "onepage_ext"]'
        )
    )
    app = build(src, "onepage")
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert marks(html) == ALL_MARKS


def test_every_build_ends_with_what_the_extension_found(
    build: Build, copy_root: Copy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = build(copy_root("gaps"))
    assert "mldesign: 6 items, 0 errors, 9 warnings" in app.status.getvalue()
    from sphinx.cmd.build import build_main

    capsys.readouterr()
    build_main(["-q", "-b", "html", str(copy_root("gaps", "quiet")), str(tmp_path / "q")])
    assert "mldesign:" not in capsys.readouterr().out  # an info line: -q hides it
