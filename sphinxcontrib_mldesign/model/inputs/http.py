"""One HTTP(S) GET, done within one deadline in all, whatever the server does: the
status line and headers a byte at a time, ``100 Continue`` lines without end, a body
or its trailers that never finish, redirects each just under the timeout.

urllib's timeout bounds each wait on the socket, not the fetch: a server sending a
byte now and then held a build for as long as it liked. Here a watchdog shuts the
socket down when the time is up, so a read blocked at that moment returns at once;
every wait is also given only the time left. Redirects are followed here, not by
urllib, so that they count against the same deadline, are capped, and so that the
caller's headers (credentials) go to the origin it named and no other.

Every failure is a :class:`FetchError` holding one printable line: a server's words (its
status text, a ``Location``, the status line an exception quotes) have every header value
sent cut out (:mod:`.secrets`), then are shortened and escaped, before they reach a build
log.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from ..imports import is_web_url, without_credentials
from .deadline import Deadline
from .secrets import SHOWN, said

#: Sent with every request, so a server's logs say who asks.
USER_AGENT = "sphinxcontrib-mldesign"
#: Redirects followed in one fetch; one more is an error.
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 2**16


class FetchError(ValueError):
    """Why a URL could not be fetched, as one printable line (no header value in it)."""


class HTTPStatusError(FetchError):
    """A server's answer that is neither a success nor a redirect (``HTTP 404 Not Found``),
    with its ``status`` and, when the caller asked for it (``error_bytes``), the start of
    its ``body``: where an API says what went wrong."""

    def __init__(self, message: str, status: int, body: bytes = b"") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


def fetch(
    url: str,
    timeout: float,
    max_bytes: int,
    headers: Mapping[str, str] | None = None,
    *,
    agent: str = USER_AGENT,
    error_bytes: int = 0,
) -> bytes:
    """The body at ``url`` (after at most :data:`MAX_REDIRECTS` redirects), no larger
    than ``max_bytes``, read within ``timeout`` seconds in all. ``headers`` are sent to
    the origin of ``url`` (scheme, host and port) only: a redirect elsewhere does not
    carry them. An answer other than a success is :class:`HTTPStatusError`, holding the
    first ``error_bytes`` of its body (none are read by default)."""
    _check_headers(headers or {})
    deadline = Deadline(timeout)
    try:
        return _follow(url, deadline, max_bytes, dict(headers or {}), agent, error_bytes)
    except FetchError:
        raise
    except (OSError, ValueError, http.client.HTTPException) as err:
        # OSError: refused, unreachable, TLS, the socket shut at the deadline;
        # HTTPException: a server that does not speak HTTP as it should; ValueError: a
        # URL or a Location http.client cannot send.
        raise FetchError("timed out" if deadline.passed() else _reason(err, headers)) from None
    finally:
        deadline.cancel()


def _follow(
    url: str,
    deadline: Deadline,
    max_bytes: int,
    headers: dict[str, str],
    agent: str,
    error_bytes: int,
) -> bytes:
    origin = _origin(url)
    seen = {urldefrag(url).url}
    for _ in range(MAX_REDIRECTS + 1):
        sent = {"User-Agent": agent, **(headers if _origin(url) == origin else {})}
        answer = _get(url, sent, deadline, max_bytes, error_bytes)
        if isinstance(answer, bytes):
            return answer
        url = urldefrag(urljoin(url, answer)).url
        if not is_web_url(url):
            where = _shown_url(url, headers)
            raise FetchError(f"redirected to {where}, which is not an http(s) URL")
        if url in seen:
            raise FetchError(f"redirect loop (back to {_shown_url(url, headers)})")
        seen.add(url)
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


def _get(
    url: str, headers: dict[str, str], deadline: Deadline, max_bytes: int, error_bytes: int
) -> bytes | str:
    """One request: the body of a success, or where a redirect points."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise FetchError("the URL names no host")
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    # Python's default context: certificates and host names are verified.
    context = ssl.create_default_context() if https else None
    connection = (
        http.client.HTTPSConnection(parts.hostname, port, context=context)
        if context is not None
        else http.client.HTTPConnection(parts.hostname, port)
    )
    try:
        connection.sock = _connect(parts.hostname, port, context, deadline)
        target = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"
        connection.request("GET", target, headers=headers)
        deadline.wait(connection.sock)
        response = connection.getresponse()  # status, 100 Continue lines and headers
        location = response.getheader("Location")
        if response.status in _REDIRECTS and location:
            return location  # its body is not read: the next hop does not need it
        if not 200 <= response.status < 300:
            status = f"HTTP {response.status} {said(response.reason, headers)}".rstrip()
            body = _body(response, connection, deadline, error_bytes, cut=True)
            raise HTTPStatusError(status, response.status, body)
        if response.length is not None and response.length > max_bytes:
            raise FetchError(f"larger than {max_bytes:,} bytes")  # said before it is read
        return _body(response, connection, deadline, max_bytes, cut=False)
    finally:
        deadline.release()
        connection.close()


