"""A secret a server echoes is cut out before the server's words are shortened: a status
text of 80 characters or more holding the token showed its first part (http.fetch cut the
text first, so the whole token was never there to be found)."""

from __future__ import annotations

import socket
import threading

from test_hardening_network import server
from test_observe_servers import SECRET, _observe


def _echo_in_reason(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    # The token starts at character 70 of the status text: the 80-character cut falls
    # inside it.
    reason = b"x" * 70 + SECRET.encode()
    conn.sendall(b"HTTP/1.1 401 %s\r\nContent-Length: 0\r\n\r\n" % reason)


def test_a_token_echoed_in_a_long_status_text_is_not_shown_in_part() -> None:
    with server(_echo_in_reason) as (url, _):
        observation, _ = _observe(url, {"Authorization": f"Bearer {SECRET}"})
    assert observation.error is not None and observation.error.startswith("HTTP error 401")
    assert "***" in observation.error
    # Not the token, nor its first ten characters.
    assert SECRET[:10] not in observation.error, observation.error
