"""After an upgrade of the package, an incremental build keeps nothing the old version read
or wrote: every page is re-read and re-written, into every output directory. Without an
upgrade nothing is. The upgrade is simulated by changing the version the fingerprint
reads between real, in-process builds (``sphinx-build`` as a user runs it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

import sphinxcontrib_mldesign
from sphinxcontrib_mldesign import version
from sphinxcontrib_mldesign.outputs import STATE_FILE

CONF = 'extensions = ["sphinxcontrib_mldesign"]\nproject = "Upgrade"\n'
PAGES = {
    "index": "Doc\n===\n\n.. toctree::\n\n   items\n   rollups\n",
    "items": (
        "Items\n=====\n\n.. ml-owner:: Sam\n   :id: sam\n\n"
        ".. ml-requirement:: Answer fast\n   :id: REQ-FAST\n   :owner: sam\n"
    ),
    "rollups": "Roll-ups\n========\n\n.. ml-requirement-index::\n\nSee :ml:req:`REQ-FAST`.\n",
}


def _project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    for name, text in PAGES.items():
        (src / f"{name}.rst").write_text(text)
    return src


def _mtimes(folder: Path, suffix: str) -> dict[str, int]:
    return {path.stem: path.stat().st_mtime_ns for path in folder.glob(f"*{suffix}")}


def _build(src: Path, doctrees: Path, out: Path) -> tuple[set[str], set[str]]:
    """Build; return the documents re-read (their doctree re-pickled) and the pages
    re-written (of those the doc has)."""
    read_before, written_before = _mtimes(doctrees, ".doctree"), _mtimes(out, ".html")
    assert build_main(["-q", "-b", "html", "-d", str(doctrees), str(src), str(out)]) == 0
    read = {name for name, t in _mtimes(doctrees, ".doctree").items() if read_before.get(name) != t}
    written = {name for name, t in _mtimes(out, ".html").items() if written_before.get(name) != t}
    return read, written & set(PAGES)


def test_an_upgrade_rereads_and_rewrites_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, doctrees = _project(tmp_path), tmp_path / "doctrees"
    first, second = tmp_path / "html", tmp_path / "html-2"  # two outputs, one environment
    everything = (set(PAGES), set(PAGES))
    assert _build(src, doctrees, first) == everything
    assert _build(src, doctrees, second) == (set(), set(PAGES))  # a new output directory
    assert _build(src, doctrees, first) == (set(), set())  # no change: nothing read or written
    assert _build(src, doctrees, second) == (set(), set())

    monkeypatch.setattr(version, "__version__", "99.0.0")
    # The environment was saved by the old version: every page is read again...
    assert _build(src, doctrees, first) == everything
    # ...and the other output, whose environment that build brought up to date, still
    # has the old version's pages: they are re-written.
    assert _build(src, doctrees, second) == (set(), set(PAGES))
    assert _build(src, doctrees, first) == (set(), set())  # upgraded: current again
    assert _build(src, doctrees, second) == (set(), set())


def test_the_shipped_schemas_are_part_of_the_fingerprint(tmp_path: Path) -> None:
    copy = tmp_path / "schemas"
    shutil.copytree(Path(sphinxcontrib_mldesign.__file__).parent / "schemas", copy)
    assert version.shipped_fingerprint(copy) == version.shipped_fingerprint()
    metric = copy / "ml-metric.json"
    metric.write_text(metric.read_text().replace('"page"', '"pager"', 1))
    assert version.shipped_fingerprint(copy) != version.shipped_fingerprint()


def test_the_state_records_the_fingerprint(tmp_path: Path) -> None:
    src = _project(tmp_path)
    _build(src, tmp_path / "doctrees", tmp_path / "html")
    state = (tmp_path / "html" / STATE_FILE).read_text(encoding="utf-8")
    assert f'"fingerprint": "{version.shipped_fingerprint()}"' in state
