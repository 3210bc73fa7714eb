"""Observed values in the export (SPEC sections 6 and 8): each observed metric's
``observed``, each requirement's ``met``, only when observation is on; read back from
another project's export and counted as its targets missed. Real builds of
tests/roots/test-observe-snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from helpers import Build, Copy, export_text, located
from sphinxcontrib_mldesign.export import export_schema
from sphinxcontrib_mldesign.model.imports import read_export
from sphinxcontrib_mldesign.model.items import ITEM_TYPES, METRIC
from sphinxcontrib_mldesign.model.portfolio import figures, targets_missed
from sphinxcontrib_mldesign.state import build_state

LATENCY = {
    "value": 134,
    "at": "2026-11-30T12:00:00Z",
    "source": "prometheus",
    "series": 3,
    "target": "missed",
    "level": "warn",
    "error": None,
}
NO_DATA = {
    "value": None,
    "at": None,
    "source": "prometheus",
    "series": 0,
    "target": None,
    "level": None,
    "error": "no data: the query returned no series",
}


def test_observed_metrics_and_met_requirements(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("observe-snapshot"), "mldesign")
    data = json.loads(export_text(app))
    jsonschema.validate(data, export_schema(), format_checker=jsonschema.FormatChecker())
    items = data["items"]
    assert items["MET-LATENCY"]["observed"] == LATENCY
    assert items["MET-NODATA"]["observed"] == NO_DATA  # no value: no verdict either
    assert items["MET-QUEUE"]["observed"]["level"] == "crit"
    assert items["MET-QUEUE"]["observed"]["target"] is None  # it has no target
    assert items["MET-ERRORS"]["observed"]["target"] == "met"
    # Not observed by the doc (no :query:, no :observe:), though the snapshot has it.
    assert "observed" not in items["MET-QUIET"]
    assert "MET-GONE" not in items  # in the snapshot only: not made an item
    met = {key: item["met"] for key, item in items.items() if "met" in item}
    assert met == {
        "REQ-FAST": False,  # its own target holds (134 <= 150), its metric's does not
        "REQ-AUC": True,
        "REQ-TIGHT": False,  # its metric's target holds (0.8 <= 1 %), its own (0.5 %) not
        "REQ-SAME": False,
        "REQ-UNKNOWN": None,  # its metric gave no value
    }
    assert all(item["type"] == "ml-requirement" for key, item in items.items() if key in met)


def test_the_export_is_byte_stable(build: Build, copy_root: Copy) -> None:
    first = export_text(build(copy_root("observe-snapshot", "a"), "mldesign"))
    second = export_text(build(copy_root("observe-snapshot", "b"), "mldesign"))
    assert first == second
    assert first == json.dumps(json.loads(first), sort_keys=True, indent=2) + "\n"


def test_with_observation_off_the_export_has_neither(build: Build, copy_root: Copy) -> None:
    on = json.loads(export_text(build(copy_root("observe-snapshot", "on"), "mldesign")))
    app = build(
        copy_root("observe-snapshot", "off"), "mldesign", confoverrides={"mldesign_observe": "off"}
    )
    off = json.loads(export_text(app))
    assert not [item for item in off["items"].values() if {"observed", "met"} & item.keys()]
    for item in on["items"].values():  # the rest is the same
        item.pop("observed", None)
        item.pop("met", None)
    assert off["items"] == on["items"]


# -- other projects' observations ----------------------------------------------------------


@pytest.fixture
def observed_export(build: Build, copy_root: Copy, tmp_path: Path) -> Path:
    """The snapshot project's export, as another project imports it."""
    app = build(copy_root("observe-snapshot"), "mldesign")
    path = tmp_path / "observed-export.json"
    path.write_text(export_text(app), encoding="utf-8")
    return path


