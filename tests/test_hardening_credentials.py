"""A password written in an import's URL (``http://user:s3cret@host/``) reaches no build
log (issue 23, review): not in "cannot fetch", not in "is not JSON", not in a redirect
loop back to a relative Location (which keeps the URL's user and password), not in the
count of entries left out. The URL is shown with ``***`` where they were.

Real builds against raw-socket servers on 127.0.0.1 (those of test_hardening_network).
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from test_hardening_network import (
    IMPORT_LINE,
    Answer,
    _redirect_to,
    _status,
    build_importing,
    fetch_error,
    server,
)

from helpers import Build
from sphinxcontrib_mldesign.model.imports import without_credentials

SECRET = "s3cret"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:s3cret@host/x", "http://***@host/x"),
        ("HTTPS://s3cret@host:8443", "HTTPS://***@host:8443"),
        ("http://u:p@ss@host/a@b?c=@#@", "http://***@host/a@b?c=@#@"),  # the authority's last @
        ("http://[::1/x@y", "http://[::1/x@y"),  # invalid (urlsplit raises): no @ before /
        ("http://host/path@x", "http://host/path@x"),  # an @ in the path is no user
        ("exports/a@b.json", "exports/a@b.json"),  # a file's path is no URL
    ],
)
def test_credentials_are_left_out_of_a_shown_url(url: str, shown: str) -> None:
    assert without_credentials(url) == shown


def _with_user(base: str) -> str:
    return base.replace("http://", f"http://user:{SECRET}@")


def _not_an_export(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nnot")


def _odd_export(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    body = b'{"version": 1, "items": {"not an id": {}}}'
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (_status(b"HTTP/1.1 404 Not Found"), "cannot fetch {url}: HTTP 404 Not Found"),
        (_redirect_to(b"/a"), "cannot fetch {url}: redirect loop (back to {url})"),
        (_not_an_export, "{url} is not JSON: Expecting value: line 1 column 1 (char 0)"),
        (
            _odd_export,
            "{url!r} holds 1 entries under 'items' that are not items (no valid ID or type); "
            "they are left out",
        ),
    ],
    ids=["status", "relative-redirect-loop", "not-json", "entries-left-out"],
)
def test_a_password_in_an_import_url_is_never_told(
    build: Build, tmp_path: Path, answer: Answer, reason: str
) -> None:
    with server(answer) as (base, _):
        lines, _ = build_importing(build, tmp_path, _with_user(base) + "/a")
    shown = base.replace("http://", "http://***@") + "/a"
    assert lines == [
        f"{tmp_path / 'doc' / 'conf.py'}:{IMPORT_LINE}: WARNING: mldesign_imports: "
        f"{reason.format(url=shown)} [mldesign.import]"
    ]


def test_a_redirect_keeping_the_password_does_not_tell_it() -> None:
    """The fetch's own message (a relative Location keeps the URL's user and password);
    nor are they sent (as the configuration reference says), to the server or on."""
    with server(_redirect_to(b"/a")) as (base, heads):
        error, _ = fetch_error(_with_user(base) + "/a")
    assert error == f"redirect loop (back to {base.replace('http://', 'http://***@')}/a)"
    assert SECRET not in error
    assert len(heads) == 1  # /a redirects to itself: a loop at once
    assert not [head for head in heads if b"authorization" in head.lower() or b"s3cret" in head]
