"""What one build asks a server once, however many metrics need it, from any number of
threads: the first to ask computes the answer, the others wait for it (and get the same
answer, or the same exception). Made anew for each build: an answer is never carried
over to the next one, where an alias may name another model version."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class Once:
    """Answers by key, each computed once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[Hashable, Future[Any]] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer for ``key``: ``compute()``'s, computed by the first caller only."""
        with self._lock:
            answer = self._answers.get(key)
            first = answer is None
            if answer is None:
                answer = self._answers[key] = Future()
        if first:
            try:
                answer.set_result(compute())
            except BaseException as err:  # the waiting callers get it too, and never hang
                answer.set_exception(err)
        result: T = answer.result()
        return result
