"""Unusual but legal input: included files, id clashes, loose schema extensions, other
builders, several builders sharing one environment."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import Build, Copy, export_of, warnings_of
from sphinxcontrib_mldesign.rules.findings import Violation


@pytest.mark.sphinx("html", testroot="edge")
def test_edge_project_builds_and_reports_where_the_text_is(app: SphinxTestApp) -> None:
    app.build()
    src = Path(app.srcdir)
    assert sorted(warnings_of(app)) == sorted(
        [
            # A custom option with x-refs is a reference like the shipped ones.
            f"{src / 'index.rst'}:17: ERROR: :blocks: 'REQ-NOPE' names no item [mldesign.unknown-ref]",
            # A pattern the schema does not put in words is shown, not as jsonschema says it.
            f"{src / 'index.rst'}:24: ERROR: :code: 'abcd' is not in the form this option "
            "takes (^[A-Z]{3}$) [mldesign.schema]",
            # A keyword on the whole item (not on one option) names the item type.
            f"{src / 'index.rst'}:21: ERROR: ml-requirement: 'ports' is a dependency of "
            "'replicas' [mldesign.schema]",
            # An item in an included file is reported in that file, at its option's line.
            f"{src / 'parts' / 'included.inc'}:8: ERROR: :priority: 'sometimes' is not one of: "
            "must, should, could, wont [mldesign.schema]",
        ]
    )
    assert app.statuscode == 1


@pytest.mark.sphinx("html", testroot="edge")
def test_loose_extension_types_are_coerced(app: SphinxTestApp) -> None:
    app.build()
    item = export_of(app)["items"]["overview"]
    assert item["anything"] == "42 apples"  # boolean schema `True`: kept as text
    assert item["replicas"] == 3  # ["integer", "null"] parses as an integer
    assert item["ports"] == [80, 443]  # array of integers
    assert item["blocks"] == ["REQ-OTHER", "REQ-NOPE"]
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert 'href="other.html#REQ-OTHER"' in html
    # A likelihood the extension added cannot be scored, and does not break the build.
    risk = export_of(app)["items"]["RISK-CERTAIN"]
    assert risk["likelihood"] == "certain" and "score" not in risk


@pytest.mark.sphinx("html", testroot="edge")
def test_item_id_equal_to_a_section_id_gets_its_own_anchor(app: SphinxTestApp) -> None:
    app.build()
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert html.count('id="overview"') == 1  # the section keeps its id
    assert 'id="ml-overview"' in html
    assert 'href="#ml-overview"' in html  # the role and the permalink use the item's anchor
    # objects.inv (four header lines, then zlib) points intersphinx at the same anchor.
    raw = (Path(app.outdir) / "objects.inv").read_bytes().split(b"\n", 4)[4]
    entries = zlib.decompress(raw).decode("utf-8").splitlines()
    # ("$" stands for the name: the anchor is "ml-overview".)
    assert (
        "overview ml:requirement 1 index.html#ml-$ An item whose ID is also a section's id"
        in entries
    )


def test_any_reference_is_rewritten_when_the_title_changes(build: Build, copy_root: Copy) -> None:
    src = copy_root("edge")
    build(src)
    other = src / "other.rst"
    other.write_text(other.read_text().replace("The other requirement", "Renamed requirement"))
    app = build(src)
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "Renamed requirement" in html  # index.html holds :any:`REQ-OTHER`


def test_builders_sharing_an_environment_each_rewrite_their_pages(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("edge")
    build(src, "html")
    other = src / "other.rst"
    other.write_text(other.read_text().replace("The other requirement", "Renamed requirement"))
    build(src, "text")  # same doctree directory: the text build sees the change first
    app = build(src, "html")
    assert "Renamed requirement" in (Path(app.outdir) / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("builder", ["xml", "pseudoxml", "man", "texinfo", "singlehtml"])
def test_other_builders_render_items(builder: str, build: Build, copy_root: Copy) -> None:
    app = build(copy_root("basic"), builder)
    assert not [w for w in warnings_of(app) if "Traceback" in w or "Exception" in w]
    written = "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in Path(app.outdir).rglob("*")
        if path.is_file() and path.suffix in {".xml", ".pseudoxml", ".1", ".texi", ".html"}
    )
    written = written.replace("\\-", "-")  # man pages escape hyphens on older docutils
    assert "Serve ranked results fast" in written and "REQ-LAT" in written


def test_violations_sort_when_only_the_item_differs() -> None:
    prose = Violation("doc", 3, "unknown-ref", "m", None, "error")
    item = Violation("doc", 3, "unknown-ref", "m", "REQ-1", "error")
    assert sorted([item, prose], key=Violation.sort_key) == [prose, item]


def test_intersphinx_links_to_another_projects_items(build: Build, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "conf.py").write_text('project = "Other"\nextensions = ["sphinxcontrib_mldesign"]\n')
    (other / "index.rst").write_text(
        "Other\n=====\n\n.. ml-requirement:: Fast answers\n   :id: REQ-A\n"
    )
    other_app = build(other)
    here = tmp_path / "here"
    here.mkdir()
    (here / "conf.py").write_text(
        'extensions = ["sphinx.ext.intersphinx", "sphinxcontrib_mldesign"]\n'
        f"intersphinx_mapping = {{'other': ({str(other_app.outdir)!r}, None)}}\n"
        "show_warning_types = True\n"
    )
    (here / "index.rst").write_text(
        "Here\n====\n\nSee :ml:req:`other:REQ-A` and :ml:req:`other:REQ-GONE`.\n"
    )
    app = build(here)
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert f'href="{other_app.outdir}/index.html#REQ-A"' in html
    assert "Fast answers" in html
    # This project's unknown-ref rule does not judge another project's IDs.
    assert not [w for w in warnings_of(app) if "mldesign.unknown-ref" in w]
