"""Imports over HTTP, from a local server: caching for the cache limit, timeouts, servers
that trickle or do not speak HTTP, sources no one can read, the size limit."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from helpers import (
    PORTFOLIO_WARNINGS,
    Build,
    Copy,
    assert_warnings,
    located,
    page,
    serve,
)


def _set_import(src: Path, name: str, source: str) -> None:
    conf = src / "conf.py"
    text = conf.read_text(encoding="utf-8")
    conf.write_text(re.sub(rf'"{name}": "[^"]*"', f'"{name}": "{source}"', text), encoding="utf-8")


class _Exports(SimpleHTTPRequestHandler):
    """Serves a directory, counting requests; a path of ``/slow/`` never answers."""

    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(directory: Path) -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 serving ``directory``: (base URL, paths requested)."""
    requests: list[str] = []
    handler = type("Handler", (_Exports,), {"requests": requests})
    with serve(partial(handler, directory=str(directory))) as url:
        yield url, requests


def _retitle(export: Path, old: str, new: str) -> None:
    export.write_text(export.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_imports_from_a_url_are_cached_for_the_cache_limit(
    build: Build, copy_root: Copy, tmp_path: Path
) -> None:
    src = copy_root("portfolio")
    served = tmp_path / "served"
    shutil.copytree(src / "exports", served)
    with serving(served) as (base, requests):
        _set_import(src, "payments", f"{base}/payments.json")
        first = build(src)
        assert_warnings(first, PORTFOLIO_WARNINGS)  # the same project as from a file
        assert requests == ["/payments.json"]
        cached = list((Path(first.doctreedir) / "mldesign-imports").glob("*.json"))
        assert len(cached) == 1

        # Within the cache limit (1 day): not fetched again, the cached copy is used.
        _retitle(served / "payments.json", "Payments are available", "Payments never stop")
        second = build(src)
        assert requests == ["/payments.json"]
        assert "Payments are available" in page(second, "prose")

        # Older than the limit: fetched again, and the change shows.
        day_old = time.time() - 86400 - 60
        os.utime(cached[0], (day_old, day_old))
        third = build(src)
        assert requests == ["/payments.json"] * 2
        assert "Payments never stop" in page(third, "prose")

        # mldesign_imports_cache_limit = 0: every build fetches.
        build(src, confoverrides={"mldesign_imports_cache_limit": 0})
        assert len(requests) == 3

    # The server is gone and the copy expired: one warning, the old copy is used.
    os.utime(cached[0], (day_old, day_old))
    offline = build(src)
    problems = [w for w in located(offline) if w[2] == "import"]
    assert len(problems) == 1 and problems[0][:2] == ("conf.py", 6)
    assert problems[0][3].startswith(f"mldesign_imports: cannot fetch {base}/payments.json: ")
    assert "; using the copy fetched on " in problems[0][3]
    assert "Payments never stop" in page(offline, "prose")
    # A negative limit keeps a cached copy for ever: no fetch, no warning.
    forever = build(src, confoverrides={"mldesign_imports_cache_limit": -1})
    assert not [w for w in located(forever) if w[2] == "import"]


def test_an_import_that_does_not_answer_times_out(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    # A socket that listens but never accepts: the connection opens, no answer comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        _set_import(src, "payments", f"http://127.0.0.1:{silent.getsockname()[1]}/x.json")
        started = time.monotonic()
        app = build(src, confoverrides={"mldesign_imports_timeout": 0.5})
        assert time.monotonic() - started < 20
    problems = [w for w in located(app) if w[2] == "import"]
    assert len(problems) == 1 and "timed out" in problems[0][3], problems


class _Trickle(SimpleHTTPRequestHandler):
    """Answers at once, then one byte every 0.2 s for a minute."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "300")
        self.end_headers()
        for _ in range(300):
            try:
                self.wfile.write(b" ")
                self.wfile.flush()
            except OSError:
                return  # the client gave up
            time.sleep(0.2)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_an_import_that_trickles_in_is_given_up_after_the_timeout(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("portfolio")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _set_import(src, "payments", f"http://127.0.0.1:{server.server_address[1]}/slow.json")
        started = time.monotonic()
        app = build(src, confoverrides={"mldesign_imports_timeout": 1})
        assert time.monotonic() - started < 15  # not the minute the server would take
    finally:
        server.shutdown()
        server.server_close()
    problems = [w for w in located(app) if w[2] == "import"]
    assert len(problems) == 1 and "timed out" in problems[0][3], problems


def test_a_timeout_may_be_a_fraction(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    conf = src / "conf.py"
    conf.write_text(conf.read_text() + "mldesign_imports_timeout = 2.5\n")
    assert_warnings(build(src), PORTFOLIO_WARNINGS)  # and no warning about its type


class _NotHTTP(SimpleHTTPRequestHandler):
    """Answers what is no HTTP status line."""

    def handle_one_request(self) -> None:
        self.raw_requestline = self.rfile.readline()
        self.wfile.write(b"HELLO THERE\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_server_that_does_not_speak_http_is_a_warning(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotHTTP)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _set_import(src, "payments", f"http://127.0.0.1:{server.server_address[1]}/x.json")
        app = build(src)
    finally:
        server.shutdown()
        server.server_close()
    problems = [w for w in located(app) if w[2] == "import"]
    assert len(problems) == 1 and "cannot fetch" in problems[0][3], problems


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("http://127.0.0.1:8000/my docs/mldesign.json", "cannot fetch"),  # a space
        ("http://127.0.0.1:abc/x.json", "cannot fetch"),  # no port
        ("exports/pay\x00ments.json", "cannot read"),  # a NUL in a path
    ],
)
def test_sources_no_one_can_read_are_warnings(
    build: Build, copy_root: Copy, source: str, reason: str
) -> None:
    src = copy_root("portfolio")
    conf = src / "conf.py"
    conf.write_text(conf.read_text().replace('"exports/payments.json"', repr(source)))
    app = build(src)
    problems = [w for w in located(app) if w[2] == "import"]
    assert len(problems) == 1 and problems[0][3].startswith(f"mldesign_imports: {reason}")


def test_a_fetch_larger_than_its_limit_is_refused(tmp_path: Path) -> None:
    from sphinxcontrib_mldesign.model.inputs.exports import fetch

    (tmp_path / "big.json").write_bytes(b" " * 300_000)
    with serving(tmp_path) as (base, _):
        assert len(fetch(f"{base}/big.json", 5, max_bytes=300_000)) == 300_000
        with pytest.raises(ValueError, match="larger than 200,000 bytes"):
            fetch(f"{base}/big.json", 5, max_bytes=200_000)
