"""Components: the item type, its role, and the checks on the data flow."""

from __future__ import annotations

from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from helpers import Build, export_of, tables_of, warnings_of
from sphinxcontrib_mldesign.model.dataflow import feedback_loops
from sphinxcontrib_mldesign.model.items import Item


def _component(item_id: str, kind: str, inputs: str = "") -> Item:
    values = {"kind": kind, **({"inputs": inputs.split(", ")} if inputs else {})}
    return Item(item_id, "ml-component", item_id, "index", 1, values)


def test_loops_through_a_model_are_found_once_each() -> None:
    parts = [
        _component("SRC", "data-source", "UI"),
        _component("PIPE", "pipeline", "SRC"),
        _component("MODEL", "model", "PIPE"),
        _component("SERVE", "serving", "MODEL"),
        _component("UI", "ui", "SERVE, CACHE"),
        _component("CACHE", "storage", "SERVE"),  # a second cycle in the same loop
        _component("A", "pipeline", "B"),  # a loop without a model: not a feedback loop
        _component("B", "storage", "A"),
        _component("SELF", "model", "SELF"),
    ]
    index = {str(c.id): c for c in parts}
    loops = feedback_loops(parts, index)
    assert [loop.members for loop in loops] == [
        ("SRC", "PIPE", "MODEL", "SERVE", "UI", "CACHE"),
        ("SELF",),
    ]
    # One cycle through the model, in the direction the data flows.
    assert loops[0].cycle == ("MODEL", "SERVE", "UI", "SRC", "PIPE", "MODEL")
    assert loops[1].cycle == ("SELF", "SELF")


PAGE = """\
System
======

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

.. component:: Scoring service
   :id: C-SERVE
   :kind: serving
   :inputs: C-MODEL
   :owner: ann

.. metric:: Quality
   :id: MET-Q
   :kind: model-quality
   :owner: ann

.. fallback:: Rule
   :id: FB-RULE
   :kind: rule
   :owner: ann

.. ml-owner:: Ann
   :id: ann

See :ml:component:`C-MODEL`.

.. ml-risk-index::
"""


def _build(build: Build, tmp_path: Path, page: str) -> SphinxTestApp:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_mldesign"]\nshow_warning_types = True\n'
        'mldesign_rules = {"bus-factor": "off"}\n'
    )
    (src / "index.rst").write_text(page)
    return build(src, warningiserror=False)


def test_component_checks_and_the_derived_loop(build: Build, tmp_path: Path) -> None:
    app = _build(build, tmp_path, PAGE)
    found = sorted(w.split(": ", 1)[1] for w in warnings_of(app) if "[mldesign." in w)
    assert found == [
        "WARNING: component 'C-UI' has no :owner: [mldesign.missing-owner]",
        "WARNING: feedback loop through model 'C-MODEL': C-MODEL -> C-UI -> C-CLICKS -> "
        "C-MODEL; add an ml-risk whose :affects: names one of its components "
        "[mldesign.feedback-loop]",
        "WARNING: serving component 'C-SERVE' lists no :fallbacks: — nothing takes over when "
        "it fails [mldesign.serving-component-needs-fallback]",
        "WARNING: serving component 'C-SERVE' lists no :metrics: — nothing watches it "
        "[mldesign.component-unmonitored]",
    ]
    [derived] = tables_of((Path(app.outdir) / "index.html").read_text(), "ml-derived-risks")
    assert [row[1] for row in derived[1:]] == ["feedback loop"]
    assert derived[1][2] == "C-CLICKS, C-MODEL, C-UI"  # the loop's components, linked
    item = export_of(app)["items"]["C-MODEL"]
    assert item["type"] == "ml-component" and item["inputs"] == ["C-CLICKS"]
    html = (Path(app.outdir) / "index.html").read_text()
    assert 'href="#C-MODEL" title="Ranker"' in html  # the role links to the component


def test_a_risk_that_affects_the_loop_acknowledges_it(build: Build, tmp_path: Path) -> None:
    page = PAGE.replace(
        ".. ml-risk-index::",
        ".. ml-risk:: Clicks follow the ranking\n   :id: RISK-LOOP\n   :owner: ann\n"
        "   :mitigations: MET-Q\n   :affects: C-UI\n\n.. ml-risk-index::",
    )
    app = _build(build, tmp_path, page)
    assert not [w for w in warnings_of(app) if "feedback-loop" in w]
    html = (Path(app.outdir) / "index.html").read_text()
    assert "feedback loop" not in html.split("ml-derived", 1)[-1]
