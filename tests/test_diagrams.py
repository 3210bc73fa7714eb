"""ml-architecture and ml-trace: the DOT they hand to sphinx.ext.graphviz, the SVG Graphviz
draws from it, the fallback without Graphviz, and parallel and incremental builds.

The DOT is read by pointing ``graphviz_dot`` at a stand-in that writes what it is given
into the output file; the real ``dot`` (``make graphviz``; ``.ci/run`` installs it) draws
the SVG. Without it the SVG test skips locally and fails in CI.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import Build, tables_of, warnings_of

DOT = shutil.which("dot")

COMPONENTS = """\
Components
==========

.. component:: Clicks
   :id: C-CLICKS
   :kind: data-source
   :inputs: C-UI
   :owner: ann

.. component:: Ranker
   :id: C-MODEL
   :kind: model
   :inputs: C-CLICKS
   :metrics: MET-Q
   :fallbacks: FB-RULE
   :owner: ann

.. component:: Page
   :id: C-UI
   :kind: ui
   :inputs: C-MODEL
   :owner: ann

.. component:: Scoring service
   :id: C-SERVE
   :kind: serving
   :inputs: C-MODEL
   :owner: ann

.. ml-risk:: Clicks follow the ranking
   :id: RISK-LOOP
   :owner: ann
   :mitigations: MET-Q
   :affects: C-UI

.. ml-requirement:: Rank well
   :id: REQ-RANK
   :kind: non-functional
   :priority: must
   :target: ndcg >= 0.4
   :metrics: MET-Q
   :fallbacks: FB-RULE
   :owner: ann

.. ml-requirement:: Explain
   :id: REQ-EXPLAIN
   :kind: functional
   :priority: must
   :inference: batch
   :owner: ann

.. metric:: Quality
   :id: MET-Q
   :kind: model-quality
   :warn: < 0.4
   :crit: < 0.3
   :owner: ann

.. fallback:: Rule
   :id: FB-RULE
   :kind: heuristic
   :next: FB-CONST
   :owner: ann

.. fallback:: Constant
   :id: FB-CONST
   :kind: constant
   :owner: ann

.. ml-owner:: Ann
   :id: ann
   :areas: ranking
   :backups: bo

.. ml-owner:: Bo
   :id: bo
"""

DIAGRAMS = """\
Diagrams
========

.. ml-architecture::

.. ml-architecture::
   :around: C-SERVE

.. ml-trace::
   :ids: REQ-RANK, REQ-EXPLAIN
"""

FAKE_DOT = """\
import sys
outputs = [a[2:] for a in sys.argv if a.startswith("-o")]
source = sys.stdin.read()
for out in outputs:  # the image gets the DOT; a PNG's image map stays empty
    open(out, "w").write('<map id="m" name="m"></map>' if out.endswith(".map") else source)
"""


def _project(tmp_path: Path, conf: str = "") -> Path:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_mldesign"]\nshow_warning_types = True\n'
        'graphviz_output_format = "svg"\n' + conf
    )
    (src / "index.rst").write_text("Home\n====\n\n.. toctree::\n\n   components\n   diagrams\n")
    (src / "components.rst").write_text(COMPONENTS)
    (src / "diagrams.rst").write_text(DIAGRAMS)
    return src


def _fake_dot(tmp_path: Path) -> str:
    script = tmp_path / "fake-dot"
    script.write_text(f"#!{sys.executable}\n{FAKE_DOT}")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    # PNG: Sphinx reads an SVG back as XML, which the DOT text is not.
    return f'graphviz_dot = {str(script)!r}\ngraphviz_output_format = "png"\n'


def _diagrams(app: SphinxTestApp) -> list[str]:
    """The files the page's diagrams were drawn into, in page order."""
    html = (Path(app.outdir) / "diagrams.html").read_text(encoding="utf-8")
    names = re.findall(r'(?:data|src)="(_images/graphviz-[0-9a-f]+\.(?:svg|png))"', html)
    return [(Path(app.outdir) / name).read_text(encoding="utf-8") for name in names]


def _nodes(dot: str) -> dict[str, str]:
    return dict(re.findall(r'^  "([^"]+)" \[(.*)\];$', dot, re.MULTILINE))


def _edges(dot: str) -> list[tuple[str, str]]:
    return re.findall(r'^  "([^"]+)" -> "([^"]+)"', dot, re.MULTILINE)


