"""The servers one live build found unreachable (down, refusing, timing out), each with
its first failure, shared by the pool's threads: a server that times out is not asked
again in the build (:mod:`.live`), else each of its metrics would cost a timeout."""

from __future__ import annotations

import threading

from .server import Server

#: How an observation's error starts when its server could not be reached.
UNREACHABLE = "unreachable: "


class Unreachable:
    """The servers found unreachable in one build, each with its first failure; shared
    by the pool's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._first: dict[Server | tuple[Server, str], str] = {}

    def first_failure(self, server: Server | tuple[Server, str]) -> str | None:
        """What the first request to ``server`` that could not reach it said, if any.
        ``(server, "trend")`` stands for its trend requests alone: a server that answers
        instant queries in time may still time out on ranges of a week."""
        with self._lock:
            return self._first.get(server)

    def tell(self, server: Server | tuple[Server, str], error: str | None) -> None:
        """``error``, one of ``server``'s answers: kept if it says the server could not
        be reached and is the first that did."""
        if error is not None and error.startswith(UNREACHABLE):
            with self._lock:
                self._first.setdefault(server, error)
