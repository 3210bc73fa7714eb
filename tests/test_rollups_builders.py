"""Roll-ups in every builder: text, man, LaTeX, texinfo and XML hold each roll-up's rows;
the HTML visitors write what the HTML writer would; search index and singlehtml links."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sphinx

from helpers import ROLLUP_TITLES, Build, Copy, page
from sphinxcontrib_mldesign.rollups.expand import ExpandRollupMarkup


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


def test_latex_uses_ascii_marks(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("rollups"), "latex")
    tex = "".join(p.read_text(encoding="utf-8") for p in Path(app.outdir).glob("*.tex"))
    assert "✗" not in tex and "✓" not in tex  # pdflatex has no glyph for them
    assert "{[}!{]} no fallback" in tex  # "[!] no fallback", escaped for LaTeX


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
