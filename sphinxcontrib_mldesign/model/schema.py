"""Item schemas: loading, merging ``mldesign_schema_extensions``, parsing and validating options.

Raw option text is first parsed by the option's format (the ``x-format`` keyword of the
shipped schemas), then the resulting JSON value is validated with ``jsonschema``. One
compiled validator exists per item type and extension set, however many items are read.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jsonschema
from referencing import Registry, Resource

from .formats import PARSERS, FormatError, close_to, meant_hint, parse_scalar, printable
from .items import Problem

_SCHEMA_PACKAGE = "sphinxcontrib_mldesign.schemas"
_REF_FORMATS = {"ids": "refs", "id": "ref", "list": "list", "date": "date",
                "duration": "duration", "condition": "condition", "text": "text"}  # fmt: skip


def load_json(name: str) -> dict[str, Any]:
    text = resources.files(_SCHEMA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def schema_registry() -> Registry[Any]:
    """The shipped definitions (``common.json``), for ``$ref`` s into them."""
    common = load_json("common.json")
    registry: Registry[Any] = Registry().with_resource(
        common["$id"], Resource.from_contents(common)
    )
    return registry


def _inline_refs(node: Any, defs: dict[str, Any], prefix: str) -> Any:
    """Replace ``{"$ref": prefix + NAME}`` by the definition ``defs[NAME]``.

    Following a ``$ref`` through the registry on every validation made validation more
    than twice as slow; the shipped schemas only point into ``common.json``, so those
    references are resolved once, when a schema is compiled. Any other reference (say,
    in a project's schema extension) is left to the registry.
    """
    if isinstance(node, list):
        return [_inline_refs(child, defs, prefix) for child in node]
    if not isinstance(node, dict):
        return node
    out = {key: _inline_refs(value, defs, prefix) for key, value in node.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith(prefix) and ref.removeprefix(prefix) in defs:
        del out["$ref"]
        out = {**defs[ref.removeprefix(prefix)], **out}
    return out


@functools.cache
def _common_defs() -> dict[str, Any]:
    defs: dict[str, Any] = load_json("common.json")["$defs"]
    # Definitions refer to each other with local references ("ids" -> "#/$defs/id").
    return {name: _inline_refs(body, defs, "#/$defs/") for name, body in defs.items()}


def base_schema(type_name: str) -> dict[str, Any]:
    """The shipped schema of an item type (a fresh copy; :func:`shipped_schema` is shared)."""
    return copy.deepcopy(shipped_schema(type_name))


@functools.cache
def shipped_schema(type_name: str) -> dict[str, Any]:
    """The shipped schema of an item type, shared: do not change it."""
    return load_json(f"{type_name}.json")


def merge_schema(base: dict[str, Any], fragment: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge a schema extension: objects merge key by key, ``required`` lists are
    unioned, any other value (an ``enum``, a ``type``) replaces the base value."""
    merged = copy.deepcopy(base)
    for key, value in fragment.items():
        if key == "required" and isinstance(value, list):
            merged[key] = list(dict.fromkeys([*merged.get(key, []), *value]))
        elif isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = merge_schema(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


@dataclass(frozen=True)
class OptionSpec:
    """One directive option, as the (merged) schema declares it."""

    name: str
    format: str
    json_type: str
    item_json_type: str
    refs: tuple[str, ...]
    default: Any
    enum: tuple[Any, ...]
    description: str
    code: bool = False
    """The value is code (``x-code``: a query, rule names): shown as written, as inline
    code, never as prose (no typographic quotes or dashes)."""

    def parse(self, raw: str) -> Any:
        parser = PARSERS.get(self.format)
        if parser is not None:
            return parser(raw)
        if self.format == "text" and self.json_type in ("", "string"):
            text = raw.strip()
            # An extension's enum may hold numbers, while an option is always written as
            # text: "2" is the member 2 (as roll-up filters compare them).
            return next((m for m in self.enum if not isinstance(m, str) and str(m) == text), text)
        return parse_scalar(raw, self.json_type, self.item_json_type)


def _option_spec(name: str, prop: Any) -> OptionSpec:
    if not isinstance(prop, Mapping):  # a boolean schema: ``True`` accepts any value
        prop = {}
    fmt = prop.get("x-format")
    if fmt is None and "x-refs" in prop:  # a custom option pointing at items
        fmt = "refs" if prop.get("type") == "array" else "ref"
    if fmt is None:
        ref = str(prop.get("$ref", ""))
        fmt = _REF_FORMATS.get(ref.rsplit("/", 1)[-1], "text") if ref else "text"
    json_type = prop.get("type", "")
    if isinstance(json_type, list):  # ["integer", "null"]: parse as the non-null type
        json_type = next((t for t in json_type if t != "null"), "")
    if not isinstance(json_type, str):
        json_type = ""
    items = prop.get("items")
    item_type = items.get("type", "") if isinstance(items, Mapping) else ""
    return OptionSpec(
        name=name,
        format=str(fmt),
        json_type=json_type,
        item_json_type=item_type if isinstance(item_type, str) else "",
        refs=tuple(prop.get("x-refs", ())),
        default=prop.get("default"),
        enum=tuple(prop.get("enum", ())),
        description=str(prop.get("description", "")),
        code=prop.get("x-code") is True,
    )


class ItemSchema:
    """The compiled schema of one item type: option table plus a jsonschema validator."""

    def __init__(self, type_name: str, schema: dict[str, Any]) -> None:
        self.type_name = type_name
        self.schema = schema
        self.options: dict[str, OptionSpec] = {
            name: _option_spec(name, prop) for name, prop in schema.get("properties", {}).items()
        }
        self.required: tuple[str, ...] = tuple(schema.get("required", ()))
        validator_cls = jsonschema.validators.validator_for(schema)
        inlined = _inline_refs(schema, _common_defs(), "common.json#/$defs/")
        self._validator = validator_cls(
            inlined, registry=schema_registry(), format_checker=validator_cls.FORMAT_CHECKER
        )

    def process(
        self, raw_options: Mapping[str, str], unreadable: Iterable[str] = ()
    ) -> tuple[dict[str, Any], list[Problem], tuple[str, ...]]:
        """Parse, validate and default the raw options.

        Returns the valid values (bad options dropped, defaults filled), the problems and
        the options written invalidly. ``unreadable`` names options written in lines the
        parser could not read (already reported). Never raises for bad input.
        """
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        unreadable = list(unreadable)
        meant: list[str] = [*unreadable]  # options written, but not validly
        likely: dict[str, list[str]] = {}  # the option an unknown one most likely is
        for name, raw in raw_options.items():
            spec = self.options.get(name)
            if spec is None:
                likely[name] = close_to(name, self.options)
                hint = meant_hint(likely[name])
                meant += likely[name]
                allowed = f" (allowed: {', '.join(sorted(self.options))})" if not hint else ""
                message = f"unknown option :{printable(name)}: for {self.type_name}{hint}{allowed}"
                problems.append(Problem(message, name))
                continue
            try:
                values[name] = spec.parse(raw if isinstance(raw, str) else str(raw or ""))
            except FormatError as err:
                problems.append(Problem(f":{name}: {err}", name))
                meant.append(name)

        bad: set[str] = set()
        for error in sorted(self._validator.iter_errors(values), key=_error_sort_key):
            option = str(error.absolute_path[0]) if error.absolute_path else None
            if option is not None:
                bad.add(option)
            elif error.validator == "required" and _missing(error) in meant:
                continue  # written, wrongly: reported as such, not also as missing
            problems.append(Problem(self._describe(error, option, values), option))
        for option in bad:
            values.pop(option, None)
        # In the order written; a misspelt option's likely name where the misspelling was.
        unset = {*meant, *bad} - values.keys()
        invalid = tuple(
            dict.fromkeys(
                name
                for written in [*raw_options, *unreadable]
                for name in [written, *likely.get(written, ())]
                if name in unset
            )
        )

        # No default for an option the author wrote, however wrongly: a risk with an
        # invalid likelihood has no score, not one made from "moderate".
        for name, spec in self.options.items():
            if name not in values and name not in invalid and spec.default is not None:
                values[name] = copy.deepcopy(spec.default)
        return values, problems, invalid

    def _describe(
        self, error: jsonschema.ValidationError, option: str | None, values: dict[str, Any]
    ) -> str:
        if error.validator == "required" and option is None:
            return f"missing required option :{_missing(error)}:"
        value = values.get(option) if option else None
        if isinstance(value, dict) and "text" in value:
            value = value["text"]
        shown = repr(error.instance) if error.absolute_path else repr(value)
        spec = self.options.get(option or "")
        if error.validator == "enum" and spec is not None:
            hint = meant_hint(close_to(str(error.instance), spec.enum))
            return f":{option}: {shown} is not one of: {', '.join(map(str, spec.enum))}{hint}"
        if error.validator == "pattern" and spec is not None and _is_id_option(spec):
            words = str(error.instance).split()
            ids = all(re.search(str(error.validator_value), word) for word in words)
            if spec.name != "id" and len(words) > 1 and ids:  # "MET-A MET-B", not one ID
                fix = (
                    f"separate refs with commas: {', '.join(words)!r}"
                    if spec.format == "refs"
                    else "it names one item: write one ID"
                )
                return f":{option}: {shown} is {len(words)} IDs separated by spaces; {fix}"
            return (
                f":{option}: {shown} is not a valid ID (a letter, then letters, digits or _ . : -)"
            )
        if error.validator == "pattern" and option is not None:
            # In words, where the schema says what its pattern stands for.
            schema = error.schema if isinstance(error.schema, dict) else {}
            form = schema.get("x-pattern-description") or (
                f"in the form this option takes ({error.validator_value})"
            )
            return f":{option}: {shown} is not {form}"
        said = error.schema.get("x-message") if isinstance(error.schema, dict) else None
        if isinstance(said, str) and option is not None:  # the schema says it in words
            return f":{option}: {shown} {said}"
        if error.validator == "minLength" and error.validator_value == 1:
            return f":{option}: must not be empty"
        if option is None:  # a keyword on the whole item, from a schema extension
            return f"{self.type_name}: {error.message}"
        return f":{option}: {error.message}"


def _missing(error: jsonschema.ValidationError) -> str:
    """The option a ``required`` error is about."""
    return str(error.message).split("'")[1] if "'" in error.message else str(error.message)


def _is_id_option(spec: OptionSpec) -> bool:
    return spec.name == "id" or spec.format in ("ref", "refs")


def _error_sort_key(error: jsonschema.ValidationError) -> tuple[str, str]:
    return (".".join(str(part) for part in error.absolute_path), str(error.message))


@functools.lru_cache(maxsize=64)
def compiled_schema(type_name: str, extension_json: str) -> ItemSchema:
    schema = merge_schema(shipped_schema(type_name), json.loads(extension_json))
    return ItemSchema(type_name, schema)


@functools.cache
def ref_options(type_name: str) -> frozenset[str]:
    """The shipped options of an item type whose values name items (``:metrics:``)."""
    options = ItemSchema(type_name, shipped_schema(type_name)).options
    return frozenset(name for name, spec in options.items() if _is_id_option(spec) and name != "id")
