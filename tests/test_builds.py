"""Whatever the kind of build, the result is the same: parallel, incremental, RST or MyST."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.parallel import parallel_available

from helpers import Build, Copy, edit, export_of, export_text, warnings_of
from sphinxcontrib_mldesign import export as export_module
from sphinxcontrib_mldesign.export import export_schema, write_json

# Broken items spread over several pages, so that parallel readers each find some.
BROKEN_ADDITIONS = {
    "metrics.rst": "\n.. metric:: Dup\n   :id: REQ-LAT\n   :kind: nonsense\n",
    "fallbacks.rst": "\n.. fallback:: Dangling\n   :id: FB-X\n   :kind: rule\n   :next: FB-404\n",
    "owners.rst": "\n.. owner:: Carol\n   :id: carol\n   :backups: alice, zed\n   :email: not-an-email\n",
    "prose.rst": "\nAlso :ml:risk:`MET-LAT` and :ml:owner:`nobody`.\n",
}


def _located(app: SphinxTestApp) -> list[str]:
    """Warnings with the source directory removed, so two copies can be compared."""
    return [w.replace(str(app.srcdir), "<src>") for w in warnings_of(app)]


def _really_parallel(app: SphinxTestApp) -> bool:
    """Sphinx reads and writes in processes when -j > 1 and every extension allows it."""
    return (
        parallel_available
        and app.parallel == 2
        and app.is_parallel_allowed("read")
        and app.is_parallel_allowed("write")
        and "doing serial" not in app.warning.getvalue()
    )


def test_parallel_export_is_byte_identical_to_serial(build: Build, copy_root: Copy) -> None:
    serial = build(copy_root("basic", "serial"))
    parallel = build(copy_root("basic", "parallel"), parallel=2)
    assert _really_parallel(parallel)
    assert export_text(parallel) == export_text(serial)


def test_parallel_warnings_equal_serial(build: Build, copy_root: Copy) -> None:
    roots = []
    for name in ("serial", "parallel"):
        root = copy_root("basic", name)
        for filename, addition in BROKEN_ADDITIONS.items():
            with (root / filename).open("a", encoding="utf-8") as stream:
                stream.write(addition)
        roots.append(root)
    serial = build(roots[0])
    parallel = build(roots[1], parallel=2)
    assert _really_parallel(parallel)
    assert len(_located(serial)) >= 7
    assert _located(parallel) == _located(serial)
    assert export_text(parallel) == export_text(serial)
    assert parallel.statuscode == serial.statuscode == 1


def export_of_dir(outdir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((outdir / "mldesign.json").read_text(encoding="utf-8"))
    return data


def test_incremental_edit_equals_clean_build(build: Build, copy_root: Copy) -> None:
    root = copy_root("basic", "incremental")
    build(root)
    outdir = root / "_build" / "html"
    before = {page: (outdir / page).stat().st_mtime_ns for page in ("owners.html", "prose.html")}
    export_mtime = (outdir / "mldesign.json").stat().st_mtime_ns

    def no_rewrite(path: Path, data: dict[str, Any]) -> None:
        raise AssertionError("the export was encoded again though no item changed")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(export_module, "write_json", no_rewrite)
        build(root)  # nothing changed: the stamp says so, the export is not re-encoded
    assert (outdir / "mldesign.json").stat().st_mtime_ns == export_mtime
    encoded: list[Path] = []

    def counting(path: Path, data: dict[str, Any]) -> None:
        encoded.append(path)
        write_json(path, data)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(export_module, "write_json", counting)
        (outdir / "mldesign.json").touch()  # the stamp no longer matches: encoded again...
        inode = (outdir / "mldesign.json").stat().st_ino
        build(root)
        assert len(encoded) == 1
        assert (outdir / "mldesign.json").stat().st_ino == inode  # ...same text: file kept
        assert not list(outdir.glob("*.new"))  # and the temporary text removed
        # Edited by hand to the same size: the stamp's times tell, and it is written again.
        text = (outdir / "mldesign.json").read_text(encoding="utf-8")
        assert '"seconds": 300' in text
        (outdir / "mldesign.json").write_text(text.replace('"seconds": 300', '"seconds": 301'))
        build(root)
        assert len(encoded) == 2
    assert export_of_dir(outdir)["items"]["MET-LAT"]["window"]["seconds"] == 300
    (outdir / "mldesign.json").write_text("{}")  # edited by hand: written again
    build(root)
    assert export_of_dir(outdir)["items"]["MET-LAT"]["window"]["seconds"] == 300
    (outdir / "mldesign.json").unlink()  # removed: written again
    build(root)
    assert export_of_dir(outdir)["items"]["MET-LAT"]["window"]["seconds"] == 300
    stamp = outdir / ".mldesign-export.stamp"
    stamp.write_bytes(b"\xff\xfe not text")  # a damaged stamp matches nothing: no error
    (outdir / "mldesign.json").write_text("{}")
    build(root)
    assert export_of_dir(outdir)["items"]["MET-LAT"]["window"]["seconds"] == 300
    assert re.fullmatch(r"[0-9a-f]{64}", stamp.read_text(encoding="utf-8").split()[0])
    export_mtime = (outdir / "mldesign.json").stat().st_mtime_ns

    edit(root / "metrics.rst", "Ranking latency", "Ranking latency (server side)")
    edit(root / "metrics.rst", ":window: 5m", ":window: 10m")
    incremental = build(root)

    clean = build(copy_root("basic", "clean"))  # the original...
    edit(Path(clean.srcdir) / "metrics.rst", "Ranking latency", "Ranking latency (server side)")
    edit(Path(clean.srcdir) / "metrics.rst", ":window: 5m", ":window: 10m")
    clean = build(Path(clean.srcdir), freshenv=True)  # ...rebuilt from scratch after the same edit
    assert export_text(incremental) == export_text(clean)
    assert export_of(incremental)["items"]["MET-LAT"]["window"]["seconds"] == 600
    assert (outdir / "mldesign.json").stat().st_mtime_ns != export_mtime

    # prose.html links to MET-LAT with its title: re-written. owners.html does not: left alone.
    prose = (outdir / "prose.html").read_text(encoding="utf-8")
    assert "Ranking latency (server side)" in prose
    assert (outdir / "prose.html").stat().st_mtime_ns != before["prose.html"]
    assert (outdir / "owners.html").stat().st_mtime_ns == before["owners.html"]


def test_removed_document_items_disappear(build: Build, copy_root: Copy) -> None:
    root = copy_root("basic", "removal")
    first = build(root)
    assert "RISK-DRIFT" in export_of(first)["items"]

    def remove_risks(src: Path) -> None:
        (src / "risks.rst").unlink()
        edit(src / "index.rst", "   risks\n", "")

    remove_risks(root)
    incremental = build(root)
    items = export_of(incremental)["items"]
    assert "RISK-DRIFT" not in items
    assert items["REQ-LAT"]["risks"] == ["RISK-DRIFT"]  # the ref is still written...
    refs = [v for v in export_of(incremental)["violations"] if v["rule"] == "unknown-ref"]
    assert {(v["docname"], v["message"]) for v in refs} >= {
        ("requirements", ":risks: 'RISK-DRIFT' names no item"),  # ...and now broken
        ("prose", ":ml:risk: 'RISK-DRIFT' names no item"),
    }
    clean_root = copy_root("basic", "removal-clean")
    remove_risks(clean_root)
    assert export_text(incremental) == export_text(build(clean_root))


def test_rebuild_with_no_change_reports_the_same(build: Build, copy_root: Copy) -> None:
    root = copy_root("basic", "again")
    (root / "prose.rst").write_text(
        (root / "prose.rst").read_text(encoding="utf-8") + BROKEN_ADDITIONS["prose.rst"],
        encoding="utf-8",
    )
    first = build(root)
    second = build(root)
    assert "0 added, 0 changed, 0 removed" in second.status.getvalue()
    assert _located(second) == _located(first) != []
    assert export_text(second) == export_text(first)
    assert second.statuscode == 1  # still failing: nothing was fixed


def test_two_clean_builds_are_byte_identical(build: Build, copy_root: Copy) -> None:
    first = build(copy_root("basic", "one"))
    second = build(copy_root("basic", "two"))
    assert export_text(first) == export_text(second)
    assert export_text(first).endswith("}\n")
    assert list(json.loads(export_text(first))) == ["items", "project", "version", "violations"]


def test_mldesign_builder_writes_only_the_export(build: Build, copy_root: Copy) -> None:
    html = build(copy_root("basic", "html"))
    app = build(copy_root("basic", "mldesign"), "mldesign")
    assert sorted(os.listdir(app.outdir)) == ["mldesign.json"]
    assert export_text(app) == export_text(html)


def _without_lines(data: dict[str, Any]) -> dict[str, Any]:
    for item in data["items"].values():
        item.pop("lineno")
    return data


@pytest.mark.sphinx("html", testroot="myst")
def test_myst_gives_the_same_export_as_rst(
    app: SphinxTestApp, build: Build, copy_root: Copy
) -> None:
    app.build()
    assert warnings_of(app) == []
    rst = build(copy_root("basic"))
    assert _without_lines(export_of(app)) == _without_lines(export_of(rst))
    # Lines are the MyST file's own: the fence of the directive.
    lines = (Path(app.srcdir) / "requirements.md").read_text(encoding="utf-8").splitlines()
    assert lines[export_of(app)["items"]["REQ-LAT"]["lineno"] - 1].startswith("```{ml-requirement}")


@pytest.mark.parametrize("root", ["basic", "myst", "broken"])
def test_every_export_validates_against_the_shipped_schema(
    root: str, build: Build, copy_root: Copy
) -> None:
    data = export_of(build(copy_root(root)))
    jsonschema.validate(data, export_schema(), format_checker=jsonschema.FormatChecker())
    assert data["items"]


def test_export_schema_rejects_a_non_export() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": 1, "items": []}, export_schema())


def test_dirhtml_rollup_links_reach_their_items(build: Build, copy_root: Copy) -> None:
    """In dirhtml every page is a directory: a roll-up's link is relative to its own
    directory (``../design/#REQ-FAST``) and lands on the item's anchor."""
    app = build(copy_root("rollups"), "dirhtml")
    out = Path(app.outdir)
    html = (out / "rollups" / "index.html").read_text(encoding="utf-8")
    links = re.findall(
        r'<a class="reference internal" href="([^"]*)"[^>]*><code class="ml-ref', html
    )
    assert len(links) > 40 and "../design/#REQ-FAST" in links
    for link in set(links):
        path, _, anchor = link.partition("#")
        target = (out / "rollups" / path / "index.html").resolve()
        assert target.is_file(), link
        assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), link


