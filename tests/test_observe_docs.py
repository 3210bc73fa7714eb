"""The docs of observed values: the worked example's snapshot (docs/observed.json) and the
how-to's settings (docs/howto/observe.rst) are what the code reads, and the example shows
what the page says it shows — targets met, one missed, a threshold breached."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinxcontrib_mldesign.cli.observe import snapshot_text
from sphinxcontrib_mldesign.config import MLDesignConfig
from sphinxcontrib_mldesign.model.observe.snapshot import Snapshot
from sphinxcontrib_mldesign.model.observe.spec import observe_of, parse_observe
from sphinxcontrib_mldesign.model.observed import judge_all, requirement_met

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
HOWTO = DOCS / "howto" / "observe.rst"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "example_snapshot", ROOT / "tools" / "example_snapshot.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _snapshot() -> Snapshot:
    return Snapshot.from_json(json.loads((DOCS / "observed.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The docs' export, from a real build (the mldesign builder: no HTML, no gaps site)."""
    app = SphinxTestApp("mldesign", srcdir=DOCS, builddir=tmp_path_factory.mktemp("docs"))
    try:
        app.build()
    finally:
        app.cleanup()
    # conf.py silences the example's deliberate target-missed / threshold-breached only
    assert not app.warning.getvalue().strip(), app.warning.getvalue()
    data: dict[str, Any] = json.loads((Path(app.outdir) / "mldesign.json").read_text())
    return data


def test_the_snapshot_is_the_one_the_tool_writes_as_mldesign_observe_would() -> None:
    written = (DOCS / "observed.json").read_text(encoding="utf-8")
    assert written == _tool().text()  # reproducible: regenerate with the tool, never by hand
    snapshot = _snapshot()
    assert written == snapshot_text(snapshot)  # what `mldesign observe` would write of it
    # the file source's value is the file's, as `mldesign observe` would have read it
    metrics = json.loads((DOCS / "example" / "rank-eval" / "metrics.json").read_text())
    assert snapshot.observations["MET-NDCG"].value == metrics["replay"]["ndcg_at_10"]
    # a week of samples for each Prometheus metric, ending at the value observed
    for observation in snapshot.observations.values():
        if observation.source == "prometheus":
            first, last = observation.trend[0][0], observation.trend[-1][0]
            assert 6.9 * 86400 <= last - first <= 7 * 86400 and len(observation.trend) >= 50
            assert observation.trend[-1][1] == observation.value


def test_the_example_meets_targets_misses_one_and_breaches_one(export: dict[str, Any]) -> None:
    items = export["items"]
    snapshot = _snapshot()
    metrics = [item for item in items.values() if item["type"] == "ml-metric"]
    # every observation is of a metric of the example, from the source its :observe: names
    for metric_id, observation in snapshot.observations.items():
        spec = observe_of(items[metric_id])
        assert spec is not None and spec.text == observation.source, metric_id
    sources = {
        observation.source.partition(":")[0] for observation in snapshot.observations.values()
    }
    assert sources == {"prometheus", "mlflow", "file"}

    judged = judge_all(metrics, snapshot.observations)
    targets = {metric: j.verdict.target for metric, j in judged.items() if j.verdict}
    levels = {metric: j.verdict.level for metric, j in judged.items() if j.verdict}
    assert [metric for metric, verdict in targets.items() if verdict == "missed"] == ["MET-CTR"]
    assert {"MET-P99", "MET-AUC", "MET-NDCG"} <= {m for m, v in targets.items() if v == "met"}
    assert {metric: level for metric, level in levels.items() if level != "ok"} == {
        "MET-FEATURE-LAG": "warn"
    }
    assert snapshot.observations["MET-FEATURE-LAG"].firing == ("MET_FEATURE_LAG_warn",)

    def met(requirement: str) -> bool | None:
        names = items[requirement].get("metrics", [])
        return requirement_met(items[requirement], [items[m] for m in names], judged)

    assert met("REQ-ENGAGEMENT") is False  # its click-through misses
    assert met("REQ-LATENCY") is True and met("REQ-FRESH") is True
    assert met("REQ-COST") is None  # the cost metric is not observed: unknown


def _howto_settings() -> dict[str, Any]:
    """Every ``mldesign_*`` value the how-to's ``conf.py`` snippets set."""
    text = HOWTO.read_text(encoding="utf-8")
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", text)
    settings: dict[str, Any] = {}
    for block in blocks:
        namespace: dict[str, Any] = {}
        exec("\n".join(line[3:] for line in block.splitlines()), namespace)
        settings.update(
            {k[len("mldesign_") :]: v for k, v in namespace.items() if k.startswith("mldesign_")}
        )
    return settings


def test_the_howto_settings_are_accepted_and_keep_the_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _howto_settings()
    assert {
        "observe",
        "prometheus",
        "mlflow",
        "observe_snapshot",
        "observe_at",
        "observe_max_age",
    } <= set(settings)
    config = MLDesignConfig(**settings)  # raises ConfigError on a value the code refuses
    assert config.prometheus is not None and config.observe_at is not None
    secret = "s3cr3t-token-from-the-environment"
    monkeypatch.setenv("PROM_TOKEN", secret)
    assert dict(config.prometheus.sent_headers())["Authorization"] == f"Bearer {secret}"
    # what a build keeps of the settings (fingerprints), and how it shows them, hold no secret
    kept = json.dumps(config.as_dict(), default=str)
    assert secret not in kept and secret not in repr(config)


def test_the_howto_observe_values_parse() -> None:
    written = re.findall(r"^\s+:observe: (.+)$", HOWTO.read_text(encoding="utf-8"), re.M)
    assert {parse_observe(value).kind for value in written} == {"mlflow", "file"}
    example = (DOCS / "example" / "metrics.md").read_text(encoding="utf-8")
    assert {parse_observe(v).kind for v in re.findall(r"^:observe: (.+)$", example, re.M)} == {
        "mlflow",
        "file",
    }
