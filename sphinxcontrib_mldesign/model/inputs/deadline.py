"""The one deadline of a fetch (:mod:`.http`), and the watchdog that keeps it: when the
time is up it shuts down the socket in use, so a read blocked at that moment returns at
once (a socket's own timeout bounds each wait, not the whole).

One watchdog thread keeps every deadline of the process (a heap of them, woken at the
earliest): a thread started per fetch cost a live build observing a thousand metrics
(two fetches each) a seventh of its time.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
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
        self._cancelled = False
        _WATCHDOG.keep(self)

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
        """The fetch is over: the watchdog forgets it (dropped when its time comes)."""
        self._cancelled = True

    def _expire(self) -> None:
        with self._lock:
            if self._cancelled:
                return
            self._expired = True
            if self._sock is not None:
                # The plain socket's shutdown, also under TLS (an SSLSocket's own would
                # drop its TLS state under the reading thread's feet); closed already: fine.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(self._sock, socket.SHUT_RDWR)


class _Watchdog:
    """The thread expiring every deadline when its time comes, started with the first."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()  # deadlines due at once: never compared
        self._changed = threading.Condition()
        self._pid: int | None = None
        """The process the thread runs in: a process forked from it (a parallel build's
        writer) has no such thread, and starts its own."""

    def keep(self, deadline: Deadline) -> None:
        with self._changed:
            if self._pid != os.getpid():
                self._pid, self._due = os.getpid(), []
                thread = threading.Thread(target=self._run, name="mldesign-deadlines")
                thread.daemon = True
                thread.start()
            heapq.heappush(self._due, (deadline._end, next(self._order), deadline))
            self._changed.notify()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._due:
                    self._changed.wait()
                end, _, deadline = self._due[0]
                if deadline._cancelled:
                    heapq.heappop(self._due)
                    continue
                wait = end - time.monotonic()
                if wait > 0:
                    self._changed.wait(wait)
                    continue  # an earlier deadline may have come meanwhile
                heapq.heappop(self._due)
            deadline._expire()  # outside the heap's lock: it takes the deadline's


_WATCHDOG = _Watchdog()
