"""A project's schema extensions (``mldesign_schema_extensions``): checked once, when the
project's config is read, then applied to every item type's schema."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema
from referencing import Resource
from referencing.exceptions import Unresolvable

from .items import ITEM_TYPES
from .schema import ItemSchema, compiled_schema, merge_schema, schema_registry, shipped_schema


class SchemaExtensionError(ValueError):
    """A schema extension that does not make a usable schema; the message says why."""


class ProjectSchemas:
    """Every item type's schema under one project's extensions
    (``mldesign_schema_extensions``), checked when made."""

    def __init__(self, extensions: Mapping[str, Any] | None = None) -> None:
        self.extensions = dict(extensions or {})
        for type_name, fragment in self.extensions.items():
            _check_extension(type_name, fragment)
        # Each type's extension as canonical JSON: the key of its compiled schema, made
        # once per project rather than once per item.
        self._keys = {
            type_name: json.dumps(self.extensions.get(type_name, {}), sort_keys=True)
            for type_name in ITEM_TYPES
        }

    def of(self, type_name: str) -> ItemSchema:
        """The compiled schema of one item type (cached across builds)."""
        return compiled_schema(type_name, self._keys[type_name])


#: What an extension may change in a shipped option: narrow it, document it, default it.
#: Changing its type or format would break the rules and roll-ups that read it.
_ADJUSTABLE_KEYWORDS = frozenset(
    {"enum", "const", "default", "description", "pattern", "minLength", "maxLength",
     "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems",
     "uniqueItems", "format", "examples", "title", "x-code", "x-pattern-description"}
)  # fmt: skip


def _check_shipped_options(type_name: str, fragment: Mapping[str, Any]) -> None:
    properties = fragment.get("properties", {})
    if not isinstance(properties, Mapping):
        return  # check_schema() reports it
    shipped = shipped_schema(type_name)["properties"]
    for name, change in properties.items():
        if name == "id":
            raise SchemaExtensionError(
                f"mldesign_schema_extensions[{type_name!r}]: the 'id' option cannot be "
                "changed (IDs share one namespace across all item types)"
            )
        if name in shipped and not isinstance(change, Mapping):
            raise SchemaExtensionError(
                f"mldesign_schema_extensions[{type_name!r}]: option {name!r} is built in; "
                f"an extension may narrow or document it with an object, not {change!r}"
            )
        if name not in shipped or not isinstance(change, Mapping):
            continue
        fixed = sorted(set(change) - _ADJUSTABLE_KEYWORDS)
        if fixed:
            raise SchemaExtensionError(
                f"mldesign_schema_extensions[{type_name!r}]: option {name!r} is built in; "
                f"an extension may narrow or document it, not change {', '.join(fixed)}"
            )


def _check_refs_keywords(type_name: str, properties: Mapping[str, Any]) -> None:
    """``x-refs`` must name item types by their long names, or the refs cannot resolve;
    ``x-code`` is true or false (a string "no" would be read as neither)."""
    for name, prop in properties.items():
        if isinstance(prop, Mapping) and not isinstance(prop.get("x-code", False), bool):
            raise SchemaExtensionError(
                f"mldesign_schema_extensions[{type_name!r}]: option {name!r} has x-code "
                f"{prop['x-code']!r}; it must be true or false"
            )
        if not isinstance(prop, Mapping) or "x-refs" not in prop:
            continue
        refs = prop["x-refs"]
        if not isinstance(refs, list) or not refs or any(r not in ITEM_TYPES for r in refs):
            raise SchemaExtensionError(
                f"mldesign_schema_extensions[{type_name!r}]: option {name!r} has x-refs "
                f"{refs!r}; it must list one or more of {', '.join(ITEM_TYPES)}"
            )


def _check_extension(type_name: str, fragment: Any) -> None:
    """Raise :class:`SchemaExtensionError` unless the extension makes a valid schema."""
    if type_name not in ITEM_TYPES:
        raise SchemaExtensionError(
            f"mldesign_schema_extensions: unknown item type {type_name!r}; "
            f"use one of {', '.join(ITEM_TYPES)}"
        )
    if not isinstance(fragment, Mapping):
        raise SchemaExtensionError(f"mldesign_schema_extensions[{type_name!r}] must be a dict")
    try:
        merged = merge_schema(shipped_schema(type_name), fragment)
        jsonschema.validators.validator_for(merged).check_schema(merged)
        json.dumps(fragment)
        _check_shipped_options(type_name, fragment)
        _check_refs_keywords(type_name, merged["properties"])
        _check_references(type_name, fragment, merged)
        _check_defaults(type_name, fragment, merged)
    except jsonschema.SchemaError as err:
        raise SchemaExtensionError(
            f"mldesign_schema_extensions[{type_name!r}] is not a valid JSON Schema: {err.message}"
        ) from None
    except TypeError as err:
        raise SchemaExtensionError(
            f"mldesign_schema_extensions[{type_name!r}] must hold only JSON values: {err}"
        ) from None


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _check_references(type_name: str, fragment: Any, merged: dict[str, Any]) -> None:
    """Every ``$ref`` resolves here, without the network: into the item's own schema
    (``#/...``) or the shipped definitions (``common.json#/$defs/...``)."""
    base = str(merged.get("$id", ""))
    registry = schema_registry().with_resource(base, Resource.from_contents(merged))
    resolver = registry.resolver(base_uri=base)
    for ref in _references(fragment):
        try:
            if not ref.startswith(("#", "common.json#")):
                raise Unresolvable(ref)
            resolver.lookup(ref)
        except Unresolvable:
            raise SchemaExtensionError(
                f"mldesign_schema_extensions[{type_name!r}]: $ref {ref!r} does not resolve; "
                "refer into this schema ('#/...') or to 'common.json#/$defs/...' (no remote "
                "references are fetched)"
            ) from None


def _check_defaults(type_name: str, fragment: Mapping[str, Any], merged: dict[str, Any]) -> None:
    """Each option's default is a value the option accepts, including a built-in default
    that an extension's narrower enum leaves out."""
    validator_class = jsonschema.validators.validator_for(merged)
    for name, prop in merged.get("properties", {}).items():
        if not isinstance(prop, Mapping) or "default" not in prop:
            continue
        # The option's schema where it stands: same base URI and local definitions.
        option_schema = {**prop, "$id": merged.get("$id", ""), "$defs": merged.get("$defs", {})}
        validator = validator_class(option_schema, registry=schema_registry())
        error = next(iter(validator.iter_errors(prop["default"])), None)
        if error is None:
            continue
        change = fragment.get("properties", {}).get(name)
        whose = "the" if isinstance(change, Mapping) and "default" in change else "the built-in"
        hint = "" if whose == "the" else "; give the option a 'default' in the extension"
        raise SchemaExtensionError(
            f"mldesign_schema_extensions[{type_name!r}]: {whose} default of option {name!r}, "
            f"{prop['default']!r}, is not a value it accepts ({error.message}){hint}"
        )
