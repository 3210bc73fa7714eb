"""One watchdog keeps every fetch's deadline (model/inputs/deadline.py): a deadline made
after a later one still expires on time, a cancelled one never expires, and a socket
blocked in a read is shut down when its deadline comes."""

from __future__ import annotations

import socket
import time

from sphinxcontrib_mldesign.model.inputs.deadline import Deadline


def test_an_earlier_deadline_made_later_expires_on_time() -> None:
    late = Deadline(30)
    start = time.monotonic()
    soon = Deadline(0.3)
    while not soon.passed() and time.monotonic() - start < 5:
        time.sleep(0.02)
    assert soon.passed() and soon._expired  # the watchdog's doing, not only the clock
    assert not late.passed()
    late.cancel()


def test_a_cancelled_deadline_never_expires() -> None:
    done = Deadline(0.2)
    done.cancel()
    time.sleep(0.5)
    assert not done._expired


def test_a_blocked_read_returns_when_its_deadline_comes() -> None:
    left, right = socket.socketpair()
    try:
        deadline = Deadline(0.5)
        deadline.watch(left)
        left.settimeout(30)  # the socket's own wait would be far longer
        start = time.monotonic()
        assert left.recv(1) == b""  # shut down under the read
        assert time.monotonic() - start < 5
    finally:
        left.close()
        right.close()
