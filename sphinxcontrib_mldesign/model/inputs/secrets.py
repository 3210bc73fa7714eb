"""The one place secrets are cut out of what a server says, before anything shortens it.

A server, or a proxy before it, may echo what it was sent (its status text, its status
line, a ``Location``, an error page, a debug endpoint's body), and every header value sent
may be a secret. Whatever a server says passes through :func:`said` (or
:func:`without_secrets`) on its way to a message: on the *whole* text, since a text cut
first may hold a part of a token too short to be found and long enough to be used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..formats import printable
from ..numbers import shortened

#: Characters of a server's text shown in a message (a status text, a Location).
SHOWN = 80
#: Of a body, what is looked at for a message (and for the secrets it echoes).
BODY_LOOKED_AT = 2**12
#: A piece of a header value at least this long is hidden wherever it appears.
PIECE = 8
#: A whole header value (or the credential after its scheme) at least this long too.
WHOLE = 4
#: What separates the pieces of a composite value (``token=abc; user=me``, ``a&b``).
_PIECES_RE = re.compile(r"[\s;,=&]+")
_LAST_WORD_RE = re.compile(r"\S+\Z")


def secrets_of(headers: Mapping[str, str]) -> list[str]:
    """What is hidden of ``headers`` (as sent, ``${ENV}`` expanded), longest first.

    Each whole value (of :data:`WHOLE` characters or more); the words after the first,
    as long (the token of ``Bearer <token>``); and every piece of :data:`PIECE` characters
    or more of a value split at white space and ``; , = &`` (a server that echoes only
    ``$T`` of ``token=${T};user=${U}``). Shorter pieces are not hidden: ``user``, ``id``
    or ``en`` would blank those words everywhere in a message, and a piece that short is
    no secret worth the name."""
    found: set[str] = set()
    for value in headers.values():
        found.update(word for word in (value, *value.split()[1:]) if len(word) >= WHOLE)
        found.update(piece for piece in _PIECES_RE.split(value) if len(piece) >= PIECE)
    return sorted(found, key=lambda secret: (-len(secret), secret))


def without_secrets(text: str, headers: Mapping[str, str]) -> str:
    """``text`` with every secret of ``headers`` (:func:`secrets_of`) written ``***``."""
    for secret in secrets_of(headers):
        text = text.replace(secret, "***")
    return text


_ASCII_SPACE_RE = re.compile(r"[ \t\n\r\f\v]+")


def said(text: str, headers: Mapping[str, str], limit: int = SHOWN) -> str:
    """A server's words for a message: on one line, secrets cut out *before* it is
    shortened (never a part of one shown), at most ``limit`` characters, escaped (a
    terminal escape sequence is shown, not played). Runs of ASCII white space become one
    space; other line breaks (``\x85``, ``\u2028``) are escaped, shown as what they are."""
    one_line = _ASCII_SPACE_RE.sub(" ", text).strip(" ")
    return printable(shortened(without_secrets(one_line, headers), limit))


def said_of_body(body: bytes, headers: Mapping[str, str], limit: int = SHOWN) -> str:
    """The start of a body for a message (:func:`said`), from its first
    :data:`BODY_LOOKED_AT` bytes. When the body goes on past them, the word they end in is
    left out: it may be a secret cut short, which no longer matches the whole one (and,
    white space being collapsed, may well be within the characters shown)."""
    text = body[:BODY_LOOKED_AT].decode(errors="replace")
    if len(body) > BODY_LOOKED_AT:
        text = _LAST_WORD_RE.sub("", text)
    return said(text, headers, limit)
