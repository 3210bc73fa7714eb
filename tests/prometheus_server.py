"""A real Prometheus server on 127.0.0.1 for the observed-value tests: its TSDB filled
from an OpenMetrics file of a week of samples at fixed past times (``promtool tsdb
create-blocks-from openmetrics``), kept with a long retention (or it deletes the old
blocks at start), and asked at the pinned time :data:`AT`.

Alerts cannot fire at a pinned past time (rules evaluate at the server's now, where the
backfilled data is years old): the rules file's alerts compare constants, so they fire
now, and ``/api/v1/alerts`` (which has no time) shows them. One rule fails at every
evaluation, so ``/api/v1/rules`` shows a rule whose health is not ``ok``.

The fixture ``prometheus`` starts one per session, ``prometheus_auth`` a second behind basic
auth (the password :data:`SECRET`; its bcrypt hash is written here, made once with
``crypt``, as no test needs to make one). Debian's ``prometheus`` package (``make
promtool``) has both programs; without them the tests skip, and in CI (``CI`` set) fail.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PROMETHEUS = shutil.which("prometheus")
PROMTOOL = shutil.which("promtool")
needs_prometheus = pytest.mark.skipif(
    (PROMETHEUS is None or PROMTOOL is None) and not os.environ.get("CI"),
    reason="no prometheus/promtool on this machine (make promtool)",
)

#: The time the tests ask at: the last sample of the week written.
AT = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
AT_TEXT = "2024-03-01T12:00:00Z"
STEP = 300
WEEK = 7 * 86400
#: p99 latency in ms of three pods at :data:`AT`: pod b decides (``<= 120 ms`` missed).
LATENCY_AT = {"a": 80.0, "b": 134.0, "c": 95.0}
AUC_AT = 0.91
#: The basic-auth password: a value that must appear in no output.
USER = "mldesign"
SECRET = "mldesign-test-secret-7f3a9c"
_BCRYPT = "$2b$04$/qkqaI/dB2t7jFjKcGRNmuHifR3qpQSBeLiBrZ/HezY2eNF4F6GMm"

RULES = """\
groups:
- name: mldesign-test
  interval: 1s
  rules:
  - alert: LatencyPage
    expr: vector(1) > 0
    labels: {severity: page, mldesign_id: MET-LAT, mldesign_threshold: crit}
  - alert: AUCLow
    expr: vector(0.5) < 1
    labels: {severity: ticket}
  - alert: MET_OTHER_crit
    expr: vector(2) > 1
  - alert: MET_LAT_warn
    expr: (vector(1) or label_replace(vector(1), "a", "b", "", "")) * on() vector(1) > 0
    labels: {severity: ticket, mldesign_id: MET-LAT, mldesign_threshold: warn}
"""


@dataclass(frozen=True)
class Server:
    url: str
    data: Path


def openmetrics() -> str:
    """A week of samples every five minutes up to :data:`AT`: the latency of three pods
    (each ending at its value in :data:`LATENCY_AT`) and one AUC."""
    end = int(AT.timestamp())
    times = range(end - WEEK, end + 1, STEP)
    lines = ["# TYPE mld_latency_ms gauge"]
    for pod, last in LATENCY_AT.items():
        for step, at in enumerate(times):
            value = last if at == end else last - 20 + (step % 24)
            lines.append(f'mld_latency_ms{{pod="{pod}"}} {value} {at}')
    lines.append("# TYPE mld_auc gauge")
    lines += [f"mld_auc {AUC_AT if at == end else 0.9} {at}" for at in times]
    return "\n".join(lines) + "\n# EOF\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str, headers: dict[str, str] | None = None) -> bytes:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5) as answer:
        body: bytes = answer.read()
        return body


def _wait_for(
    url: str, ready: str, headers: dict[str, str] | None, process: subprocess.Popen[bytes]
) -> None:
    """Until ``url`` answers with ``ready`` in it (60 s at most)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"prometheus exited with {process.returncode}")
        try:
            if ready in _get(url, headers).decode():
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"prometheus was not ready in time: {url}")


def _start(workdir: Path, data: Path, web_config: str | None) -> Iterator[Server]:
    if PROMETHEUS is None or PROMTOOL is None:
        pytest.fail("prometheus and promtool are needed (make promtool)")
    (workdir / "rules.yml").write_text(RULES)
    (workdir / "prometheus.yml").write_text(
        "global: {evaluation_interval: 1s}\nrule_files: [rules.yml]\n"
    )
    args = [
        PROMETHEUS,
        f"--config.file={workdir / 'prometheus.yml'}",
        f"--storage.tsdb.path={data}",
        "--storage.tsdb.retention.time=100y",
        f"--web.listen-address=127.0.0.1:{(port := _free_port())}",
    ]
    headers = None
    if web_config is not None:
        (workdir / "web.yml").write_text(web_config)
        args.append(f"--web.config.file={workdir / 'web.yml'}")
        token = base64.b64encode(f"{USER}:{SECRET}".encode()).decode()
        headers = {"Authorization": f"Basic {token}"}
    log = (workdir / "prometheus.log").open("wb")
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/-/ready", "Ready", headers, process)
        # The rules evaluate every second: once the alerts fire and the failing rule has
        # failed, the API shows what the tests look for.
        _wait_for(f"{url}/api/v1/alerts", "AUCLow", headers, process)
        _wait_for(f"{url}/api/v1/rules", '"health":"err"', headers, process)
        yield Server(url, data)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session", name="prometheus_blocks")
def prometheus_blocks_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A TSDB directory holding the week of :func:`openmetrics`."""
    if PROMTOOL is None:
        pytest.fail("promtool is needed (make promtool)")
    work = tmp_path_factory.mktemp("prometheus-blocks")
    (work / "data.om").write_text(openmetrics())
    subprocess.run(
        [
            PROMTOOL,
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--quiet",
            str(work / "data.om"),
            str(work / "data"),
        ],
        check=True,
        capture_output=True,
    )
    return work / "data"


@pytest.fixture(scope="session", name="prometheus")
def prometheus_fixture(
    tmp_path_factory: pytest.TempPathFactory, prometheus_blocks: Path
) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("prometheus")
    shutil.copytree(prometheus_blocks, work / "data")
    yield from _start(work, work / "data", None)


@pytest.fixture(scope="session", name="prometheus_auth")
def prometheus_auth_fixture(
    tmp_path_factory: pytest.TempPathFactory, prometheus_blocks: Path
) -> Iterator[Server]:
    """The same data behind basic auth: user :data:`USER`, password :data:`SECRET`."""
    work = tmp_path_factory.mktemp("prometheus-auth")
    shutil.copytree(prometheus_blocks, work / "data")
    yield from _start(work, work / "data", f"basic_auth_users:\n  {USER}: {json.dumps(_BCRYPT)}\n")
