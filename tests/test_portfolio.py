"""Roll-ups across projects: ``:projects:``, ``ml-portfolio`` (figures checked against
the hand-counted exports of tests/roots/test-portfolio), incremental and parallel builds
after an import changes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.parallel import parallel_available

from helpers import Build, Copy, edit, export_of, export_text, page, tables_of, warnings_of

HEADERS = ["Project", "Items", "Errors", "Warnings", "Findings by rule", "Stale",
           "Lowest bus factor", "Serving without fallback", "Unmonitored triggers",
           "Last change"]  # fmt: skip

#: Counted by hand from design.rst and exports/*.json (see the comments).
EXPECTED_ROWS = [
    # Checkout: REQ-CHECKOUT, REQ-BAD, FB-LOCAL, ann. Errors: five unknown refs (REQ-BAD's
    # :metrics: and two :depends:, two roles in prose) and the :projects: typo; one warning
    # (FB-LOCAL's trigger). Serving: ann, payments' pat and search's sam = 3.
    ["Checkout (this project)", "4 (2 requirements, 1 fallback, 1 owner)", "6", "1",
     "unknown-ref 5; schema 1; trigger-not-monitored 1", "0% (0)", "3 (serving)", "0", "1",
     "—"],
    # Payments: its export's six violations; two stale items of seven; pat alone knows
    # "fraud model" and, within payments, "serving" (1 each; the first by name shown).
    ["Payments — payments", "7 (2 requirements, 2 metrics, 2 fallbacks, 1 owner)", "1", "5",
     "stale 2; bus-factor 1; serving-needs-fallback 1; trigger-not-monitored 1; unknown-ref 1",
     "29% (2)", "✗ 1 (fraud model)", "1", "1", "2026-10-15"],
    # Search: no violations; sam lists serving and ranking, kim backs sam up: 2 each.
    ["Search — search", "4 (1 requirement, 1 metric, 2 owners)", "0", "0", "—", "0% (0)",
     "2 (ranking)", "0", "0", "—"],
]  # fmt: skip


def _rollups(html: str) -> list[str]:
    """The HTML of each roll-up of a page, in order."""
    return html.split('<div class="ml-rollup ')[1:]


def test_portfolio_figures_are_the_hand_counted_ones(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("portfolio"))
    html = page(app, "rollups")
    [table] = tables_of(html, "ml-portfolio")
    assert table[0] == HEADERS
    assert table[1:] == EXPECTED_ROWS
    # Figures link to the project's roll-up explaining them: this project's pages, and the
    # pages an import's export names (payments names two; search none).
    portfolio = _rollups(html)[0]
    links = re.findall(r'<a class="reference (?:internal|external)" href="([^"]*)"', portfolio)
    assert links == [
        # This project: items (its requirement index), bus factor (ownership), serving
        # without fallback (chains), unmonitored triggers (monitoring); no freshness index.
        "#ml-requirement-index", "#ml-ownership-index", "#ml-fallback-chains",
        "#ml-monitoring-index",
        # Payments' export names the pages of two of its roll-ups; search's none.
        "https://payments.example.org/design/rollups.html#ml-requirement-index",
        "https://payments.example.org/design/rollups.html#ml-freshness-index",
    ]  # fmt: skip
    for anchor in ("ml-requirement-index", "ml-ownership-index", "ml-fallback-chains"):
        assert html.count(f'id="{anchor}"') == 1  # the first roll-up of each kind


def test_a_project_is_marked_by_its_own_findings(build: Build, copy_root: Copy) -> None:
    """Payments' area known to one person is marked because payments' own checks reported
    it; with a minimum of 1 there (no such violation in its export), it is not."""
    src = copy_root("portfolio")
    export = src / "exports" / "payments.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    data["violations"] = [v for v in data["violations"] if v["rule"] != "bus-factor"]
    export.write_text(json.dumps(data), encoding="utf-8")
    app = build(src)
    [table] = tables_of(page(app, "rollups"), "ml-portfolio")
    assert table[2][6] == "1 (fraud model)"
    assert (
        table[2][4] == "stale 2; serving-needs-fallback 1; trigger-not-monitored 1; unknown-ref 1"
    )


def test_portfolio_links_lead_to_the_rollup_showing_the_whole_project(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("portfolio")
    (src / "a_filtered.rst").write_text(
        "Filtered\n========\n\n.. ml-requirement-index::\n   :status: approved\n"
    )
    (src / "z_whole.rst").write_text("Whole\n=====\n\n.. ml-requirement-index::\n")
    edit(src / "index.rst", "   rollups\n", "   rollups\n   a_filtered\n   z_whole\n")
    app = build(src)
    html = page(app, "rollups")
    assert 'href="z_whole.html#ml-requirement-index"' in _rollups(html)[0]
    assert export_of(app)["rollups"]["ml-requirement-index"] == {"docname": "z_whole"}


def test_portfolio_links_lead_somewhere_in_latex(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("portfolio"), "latex")
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    links = set(re.findall(r"hyperref\[\\detokenize\{(rollups:ml-[a-z-]+)\}\]", tex))
    assert links == {f"rollups:ml-{kind}" for kind in (
        "requirement-index", "ownership-index", "fallback-chains", "monitoring-index")}  # fmt: skip
    for link in links:
        assert f"\\label{{\\detokenize{{{link}}}}}" in tex


def test_projects_choose_whose_items_a_rollup_shows(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("portfolio"))
    html = page(app, "rollups")
    requirements = tables_of(html, "ml-requirement-index")
    ids = [row[0] for row in requirements[0][1:]]
    # :projects: all — this project's first, then each import's, under qualified IDs.
    assert ids == ["REQ-CHECKOUT", "REQ-BAD", "payments:REQ-AVAIL", "payments:REQ-LIMITS",
                   "search:REQ-FRESH"]  # fmt: skip
    # An imported item's gap is its own project's finding (payments reported REQ-LIMITS).
    limits = requirements[0][4]
    assert limits[6] == "✗ no fallback"
    # Imported IDs link to their pages (payments) or show unlinked (search has no URLs).
    assert 'href="https://payments.example.org/design/reqs.html#REQ-LIMITS"' in html
    assert re.search(r'ml-imported-ref"><code[^>]*>search:REQ-FRESH<', html)
    # :projects: local, payments — ownership: ann and pat; serving known to both.
    owners, areas = tables_of(html, "ml-ownership-index")[0], tables_of(html, "ml-area-index")[0]
    assert [row[0] for row in owners[1:]] == ["ann", "payments:pat"]
    assert areas[1:] == [
        # Marked: payments' own check reported it (its export says which area).
        ["fraud model", "payments:pat", "—", "✗ 1"],
        # Serving as the bus-factor check counts it: search's sam knows it too (kim,
        # his backup, has ann's e-mail: the same person), whatever :projects: shows.
        ["serving", "ann, payments:pat, search:sam", "—", "3"],
    ]
    # :projects: payments — only payments' chain.
    chains = _rollups(html)[3]
    assert "Chain from payments:FB-CACHE" in chains and "FB-LOCAL" not in chains
    # :projects: all — monitoring: the monitored metrics of every project, and the gap of
    # this project's fallback triggered by payments' unmonitored metric.
    monitoring = tables_of(html, "ml-monitoring-index")[0]
    assert [row[0] for row in monitoring[1:]] == ["payments:MET-LAT", "search:MET-CTR"]
    assert re.search(r"cannot fire</span> fallback .*FB-LOCAL.* is triggered by .*"
                     r"payments:MET-QUIET", html)  # fmt: skip
    # ...and payments' own: its cache fallback, triggered by the same metric.
    assert re.search(r"cannot fire</span> fallback .*payments:FB-CACHE.* is triggered by .*"
                     r"payments:MET-QUIET", html)  # fmt: skip


def test_an_empty_projects_option_is_an_error(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    (src / "plain.rst").write_text("Plain\n=====\n\n.. ml-portfolio::\n   :projects:\n")
    app = build(src)
    assert any(
        "plain.rst:5: ERROR: ml-portfolio :projects: is empty" in w for w in warnings_of(app)
    )


def test_a_local_rollup_does_not_show_other_projects(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    (src / "plain.rst").write_text("Plain\n=====\n\n.. ml-requirement-index::\n")
    app = build(src)
    [table] = tables_of(page(app, "plain"), "ml-requirement-index")
    assert [row[0] for row in table[1:]] == ["REQ-CHECKOUT", "REQ-BAD"]


#: The pages of the root. Sphinx itself re-writes index.html (its toctree holds them) when
#: any is re-written, and genindex.html and search.html on every build.
CONTENT = ("design.html", "prose.html", "plain.html", "rollups.html")


def _mtimes(app: SphinxTestApp) -> dict[str, int]:
    return {name: (Path(app.outdir) / name).stat().st_mtime_ns for name in CONTENT}


def _pages(app: SphinxTestApp) -> dict[str, str]:
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted(Path(app.outdir).glob("*.html"))
        if p.name not in ("genindex.html", "search.html")
    }


def test_a_changed_import_rewrites_the_pages_showing_it_and_no_other(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("portfolio")
    build(src)
    written = _mtimes(build(src))  # settled (the second build writes nothing)

    # A title in payments: prose (a role), design (option refs) and rollups show it.
    edit(src / "exports" / "payments.json", "Payments are available", "Payments never stop")
    after = build(src)
    changed = {name for name, mtime in _mtimes(after).items() if mtime != written[name]}
    assert changed == {"prose.html", "design.html", "rollups.html"}
    assert "Payments never stop" in page(after, "prose")

    # An item of search no page references: only rollups.html (:projects: all, the
    # portfolio) shows it... and search shares the "serving" area, whose people the
    # local checks count, so nothing else changes.
    written = _mtimes(after)
    edit(src / "exports" / "search.json", "Click-through rate", "Click-through ratio")
    later = build(src)
    changed = {name for name, mtime in _mtimes(later).items() if mtime != written[name]}
    assert changed == {"rollups.html", "prose.html"}  # prose shows MET-CTR's title (:any:)

    clean = build(copy_root("portfolio", "clean"))
    for export in ("payments.json", "search.json"):
        (Path(clean.srcdir) / "exports" / export).write_text(
            (src / "exports" / export).read_text(encoding="utf-8"), encoding="utf-8"
        )
    clean = build(Path(clean.srcdir), freshenv=True)
    assert _pages(later) == _pages(clean)
    assert export_text(later) == export_text(clean)


def test_an_import_nothing_here_depends_on_rewrites_only_the_pages_showing_it(
    build: Build, copy_root: Copy
) -> None:
    """An import no page references and whose people share no area with this project's:
    only the roll-ups selecting it are re-written when it changes."""
    src = copy_root("portfolio")
    fraud = src / "exports" / "fraud.json"
    fraud.write_text(
        '{"version": 1, "project": "Fraud", "violations": [], "items": {"REQ-F": {"id": '
        '"REQ-F", "type": "ml-requirement", "title": "Scores in time", "docname": "index", '
        '"lineno": 3}}}',
        encoding="utf-8",
    )
    edit(src / "conf.py", '"search": ', '"fraud": "exports/fraud.json", "search": ')
    (src / "fraud.rst").write_text(
        "Fraud\n=====\n\n.. ml-requirement-index::\n   :projects: fraud\n", encoding="utf-8"
    )
    edit(src / "index.rst", "   rollups\n", "   rollups\n   fraud\n")
    build(src)
    pages = (*CONTENT, "fraud.html")
    before = {name: (Path(src) / "_build" / "html" / name).stat().st_mtime_ns for name in pages}
    edit(fraud, "Scores in time", "Scores on time")
    after = build(src)
    changed = {
        name for name in pages if (Path(after.outdir) / name).stat().st_mtime_ns != before[name]
    }
    assert changed == {"fraud.html", "rollups.html"}  # rollups: the portfolio and "all"
    assert "Scores on time" in page(after, "fraud")


def _json_edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _chain_into_search(data: dict[str, Any]) -> None:
    """Payments' cache falls back to a tier of search's (qualified as payments names it)."""
    data["items"]["FB-CACHE"]["next"] = "search:FB-X"


def _search_tier(title: str, areas: list[str]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["items"]["FB-X"] = {"id": "FB-X", "type": "ml-fallback", "title": title,
                                 "docname": "index", "lineno": 40, "kind": "reject"}  # fmt: skip
        data["items"]["sam"]["areas"] = ["ranking"]  # search shares no area with checkout...
        data["items"]["ray"] = {"id": "ray", "type": "ml-owner", "title": "Ray",
                                "docname": "index", "lineno": 50, "areas": areas}  # fmt: skip

    return change


@pytest.mark.parametrize(
    ("page_text", "change_search"),
    [
        # A chain of this project runs through payments into search: a title in search.
        (".. ml-fallback-chains::\n", _search_tier("Declined (search)", ["ranking"])),
        # Payments' area "fraud model" is known by search's ray too, then no longer.
        (".. ml-ownership-index::\n   :projects: payments\n", _search_tier("X", ["ranking"])),
    ],
)
def test_an_import_reached_through_another_rewrites_the_pages_showing_it(
    build: Build, copy_root: Copy, page_text: str, change_search: Callable[[dict[str, Any]], None]
) -> None:
    def prepare(src: Path) -> None:
        _json_edit(src / "exports" / "payments.json", _chain_into_search)
        _json_edit(src / "exports" / "search.json", _search_tier("Declined", ["fraud model"]))
        edit(src / "design.rst", "   :trigger: payments:MET-QUIET\n",
              "   :trigger: payments:MET-QUIET\n   :next: payments:FB-CACHE\n")  # fmt: skip
        edit(src / "prose.rst", ":ml:req:`the fresh index <search:REQ-FRESH>`", "the index")
        edit(src / "prose.rst", ":any:`search:MET-CTR`", "clicks")
        (src / "plain.rst").write_text("Plain\n=====\n\n" + page_text, encoding="utf-8")

    src = copy_root("portfolio")
    prepare(src)
    build(src)
    _json_edit(src / "exports" / "search.json", change_search)
    incremental = build(src)
    clean_src = copy_root("portfolio", "clean")
    prepare(clean_src)
    _json_edit(clean_src / "exports" / "search.json", change_search)
    clean = build(clean_src)
    assert page(incremental, "plain") == page(clean, "plain")


def _add_whole_index(src: Path) -> None:
    edit(src / "design.rst", "Design\n======\n", "Design\n======\n\n.. ml-requirement-index::\n")


def _swap_imports(src: Path) -> None:
    conf = src / "conf.py"
    text = conf.read_text(encoding="utf-8")
    payments = '    "payments": "exports/payments.json",\n'
    search = '    "search": "exports/search.json",\n'
    conf.write_text(text.replace(payments + search, search + payments), encoding="utf-8")


@pytest.mark.parametrize("change", [_add_whole_index, _swap_imports])
def test_what_the_portfolio_links_to_and_its_order_follow_incremental_edits(
    build: Build, copy_root: Copy, change: Callable[[Path], None]
) -> None:
    """A page now showing the whole requirement index (portfolio links move there), the
    imports listed in another order (``all`` shows them so): as a clean build."""
    src = copy_root("portfolio")
    build(src)
    change(src)
    incremental = build(src)
    clean_src = copy_root("portfolio", "clean")
    change(clean_src)
    clean = build(clean_src)
    assert _pages(incremental) == _pages(clean)


def test_a_chain_of_another_project_is_traced_from_this_ones_requirement(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("portfolio")
    (src / "plain.rst").write_text(
        "Plain\n=====\n\n.. ml-requirement:: Uses their chain\n   :id: REQ-X\n"
        "   :inference: real-time\n   :fallbacks: payments:FB-CACHE\n   :owner: ann\n\n"
        ".. ml-trace::\n   :ids: REQ-X\n",
        encoding="utf-8",
    )
    app = build(src)
    [table] = tables_of(page(app, "plain"), "ml-trace")
    assert table[1][2] == "payments:FB-CACHE → payments:FB-REJECT"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"FB-REJECT": {"next": "FB-CACHE"}}, "never ends: it loops back to payments:FB-CACHE"),
        (
            {"FB-REJECT": {"next": "FB-GONE"}},
            "ends at a :next: naming nothing ('payments:FB-GONE')",
        ),
    ],
)
def test_a_chain_going_wrong_in_another_project_is_reported_here(
    build: Build, copy_root: Copy, change: dict[str, dict[str, str]], problem: str
) -> None:
    src = copy_root("portfolio")

    def change_payments(data: dict[str, Any]) -> None:
        for item_id, values in change.items():
            data["items"][item_id].update(values)

    _json_edit(src / "exports" / "payments.json", change_payments)
    edit(src / "design.rst", "   :trigger: payments:MET-QUIET\n",
          "   :trigger: payments:MET-QUIET\n   :next: payments:FB-CACHE\n")  # fmt: skip
    app = build(src)
    found = [w for w in warnings_of(app) if "[mldesign.fallback-terminal]" in w]
    assert len(found) == 1 and "design.rst:23: WARNING: fallback chain FB-LOCAL" in found[0]
    assert problem in found[0]


def test_an_import_removed_from_conf_py_equals_a_clean_build(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    build(src)
    conf = src / "conf.py"
    edit(conf, '    "search": "exports/search.json",\n', "")
    incremental = build(src)
    clean_src = copy_root("portfolio", "clean")
    edit(clean_src / "conf.py", '    "search": "exports/search.json",\n', "")
    clean = build(clean_src)
    assert _pages(incremental) == _pages(clean)
    assert export_text(incremental) == export_text(clean)
    assert "search:REQ-FRESH" not in page(incremental, "rollups")


@pytest.mark.skipif(not parallel_available, reason="needs fork-based parallel builds")
def test_parallel_build_equals_serial(build: Build, copy_root: Copy) -> None:
    serial = build(copy_root("portfolio", "serial"))
    parallel = build(copy_root("portfolio", "parallel"), parallel=2)
    assert _pages(parallel) == _pages(serial)
    assert export_text(parallel) == export_text(serial)
