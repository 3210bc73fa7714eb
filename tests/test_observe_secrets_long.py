"""A secret a server echoes is shown in no part, however long it is and wherever the
server puts it: its status text, its status line (malformed, as an exception quotes it),
a ``Location`` (a redirect loop, or one http.client refuses to send), a 200 answer that
is not JSON, a JSON error; for Prometheus and MLflow alike, and in a real build's
warnings and export. A composite header hides each long piece; a URL holding a password
is refused without showing it.

The servers are raw sockets on 127.0.0.1 (tests/test_hardening_network.py's ``server``),
each echoing the ``Authorization`` header it was sent where the test says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from observe_projects import observations_of, write_project
from sphinx.errors import ConfigError
from test_hardening_network import Answer, headers_of, server

from helpers import Build, export_text, warnings_of
from sphinxcontrib_mldesign.config import MLDesignConfig
from sphinxcontrib_mldesign.model.formats import parse_condition
from sphinxcontrib_mldesign.model.inputs.secrets import (
    BODY_LOOKED_AT,
    said_of_body,
    secrets_of,
    without_secrets,
)
from sphinxcontrib_mldesign.model.observe.mlflow import observe_mlflow
from sphinxcontrib_mldesign.model.observe.once import Once
from sphinxcontrib_mldesign.model.observe.prometheus import observe_prometheus
from sphinxcontrib_mldesign.model.observe.snapshot import Observation
from sphinxcontrib_mldesign.model.observe.spec import parse_observe

AT = dt.datetime(2026, 12, 1, 12, tzinfo=dt.timezone.utc)
METRIC: dict[str, Any] = {"id": "MET-P99", "query": "p99_ms", "target": parse_condition("< 80")}
#: Long enough to be a JWT cut by every limit of a message (80, 200, 240 characters).
LENGTHS = (10, 100, 400)
TOKEN_VARIABLE = "MLD_TEST_LONG_TOKEN"


def secret_of(length: int) -> str:
    """A secret of ``length`` hex digits, no run of 8 of which is in any other text here."""
    digits = ""
    while len(digits) < length:
        digits += hashlib.sha256(f"{length}:{len(digits)}".encode()).hexdigest()
    return digits[:length]


def leaked(secret: str, text: str) -> list[str]:
    """Every 8 characters of ``secret`` found in ``text``."""
    return [secret[i : i + 8] for i in range(len(secret) - 7) if secret[i : i + 8] in text]


def _auth(head: bytes) -> bytes:
    return headers_of(head).get("authorization", "").encode()


def _reply(make: Callable[[bytes], bytes]) -> Answer:
    """A server sending ``make(the Authorization header it was sent)``."""

    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(make(_auth(head)))

    return answer


def _body(status: bytes, body: bytes) -> bytes:
    return b"HTTP/1.1 %s\r\nContent-Length: %d\r\n\r\n%s" % (status, len(body), body)


#: Where a server puts what it was sent (the whole ``Bearer <token>``, or the token).
ECHOES: dict[str, Answer] = {
    "status-text": _reply(lambda auth: b"HTTP/1.1 401 denied for %s\r\nContent-Length: 0\r\n\r\n" % auth),
    "status-line": _reply(lambda auth: b"HTTP/1.1 %s\r\n\r\n" % auth),
    # Back to itself: a loop, told with the URL (the token in its query).
    "location-loop": _reply(
        lambda auth: b"HTTP/1.1 302 Found\r\nLocation: /loop?t=%s\r\n\r\n" % auth.split()[-1]
    ),
    # A space in the URL: http.client refuses to send it, quoting it (InvalidURL).
    "location-unsendable": _reply(lambda auth: b"HTTP/1.1 302 Found\r\nLocation: /x?%s\r\n\r\n" % auth),
    "200-not-json": _reply(lambda auth: _body(b"200 OK", b"Authorization: " + auth)),
    "json-error": _reply(
        lambda auth: _body(
            b"401 Unauthorized",
            b'{"status": "error", "errorType": "bad_data", "error": "denied: %s", '
            b'"error_code": "UNAUTHENTICATED", "message": "denied: %s"}' % (auth, auth),
        )
    ),
    # A value of the answer's: Prometheus' "error", MLflow's model version.
    "200-json": _reply(
        lambda auth: _body(
            b"200 OK",
            b'{"status": "error", "error": "%s", "model_version": {"version": "%s"}}'
            % (auth, auth),
        )
    ),
}  # fmt: skip
#: The places whose message shows the server's words (a secret hidden, ``***``, there).
SHOWN = {
    "prometheus": {"status-text", "status-line", "location-loop", "location-unsendable",
                   "json-error", "200-json"},
    "mlflow": {"status-text", "status-line", "location-loop", "location-unsendable",
               "200-not-json", "json-error", "200-json"},
}  # fmt: skip


def _observe(source: str, url: str, secret: str) -> Observation:
    setting: dict[str, Any] = {
        "url": url, "timeout": 5, "headers": {"Authorization": f"Bearer {secret}"},
    }  # fmt: skip
    config = MLDesignConfig(prometheus=setting, mlflow=setting, observe_trend="0")
    if source == "prometheus":
        assert config.prometheus is not None
        return observe_prometheus("p99_ms", config.prometheus, METRIC, AT, config)
    assert config.mlflow is not None
    spec = parse_observe("mlflow:fraud@champion#auc")
    return observe_mlflow(spec, config.mlflow, {"id": "MET-AUC"}, AT, Once())


@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize("place", ECHOES)
@pytest.mark.parametrize("source", ["prometheus", "mlflow"])
def test_an_echoed_secret_is_shown_in_no_part(source: str, place: str, length: int) -> None:
    secret = secret_of(length)
    with server(ECHOES[place]) as (url, heads):
        observation = _observe(source, url, secret)
    assert secret in heads[0].decode()  # it was sent, and echoed
    assert observation.value is None and observation.error is not None
    assert leaked(secret, observation.error) == [], observation.error
    if place in SHOWN[source]:
        assert "***" in observation.error, observation.error  # the words were shown, cut
    assert observation.error.isprintable()


def test_a_secret_in_a_long_status_line_is_hidden_in_a_real_build(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The secret from the environment (``${...}``, as the how-to writes it), 400
    characters, echoed in the status line to Prometheus and in a 200 page to MLflow."""
    secret = secret_of(400)
    monkeypatch.setenv(TOKEN_VARIABLE, secret)
    setting = (
        '{{"url": "{}", "timeout": 5, "headers": {{"Authorization": "Bearer ${{'
        + TOKEN_VARIABLE
        + '}}"}}}}'
    )
    with (
        server(ECHOES["status-line"]) as (prometheus, _),
        server(ECHOES["200-not-json"]) as (mlflow, heads),
    ):
        src = write_project(
            tmp_path / "src",
            {"MET-AUC": ("mlflow:fraud@champion#auc", ">= 0.9")},
            mldesign_prometheus=setting.format(prometheus),
            mldesign_mlflow=setting.format(mlflow),
            mldesign_observe_trend='"0"',
        )
        with (src / "index.rst").open("a", encoding="utf-8") as index:
            index.write(
                "\n.. metric:: MET-P99\n   :id: MET-P99\n   :owner: ann\n   :kind: system\n"
                "   :query: p99_ms\n   :target: < 80\n"
            )
        app = build(src, warningiserror=False)
    assert secret in heads[0].decode()
    observed = observations_of(app)
    assert observed["MET-P99"].error is not None
    assert observed["MET-P99"].error.startswith("unreachable: ")
    assert observed["MET-AUC"].error is not None
    assert observed["MET-AUC"].error.startswith("not JSON: registered-models/alias answered")
    warnings = "\n".join(warnings_of(app))
    assert "[mldesign.observation-failed]" in warnings and "***" in warnings
    assert leaked(secret, warnings) == []
    assert '"MET-P99"' in export_text(app) and leaked(secret, export_text(app)) == []


