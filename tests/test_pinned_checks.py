"""Pinned: the edges of the checks — every component kind that must be watched or
replaceable, a drift metric's two options, every safe last tier. Each test is the
targeted killer of a mutant of tools/mutants.py: before them, one of these (a pipeline
needing no metrics) was caught by nothing, the others only by the tests of every warning
at once (tests/test_warnings.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Build, located

CONF = 'extensions = ["sphinxcontrib_mldesign"]\nshow_warning_types = True\n'
KINDS = ("data-source", "pipeline", "feature-store", "training", "model", "registry",
         "serving", "storage", "monitoring", "ui", "external")  # fmt: skip


def _project(tmp_path: Path, body: str, conf: str = "") -> Path:
    src = tmp_path / "p"
    src.mkdir()
    (src / "conf.py").write_text(CONF + conf, encoding="utf-8")
    (src / "index.rst").write_text("Checks\n======\n\n.. owner:: Ann\n   :id: ann\n\n" + body)
    return src


def test_every_watched_component_kind_needs_metrics(build: Build, tmp_path: Path) -> None:
    """Model, serving and pipeline components need :metrics:; model and serving ones
    :fallbacks: too; no other kind needs either."""
    body = "".join(
        f".. component:: {kind}\n   :id: C-{kind.upper()}\n   :kind: {kind}\n   :owner: ann\n\n"
        for kind in KINDS
    )
    app = build(_project(tmp_path, body))
    found = sorted((rule, message.split()[0]) for _, _, rule, message in located(app))
    assert found == [
        ("component-unmonitored", "model"),
        ("component-unmonitored", "pipeline"),
        ("component-unmonitored", "serving"),
        ("serving-component-needs-fallback", "model"),
        ("serving-component-needs-fallback", "serving"),
    ]


def test_a_drift_metric_needs_both_method_and_reference(build: Build, tmp_path: Path) -> None:
    metrics = [("MET-BOTH", "   :drift-method: psi\n   :reference: last month\n"),
               ("MET-METHOD", "   :drift-method: psi\n"), ("MET-REF", "   :reference: last month\n"),
               ("MET-NONE", "")]  # fmt: skip
    body = "".join(
        f".. ml-metric:: {mid}\n   :id: {mid}\n   :kind: drift\n   :owner: ann\n{extra}\n"
        for mid, extra in metrics
    )
    app = build(_project(tmp_path, body))
    assert [m for _, _, rule, m in located(app) if rule == "drift-needs-method"] == [
        "drift metric 'MET-METHOD' has no :reference:",
        "drift metric 'MET-REF' has no :drift-method:",
        "drift metric 'MET-NONE' has no :drift-method: and :reference:",
    ]


@pytest.mark.parametrize("kind", ["constant", "rule", "human", "reject"])
def test_a_chain_may_end_in_any_safe_kind(kind: str, build: Build, tmp_path: Path) -> None:
    """A chain ending in a tier that cannot fail is safe, whichever of those it is; one
    ending in a cache is not."""
    body = (
        f".. ml-fallback:: First\n   :id: FB-1\n   :kind: simpler-model\n   :owner: ann\n"
        f"   :next: FB-2\n\n.. ml-fallback:: Last\n   :id: FB-2\n   :kind: {kind}\n"
        "   :owner: ann\n\n.. ml-fallback:: Cached\n   :id: FB-3\n   :kind: cache\n   :owner: ann\n"
    )
    app = build(_project(tmp_path, body))
    assert [
        m.split(" ends")[0] for _, _, rule, m in located(app) if rule == "fallback-terminal"
    ] == ["fallback chain FB-3"]