def test_an_imported_projects_observations_are_read(observed_export: Path) -> None:
    project = read_export("obs", observed_export.read_bytes())
    assert project.dropped == 0  # observed and met are kept, not left out as unknown
    assert project.items["obs:MET-LATENCY"].values["observed"] == LATENCY
    assert project.items["obs:REQ-FAST"].values["met"] is False
    assert project.items["obs:REQ-UNKNOWN"].values["met"] is None
    metrics = project.of_type(METRIC.name)
    assert targets_missed(metrics, None) == 1  # MET-LATENCY; MET-NODATA has no value
    row = figures("obs", project.title, project.by_type, [], [], None)
    assert row.targets_missed == 1


def test_a_malformed_imported_observation_is_left_out(observed_export: Path) -> None:
    data = json.loads(observed_export.read_text(encoding="utf-8"))
    data["items"]["MET-LATENCY"]["observed"]["target"] = "sort of"
    data["items"]["REQ-FAST"]["met"] = "yes"
    project = read_export("obs", json.dumps(data).encode())
    assert project.dropped == 2
    assert "observed" not in project.items["obs:MET-LATENCY"].values
    assert targets_missed(project.of_type(METRIC.name), None) == 0  # the others meet theirs


def test_importing_an_observed_project_warns_nothing(
    build: Build, observed_export: Path, tmp_path: Path
) -> None:
    src = tmp_path / "portfolio"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['sphinxcontrib_mldesign']\n"
        f"mldesign_imports = {{'obs': {str(observed_export)!r}}}\n"
    )
    (src / "index.rst").write_text("Portfolio\n=========\n\n.. ml-portfolio::\n")
    app = build(src)
    assert located(app) == []
    imported = build_state(app.env).context.imports["obs"]
    assert targets_missed(imported.of_type(METRIC.name), None) == 1


def test_this_projects_targets_missed(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("observe-snapshot"), "mldesign")
    context = build_state(app.env).context
    by_type = {name: context.of_type(name) for name in ITEM_TYPES}
    assert figures(None, "Observed", by_type, [], [], None, context.judged).targets_missed == 1
    # Without this project's verdicts, none of its metrics carries a value.
    assert figures(None, "Observed", by_type, [], [], None).targets_missed is None


def test_no_observation_counts_no_target_missed(build: Build, copy_root: Copy) -> None:
    app = build(
        copy_root("observe-snapshot"), "mldesign", confoverrides={"mldesign_observe": "off"}
    )
    context = build_state(app.env).context
    assert targets_missed(context.of_type(METRIC.name), context.judged) is None


# -- secrets ---------------------------------------------------------------------------------

SECRET = "c-s3cr3t-2f9d1e7a"


def test_a_header_secret_is_in_no_output(
    build: Build, copy_root: Copy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The servers' settings are configured with a real secret in the environment: it
    appears in no warning, export, page or cache of a snapshot build."""
    monkeypatch.setenv("C_OBSERVE_TOKEN", SECRET)
    src = copy_root("observe-snapshot")
    server = {
        "url": "http://127.0.0.1:9",
        "headers": {"Authorization": "Bearer ${C_OBSERVE_TOKEN}"},
    }
    settings = {"mldesign_prometheus": server, "mldesign_mlflow": server}
    html = build(src, confoverrides=settings)
    export = build(src, "mldesign", confoverrides=settings)
    assert SECRET not in html.warning.getvalue() + html.status.getvalue()
    assert SECRET not in export.warning.getvalue()
    assert '"observed"' in export_text(export)
    for tree in (Path(html.outdir), Path(export.outdir), Path(html.doctreedir), src):
        for path in tree.rglob("*"):
            if path.is_file():
                assert SECRET.encode() not in path.read_bytes(), path


@pytest.mark.parametrize(
    "change",
    [
        {"source": "prometheus\x1b[2J"},  # a terminal escape another team's export carries
        {"series": "3"},
        {"at": "9999-12-31T23:59:59-05:00"},
        {"value": None, "error": None},
    ],
)
def test_an_imported_observation_is_read_as_a_snapshot_is(
    observed_export: Path, change: dict[str, object]
) -> None:
    data = json.loads(observed_export.read_text(encoding="utf-8"))
    data["items"]["MET-LATENCY"]["observed"].update(change)
    project = read_export("obs", json.dumps(data).encode())
    assert "observed" not in project.items["obs:MET-LATENCY"].values
