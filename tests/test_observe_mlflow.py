"""Observed values from a real MLflow tracking server (tests/mlflow_server.py): the metric
of the run behind the model version an alias names, through real builds; what MLflow says
of an unknown alias or model; a missing key, NaN, a server that is down; each model's
alias and run asked once per build however many metrics read them; a secret header in no
output, also when a server echoes it."""

from __future__ import annotations

import http.server
import json
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from mlflow_server import (
    CHALLENGER_AUC,
    CHAMPION_AUC,
    MlflowServer,
    free_port,
    mlflow_server_fixture,  # noqa: F401 (the fixture mlflow_server)
    needs_mlflow,
)
from observe_projects import observations_of, observe_line, project_of
from observe_projects import write_project as write_metrics

from helpers import Build, export_text, located, serve, warnings_of
from sphinxcontrib_mldesign.model.inputs.http import HTTPStatusError, fetch

SECRET = "mlflow-test-secret-5d1e8b"
TOKEN = "MLD_TEST_MLFLOW_TOKEN"


def write_project(src: Path, url: str, metrics: dict[str, tuple[str, str]]) -> Path:
    """A project observing ``metrics`` on the MLflow server at ``url``, with a secret."""
    server = (
        f'{{"url": "{url}", "timeout": 5, "headers": {{"Authorization": "Bearer ${{{TOKEN}}}"}}}}'
    )
    return write_metrics(src, metrics, mldesign_mlflow=server)


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(TOKEN, SECRET)
    return SECRET


@needs_mlflow
def test_the_metric_of_the_run_behind_an_alias(
    build: Build, tmp_path: Path, mlflow_server: MlflowServer, secret: str
) -> None:
    src = write_project(
        tmp_path / "src",
        mlflow_server.url,
        {
            "MET-CHAMPION": ("mlflow:fraud@champion#auc", ">= 0.92"),
            "MET-CHALLENGER": ("mlflow:fraud@challenger#auc", ">= 0.92"),
            "MET-ALIAS": ("mlflow:fraud@retired#auc", ">= 0.92"),
            "MET-MODEL": ("mlflow:no-such-model@champion#auc", ">= 0.92"),
            "MET-KEY": ("mlflow:fraud@champion#recall", ">= 0.5"),
            "MET-NAN": ("mlflow:fraud@champion#broken", ">= 0.5"),
        },
    )
    app = build(src)
    observed = observations_of(app)
    champion, challenger = observed["MET-CHAMPION"], observed["MET-CHALLENGER"]
    # The latest value of the key (logged at step 1; 0.85 at step 0), when it was logged.
    assert (champion.value, champion.series, champion.error) == (CHAMPION_AUC, 1, None)
    assert champion.source == "mlflow:fraud@champion#auc"
    assert champion.at is not None and champion.at.startswith("20")
    assert (challenger.value, challenger.error) == (CHALLENGER_AUC, None)
    judged = project_of(app).judged
    assert judged["MET-CHAMPION"].verdict is not None
    assert judged["MET-CHAMPION"].verdict.target == "met"
    assert judged["MET-CHALLENGER"].verdict is not None
    assert judged["MET-CHALLENGER"].verdict.target == "missed"
    # MLflow's own words: an alias the model lacks is a bad parameter, a model it lacks
    # is not there.
    assert observed["MET-ALIAS"].value is None
    assert observed["MET-ALIAS"].error == (
        "HTTP error 400: INVALID_PARAMETER_VALUE: Registered model alias retired not found."
    )
    assert observed["MET-MODEL"].error == (
        "HTTP error 404: RESOURCE_DOES_NOT_EXIST: "
        "Registered Model with name=no-such-model not found"
    )
    run = mlflow_server.runs["champion"]
    assert observed["MET-KEY"].error == f"missing key: the run {run} has no metric 'recall'"
    # MLflow gives a NaN metric as the text "NaN": no value, never a pass.
    assert observed["MET-NAN"].error == f"not a number: the run {run} gives 'broken' as 'NaN'"
    assert "MET-NAN" not in [m for m, j in judged.items() if j.verdict is not None]
    # Reported at the :observe: naming the source, or the :target: missed.
    found = {(line, rule, message) for _, line, rule, message in located(app)}
    assert (
        observe_line(src, "MET-ALIAS"),
        "observation-failed",
        "metric 'MET-ALIAS': its :observe: source 'mlflow:fraud@retired#auc' gave no value: "
        + observed["MET-ALIAS"].error,
    ) in found
    failed = sorted(m.split("'")[1] for _, rule, m in found if rule == "observation-failed")
    assert failed == ["MET-ALIAS", "MET-KEY", "MET-MODEL", "MET-NAN"]
    missed = [(line, m.split("'")[1]) for line, rule, m in found if rule == "target-missed"]
    assert missed == [(observe_line(src, "MET-CHALLENGER", "target"), "MET-CHALLENGER")]
    # The secret header was sent (the server ignores it) and is in no output.
    assert secret not in "\n".join(warnings_of(app)) + export_text(app)
    assert not [
        p for p in Path(app.outdir).rglob("*") if p.is_file() and secret.encode() in p.read_bytes()
    ]
    assert not [
        p
        for p in Path(app.doctreedir).rglob("*")
        if p.is_file() and secret.encode() in p.read_bytes()
    ]


