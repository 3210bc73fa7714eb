"""Numbers and durations read from text, once, with bounds: the doc's options, a roll-up's
``:depth:``, a deployed rule's ``for``, the durations and numbers inside PromQL.

Each reader takes ASCII digits only (``int()`` would take ``٣`` and refuse ``²``, which
``str.isdigit()`` accepts), never converts more digits than its bound can hold (Python
refuses over 4,300, and is slow long before), and raises :class:`FormatError` with a
message written for the author.
"""

from __future__ import annotations

import math
import re


class FormatError(ValueError):
    """A raw option value that does not match its declared format."""


#: Longer numbers are surely typos; Python refuses to convert > 4300 digits anyway.
_MAX_DIGITS = 100
INTEGER_RE = re.compile(r"[-+]?[0-9]+")
_WHOLE_RE = re.compile(r"[0-9]+")


def shortened(text: str, width: int = 80) -> str:
    """Text cut to ``width`` characters (``...`` ending what was cut): one readable line."""
    return text if len(text) <= width else f"{text[: width - 3]}..."


def whole_number(text: str, maximum: int) -> int:
    """A whole number from 0 to ``maximum``, written in ASCII digits; FormatError else."""
    written = text.strip()
    digits = written.lstrip("0") or "0"
    if not _WHOLE_RE.fullmatch(written) or len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise FormatError(f"{shortened(written, 20)!r} is not a whole number from 0 to {maximum}")
    return int(digits)


def to_number(text: str) -> int | float:
    """An int or a finite float; FormatError for absurdly long or overflowing numbers."""
    if sum(char.isdigit() for char in text) > _MAX_DIGITS:
        raise FormatError(f"{text[:20]}... has more than {_MAX_DIGITS} digits")
    if INTEGER_RE.fullmatch(text):
        return int(text)
    number = float(text)
    if not math.isfinite(number):
        raise FormatError(f"{text!r} is too large a number")
    return number


#: The units of a duration option (one of them, after a whole number: ``5m``).
SECONDS_PER_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
DURATION_UNIT = f"[{''.join(SECONDS_PER_UNIT)}]"
_DURATION_RE = re.compile(rf"^\s*([0-9]+)(\s*)({DURATION_UNIT})\s*$")
#: Prometheus holds a duration in int64 nanoseconds: at most this many milliseconds, about
#: 292 years (``promtool``: "duration out of range" one millisecond later).
MAX_PROMETHEUS_MS = (2**63 - 1) // 1_000_000
#: Prometheus' units in milliseconds, ours among them (``ms`` first: alternatives are tried
#: in order).
_PROMETHEUS_MS_PER_UNIT = {
    "ms": 1,
    **{unit: seconds * 1000 for unit, seconds in SECONDS_PER_UNIT.items()},
    "y": 365 * 86400 * 1000,
}
_PROMETHEUS_PART = f"([0-9]+)({'|'.join(_PROMETHEUS_MS_PER_UNIT)})"
PROMETHEUS_DURATION_RE = re.compile(f"(?:{_PROMETHEUS_PART})+")


def duration_seconds(text: str) -> int:
    match = _DURATION_RE.match(text)
    if not match:
        raise FormatError(
            f"{shortened(text.strip(), 40)!r} is not a duration like 30s, 5m, 12h, 7d or 2w "
            "(a whole number and one unit)"
        )
    number, space, unit = match.groups()
    if space:  # what Prometheus and the rest of the spec read: "5m", never "5 m"
        raise FormatError(
            f"{text.strip()!r} has a space before its unit: write it without a space: "
            f"'{number}{unit}'"
        )
    # Every duration may reach a rule or a query Prometheus loads: none longer than it holds.
    most = MAX_PROMETHEUS_MS // 1000 // SECONDS_PER_UNIT[unit]
    try:
        return whole_number(number, most) * SECONDS_PER_UNIT[unit]
    except FormatError:
        raise FormatError(
            f"{shortened(text.strip(), 40)!r} is longer than Prometheus can hold (at most "
            f"{most}{unit}, about 292 years)"
        ) from None


def prometheus_seconds(text: str) -> float | None:
    """A duration as Prometheus writes it, units combined (``1h30m``, ``500ms``, ``1y``;
    ours, ``5m``, are some), in seconds; None when it is not one, or one longer than
    Prometheus holds (it would not load it)."""
    if not PROMETHEUS_DURATION_RE.fullmatch(text):
        return None
    total = 0
    for number, unit in re.findall(_PROMETHEUS_PART, text):
        per_unit = _PROMETHEUS_MS_PER_UNIT[unit]
        try:
            total += whole_number(number, MAX_PROMETHEUS_MS // per_unit) * per_unit
        except FormatError:
            return None
    return None if total > MAX_PROMETHEUS_MS else total / 1000
