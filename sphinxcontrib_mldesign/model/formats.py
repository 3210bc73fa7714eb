"""Parsers for the option value formats of the spec (list, ref, date, duration, condition).

Each parser takes the raw option text and returns a JSON-ready value, or raises
:class:`FormatError` with a message written for the author of the design doc.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from typing import Any

from .numbers import DURATION_UNIT, INTEGER_RE, shortened, to_number
from .numbers import FormatError as FormatError  # what every parser raises
from .numbers import duration_seconds as duration_seconds  # the duration format's reader
from .numbers import prometheus_seconds as prometheus_seconds  # and Prometheus' durations
from .observe.spec import parse_observe
from .promql import bounded_parse, value_kind
from .synonyms import synonym_of

_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_NUMBER_RE = re.compile(_NUMBER)

# `[stat] <op> <number> [unit]`; the stat may hold spaces ("error rate") but no operator,
# the unit is one word ("ms", "%", "USD/month"): what follows the number is checked apart.
_CONDITION_RE = re.compile(
    rf"""^\s*
    (?P<stat>[^<>=!]*?)\s*
    (?P<op><=|>=|==|!=|<|>)\s*
    (?P<value>{_NUMBER})
    (?P<rest>.*?)\s*$""",
    re.VERBOSE | re.DOTALL,
)
_OPERATOR_RE = re.compile(r"<=|>=|==|!=|<|>")
# Words after a unit that say how long a breach lasts (a metric's :for:), or a duration.
_HOW_LONG_RE = re.compile(r"^(?:for|during|lasting)\b", re.IGNORECASE)
_A_DURATION_RE = re.compile(rf"\b[0-9]+\s*{DURATION_UNIT}\b")
_CONDITION_FORM = "a condition is '[stat] <op> <number> [unit]'"


def printable(text: str) -> str:
    """Text for a one-line message: control characters (a line break in an option name)
    shown as escapes."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def counted(count: int, noun: str) -> str:
    """``1 warning``, ``2 warnings``, ``0 errors``: a count with its noun, in English."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def close_to(wrong: str, choices: Iterable[str]) -> list[str]:
    """The choice that what was written most likely means, if any (at most one, none when
    two are as likely): the same but for case (``met-p99``), a common other word for it
    (``medium`` for ``moderate``), the part after its prefix (``ines`` for ``owner.ines``),
    or a typo of it."""
    names = list(dict.fromkeys(str(choice) for choice in choices))
    folded: dict[str, list[str]] = {}  # names that differ only in case share a key
    for name in names:
        folded.setdefault(name.casefold(), []).append(name)
    wrong_folded = wrong.strip().casefold()
    if wrong_folded in folded:
        return _one(folded[wrong_folded])
    synonym = synonym_of(wrong, names)
    if synonym is not None:
        return [synonym]
    tails = [name for name in names if wrong_folded in _tails(name.casefold())]
    if len(tails) == 1:
        return tails
    # A high cutoff: a typo ("priorty"), not another word ("could" for "should").
    typo = difflib.get_close_matches(wrong_folded, list(folded), n=1, cutoff=0.8)
    return _one(folded[typo[0]]) if typo else []


def _one(meant: list[str]) -> list[str]:
    """The one name meant, or none where several are equally close: no guess."""
    return meant if len(meant) == 1 else []


def _tails(name: str) -> set[str]:
    """What follows a prefix of the name: after its last '.' or ':', after its first '-'."""
    tails = {name.rpartition(".")[2], name.rpartition(":")[2], name.partition("-")[2]}
    return tails - {"", name}


def did_you_mean(wrong: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` when a choice is close to what was written, else ``""``."""
    return meant_hint(close_to(wrong, choices))


def meant_hint(close: list[str]) -> str:
    """``"; did you mean 'x'?"`` for what :func:`close_to` found, else ``""``."""
    return f"; did you mean {close[0]!r}?" if close else ""


def parse_list(text: str) -> list[str]:
    """Comma-separated values; surrounding blanks and empty entries are dropped.

    A YAML flow list (``[a, b]``), which MyST authors write out of habit, reads the same.
    """
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
        parts = [part.strip().strip("'\"") for part in text.split(",")]
    else:
        parts = [part.strip() for part in text.split(",")]
    return [part for part in parts if part]


def parse_ref(text: str) -> str:
    value = text.strip()
    if "," in value:
        raise FormatError(f"expects a single ID, got {text.strip()!r}")
    return value


