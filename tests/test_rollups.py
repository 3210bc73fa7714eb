"""The six roll-ups: content, filters, builders, and correctness on incremental and
parallel builds (the edit-in-A, table-in-B case for every roll-up)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sphinx
from sphinx.testing.util import SphinxTestApp
from sphinx.util.parallel import parallel_available

from helpers import ROLLUP_TITLES, export_of, page, row_of, tables_of, warnings_of
from sphinxcontrib_mldesign.rollups.expand import ExpandRollupMarkup

Build = Callable[..., SphinxTestApp]
Copy = Callable[..., Path]
Pages = tuple[str, str, list[str]]


def ids(table: list[list[str]]) -> list[str]:
    return [row[0] for row in table[1:]]


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


@pytest.mark.parametrize("builder", ["text", "latex", "man"])
def test_rollups_in_other_builders(builder: str, build: Build, copy_root: Copy) -> None:
    app = build(copy_root("rollups"), builder)
    out = "".join(
        p.read_text(encoding="utf-8")
        for p in Path(app.outdir).iterdir()
        if p.suffix in {".txt", ".tex", ".1"}
    )
    out = out.replace("\\-", "-")
    for expected in (
        "REQ-FAST",
        "RISK-DRIFT",
        "FB-SMALL",
        "evaluation",
        "Derived risks",
        "unsafe end",
    ):
        assert expected in out, expected


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


# -- incremental correctness ----------------------------------------------------------------

EDITS = [
    # (file, old text, new text, the roll-up table, then the cell (row key, column) that
    # must change to show it -- or, for the chains, a sentence that must appear)
    ("design.rst", ":priority: must\n", ":priority: could\n", "ml-requirement-index",
     ("REQ-FAST", 2, "could")),
    ("design.rst", ":likelihood: high\n   :impact: very-high", ":likelihood: low\n   :impact: low",
     "ml-risk-register", ("RISK-DRIFT", 5, "4")),
    ("design.rst", "   :window: 5m\n", "   :window: 15m\n", "ml-monitoring-index",
     ("MET-P99", 6, "15m")),
    ("people.rst", ":areas: evaluation", ":areas: evaluation, labelling", "ml-area-index",
     ("labelling", 1, "ben")),
    ("design.rst", ":kind: constant\n", ":kind: heuristic\n", "ml-chain",
     "the last tier is a heuristic"),
    ("design.rst", ":reviewed: 2025-01-01", ":reviewed: 2026-10-30", "ml-freshness-index",
     ("Design", 5, "fresh")),
]  # fmt: skip
Shows = str | tuple[str, int, str]


def _shown(html: str, where: str, shows: Shows) -> str | None:
    """The cell (or, for a sentence, the sentence if present) the edit must change."""
    if isinstance(shows, str):
        return shows if shows in html.split(where, 1)[1] else None
    key, column, _ = shows
    [table] = tables_of(html, where)
    row = next((row for row in table[1:] if row[0] == key), None)
    return None if row is None else row[column]


SPHINX_REWRITES = {"genindex.html", "search.html", "index.html"}


def _mtimes(app: SphinxTestApp) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in Path(app.outdir).glob("*.html")}


@pytest.mark.parametrize(
    ("filename", "old", "new", "where", "shows"), EDITS, ids=[e[3] for e in EDITS]
)
def test_edit_in_one_page_updates_the_rollup_in_another(
    filename: str, old: str, new: str, where: str, shows: Shows, build: Build, copy_root: Copy
) -> None:
    src = copy_root("rollups")
    first = build(src)
    expected = shows if isinstance(shows, str) else shows[2]
    assert _shown(page(first, "rollups"), where, shows) != expected  # not so before
    before = _mtimes(first)
    source = src / filename
    text = source.read_text(encoding="utf-8")
    assert old in text
    source.write_text(text.replace(old, new, 1), encoding="utf-8")
    second = build(src)
    rewritten = {name for name, mtime in _mtimes(second).items() if mtime != before.get(name)}
    # The edited page and the roll-up pages are re-written; nothing else is (but for what
    # Sphinx itself always refreshes: the indices, and the toctree parent of an edited page).
    rewritten -= SPHINX_REWRITES
    assert rewritten == {filename.replace(".rst", ".html"), "rollups.html", "filtered.html"}
    fresh = copy_root("rollups", "fresh")
    (fresh / filename).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    clean = build(fresh)
    assert page(second, "rollups") == page(clean, "rollups")
    assert page(second, "filtered") == page(clean, "filtered")
    assert _shown(page(second, "rollups"), where, shows) == expected


def test_removed_document_leaves_the_rollups(build: Build, copy_root: Copy) -> None:
    src = copy_root("rollups")
    build(src)
    (src / "people.rst").unlink()
    index = src / "index.rst"
    index.write_text(index.read_text().replace("   people\n", ""))
    app = build(src)
    html = page(app, "rollups")
    assert "Ann Lee" not in html
    assert "No owners match this index." in html


def test_settings_change_rewrites_rollups_without_rereading(build: Build, copy_root: Copy) -> None:
    src = copy_root("rollups")
    build(src)
    app = build(src, confoverrides={"mldesign_min_bus_factor": 3})
    assert "0 added, 0 changed, 0 removed" in app.status.getvalue()
    [areas] = tables_of(page(app, "rollups"), "ml-area-index")
    assert [row[3] for row in areas[1:]] == ["✗ 1", "✗ 2", "✗ 2"]


def test_unchanged_rebuild_rewrites_nothing(build: Build, copy_root: Copy) -> None:
    src = copy_root("rollups")
    before = _mtimes(build(src))
    after = _mtimes(build(src))
    changed = {name for name in after if after[name] != before[name]}
    assert changed <= {"genindex.html", "search.html"}  # Sphinx writes those every time


@pytest.mark.skipif(not parallel_available, reason="needs fork-based parallel builds")
def test_parallel_rollups_equal_serial(build: Build, copy_root: Copy) -> None:
    serial = build(copy_root("rollups", "serial"))
    parallel = build(copy_root("rollups", "parallel"), parallel=2)
    for docname in ("rollups", "filtered", "design"):
        assert page(parallel, docname) == page(serial, docname)


def test_a_build_of_some_files_does_not_lose_a_rollup_update(build: Build, copy_root: Copy) -> None:
    """`sphinx-build ... design.rst` writes only that page; the next full build must still
    re-write the roll-ups."""
    src = copy_root("rollups")
    build(src)
    design = src / "design.rst"
    design.write_text(design.read_text().replace("Rank fast", "Rank faster"))
    partial = SphinxTestApp("html", srcdir=src)
    try:
        partial.build(force_all=False, filenames=[str(design)])
    finally:
        partial.cleanup()
    assert "Rank fast<" in page(partial, "rollups")  # not written by the partial build
    app = build(src)
    assert "Rank faster" in page(app, "rollups")


def test_two_output_directories_sharing_one_environment(copy_root: Copy, tmp_path: Path) -> None:
    """``sphinx-build -d DOCTREES``: what one output directory was written with says nothing
    about another."""
    src = copy_root("rollups")

    def build_into(name: str) -> str:
        out = tmp_path / name
        command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-d", str(tmp_path / "dt")]
        # Exit 1: test-rollups has error-level findings on purpose.
        result = subprocess.run([*command, str(src), str(out)], capture_output=True, check=False)
        assert result.returncode in (0, 1), result.stderr
        return (out / "rollups.html").read_text(encoding="utf-8")

    build_into("one")
    build_into("two")
    design = src / "design.rst"
    design.write_text(design.read_text().replace("Rank fast", "Rank faster"))
    assert "Rank faster" in build_into("two")
    assert "Rank faster" in build_into("one")


def test_moving_items_down_a_page_does_not_rewrite_rollups(build: Build, copy_root: Copy) -> None:
    src = copy_root("rollups")
    before = _mtimes(build(src))
    design = src / "design.rst"
    design.write_text(
        design.read_text().replace("Design\n======\n", "Design\n======\n\nA new paragraph.\n")
    )
    after = _mtimes(build(src))
    assert after["design.html"] != before["design.html"]
    assert after["rollups.html"] == before["rollups.html"]


def test_latex_uses_ascii_marks(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("rollups"), "latex")
    tex = "".join(p.read_text(encoding="utf-8") for p in Path(app.outdir).glob("*.tex"))
    assert "✗" not in tex and "✓" not in tex  # pdflatex has no glyph for them
    assert "{[}!{]} no fallback" in tex  # "[!] no fallback", escaped for LaTeX


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


class _Events(HTMLParser):
    """A page as a list of (start tag + attributes | text | end tag), ignoring what HTML
    ignores: the order of classes and attributes, entity spelling, runs of white space."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # data-label: the HTML writer's own cell labels, for the stacked layout (html.py).
        values = {name: _squeeze(value or "") for name, value in attrs if name != "data-label"}
        classes = " ".join(sorted(values.pop("class", "").split()))
        self.events.append(("start", tag, classes, *sorted(f"{k}={v}" for k, v in values.items())))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if _squeeze(data):
            self.events.append(("text", _squeeze(data)))


