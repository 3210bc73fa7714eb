"""``mldesign observe``: it asks the live sources as a live build does and writes the
snapshot (to ``mldesign_observe_snapshot`` next to ``conf.py``, or ``-o``), byte-stable;
a ``snapshot`` build reading it shows the same values without asking anyone; each failed
source is listed at its metric's file and line, with exit code 1; no secret is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mlflow_server import (
    CHAMPION_AUC,
    MlflowServer,
    mlflow_server_fixture,  # noqa: F401 (the fixture mlflow_server)
    needs_mlflow,
)
from observe_projects import AT, observations_of, observe_line, write_project

from helpers import Build, edit, mldesign

FILES = {
    "MET-AUC": ("file:metrics.json#eval.auc", ">= 0.9"),
    "MET-FOLD": ("file:metrics.json#folds.1", ">= 0.75"),
}
BROKEN = {"MET-GONE": ("file:metrics.json#eval.recall", ">= 0.5")}


def files_project(src: Path, metrics: dict[str, tuple[str, str]], **settings: str) -> Path:
    write_project(src, metrics, **settings)
    (src / "metrics.json").write_text(
        '{"eval": {"auc": 0.91}, "folds": [0.8, 0.7]}', encoding="utf-8"
    )
    return src


def test_the_snapshot_written_is_what_a_snapshot_build_shows(build: Build, tmp_path: Path) -> None:
    src = files_project(tmp_path / "src", {**FILES, **BROKEN})
    live = observations_of(build(src))
    # As on Read the Docs: the doc reads the snapshot; the command asks the sources.
    edit(src / "conf.py", 'mldesign_observe = "live"', 'mldesign_observe = "snapshot"')
    ran = mldesign("observe", src, "--at", AT, cwd=tmp_path)  # as the live build did
    # A source failed: exit 1, the failure at its metric's :observe: line; the file is
    # written all the same (a snapshot build reports the failure where the metric is).
    assert ran.returncode == 1, ran.stderr
    line = observe_line(src, "MET-GONE")
    assert ran.stdout.splitlines() == [
        f"src/index.rst:{line}: metric 'MET-GONE': its :observe: source "
        "'file:metrics.json#eval.recall' gave no value: missing key: 'eval.recall' has no "
        "'recall' ('eval' is an object without it)",
        f"mldesign observe: 3 metrics observed, 1 failed; wrote {src / 'observed.json'}",
    ]
    written = json.loads((src / "observed.json").read_text(encoding="utf-8"))
    assert (written["version"], written["at"]) == (1, AT)
    assert written["observations"]["MET-AUC"]["value"] == 0.91
    assert written["observations"]["MET-FOLD"]["value"] == 0.7
    assert written["observations"]["MET-GONE"]["error"].startswith("missing key: ")
    # The job writes new values: the snapshot build shows the snapshot's, asking no file.
    (src / "metrics.json").write_text('{"eval": {"auc": 0.5}}', encoding="utf-8")
    from_snapshot = observations_of(build(src, freshenv=True))
    assert from_snapshot == live
    assert from_snapshot["MET-AUC"].value == 0.91


def test_exit_0_and_the_same_bytes_for_the_same_observations(tmp_path: Path) -> None:
    src = files_project(tmp_path / "src", FILES)
    edit(src / "conf.py", 'mldesign_observe = "live"', 'mldesign_observe = "off"')
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    ran = mldesign("observe", src, "-o", first, "--at", AT)  # at the same time: same bytes
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout == f"mldesign observe: 2 metrics observed, 0 failed; wrote {first}\n"
    assert mldesign("observe", src, "-o", second, "--at", AT).returncode == 0
    text = first.read_text(encoding="utf-8")
    assert second.read_text(encoding="utf-8") == text
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    assert not (src / "observed.json").exists()  # -o: only there


def test_the_default_file_is_the_snapshot_setting(tmp_path: Path) -> None:
    src = files_project(tmp_path / "src", FILES, mldesign_observe_snapshot='"state/seen.json"')
    (src / "state").mkdir()
    assert mldesign("observe", src).returncode == 0
    assert json.loads((src / "state" / "seen.json").read_text())["observations"]


def test_usage_errors(tmp_path: Path) -> None:
    ran = mldesign("observe", tmp_path / "nowhere")
    assert ran.returncode == 2
    assert "no such directory" in ran.stderr
    src = files_project(tmp_path / "src", FILES)
    ran = mldesign("observe", src, "-o", tmp_path / "no-dir" / "observed.json")
    assert (ran.returncode, ran.stdout) == (2, "")
    assert "cannot write" in ran.stderr


@needs_mlflow
def test_no_secret_is_written(
    tmp_path: Path, mlflow_server: MlflowServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "observe-cli-secret-93c2aa"
    monkeypatch.setenv("MLD_TEST_OBSERVE_TOKEN", secret)
    server = (
        f'{{"url": "{mlflow_server.url}", '
        '"headers": {"Authorization": "Bearer ${MLD_TEST_OBSERVE_TOKEN}"}}'
    )
    src = files_project(
        tmp_path / "src",
        {
            "MET-MLFLOW": ("mlflow:fraud@champion#auc", ">= 0.9"),
            "MET-ALIAS": ("mlflow:fraud@retired#auc", ">= 0.9"),
            **FILES,
        },
        mldesign_mlflow=server,
    )
    ran = mldesign("observe", src)
    assert ran.returncode == 1
    written = (src / "observed.json").read_text(encoding="utf-8")
    observations = json.loads(written)["observations"]
    assert observations["MET-MLFLOW"]["value"] == CHAMPION_AUC
    assert observations["MET-ALIAS"]["error"].startswith("HTTP error 400: ")
    assert "MLD_TEST_OBSERVE_TOKEN" not in written
    assert secret not in written + ran.stdout + ran.stderr
