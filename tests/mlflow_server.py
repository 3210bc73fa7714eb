"""A real MLflow tracking server on 127.0.0.1 for the observed-value tests, with a SQLite
backend, filled through MLflow's own client: two runs, the registered model ``fraud``
with a version of each, aliased ``champion`` and ``challenger``.

MLflow lives in its own venv, ``.venv-mlflow`` (``make mlflow``: it pulls 100+ packages;
the package under test talks to the server over its REST API and imports none of it).
Without it the tests skip, and in CI (``CI`` set) fail.

The fixture ``mlflow_server`` starts one per session (about 15 s: the server, then the
client filling it).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

MLFLOW_VENV = Path(__file__).resolve().parents[1] / ".venv-mlflow"
MLFLOW = MLFLOW_VENV / "bin" / "mlflow"
needs_mlflow = pytest.mark.skipif(
    not MLFLOW.exists() and not os.environ.get("CI"),
    reason="no MLflow on this machine (make mlflow)",
)

#: The champion's AUC: logged at step 0 as 0.85, then at step 1 as this (the latest).
CHAMPION_AUC = 0.93
CHALLENGER_AUC = 0.89

#: What MLflow's own client does to fill the server (run with .venv-mlflow's python).
FILL = """\
import json, sys
import mlflow
from mlflow import MlflowClient

mlflow.set_tracking_uri(sys.argv[1])
client = MlflowClient()
with mlflow.start_run() as champion:
    mlflow.log_metric("auc", 0.85, step=0)
    mlflow.log_metric("auc", float(sys.argv[2]), step=1)
    mlflow.log_metric("latency_ms", 120.0)
    mlflow.log_metric("broken", float("nan"))
with mlflow.start_run() as challenger:
    mlflow.log_metric("auc", float(sys.argv[3]))
client.create_registered_model("fraud")
for alias, run in (("champion", champion), ("challenger", challenger)):
    version = client.create_model_version(
        "fraud", source=f"runs:/{run.info.run_id}/model", run_id=run.info.run_id
    )
    client.set_registered_model_alias("fraud", alias, version.version)
print(json.dumps({"champion": champion.info.run_id, "challenger": challenger.info.run_id}))
"""


@dataclass(frozen=True)
class MlflowServer:
    url: str
    runs: dict[str, str]
    """Alias -> the ID of the run behind it."""
    log: Path
    """The server's log (uvicorn logs each request it answers)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    """Until ``url`` answers (90 s at most: the first start imports a lot)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mlflow server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"mlflow server was not ready in time: {url}")


@pytest.fixture(scope="session", name="mlflow_server")
def mlflow_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    if not MLFLOW.exists():
        pytest.fail("MLflow is needed (make mlflow)")
    work = tmp_path_factory.mktemp("mlflow")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [
        str(MLFLOW), "server",
        "--backend-store-uri", f"sqlite:///{work / 'mlflow.db'}",
        "--default-artifact-root", str(work / "artifacts"),
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    log_path = work / "mlflow.log"
    log = log_path.open("wb")
    # A session of its own: the server's workers are stopped with it.
    process = subprocess.Popen(
        args, stdout=log, stderr=subprocess.STDOUT, cwd=work, start_new_session=True
    )
    try:
        _wait_for(f"{url}/health", process)
        filled = subprocess.run(
            [str(MLFLOW_VENV / "bin" / "python"), "-c", FILL, url,
             str(CHAMPION_AUC), str(CHALLENGER_AUC)],
            capture_output=True, text=True, check=True, cwd=work, timeout=300,
        )  # fmt: skip
        runs = json.loads(filled.stdout.strip().splitlines()[-1])
        yield MlflowServer(url, runs, log_path)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