def _squeeze(text: str) -> str:
    """Runs of HTML white space as one space; not a no-break space (&#160;), which shows."""
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip(" ")


def _events(html: str) -> list[tuple[str, ...]]:
    parser = _Events()
    parser.feed(html)
    return parser.events


ODD_PAGE = """\
Odd
===

.. ml-owner:: ann
   :name: Ann "A&B" <Lee> @ml
   :areas: serving

.. ml-requirement:: Serve <fast> & "right"
   :id: REQ-ODD
   :inference: online
   :metrics: MET-QUIET, MET-NONE
   :owner: ann

.. ml-metric:: Quiet
   :id: MET-QUIET

.. ml-fallback:: Loop A
   :id: FB-A
   :kind: smaller-model
   :next: FB-B

.. ml-fallback:: Loop B
   :id: FB-B
   :kind: cache
   :trigger: MET-QUIET
   :next: FB-A

.. ml-fallback:: Dangling
   :id: FB-C
   :kind: cache
   :next: FB-NOPE

.. ml-risk:: A risk
   :id: RISK-ODD
   :likelihood: high
   :impact: very-high
   :owner: REQ-ODD

.. ml-requirement-index::
   :columns: id, title, metrics, fallbacks, owner, document, tags

.. ml-risk-index::

.. ml-monitoring-index::

.. ml-ownership-index::

.. ml-fallback-chains::

.. ml-freshness-index::
"""


