"""The loader: every source (:data:`SOURCES`), and :class:`Inputs`, which reads each one
at most once per project, when first asked for."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from .alert_rules import ALERT_RULES
from .base import InputProblem, Request, Source
from .exports import EXPORTS
from .git import GIT
from .observed import OBSERVED

T = TypeVar("T")

#: Every source, in the order their fingerprints are listed.
SOURCES: tuple[Source[Any], ...] = (EXPORTS, GIT, ALERT_RULES, OBSERVED)


class Inputs:
    """The outside of one project: each source read once, when first asked for.

    ``request`` makes what the sources are given (called once, on the first read); None
    reads nothing: a source not ``given`` is then empty (a project made of plain data).
    """

    def __init__(
        self,
        request: Callable[[], Request] | None,
        given: Mapping[Source[Any], object] | None = None,
    ) -> None:
        self._make_request = request
        self._request: Request | None = None
        self._values: dict[Source[Any], object] = dict(given or {})

    def get(self, source: Source[T]) -> T:
        """The source's value, read on the first call."""
        if source not in self._values:
            if self._make_request is None:
                self._values[source] = source.empty()
            else:
                if self._request is None:
                    self._request = self._make_request()
                self._values[source] = source.load(self._request)
        return cast(T, self._values[source])

    def problems(self, source: Source[T]) -> list[InputProblem]:
        """What of the source could not be read (reading it if need be)."""
        return list(source.problems(self.get(source)))

    def fingerprints(self) -> dict[str, object]:
        """Source name -> the fingerprint of what roll-ups show of it, for each source
        they show directly (read if need be)."""
        return {
            source.name: source.fingerprint(self.get(source))
            for source in SOURCES
            if source.fingerprinted
        }