def parse_date(text: str) -> str:
    value = text.strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise FormatError(f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise FormatError(f"{value!r} is not a valid calendar date") from None
    return value


def parse_duration(text: str) -> dict[str, Any]:
    return {"text": text.strip(), "seconds": duration_seconds(text)}


def parse_condition(text: str) -> dict[str, Any]:
    match = _CONDITION_RE.match(text)
    if not match:
        raise FormatError(
            f"{text.strip()!r} is not a condition like 'p99 <= 200 ms' or '>= 0.92' "
            "([stat] <op> <number> [unit], op one of < <= > >= == !=)"
        )
    number = to_number(match.group("value"))
    return {
        "text": " ".join(text.split()),
        "stat": match.group("stat") or None,
        "op": match.group("op"),
        "value": number,
        "unit": _unit(text, match.group("rest").strip()),
    }


def _unit(text: str, rest: str) -> str | None:
    """The unit of a condition: what follows its number, one word if anything."""
    written = " ".join(text.split())
    if "#" in rest:
        comment = rest[rest.index("#") :]
        raise FormatError(
            f"{written!r} has a comment ({comment!r}): no comments in option values "
            "(a note goes in the item's body)"
        )
    if _OPERATOR_RE.search(rest):
        raise FormatError(f"{written!r} is more than one condition: one condition per option")
    words = rest.split()
    if len(words) > 1:
        after = " ".join(words[1:])
        hint = ""
        if _HOW_LONG_RE.search(after):
            hint = "; how long a breach lasts goes in :for:"
        elif _A_DURATION_RE.search(after):
            hint = "; a duration goes in :for: (how long a breach lasts) or :window:"
        raise FormatError(
            f"{written!r} has words after its unit ({after!r}): {_CONDITION_FORM}{hint}"
        )
    return words[0] if words else None


def parse_scalar(text: str, json_type: str, item_json_type: str = "") -> Any:
    """Coerce text for options that schema extensions declare only by JSON type."""
    value = text.strip()
    if json_type == "array":
        entries = parse_list(value)
        if item_json_type in ("integer", "number", "boolean"):
            return [parse_scalar(entry, item_json_type) for entry in entries]
        return entries
    if json_type == "integer":
        if not INTEGER_RE.fullmatch(value):
            raise FormatError(f"{value!r} is not a whole number")
        return to_number(value)
    if json_type == "number":
        if not _NUMBER_RE.fullmatch(value):
            raise FormatError(f"{value!r} is not a number")
        return to_number(value)
    if json_type == "boolean":
        lowered = value.lower()
        if lowered in {"true", "yes", "on", "1", ""}:
            return True
        if lowered in {"false", "no", "off", "0"}:
            return False
        raise FormatError(f"{value!r} is not a boolean (true/false, yes/no)")
    return value


def promql_tree(text: str) -> Any:
    """The PromQL expression's syntax tree (``promql-parser``), or :class:`FormatError`."""
    query = text.strip()
    if not query:
        raise FormatError("an empty PromQL expression")
    try:
        return bounded_parse(query)
    except FormatError:
        raise  # what the parser is not given says why itself
    except ValueError as err:
        raise FormatError(
            f"{shortened(query)!r} is not valid PromQL: {printable(shortened(str(err), 200))}"
        ) from None


#: What a query gives, when it is no number to compare: the fix, in words.
_NOT_A_NUMBER = {
    "matrix": "a range vector (a function of it, such as rate(), gives one value per series)",
    "string": "a string",
}


def promql_value(text: str) -> str:
    """What a PromQL query gives the conditions to compare: ``vector`` (an instant vector)
    or ``scalar``; :class:`FormatError` for anything else (a range vector or a string:
    nothing a threshold can be compared with)."""
    kind = value_kind(promql_tree(text))
    if kind in _NOT_A_NUMBER:
        raise FormatError(
            f"{shortened(text.strip())!r} gives {_NOT_A_NUMBER[kind]}: a query gives the "
            "number its conditions compare (an instant vector or a scalar)"
        )
    return kind


def parse_promql(text: str) -> str:
    """A PromQL expression giving a number to compare, checked by a real PromQL parser;
    kept as written."""
    promql_value(text)
    return text.strip()


def parse_observe_text(text: str) -> str:
    """Where a metric's observed value comes from (:func:`.observe.spec.parse_observe`),
    as it names the source: normalised."""
    return parse_observe(text).text


PARSERS = {
    "list": parse_list,
    "refs": parse_list,
    "ref": parse_ref,
    "date": parse_date,
    "duration": parse_duration,
    "condition": parse_condition,
    "promql": parse_promql,
    "observe": parse_observe_text,
}