@needs_mlflow
def test_each_alias_and_run_is_asked_once_per_build(
    build: Build, tmp_path: Path, mlflow_server: MlflowServer, secret: str
) -> None:
    # Twenty metrics of one alias, asked by the pool's eight threads at once.
    metrics = {f"MET-{n:02}": ("mlflow:fraud@challenger#auc", ">= 0.5") for n in range(20)}
    src = write_project(tmp_path / "src", mlflow_server.url, metrics)

    def asked(endpoint: str) -> int:
        log = mlflow_server.log.read_text(encoding="utf-8", errors="replace")
        return log.count(f"GET /api/2.0/mlflow/{endpoint}")

    before = asked("registered-models/alias"), asked("runs/get")
    app = build(src)
    assert {o.value for o in observations_of(app).values()} == {CHALLENGER_AUC}
    assert (asked("registered-models/alias"), asked("runs/get")) == (before[0] + 1, before[1] + 1)
    # The next build asks again: an alias may have moved to another version since.
    build(src, freshenv=True)
    assert asked("registered-models/alias") == before[0] + 2


@pytest.fixture
def down_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


def test_a_server_that_is_down_is_unreachable(
    build: Build, tmp_path: Path, down_url: str, secret: str
) -> None:
    src = write_project(tmp_path / "src", down_url, {"MET-AUC": ("mlflow:m@a#auc", ">= 0.9")})
    observation = observations_of(build(src))["MET-AUC"]
    assert observation.value is None
    assert observation.error is not None
    assert observation.error.startswith(f"unreachable: {down_url}: ")


def test_a_missing_secret_names_the_variable_only(
    build: Build, tmp_path: Path, down_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN, raising=False)
    src = write_project(tmp_path / "src", down_url, {"MET-AUC": ("mlflow:m@a#auc", ">= 0.9")})
    observation = observations_of(build(src))["MET-AUC"]
    assert observation.error == f"missing secret: environment variable {TOKEN} is not set"