def _body(
    response: http.client.HTTPResponse,
    connection: http.client.HTTPConnection,
    deadline: Deadline,
    max_bytes: int,
    cut: bool,
) -> bytes:
    """The body of ``response``: more than ``max_bytes`` is an error, or with ``cut``
    its first ``max_bytes`` (an error's body, read only for what it says)."""
    chunks: list[bytes] = []
    size = 0
    while size < max_bytes or not cut:
        deadline.wait(connection.sock)
        chunk = response.read1(min(_CHUNK, max_bytes - size) if cut else _CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"larger than {max_bytes:,} bytes")
        chunks.append(chunk)
    # The watchdog's shutdown reads as the end of the body (or of its trailers).
    if deadline.passed():
        raise FetchError("timed out")
    return b"".join(chunks)


def _connect(
    host: str, port: int, context: ssl.SSLContext | None, deadline: Deadline
) -> socket.socket:
    """A socket connected to ``host`` within the time left (with ``context``, over TLS),
    watched by the deadline, which closes it at the end of the request."""
    sock = _open(_resolve(host, port, deadline), deadline)
    deadline.watch(sock)
    if context is None:
        return sock
    tls = context.wrap_socket(sock, server_hostname=host, do_handshake_on_connect=False)
    deadline.watch(tls)  # the handshake too is cut off at the deadline
    tls.do_handshake()
    return tls


#: What the resolver finds: family, kind, protocol, canonical name, address.
_Address = tuple[socket.AddressFamily, socket.SocketKind, int, str, Any]


def _resolve(host: str, port: int, deadline: Deadline) -> list[_Address]:
    """The addresses of ``host``. The resolver can neither be given a timeout nor be
    interrupted: it runs in a thread of its own, and when the deadline comes first it is
    left to finish by itself (it holds nothing but that thread)."""
    found: list[_Address] = []
    if _is_address(host):  # nothing to look up, nothing to wait for
        numeric = socket.AI_NUMERICHOST
        found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=numeric))
        return found
    failed: list[Exception] = []

    def ask() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as err:  # UnicodeError: a host IDNA cannot spell
            failed.append(err)

    asking = threading.Thread(target=ask, name="mldesign-resolve", daemon=True)
    asking.start()
    asking.join(deadline.left())
    if asking.is_alive():
        raise TimeoutError("timed out")
    if failed:
        raise failed[0]
    return found


def _is_address(host: str) -> bool:
    """Whether ``host`` is an IP address (``127.0.0.1``, ``::1``), not a name."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _open(addresses: list[_Address], deadline: Deadline) -> socket.socket:
    """A socket connected to the first address that answers; each try is given the time
    left (a connect is one wait, which its timeout bounds)."""
    error: OSError = OSError("no address")
    for family, kind, proto, _, address in addresses:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(deadline.left())
            sock.connect(address)
        except OSError as err:
            sock.close()
            error = err
        else:
            return sock
    raise error


def _origin(url: str) -> tuple[str, str | None, int | None]:
    """Scheme, host and port: where credentials meant for ``url`` may go."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None  # told when the URL is fetched
    return scheme, parts.hostname, port or {"http": 80, "https": 443}.get(scheme)


def _check_headers(headers: Mapping[str, str]) -> None:
    """Headers http.client can send, checked before anything is sent; the message never
    shows a value (it may be a secret)."""
    for name, value in headers.items():
        if not name or not name.isascii() or not name.isprintable() or ":" in name or " " in name:
            raise FetchError(f"'{said(name, {})}' cannot be the name of a header")
        if not value.isascii() or not value.replace("\t", " ").isprintable():
            raise FetchError(
                f"the value of the header {name} holds a control or non-ASCII character"
            )


def _reason(err: BaseException, headers: Mapping[str, str] | None) -> str:
    """An exception's message on one line, a server's words in it (the status line
    ``BadStatusLine`` quotes, the Location ``InvalidURL`` does) without a secret, escaped."""
    return said(str(err).strip() or type(err).__name__, headers or {}, 3 * SHOWN)


def _shown_url(url: str, headers: Mapping[str, str]) -> str:
    """A URL for a message, without the credentials a relative redirect keeps from the
    URL asked for (nor a header value a server put in its Location)."""
    return said(without_credentials(url), headers)
