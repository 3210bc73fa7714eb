"""Imports from servers that misbehave (issue 23, items 4 and 5): one deadline bounds a
whole fetch, whatever the server does; redirects are capped and do not carry the caller's
headers to another origin; a server's words reach the build log escaped, on one line.

The servers are raw sockets on 127.0.0.1, each answering as the test says; the fetch is
timed directly, then a real build shows the warning at the import's line in conf.py.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers import Build, warnings_of
from sphinxcontrib_mldesign.model.inputs.http import FetchError, fetch

#: How one server answers: (its connection, the request's head, set when the test ends).
Answer = Callable[[socket.socket, bytes, threading.Event], None]
#: Slack on top of a timeout, for a slow and shared machine.
SLACK = 4


@contextmanager
def server(answer: Answer, tls: ssl.SSLContext | None = None) -> Iterator[tuple[str, list[bytes]]]:
    """A server on 127.0.0.1 answering each connection with ``answer``: (its base URL,
    the head of every request it read)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    heads: list[bytes] = []
    stop = threading.Event()

    def handle(conn: socket.socket) -> None:
        try:
            conn.settimeout(10)
            if tls is not None:
                conn = tls.wrap_socket(conn, server_side=True)
            head = b""
            while b"\r\n\r\n" not in head and (data := conn.recv(4096)):
                head += data
            heads.append(head)
            answer(conn, head, stop)
        except OSError:
            pass  # the client gave up (or refused our certificate)
        finally:
            conn.close()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    serving = threading.Thread(target=serve, daemon=True)
    serving.start()
    try:
        scheme = "https" if tls else "http"
        yield f"{scheme}://127.0.0.1:{listener.getsockname()[1]}", heads
    finally:
        stop.set()
        serving.join()
        listener.close()


def path_of(head: bytes) -> str:
    return head.split(b" ")[1].decode()


def headers_of(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    return {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines if line)}