def test_mldesign_builder_rebuild_resolves_no_page(
    build: Build, copy_root: Copy, tmp_path: Path
) -> None:
    """``-b mldesign`` has nothing to write per page: once the project is read, a build
    with nothing changed checks and exports without resolving any page again."""
    log = tmp_path / "resolved.txt"
    src = copy_root("rollups")
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(
            "\ndef setup(app):\n    app.connect('doctree-resolved', lambda app, doctree, doc:"
            f" open({str(log)!r}, 'a').write(doc + '\\n'))\n"
        )
    first = build(src, "mldesign")
    assert "rollups" in log.read_text(encoding="utf-8").split()  # the hook sees pages...
    log.unlink()
    second = build(src, "mldesign")
    assert not log.exists()  # ...and a second build resolves none
    assert export_text(second) == export_text(first) and export_of(second)["items"]


@pytest.mark.skipif(not parallel_available, reason="needs fork-based parallel builds")
def test_parallel_build_rewrites_a_page_whose_any_reference_changed(
    build: Build, tmp_path: Path
) -> None:
    """What a parallel reader learnt about ``:any:`` references reaches the main process:
    the page is re-written when the item it names is renamed."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinxcontrib_mldesign"]\n')
    pages = [f"page{n}" for n in range(6)]  # Sphinx reads in parallel from 6 documents
    toctree = "".join(f"   {name}\n" for name in pages)
    (src / "index.rst").write_text(f"Index\n=====\n\n.. toctree::\n\n{toctree}")
    for name in pages:
        (src / f"{name}.rst").write_text(f"{name}\n{'=' * len(name)}\n\nText.\n")
    (src / "page0.rst").write_text(
        "Page0\n=====\n\n.. ml-owner:: Ann\n   :id: ann\n\n"
        ".. ml-requirement:: Old title\n   :id: REQ-A\n   :owner: ann\n"
    )
    (src / "page5.rst").write_text("Page5\n=====\n\nSee :any:`REQ-A`.\n")
    first = build(src, parallel=2)
    assert _really_parallel(first)
    assert "Old title" in (Path(first.outdir) / "page5.html").read_text(encoding="utf-8")
    edit(src / "page0.rst", "Old title", "New title")
    second = build(src, parallel=2)
    assert "New title" in (Path(second.outdir) / "page5.html").read_text(encoding="utf-8")
