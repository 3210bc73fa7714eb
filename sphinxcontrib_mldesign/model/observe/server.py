"""A server observed values are asked from (``mldesign_prometheus``, ``mldesign_mlflow``):
its URL, the headers sent to it and how long one request may take.

Header values may name environment variables (``"Bearer ${PROM_TOKEN}"``): they are
expanded only when a request is sent, so the secret lives in the environment and in the
request, never in the settings, a fingerprint, a message or a file this package writes.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..imports import without_credentials

#: What one request may take when the settings give no ``timeout``.
DEFAULT_TIMEOUT = 10.0
_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_HEADER_NAME_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


class ServerError(ValueError):
    """Settings of a server that cannot be used (the message says why)."""


class MissingSecret(LookupError):
    """A header names an environment variable that is not set."""


@dataclass(frozen=True)
class Server:
    """Where a server is and how to ask it."""

    url: str
    """Its base URL, without a trailing slash (``http://prometheus:9090``)."""
    headers: tuple[tuple[str, str], ...] = ()
    """Header name and value as written, ``${ENV}`` unexpanded."""
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_setting(cls, name: str, value: Any) -> Server:
        """The server a ``conf.py`` value describes; :class:`ServerError` if it is not one."""
        if not isinstance(value, Mapping):
            raise ServerError(f'{name} must be a dict like {{"url": "http://host:9090"}}')
        unknown = sorted(str(key) for key in value if key not in ("url", "headers", "timeout"))
        if unknown:
            raise ServerError(f"{name}: unknown key {unknown[0]!r} (known: url, headers, timeout)")
        url = value.get("url")
        parts = urlsplit(url) if isinstance(url, str) else None
        if (
            not isinstance(url, str)
            or parts is None
            or parts.scheme not in ("http", "https")
            or not parts.hostname
        ):
            shown = without_credentials(url) if isinstance(url, str) else url
            raise ServerError(f"{name}['url'] must be an http(s) URL, got {shown!r}")
        if "@" in parts.netloc:
            # Never sent (fetch sends no URL's user or password): a puzzling 401 else. The
            # password is not shown, and belongs in the environment, not in conf.py.
            raise ServerError(
                f"{name}['url'] must hold no user or password ({without_credentials(url)!r}, "
                "never sent): send them in a header read from the environment, "
                '"headers": {"Authorization": "Basic ${AUTH}"} with AUTH set to the base64 '
                "of 'user:password'"
            )
        if parts.query or parts.fragment:
            raise ServerError(f"{name}['url'] must have no query or fragment")
        headers = value.get("headers", {})
        if not isinstance(headers, Mapping):
            raise ServerError(f"{name}['headers'] must be a dict of header name to value")
        for header, text in headers.items():
            if not isinstance(header, str) or not _HEADER_NAME_RE.fullmatch(header):
                raise ServerError(f"{name}['headers']: {header!r} is not a header name")
            if not isinstance(text, str) or any(c in text for c in "\r\n\0"):
                # The value is not shown: it may be the secret itself.
                raise ServerError(f"{name}['headers'][{header!r}] must be one line of text")
        timeout = value.get("timeout", DEFAULT_TIMEOUT)
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or not 0 < timeout <= 3600
        ):
            raise ServerError(f"{name}['timeout'] must be seconds > 0 (at most 3600)")
        return cls(
            str(url).rstrip("/"),
            tuple(sorted((str(h), str(t)) for h, t in headers.items())),
            float(timeout),
        )

    def sent_headers(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """The headers as sent, ``${ENV}`` expanded; :class:`MissingSecret` naming the
        variable (never its value) when one is not set."""
        environ = os.environ if environ is None else environ

        def expand(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in environ:
                raise MissingSecret(f"environment variable {name} is not set")
            return environ[name]

        return {header: _ENV_RE.sub(expand, text) for header, text in self.headers}

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (for fingerprints): header values as digests, so that a value
        written in ``conf.py`` itself, a secret after all, is never shown either."""
        digests = {h: hashlib.sha256(t.encode()).hexdigest()[:16] for h, t in self.headers}
        return {"url": self.url, "headers": digests, "timeout": self.timeout}