def _trickle_head(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """The status line and headers, one byte every 0.5 s, for minutes."""
    text = b"HTTP/1.1 200 OK\r\n" + b"X-Pad: a\r\n" * 90
    for byte in text:
        if stop.wait(0.5):
            return
        conn.sendall(bytes([byte]))


def _continue_flood(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """``100 Continue`` lines without end, each answered at once."""
    while not stop.wait(0.01):
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")


def _endless_trailers(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """A whole chunked body, then a trailer line every 0.3 s without end."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n")
    while not stop.wait(0.3):
        conn.sendall(b"X-Trailer: more\r\n")


def _slow_redirects(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """A redirect to a new path, each after 0.6 s (under the timeout of 1 s)."""
    if not stop.wait(0.6):
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: %s/next\r\n\r\n" % path_of(head).encode())


def _redirect_chain(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """/N (N a number) redirects, relatively, to N-1 in a new directory; /0 is the export."""
    hops = int(path_of(head).rsplit("/", 1)[1])
    if hops:
        conn.sendall(b"HTTP/1.1 301 Moved\r\nLocation: d/%d\r\n\r\n" % (hops - 1))
    else:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")


def _redirect_to(location: bytes) -> Answer:
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 307 Temporary Redirect\r\nLocation: " + location + b"\r\n\r\n")

    return answer


def _status(line: bytes) -> Answer:
    def answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(line + b"\r\nContent-Length: 0\r\n\r\n")

    return answer


def _export(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")


def fetch_error(
    url: str, timeout: float = 5, headers: dict[str, str] | None = None
) -> tuple[str, float]:
    """What fetching ``url`` fails with, and the seconds it took."""
    started = time.monotonic()
    with pytest.raises(FetchError) as failed:
        fetch(url, timeout, 2**20, headers)
    return str(failed.value), time.monotonic() - started


#: The line of conf.py naming the import "far" (see build_importing).
IMPORT_LINE = 5


def build_importing(build: Build, tmp_path: Path, url: str) -> tuple[list[str], float]:
    """A real build of a project importing ``url`` with a timeout of 1 s: its warning
    lines, and the seconds it took."""
    src = tmp_path / "doc"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_mldesign"]\nshow_warning_types = True\n'
        f"mldesign_imports_timeout = 1\nmldesign_imports = {{\n    'far': {url!r},\n}}\n",
        encoding="utf-8",
    )
    (src / "index.rst").write_text("Design\n======\n", encoding="utf-8")
    started = time.monotonic()
    app = build(src)
    took = time.monotonic() - started
    assert "Traceback" not in app.warning.getvalue() + app.status.getvalue()
    return warnings_of(app), took


def assert_import_warning(build: Build, tmp_path: Path, url: str, reason: str) -> None:
    """The build of a project importing ``url`` warns once, on one line, at its line."""
    src = tmp_path / "doc"
    lines, _ = build_importing(build, tmp_path, url)
    assert len(lines) == 1, lines
    assert lines[0] == (
        f"{src / 'conf.py'}:{IMPORT_LINE}: WARNING: mldesign_imports: cannot fetch {url}: "
        f"{reason} [mldesign.import]"
    )


@pytest.mark.parametrize(
    "answer", [_trickle_head, _continue_flood, _endless_trailers, _slow_redirects]
)
def test_a_server_holding_the_fetch_is_given_up_at_the_timeout_in_all(
    build: Build, tmp_path: Path, answer: Answer
) -> None:
    with server(answer) as (base, heads):
        url = f"{base}/export.json"
        error, took = fetch_error(url, timeout=1)
        assert error == "timed out"
        assert took < 1 + SLACK  # the server would go on for minutes
        if answer is _slow_redirects:
            assert len(heads) <= 2  # the second hop is cut short, no third asked
        lines, built = build_importing(build, tmp_path, url)
    assert built < 20
    assert lines == [
        f"{tmp_path / 'doc' / 'conf.py'}:{IMPORT_LINE}: WARNING: mldesign_imports: cannot "
        f"fetch {url}: timed out [mldesign.import]"
    ]


def test_redirects_are_followed_five_times_at_most(build: Build, tmp_path: Path) -> None:
    with server(_redirect_chain) as (base, heads):
        # Five redirects, each Location relative to the URL before it: read.
        assert fetch(f"{base}/5", 5, 100) == b"{}"
        assert [path_of(head) for head in heads] == [
            "/5", "/d/4", "/d/d/3", "/d/d/d/2", "/d/d/d/d/1", "/d/d/d/d/d/0",
        ]  # fmt: skip
        error, took = fetch_error(f"{base}/6")
        assert error == "more than 5 redirects" and took < SLACK
        assert len(heads) == 6 + 6  # the sixth redirect is not followed
        assert_import_warning(build, tmp_path, f"{base}/6", "more than 5 redirects")


def test_a_redirect_loop_is_one_line(build: Build, tmp_path: Path) -> None:
    with server(_redirect_to(b"/a")) as (base, heads):
        assert fetch_error(f"{base}/a")[0] == f"redirect loop (back to {base}/a)"
        assert fetch_error(f"{base}/b")[0] == f"redirect loop (back to {base}/a)"
        assert [path_of(head) for head in heads] == ["/a", "/b", "/a"]
        assert_import_warning(build, tmp_path, f"{base}/a", f"redirect loop (back to {base}/a)")


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        (b"file:///etc/passwd", "file:///etc/passwd"),
        (b"javascript:\x1b[2Jalert(1)", "javascript:\\x1b[2Jalert(1)"),
    ],
)
def test_a_redirect_leaves_http_only_to_be_refused(location: bytes, shown: str) -> None:
    with server(_redirect_to(location)) as (base, heads):
        error, _ = fetch_error(f"{base}/x")
    assert error == f"redirected to {shown}, which is not an http(s) URL"
    assert len(heads) == 1


def test_headers_go_to_the_origin_named_and_no_other() -> None:
    secret = {"Authorization": "Bearer s3cret", "X-Team": "ranking"}
    with server(_export) as (other, other_heads):

        def hops(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
            # /start -> /same (the same origin) -> /away on this port of localhost (another
            # host) -> the other server (another port), which has the export.
            port = headers_of(head)["host"].rsplit(":", 1)[1]
            then = {"/start": "/same", "/same": f"http://localhost:{port}/away"}
            target = then.get(path_of(head), f"{other}/export.json")
            conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {target}\r\n\r\n".encode())

        with server(hops) as (base, heads):
            assert fetch(f"{base}/start", 5, 100, headers=secret) == b"{}"
    sent = [headers_of(head) for head in heads + other_heads]
    assert [path_of(head) for head in heads + other_heads] == [
        "/start", "/same", "/away", "/export.json",
    ]  # fmt: skip
    for got in sent[:2]:  # the origin the caller named, before and after a redirect
        assert got["authorization"] == "Bearer s3cret" and got["x-team"] == "ranking"
    for got in sent[2:]:  # another host name, then another port
        assert "authorization" not in got and "x-team" not in got, got
        assert got["user-agent"] == "sphinxcontrib-mldesign"


def test_a_header_that_cannot_be_sent_is_told_without_its_value() -> None:
    with server(_export) as (base, heads):
        error, _ = fetch_error(f"{base}/x", headers={"Authorization": "Bearer s3\r\nX-A: 1"})
    assert error == "the value of the header Authorization holds a control or non-ASCII character"
    assert not heads  # nothing was sent


def test_a_status_text_reaches_the_log_escaped_and_short(build: Build, tmp_path: Path) -> None:
    with server(_status(b"HTTP/1.1 500 \x1b[2JBoom\x9b31m")) as (base, _):
        error, _ = fetch_error(f"{base}/x")
        assert error == "HTTP 500 \\x1b[2JBoom\\x9b31m"
        assert_import_warning(build, tmp_path, f"{base}/x", error)
    with server(_status(b"HTTP/1.1 503 " + b"Down" * 1000)) as (base, _):
        assert fetch_error(f"{base}/x")[0] == "HTTP 503 " + ("Down" * 20)[:77] + "..."


def test_a_length_over_the_limit_is_refused_before_the_body(tmp_path: Path) -> None:
    def promise(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n")
        stop.wait(60)  # and no body

    with server(promise) as (base, _):
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"^larger than 1,000 bytes$"):
            fetch(f"{base}/x", 30, 1000)
        assert time.monotonic() - started < SLACK  # not the 30 s the body would take


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made by openssl."""
    if not shutil.which("openssl"):
        pytest.skip("no openssl to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_https_verifies_the_certificate(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(*certificate)
    with server(_export, tls) as (base, _):
        error, _ = fetch_error(f"{base}/x")
        assert "certificate verify failed" in error and "\n" not in error
        # The same server, its certificate trusted: read.
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
        assert fetch(f"{base}/x", 5, 100) == b"{}"