def test_architecture_dot_follows_the_data_flow(build: Build, tmp_path: Path) -> None:
    app = build(_project(tmp_path, _fake_dot(tmp_path)), warningiserror=False)
    whole, around, _ = _diagrams(app)
    assert 'rankdir="LR"' in whole
    nodes = _nodes(whole)
    assert list(nodes) == ["C-CLICKS", "C-MODEL", "C-UI", "C-SERVE"]  # document order
    assert sorted(_edges(whole)) == [  # input -> reader: the way the data flows
        ("C-CLICKS", "C-MODEL"), ("C-MODEL", "C-SERVE"), ("C-MODEL", "C-UI"), ("C-UI", "C-CLICKS"),
    ]  # fmt: skip
    model, serve = nodes["C-MODEL"], nodes["C-SERVE"]
    assert 'label="Ranker\\nmodel · ann"' in model and 'fillcolor="#fce7f3"' in model
    assert 'URL="components.html#C-MODEL"' in model and 'target="_top"' in model
    assert "color" not in model.replace("fillcolor", "").replace("fontcolor", "")  # no gap
    # The serving component has gaps: marked on its node, in red.
    assert "✗ unmonitored\\n✗ no fallback" in serve and 'color="#cf222e"' in serve
    # :around: C-SERVE (depth 1): it and its neighbour only.
    assert list(_nodes(around)) == ["C-MODEL", "C-SERVE"]
    assert _edges(around) == [("C-MODEL", "C-SERVE")]
    # The components table under the diagram flags the same gaps.
    html = (Path(app.outdir) / "diagrams.html").read_text(encoding="utf-8")
    table = tables_of(html, "ml-components")[0]
    assert table[0][-1] == "Gaps" and table[4][-1] == "✗ unmonitored ✗ no fallback"


def test_trace_dot_runs_from_requirement_to_owners(build: Build, tmp_path: Path) -> None:
    app = build(_project(tmp_path, _fake_dot(tmp_path)), warningiserror=False)
    trace = _diagrams(app)[2]
    edges = _edges(trace)
    assert ("REQ-RANK", "MET-Q") in edges and ("REQ-RANK", "ann") in edges
    assert ("REQ-RANK", "FB-RULE") in edges and ("FB-RULE", "FB-CONST") in edges  # tier by tier
    assert "warn < 0.4\\ncrit < 0.3" in _nodes(trace)["MET-Q"]  # thresholds on the metric
    # REQ-EXPLAIN's gaps are nodes of their own, dashed and red.
    assert ("REQ-EXPLAIN", "REQ-EXPLAIN:no metric") in edges
    assert ("REQ-EXPLAIN", "REQ-EXPLAIN:no fallback") in edges
    assert 'style="rounded,dashed"' in _nodes(trace)["REQ-EXPLAIN:no metric"]


def test_without_graphviz_the_tables_stay_and_the_build_passes(
    build: Build, tmp_path: Path
) -> None:
    src = _project(tmp_path, 'graphviz_dot = "no-such-dot-program"\n')
    (src / "components.rst").write_text(
        COMPONENTS.replace("   :inputs: C-MODEL\n   :owner: ann\n\n.. ml-risk", "   :inputs: C-MODEL\n   :owner: ann\n   :metrics: MET-Q\n   :fallbacks: FB-RULE\n\n.. ml-risk")
        .replace("   :inference: batch\n", "   :metrics: MET-Q\n   :fallbacks: FB-RULE\n")
    )  # fmt: skip
    app = build(src, warningiserror=True)  # -W: no warning at all
    html = (Path(app.outdir) / "diagrams.html").read_text(encoding="utf-8")
    assert "graphviz" not in html.split('role="main"', 1)[-1].split("ml-components")[0][-200:]
    assert not list(Path(app.outdir).rglob("graphviz-*"))
    assert len(tables_of(html, "ml-components")) == 2 and tables_of(html, "ml-trace")
    status = app.status.getvalue()
    assert status.count("Graphviz's 'no-such-dot-program' program is not installed") == 1
    assert warnings_of(app) == []


@pytest.mark.skipif(DOT is None and not os.environ.get("CI"), reason="no Graphviz here")
def test_graphviz_draws_clickable_svg_with_the_gaps(build: Build, tmp_path: Path) -> None:
    app = build(_project(tmp_path), warningiserror=False)
    whole = _diagrams(app)[0]
    assert re.search(r"<(\w+:)?svg ", whole)
    titles = re.findall(r"title>([^<]*)</", whole)
    for component in ("C-CLICKS", "C-MODEL", "C-UI", "C-SERVE"):
        assert component in titles  # a node each (Sphinx re-wrote the file: plain text)
    assert "C-CLICKS-&gt;C-MODEL" in titles  # an edge
    # Links rewritten by Sphinx from the images directory back to the item's page.
    assert re.search(r'(xlink|ns\d):href="\.\./components\.html#C-MODEL"', whole)
    texts = re.findall(r"text[^>]*>([^<]*)</", whole)
    assert any(t in ("✗ unmonitored", "&#10007; unmonitored") for t in texts), texts


def test_parallel_and_incremental_builds_draw_the_same(build: Build, tmp_path: Path) -> None:
    src = _project(tmp_path, _fake_dot(tmp_path))
    serial = _diagrams(build(src, builddir=tmp_path / "serial", warningiserror=False))
    parallel = _diagrams(build(src, builddir=tmp_path / "par", parallel=2, warningiserror=False))
    assert parallel == serial
    # Edit a component on its own page: the diagram page, built incrementally, changes
    # as a clean build does.
    out = tmp_path / "incremental"
    build(src, builddir=out, warningiserror=False)
    text = (src / "components.rst").read_text()
    (src / "components.rst").write_text(text.replace(":inputs: C-UI\n", ":inputs: C-SERVE\n"))
    incremental = _diagrams(build(src, builddir=out, warningiserror=False))
    clean = _diagrams(build(src, builddir=tmp_path / "clean", warningiserror=False))
    assert incremental == clean and incremental != serial
    assert ("C-SERVE", "C-CLICKS") in _edges(incremental[0])
