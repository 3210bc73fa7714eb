"""The one deadline of a fetch (:mod:`.http`), and the watchdog that keeps it: when the
time is up it shuts down the socket in use, so a read blocked at that moment returns at
once (a socket's own timeout bounds each wait, not the whole)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class Deadline:
    """The one time a fetch must be done by, and the watchdog that shuts down the socket
    in use when it comes, so that no read stays blocked past it."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds
        self._expired = False
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def passed(self) -> bool:
        return self._expired or time.monotonic() >= self._end

    def left(self) -> float:
        """The seconds left; TimeoutError when none are."""
        left = self._end - time.monotonic()
        if self._expired or left <= 0:
            raise TimeoutError("timed out")
        return left

    def watch(self, sock: socket.socket) -> None:
        """``sock`` is the one to shut down at the deadline; its waits get the time left."""
        with self._lock:
            if self._expired:
                sock.close()
                raise TimeoutError("timed out")
            self._sock = sock
        sock.settimeout(self.left())

    def wait(self, sock: socket.socket | None) -> None:
        """Before a read: the socket's next wait may take the time left, no more."""
        if sock is not None:
            sock.settimeout(self.left())

    def release(self) -> None:
        """The request is over: its socket is closed (also one whose TLS handshake failed,
        which no connection holds yet) and no longer watched."""
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            if self._sock is not None:
                # The plain socket's shutdown, also under TLS (an SSLSocket's own would
                # drop its TLS state under the reading thread's feet); closed already: fine.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(self._sock, socket.SHUT_RDWR)