@pytest.mark.parametrize("project", ["test-rollups", "odd", "odd-loose-lists", "docs"])
def test_html_visitors_write_what_the_html_writer_writes(
    project: str, build: Build, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTML translators write roll-up rows and inline runs themselves (rollups.html);
    every page must read exactly as the translator writes the same content expanded into
    docutils nodes (what every other builder gets)."""
    if project == "docs":
        source = Path(__file__).parent.parent / "docs"
    elif project.startswith("odd"):
        source = tmp_path / "odd-src"
        source.mkdir()
        (source / "conf.py").write_text(
            'extensions = ["sphinxcontrib_mldesign"]\nmldesign_today = "2026-11-01"\n'
            f"html_compact_lists = {project == 'odd'}\n"
        )
        (source / "index.rst").write_text(ODD_PAGE)
    else:
        source = rootdir / project

    def pages(builddir: Path) -> dict[str, list[tuple[str, ...]]]:
        app = build(source, builddir=builddir)
        out = Path(app.outdir)
        found = {
            str(path.relative_to(out)): _events(path.read_text(encoding="utf-8"))
            for path in sorted(out.rglob("*.html"))
            if "ml-rollup" in path.read_text(encoding="utf-8")
        }
        assert found, "no page with a roll-up"
        return found

    fast = pages(tmp_path / "fast")
    monkeypatch.setattr(ExpandRollupMarkup, "expands", lambda self: True)
    slow = pages(tmp_path / "slow")
    assert list(fast) == list(slow)
    for name in fast:
        assert len(fast[name]) > 100
        assert fast[name] == slow[name], name


@pytest.mark.skipif(sphinx.version_info < (8, 2), reason="no-search: seen in Sphinx 8.2")
def test_rollups_stay_out_of_the_search_index(build: Build, copy_root: Copy) -> None:
    """Search lands on an item's own page, not on a roll-up that repeats it."""
    app = build(copy_root("rollups"))
    text = (Path(app.outdir) / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    docnames = index["docnames"]

    def pages_with(word: str, table: str = "terms") -> set[str]:
        found = index[table].get(word, [])
        return {docnames[i] for i in ([found] if isinstance(found, int) else found)}

    assert "rollups" in pages_with("fallback", "titleterms")  # its headings are searchable
    assert "design" in pages_with("cach")  # "Cache only": found on the item's page...
    assert "rollups" not in pages_with("cach")  # ...not on the roll-up listing it
    assert not pages_with("protect")  # words only roll-ups write are in no page


def test_singlehtml_links_go_to_the_items_anchor(build: Build, copy_root: Copy) -> None:
    """On the one page of singlehtml a link to an item (from a roll-up or an option) is the
    item's anchor alone, not "#document-design#REQ-FAST", which leads nowhere."""
    app = build(copy_root("rollups"), "singlehtml")
    html = page(app, "index")
    links = re.findall(
        r'<a class="reference internal" href="([^"]*)"[^>]*><code class="ml-ref', html
    )
    assert len(links) > 40 and "#REQ-FAST" in links and "#MET-P99" in links
    assert [link for link in links if link.count("#") != 1 or not link.startswith("#")] == []


@pytest.mark.parametrize(
    "state", [b'{"targets": [], "rollups": 1}', b"[1, 2]", b"not json", b"\xff\xfe not text"]
)
def test_a_damaged_state_file_rewrites_the_rollups(
    state: bytes, build: Build, copy_root: Copy
) -> None:
    src = copy_root("rollups")
    first = build(src)
    before = _mtimes(first)
    (Path(first.outdir) / ".mldesign-state.json").write_bytes(state)
    second = build(src)
    assert second.statuscode == first.statuscode  # the same findings, no crash
    assert "Traceback" not in second.warning.getvalue()
    rewritten = {name for name, mtime in _mtimes(second).items() if mtime != before.get(name)}
    assert {"rollups.html", "filtered.html"} <= rewritten  # the old state is unknown
    assert page(second, "rollups") == page(first, "rollups")


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


# -- every roll-up's content in text, man, LaTeX, texinfo and XML ---------------------------


#: builder -> (output file, how a section of rollups.rst starts, where the page ends)
OTHER_BUILDER_PAGES = {
    "text": ("rollups.txt", "{}\n=", None),
    "man": ("roll-ups.1", ".SS {}\n", ".SH FILTERED"),
    "latex": ("roll-ups.tex", "\\section{{{}}}", "\\chapter{Filtered}"),
    "texinfo": ("roll-ups.texi", "@section {}\n", "@node Filtered"),
    "xml": ("rollups.xml", "<title>{}</title>", None),
}


def _plain(builder: str, text: str) -> str:
    """Undo the escapes that split words: man's ``\\-``, LaTeX's hyphens and brackets."""
    for escaped, plain in (
        ("\\sphinxhyphen{}", "-"), ("{[}", "["), ("{]}", "]"), ("\\-", "-"), ("\\(aq", "'"),
    ):  # fmt: skip
        text = text.replace(escaped, plain)
    return text


@pytest.mark.parametrize("builder", list(OTHER_BUILDER_PAGES))
def test_each_rollup_shows_its_rows_in_other_builders(
    builder: str, build: Build, copy_root: Copy
) -> None:
    """Each roll-up section of rollups.rst holds that roll-up's own rows, cells and
    blocks (expanded from our nodes), not just its heading: an item's ID alone would also
    be found on the item's own page in one-file outputs."""
    app = build(copy_root("rollups"), builder)
    filename, heading, end = OTHER_BUILDER_PAGES[builder]
    out = _plain(builder, (Path(app.outdir) / filename).read_text(encoding="utf-8"))
    page_text = out[out.index(heading.format("Requirements")) :]
    if end is not None:
        page_text = page_text[: page_text.index(end)]
    starts = [page_text.index(heading.format(title)) for title in ROLLUP_TITLES]
    ends = [*starts[1:], len(page_text)]
    sections = {
        title: page_text[start:end]
        for title, start, end in zip(ROLLUP_TITLES, starts, ends, strict=True)
    }
    bad, good = ("✗", "✓") if builder == "text" else ("[!]", "[ok]")
    expected = {
        "Requirements": ["REQ-FAST", "REQ-OUT", "Batch scores nightly", f"{bad} no fallback"],
        "Risks": ["RISK-DRIFT", "RISK-LAT", "Likelihood x impact", "Derived risks",
                  "only 1 of the 2 people", "REQ-BATCH"],
        "Monitoring": ["MET-P99", "p99 latency", "FB-SMALL", "Coverage gaps",
                       f"{bad} unmonitored", f"{bad} cannot fire", "FB-CACHE"],
        "Ownership": ["Ann Lee", "Ben Ode", "RISK-DRIFT", f"{bad} no backup",
                      "Areas and bus factor (minimum 2)", "evaluation", f"{bad} 1"],
        "Fallback chains": ["Chain from FB-MODEL", "protects", "Popular items",
                            f"{good} ends safely", "Chain from FB-CACHE", f"{bad} unsafe end"],
        "Freshness": ["As of 2026-11-01", "People", f"{bad} stale", "REQ-GOOD", "fresh"],
    }  # fmt: skip
    for title, wanted in expected.items():
        missing = [text for text in wanted if text not in sections[title]]
        assert not missing, (title, missing, sections[title][:3000])


def test_derived_risks_say_why(rollups_html: Pages) -> None:
    """The "Why" of a derived risk is the finding's summary, for each rule that derives one."""
    html, _, _ = rollups_html
    [derived] = tables_of(html, "ml-derived-risks")
    assert [row[3] for row in derived[1:]] == [
        "only 1 of the 2 people needed know this area",
        "serves batch predictions with nothing to fall back to",
        "reviewed on 2025-01-01, 669 days ago",
    ]


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


def test_a_setting_shown_only_in_a_rollup_rewrites_it(build: Build, copy_root: Copy) -> None:
    """The review period changes no finding here (what is stale stays stale), only the
    freshness index's note: the roll-up page is re-written all the same."""
    src = copy_root("rollups")
    first = build(src)
    assert "is more than 180d old." in page(first, "rollups")
    app = build(src, confoverrides={"mldesign_review_every": "190d"})
    assert "0 added, 0 changed, 0 removed" in app.status.getvalue()
    html = page(app, "rollups")
    assert "is more than 190d old." in html and "180d" not in html
    [table] = tables_of(html, "ml-freshness-index")
    assert table[1][5] == "✗ stale: REQ-GOOD"


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