class _Hostile(http.server.BaseHTTPRequestHandler):
    """A server answering every GET with what the test set on the class."""

    status = 200
    body = b""
    routes: ClassVar[dict[str, bytes]] = {}
    """A part of a path -> the body answered to a GET of it (else ``body``)."""
    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).asked.append(self.path)
        body = next((b for part, b in self.routes.items() if part in self.path), self.body)
        # Echoes the Authorization header it was sent into its answer, as some proxies do.
        body = body.replace(b"{auth}", (self.headers["Authorization"] or "").encode())
        self.send_response(self.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def hostile() -> Iterator[tuple[str, type[_Hostile]]]:
    handler = type("Handler", (_Hostile,), {"routes": {}, "asked": []})
    with serve(handler) as url:
        yield url, handler


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        # A proxy's login page, not MLflow.
        (200, b"<html>login</html>", "not JSON: registered-models/alias answered '<html>login</html>'"),
        (200, b"[1, 2]", "not an MLflow answer: registered-models/alias answered no JSON object"),
        # A version with no run behind it.
        (200, b'{"model_version": {"version": "3"}}', "no run: the model version '3' of 'm' ('a') names no run"),
        # An error echoing the header: the secret is hidden before the message is cut.
        (401, b'{"error_code": "UNAUTHENTICATED", "message": "bad token {auth}"}',
         "HTTP error 401: UNAUTHENTICATED: bad token ***"),
        (502, b"<html>" + b"x" * 10**6 + b"</html>", "HTTP error 502: HTTP 502 Bad Gateway"),
        (200, b" " * (9 * 2**20), "unreachable: {url}: larger than 8,388,608 bytes"),
    ],
)  # fmt: skip
def test_what_a_hostile_server_answers_is_told(
    build: Build,
    tmp_path: Path,
    hostile: tuple[str, type[_Hostile]],
    secret: str,
    status: int,
    body: bytes,
    error: str,
) -> None:
    url, handler = hostile
    handler.status, handler.body = status, body
    src = write_project(tmp_path / "src", url, {"MET-AUC": ("mlflow:m@a#auc", ">= 0.9")})
    app = build(src)
    assert observations_of(app)["MET-AUC"].error == error.format(url=url)
    assert secret not in "\n".join(warnings_of(app)) + export_text(app)


def test_one_build_asks_for_each_alias_and_run_once(
    build: Build, tmp_path: Path, hostile: tuple[str, type[_Hostile]], secret: str
) -> None:
    url, handler = hostile
    version = {"model_version": {"version": "1", "run_id": "r1"}}
    logged = [
        {"key": "auc", "value": 0.9, "timestamp": 1796000000000, "step": 0},
        {"key": "auc", "value": 0.95, "timestamp": 1796000000000, "step": 3},
    ]
    handler.routes = {
        "/registered-models/alias": json.dumps(version).encode(),
        "/runs/get": json.dumps({"run": {"data": {"metrics": logged}}}).encode(),
    }
    metrics = {f"MET-{n:02}": ("mlflow:m@a#auc", ">= 0.5") for n in range(20)}
    observed = observations_of(build(write_project(tmp_path / "src", url, metrics)))
    # A key listed twice (MLflow lists it once): the highest step is the latest.
    assert {(o.value, o.at) for o in observed.values()} == {(0.95, "2026-11-30T00:53:20Z")}
    assert sorted(path.partition("?")[0] for path in handler.asked) == [
        "/api/2.0/mlflow/registered-models/alias",
        "/api/2.0/mlflow/runs/get",
    ]
    assert "name=m&alias=a" in handler.asked[0] or "name=m&alias=a" in handler.asked[1]


def test_an_error_s_body_is_read_only_as_far_as_asked(
    hostile: tuple[str, type[_Hostile]],
) -> None:
    url, handler = hostile
    handler.status, handler.body = 404, b'{"error_code": "X"}' + b" " * 10**6
    with pytest.raises(HTTPStatusError) as raised:
        fetch(url, 5, 100, error_bytes=1000)
    assert (raised.value.status, len(raised.value.body)) == (404, 1000)
    assert str(raised.value) == "HTTP 404 Not Found"
    with pytest.raises(HTTPStatusError) as unread:
        fetch(url, 5, 100)  # by default, none of it
    assert unread.value.body == b""
    assert json.loads(raised.value.body)["error_code"] == "X"
