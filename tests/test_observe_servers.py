"""A Prometheus that misbehaves: down, slow, trickling, HTML, 4xx/5xx, redirect loops, a
redirect elsewhere, malformed, huge or deeply nested JSON. Each is an observation whose
``error`` starts with its kind, within the server's timeout (one deadline per fetch),
never a traceback or a hang; the credentials go to no other host and into no message.

The servers are raw sockets on 127.0.0.1 (tests/test_hardening_network.py's ``server``);
one real build shows the located ``observation-failed`` warning.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from test_hardening_network import SLACK, Answer, headers_of, server

from helpers import Build, warnings_of
from sphinxcontrib_mldesign.config import MLDesignConfig
from sphinxcontrib_mldesign.model.formats import parse_condition
from sphinxcontrib_mldesign.model.observe.prometheus import observe_prometheus
from sphinxcontrib_mldesign.model.observe.snapshot import Observation

TIMEOUT = 1.5
AT = dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc)
METRIC: dict[str, Any] = {"id": "MET-P99", "query": "p99_ms", "target": parse_condition("< 80")}
SECRET = "hostile-test-token-51c0e"
VECTOR = json.dumps(
    {
        "status": "success",
        "data": {"resultType": "vector", "result": [{"metric": {}, "value": [1709294400, "42"]}]},
    }
).encode()


def live_conf(url: str, at: str, timeout: float) -> str:
    """The conf.py of a project observing live on the Prometheus at ``url``."""
    return (
        'extensions = ["sphinxcontrib_mldesign"]\nshow_warning_types = True\n'
        f'mldesign_observe = "live"\nmldesign_observe_at = "{at}"\n'
        f'mldesign_prometheus = {{"url": "{url}", "timeout": {timeout}}}\n'
        'mldesign_rules = {"missing-owner": "off"}\n'
    )


def _observe(url: str, headers: dict[str, str] | None = None) -> tuple[Observation, float]:
    setting: dict[str, Any] = {"url": url, "timeout": TIMEOUT, "headers": headers or {}}
    values: dict[str, Any] = {"prometheus": setting, "observe_trend": "0"}
    config = MLDesignConfig(**values)
    assert config.prometheus is not None
    start = time.monotonic()
    observation = observe_prometheus("p99_ms", config.prometheus, METRIC, AT, config)
    return observation, time.monotonic() - start


def _answer(status: bytes, body: bytes, content_type: bytes = b"application/json") -> Answer:
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(
            b"HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s"
            % (status, content_type, len(body), body)
        )

    return answer


def _sleep(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    stop.wait(30)


def _trickle(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """A valid answer, one byte every 0.2 s: each wait is short, the whole is not."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(VECTOR), VECTOR):
        if stop.wait(0.2):
            return
        conn.sendall(bytes([byte]))


