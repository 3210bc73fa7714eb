"""The option values of an imported item, kept only where they have the shape this
project's own items have: another team's export is data from outside, and a wrong type
in it (a number where a list of IDs belongs) must cost that value, never the build."""

from __future__ import annotations

import functools
from typing import Any

from .observe.snapshot import Observation, SnapshotError
from .schema import ItemSchema, OptionSpec, shipped_schema

_SCALARS = (str, int, float, bool)


@functools.cache
def _options(type_name: str) -> dict[str, OptionSpec]:
    return ItemSchema(type_name, shipped_schema(type_name)).options


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _fits(spec: OptionSpec, value: Any) -> bool:
    """Whether an exported value has the shape a value of this option has."""
    if spec.format == "ref" or spec.format == "date":
        return isinstance(value, str)
    if spec.format in ("refs", "list"):
        return _strings(value)
    if spec.format in ("condition", "duration"):
        return isinstance(value, dict) and isinstance(value.get("text"), str)
    if spec.enum:
        return isinstance(value, str | int | float) and value in spec.enum
    if spec.json_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if spec.json_type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if spec.json_type == "boolean":
        return isinstance(value, bool)
    return isinstance(value, str)


def _score(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 25


def _observed(value: Any) -> bool:
    """A metric's ``observed`` as exports write it: an observation as a snapshot keeps it
    (its texts already printable and bounded: shown as they are), and its verdicts, which
    portfolios count."""
    if not isinstance(value, dict):
        return False
    try:
        kept = Observation.from_json(value)
    except SnapshotError:
        return False
    return (
        (kept.source, kept.error) == (value.get("source"), value.get("error"))
        and value.get("target") in ("met", "missed", None)
        and value.get("level") in ("ok", "warn", "crit", None)
    )


def _met(value: Any) -> bool:
    return value is None or isinstance(value, bool)


#: Exported values that are no option, and what they must be (a risk's score is sorted;
#: a metric's observed value and a requirement's met are shown and counted).
_DERIVED = {"score": _score, "observed": _observed, "met": _met}


def clean_values(type_name: str, values: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The values that fit their options (an option another project added with a schema
    extension: a scalar or a list of text), and how many were left out."""
    options = _options(type_name)
    kept: dict[str, Any] = {}
    for name, value in values.items():
        spec = options.get(name)
        if spec is not None:
            fits = _fits(spec, value)
        elif name in _DERIVED:
            fits = _DERIVED[name](value)
        else:
            fits = isinstance(value, _SCALARS) or _strings(value)
        if fits:
            kept[name] = value
    return kept, len(values) - len(kept)
