"""Parsers for the option value formats of the spec (list, ref, date, duration, condition).

Each parser takes the raw option text and returns a JSON-ready value, or raises
:class:`FormatError` with a message written for the author of the design doc.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.:-]*$"
ID_RE = re.compile(ID_PATTERN)

_DURATION_RE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_SECONDS_PER_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}

# `[stat] <op> <number> [unit]`; the stat may hold spaces ("error rate") but no operator.
_CONDITION_RE = re.compile(
    r"""^\s*
    (?P<stat>[^<>=!]*?)\s*
    (?P<op><=|>=|==|!=|<|>)\s*
    (?P<value>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)
    (?:\s*(?P<unit>\S.*?))?\s*$""",
    re.VERBOSE,
)


class FormatError(ValueError):
    """A raw option value that does not match its declared format."""


def parse_list(text: str) -> list[str]:
    """Comma-separated values; surrounding blanks and empty entries are dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_ref(text: str) -> str:
    value = text.strip()
    if "," in value:
        raise FormatError(f"expects a single ID, got {text.strip()!r}")
    return value


def parse_date(text: str) -> str:
    value = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise FormatError(f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise FormatError(f"{value!r} is not a valid calendar date") from None
    return value


def duration_seconds(text: str) -> int:
    match = _DURATION_RE.match(text)
    if not match:
        raise FormatError(
            f"{text.strip()!r} is not a duration like 30s, 5m, 12h, 7d or 2w "
            "(a whole number and one unit)"
        )
    return int(match.group(1)) * _SECONDS_PER_UNIT[match.group(2)]


def parse_duration(text: str) -> dict[str, Any]:
    return {"text": text.strip(), "seconds": duration_seconds(text)}


def parse_condition(text: str) -> dict[str, Any]:
    match = _CONDITION_RE.match(text)
    if not match:
        raise FormatError(
            f"{text.strip()!r} is not a condition like 'p99 <= 200 ms' or '>= 0.92' "
            "([stat] <op> <number> [unit], op one of < <= > >= == !=)"
        )
    raw_value = match.group("value")
    number = int(raw_value) if re.fullmatch(r"[-+]?\d+", raw_value) else float(raw_value)
    return {
        "text": " ".join(text.split()),
        "stat": match.group("stat") or None,
        "op": match.group("op"),
        "value": number,
        "unit": match.group("unit") or None,
    }


def parse_scalar(text: str, json_type: str) -> Any:
    """Coerce text for options that schema extensions declare only by JSON type."""
    value = text.strip()
    if json_type == "integer":
        try:
            return int(value)
        except ValueError:
            raise FormatError(f"{value!r} is not a whole number") from None
    if json_type == "number":
        try:
            return float(value) if not re.fullmatch(r"[-+]?\d+", value) else int(value)
        except ValueError:
            raise FormatError(f"{value!r} is not a number") from None
    if json_type == "boolean":
        lowered = value.lower()
        if lowered in {"true", "yes", "on", "1", ""}:
            return True
        if lowered in {"false", "no", "off", "0"}:
            return False
        raise FormatError(f"{value!r} is not a boolean (true/false, yes/no)")
    if json_type == "array":
        return parse_list(value)
    return value


PARSERS = {
    "list": parse_list,
    "refs": parse_list,
    "ref": parse_ref,
    "date": parse_date,
    "duration": parse_duration,
    "condition": parse_condition,
}