def _redirect_loop(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /api/v1/query\r\n\r\n")


def _huge(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """Chunks of JSON without a length, past the cap."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
    chunk = b" " * 2**20
    for _ in range(20):
        if stop.is_set():
            return
        conn.sendall(chunk)


def _echo(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """A proxy's error page that shows the request's credentials."""
    asked = headers_of(head).get("authorization", "").encode()
    body = b'{"status": "error", "errorType": "bad_data", "error": "denied: %s"}' % asked
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (_sleep, "unreachable: timed out"),
        (_trickle, "unreachable: timed out"),
        (_answer(b"200 OK", b"<html><body>Grafana</body></html>", b"text/html"),
         "not JSON: the server answered HTML"),
        (_answer(b"404 Not Found", b"<html>404</html>", b"text/html"), "HTTP error 404: Not Found"),
        (_answer(b"503 Service Unavailable", b""), "HTTP error 503: Service Unavailable"),
        (_answer(b"503 Service Unavailable",
                 b'{"status":"error","errorType":"timeout","error":"query timed out"}'),
         "HTTP error 503: query timed out"),
        (_answer(b"400 Bad Request",
                 b'{"status":"error","errorType":"bad_data","error":"parse error: \\u001b[31m"}'),
         "query error: parse error: \\x1b[31m"),
        (_redirect_loop, "unreachable: redirect loop"),
        (_answer(b"200 OK", b'{"status": "success", "data": {'), "not JSON: "),
        (_answer(b"200 OK", b'{"status": "success", "data": {"resultType": "vector"}}'),
         "not JSON: not an answer of the Prometheus API"),
        (_answer(b"200 OK", b"[" * 100_000 + b"]" * 100_000), "not JSON: nested too deeply"),
        (_answer(b"200 OK", b"{}"), "not JSON: not an answer of the Prometheus API"),
        (_huge, "too large: the answer is larger than 16,777,216 bytes"),
    ],
    ids=["slow", "trickle", "html", "404", "503", "503-json", "400-escaped", "redirect-loop",
         "malformed", "no-result", "deep", "not-prometheus", "huge"],
)  # fmt: skip
def test_a_misbehaving_server_is_an_error_of_its_kind_in_time(answer: Answer, error: str) -> None:
    with server(answer) as (url, _):
        observation, took = _observe(url)
    assert observation.value is None and observation.error is not None
    assert observation.error.startswith(error), observation.error
    assert observation.error.isprintable() and len(observation.error) < 300
    assert took < TIMEOUT + SLACK


def test_a_server_that_is_down_is_unreachable() -> None:
    observation, took = _observe(_closed_port())
    assert observation.error is not None
    assert observation.error.startswith("unreachable: "), observation.error
    assert took < TIMEOUT + SLACK


def test_credentials_go_to_no_other_host_and_into_no_message() -> None:
    headers = {"Authorization": f"Bearer {SECRET}"}
    with server(_answer(b"200 OK", VECTOR)) as (elsewhere, elsewhere_heads):
        redirect = f"{elsewhere.replace('127.0.0.1', 'localhost')}/api/v1/query".encode()

        def moved(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
            conn.sendall(b"HTTP/1.1 307 Temporary Redirect\r\nLocation: " + redirect + b"\r\n\r\n")

        with server(moved) as (url, heads):
            observation, _ = _observe(url, headers)
    assert observation.value == 42.0  # the other host answered ...
    assert headers_of(heads[0])["authorization"] == f"Bearer {SECRET}"
    assert "authorization" not in headers_of(elsewhere_heads[0])  # ... without the token
    with server(_echo) as (url, heads):
        observation, _ = _observe(url, headers)
    assert observation.error is not None and observation.error.startswith("query error: ")
    assert observation.error == "query error: denied: ***"
    assert SECRET in heads[0].decode()


def test_a_build_against_a_slow_server_warns_at_the_query_in_time(
    build: Build, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    with server(_sleep) as (url, _):
        (src / "conf.py").write_text(live_conf(url, "2024-03-01T12:00:00Z", TIMEOUT))
        (src / "index.rst").write_text(
            "Metrics\n=======\n\n.. metric:: Latency\n   :id: MET-P99\n   :kind: system\n"
            "   :query: p99_ms\n   :target: < 80\n\n.. metric:: Errors\n   :id: MET-ERR\n"
            "   :kind: system\n   :query: errors_ratio\n   :target: < 0.01\n"
        )
        start = time.monotonic()
        app = build(src, warningiserror=False)
        took = time.monotonic() - start
    index = src / "index.rst"
    failed = [w for w in warnings_of(app) if "[mldesign.observation-failed]" in w]
    assert failed == [
        f"{index}:7: WARNING: metric 'MET-P99': its :query: on Prometheus gave no value: "
        "unreachable: timed out [mldesign.observation-failed]",
        f"{index}:13: WARNING: metric 'MET-ERR': its :query: on Prometheus gave no value: "
        "unreachable: timed out [mldesign.observation-failed]",
    ], failed
    # Asked at once (the pool), each within its own deadline; the alerts of a server that
    # gave no value at all are not told again.
    assert took < TIMEOUT + 2 * SLACK + 10
