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
status text, a ``Location``) are escaped and shortened before they reach a build log.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from ..formats import printable
from ..imports import is_web_url, without_credentials
from ..numbers import shortened

#: Sent with every request, so a server's logs say who asks.
USER_AGENT = "sphinxcontrib-mldesign"
#: Redirects followed in one fetch; one more is an error.
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: Characters of a server's text shown in a message (a status text, a Location).
_SHOWN = 80
_CHUNK = 2**16


class FetchError(ValueError):
    """Why a URL could not be fetched, as one printable line (no header value in it)."""


def fetch(
    url: str,
    timeout: float,
    max_bytes: int,
    headers: Mapping[str, str] | None = None,
    *,
    agent: str = USER_AGENT,
) -> bytes:
    """The body at ``url`` (after at most :data:`MAX_REDIRECTS` redirects), no larger
    than ``max_bytes``, read within ``timeout`` seconds in all. ``headers`` are sent to
    the origin of ``url`` (scheme, host and port) only: a redirect elsewhere does not
    carry them."""
    _check_headers(headers or {})
    deadline = _Deadline(timeout)
    try:
        return _follow(url, deadline, max_bytes, dict(headers or {}), agent)
    except FetchError:
        raise
    except (OSError, ValueError, http.client.HTTPException) as err:
        # OSError: refused, unreachable, TLS, the socket shut at the deadline;
        # HTTPException: a server that does not speak HTTP as it should; ValueError: a
        # URL or a Location http.client cannot send.
        raise FetchError("timed out" if deadline.passed() else _reason(err)) from None
    finally:
        deadline.cancel()


def _follow(
    url: str, deadline: _Deadline, max_bytes: int, headers: dict[str, str], agent: str
) -> bytes:
    origin = _origin(url)
    seen = {urldefrag(url).url}
    for _ in range(MAX_REDIRECTS + 1):
        sent = {"User-Agent": agent, **(headers if _origin(url) == origin else {})}
        answer = _get(url, sent, deadline, max_bytes)
        if isinstance(answer, bytes):
            return answer
        url = urldefrag(urljoin(url, answer)).url
        if not is_web_url(url):
            raise FetchError(f"redirected to {_shown_url(url)}, which is not an http(s) URL")
        if url in seen:
            raise FetchError(f"redirect loop (back to {_shown_url(url)})")
        seen.add(url)
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


def _get(url: str, headers: dict[str, str], deadline: _Deadline, max_bytes: int) -> bytes | str:
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
            raise FetchError(f"HTTP {response.status} {_shown(response.reason)}".rstrip())
        if response.length is not None and response.length > max_bytes:
            raise FetchError(f"larger than {max_bytes:,} bytes")  # said before it is read
        chunks: list[bytes] = []
        size = 0
        while True:
            deadline.wait(connection.sock)
            chunk = response.read1(_CHUNK)
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
    finally:
        deadline.release()
        connection.close()


def _connect(
    host: str, port: int, context: ssl.SSLContext | None, deadline: _Deadline
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


def _resolve(host: str, port: int, deadline: _Deadline) -> list[_Address]:
    """The addresses of ``host``. The resolver can neither be given a timeout nor be
    interrupted: it runs in a thread of its own, and when the deadline comes first it is
    left to finish by itself (it holds nothing but that thread)."""
    found: list[_Address] = []
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


def _open(addresses: list[_Address], deadline: _Deadline) -> socket.socket:
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


class _Deadline:
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
            raise FetchError(f"'{_shown(name)}' cannot be the name of a header")
        if not value.isascii() or not value.replace("\t", " ").isprintable():
            raise FetchError(
                f"the value of the header {name} holds a control or non-ASCII character"
            )


def _reason(err: BaseException) -> str:
    """An exception's message on one line, a server's words in it escaped."""
    return _shown(" ".join(str(err).split()) or type(err).__name__, 3 * _SHOWN)


def _shown_url(url: str) -> str:
    """A URL for a message, without the credentials a relative redirect keeps from the
    URL asked for."""
    return _shown(without_credentials(url))


def _shown(text: str, limit: int = _SHOWN) -> str:
    """A server's text for a message: at most ``limit`` characters, then escaped (a
    terminal escape sequence is shown, not played)."""
    return printable(shortened(text, limit))
