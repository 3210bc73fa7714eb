"""Asking a Prometheus (or compatible) server's HTTP API: one GET within the server's
timeout (:func:`..inputs.http.fetch`), its JSON answer read with bounds, and every way
it fails as one :class:`PrometheusFailed` whose message starts with its kind
(``unreachable``, ``HTTP error 503``, ``query error``, ``not JSON``, ``too large``), as
an observation's ``error`` starts.

What the server says is shown shortened, printable, and with every header value sent to
it cut out: a proxy that echoes the request in its error page must not put the token in
a build log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from ..inputs.http import FetchError, HTTPStatusError, fetch
from ..inputs.secrets import said
from .server import Server

#: An answer no larger than this is read: a week of samples every minute for a hundred
#: series is a few MiB; a result the size of the server is not an observed value.
MAX_ANSWER_BYTES = 16 * 2**20
#: Of an error's answer, this much is read: Prometheus says why in a line of JSON.
MAX_ERROR_BYTES = 64 * 2**10
#: Characters of a server's words shown in a message.
SHOWN = 200
#: The statuses Prometheus answers a query it refuses with (bad_data, execution).
_QUERY_ERRORS = (400, 422)


class PrometheusFailed(Exception):
    """Why the server gave no answer to use, starting with the kind of failure."""


def ask(server: Server, path: str, params: Mapping[str, str], headers: Mapping[str, str]) -> Any:
    """The ``data`` of the server's answer at ``path`` (``/api/v1/query``), asked with
    ``params`` and ``headers`` (as sent: their values are secrets)."""
    url = f"{server.url}{path}?{urlencode(params)}" if params else f"{server.url}{path}"
    try:
        body = fetch(url, server.timeout, MAX_ANSWER_BYTES, headers, error_bytes=MAX_ERROR_BYTES)
    except HTTPStatusError as err:
        said = _error_of(err.body)
        if said is not None and err.status in _QUERY_ERRORS:
            raise PrometheusFailed(f"query error: {shown(said, headers)}") from None
        reason = str(err).removeprefix(f"HTTP {err.status}").strip()
        raise PrometheusFailed(
            f"HTTP error {err.status}: {shown(said or reason or 'no reason given', headers)}"
        ) from None
    except FetchError as err:
        why = shown(str(err), headers)
        if why.startswith("larger than"):
            raise PrometheusFailed(f"too large: the answer is {why}") from None
        raise PrometheusFailed(f"unreachable: {why}") from None
    answer = parsed(body, headers)
    if not isinstance(answer, dict) or answer.get("status") not in ("success", "error"):
        raise PrometheusFailed("not JSON: not an answer of the Prometheus API (no 'status')")
    if answer["status"] == "error":
        raise PrometheusFailed(f"query error: {shown(str(answer.get('error')), headers)}")
    return answer.get("data")


def parsed(body: bytes, headers: Mapping[str, str]) -> Any:
    """The JSON of an answer. The decoder nests as deep as the body does: a body of a
    million brackets stops at Python's recursion limit, caught here (no answer of the API
    is nested more than a few levels)."""
    if body.lstrip()[:1] == b"<":
        raise PrometheusFailed("not JSON: the server answered HTML (is the URL the API's base?)")
    try:
        return json.loads(body)
    except RecursionError:
        raise PrometheusFailed("not JSON: nested too deeply") from None
    except ValueError as err:  # UnicodeDecodeError is one
        raise PrometheusFailed(f"not JSON: {shown(str(err), headers)}") from None


def _error_of(body: bytes) -> str | None:
    """What Prometheus says in an error's answer (``{"status": "error", "errorType",
    "error"}``), or None when the body is not that."""
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(answer, dict) or answer.get("status") != "error":
        return None
    error = answer.get("error")
    return str(error) if error is not None else str(answer.get("errorType", "error"))


def shown(text: str, headers: Mapping[str, str]) -> str:
    """A server's words for a message (:func:`..inputs.secrets.said`: no header value sent
    to it left in), at most :data:`SHOWN` characters."""
    return said(text, headers, SHOWN)