def test_a_secret_cut_by_the_end_of_what_is_looked_at_is_not_shown() -> None:
    """White space collapses: a token cut short at the end of the bytes looked at may
    well be within the characters shown, where it no longer matches the whole one."""
    secret = secret_of(400)
    headers = {"Authorization": f"Bearer {secret}"}
    body = b"page" + b" " * (BODY_LOOKED_AT - 20) + secret.encode() + b" more"
    shown = said_of_body(body, headers, 60)
    assert shown == "page", shown
    assert said_of_body(b"page " + secret.encode(), headers, 60) == "page ***"


def test_each_long_piece_of_a_composite_header_is_hidden() -> None:
    token, user = secret_of(40), "me"
    headers = {"Cookie": f"session={token}; user={user}", "X-Key": "abc"}
    # A server that echoes only the token still shows none of it.
    assert without_secrets(f"bad session {token} of {user}", headers) == "bad session *** of me"
    assert token in secrets_of(headers)
    # Short pieces (``user``, ``me``, a 3-character value) are not hidden: they are words.
    assert not {"user", "me", "session", "abc"} & set(secrets_of(headers))


def test_a_header_value_sent_is_hidden_whole_and_its_credential_word() -> None:
    headers = {"Authorization": "Bearer abcd1"}  # a token shorter than a piece
    assert without_secrets("got Bearer abcd1, abcd1", headers) == "got ***, ***"


@pytest.mark.parametrize("setting", ["prometheus", "mlflow"])
def test_a_url_holding_a_password_is_refused_without_showing_it(setting: str) -> None:
    url = "https://bob:hunter2-secret@prometheus.example:9090"
    with pytest.raises(ConfigError) as refused:
        MLDesignConfig(**{setting: {"url": url}})
    message = str(refused.value)
    assert f"mldesign_{setting}['url'] must hold no user or password" in message
    assert '"Authorization": "Basic ${AUTH}"' in message  # what to write instead
    assert "hunter2" not in message and "bob" not in message
    # Nor in the message about a URL that is not http(s) at all.
    with pytest.raises(ConfigError) as refused:
        MLDesignConfig(**{setting: {"url": "ftp://bob:hunter2-secret@h"}})
    assert "hunter2" not in str(refused.value)
