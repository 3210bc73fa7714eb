"""``file:<path>#<key.path>``: a number in a JSON or YAML file an evaluation job wrote
(DVC's ``metrics.json`` and the like), the path relative to the conf directory.

The file is read like every outside file (:func:`..inputs.files.read_outside`: a regular
file, up to :data:`MAX_FILE_BYTES`; a FIFO or a device is refused, not waited on or read
without end). ``.json`` is read as JSON, ``.yaml`` and ``.yml`` as YAML (bounded:
:mod:`..boundedyaml`); any other name is refused rather than guessed at. Either is nested
at most :data:`~..boundedyaml.MAX_DEPTH` levels deep. The key path walks objects by key
and lists by index (``folds.0.auc``); the value must be a finite number (not a bool, not
NaN). Its time is the file's modification time: when the job wrote it.

Read on every live build: a file that changed shows its new value on the next build.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, SequenceNode

from ..boundedyaml import MAX_DEPTH, Mappings, YAMLProblem, compose_documents
from ..formats import printable
from ..inputs.files import UnreadableFile, read_outside
from ..numbers import shortened
from .snapshot import Observation, is_number, unix_time_text
from .spec import ObserveSpec

#: A metrics file holds a few numbers; an evaluation report with per-example scores, MiBs.
MAX_FILE_BYTES = 16 * 2**20
_JSON = (".json",)
_YAML = (".yaml", ".yml")


class _Failed(Exception):
    """Why there is no value: the observation's ``error``, one line."""


def observe_file(
    spec: ObserveSpec, confdir: Path, metric: Mapping[str, Any], now: dt.datetime
) -> Observation:
    """The number at ``spec``'s key path in its file, as the file is now."""
    path = confdir / spec.path
    try:
        data, at = _read(path, spec.path)
        if path.suffix.lower() in _JSON:
            value = _walk_json(_json(data, spec.path), spec.key_path)
        else:
            value = _walk_yaml(data, spec.path, spec.key_path)
    except _Failed as err:
        return Observation(spec.text, error=str(err))
    return Observation(spec.text, value, at, series=1)


def _read(path: Path, name: str) -> tuple[bytes, str | None]:
    """The file's bytes and its modification time; :class:`_Failed` if it cannot be read."""
    if path.suffix.lower() not in _JSON + _YAML:
        raise _Failed(f"not JSON/YAML: {name!r} is named neither .json nor .yaml/.yml")
    try:
        if not os.path.exists(path):  # (a link to nothing too)
            raise _Failed(f"missing file: {name!r} (relative to the conf directory)")
        data = read_outside(path, MAX_FILE_BYTES)
        modified = os.stat(path).st_mtime
    except UnreadableFile as err:
        text = str(err)
        if text.startswith("larger than"):
            raise _Failed(f"too large: {name!r} is {text}") from None
        if text.startswith("not a regular file"):
            raise _Failed(f"{text}: {name!r}") from None
        raise _Failed(f"unreadable: {name!r}: {text}") from None
    except (OSError, ValueError) as err:  # gone since it was read; a NUL in the path
        raise _Failed(f"unreadable: {name!r}: {err}") from None
    return data, unix_time_text(modified)


def _json(data: bytes, name: str) -> Any:
    too_deep = f"not JSON: {name!r} is nested more than {MAX_DEPTH} levels deep"
    try:
        document = json.loads(data)
    except json.JSONDecodeError as err:
        raise _Failed(f"not JSON: {name!r}: {err.msg} at line {err.lineno}") from None
    except ValueError as err:  # not UTF-8; an integer of 5,000 digits
        raise _Failed(f"not JSON: {name!r}: {printable(shortened(str(err), 100))}") from None
    except RecursionError:  # deeper than Python's parser goes: deeper than ours, surely
        raise _Failed(too_deep) from None
    if _deeper_than(document, MAX_DEPTH):
        raise _Failed(too_deep)
    return document


def _deeper_than(document: Any, limit: int) -> bool:
    """Whether objects and lists nest more than ``limit`` levels (a level at a time, not
    recursively)."""
    level = [document] if isinstance(document, (dict, list)) else []
    for _ in range(limit):
        level = [
            inner
            for outer in level
            for inner in (outer.values() if isinstance(outer, dict) else outer)
            if isinstance(inner, (dict, list))
        ]
        if not level:
            return False
    return bool(level)


def _walk_json(document: Any, steps: list[str]) -> float:
    found = document
    for index, step in enumerate(steps):
        if isinstance(found, dict) and step in found:
            found = found[step]
        elif isinstance(found, list) and _index(step, len(found)) is not None:
            found = found[int(step)]
        else:
            raise _Failed(_missing(steps, index, _kind(found)))
    return _number(found, steps)


def _walk_yaml(data: bytes, name: str, steps: list[str]) -> float:
    try:
        documents, aliased = compose_documents(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _Failed(f"not YAML: {name!r} is not UTF-8 text") from None
    except YAMLProblem as err:
        raise _Failed(_yaml_problem(name, err)) from None
    if len(documents) > 1:
        raise _Failed(f"not YAML: {name!r} holds {len(documents)} documents; one is read")
    mappings = Mappings(aliased)
    found: Node | None = documents[0] if documents else None
    for index, step in enumerate(steps):
        if (
            isinstance(found, MappingNode)
            and (value := _entry(mappings, found, step, name)) is not None
        ):
            found = value
        elif isinstance(found, SequenceNode) and _index(step, len(found.value)) is not None:
            found = found.value[int(step)]
        else:
            raise _Failed(_missing(steps, index, _node_kind(found)))
    return _number(_scalar(found), steps)


def _scalar(node: Node | None) -> Any:
    """A scalar node's value as YAML types it (``0.91`` a float, ``"0.91"`` a string);
    a collection as a list or dict of nothing (only its kind is told)."""
    if isinstance(node, MappingNode):
        return {}
    if isinstance(node, SequenceNode):
        return []
    if node is None:
        return None
    try:
        return SafeConstructor().construct_object(node)
    except (ConstructorError, ValueError):  # an unknown tag, a date past 9999, 5,000 digits
        return str(node.value)


def _entry(mappings: Mappings, node: MappingNode, key: str, name: str) -> Node | None:
    try:
        return mappings.get(node, key)
    except YAMLProblem as err:  # a merge key that is not one, or expands without end
        raise _Failed(_yaml_problem(name, err)) from None


def _yaml_problem(name: str, problem: YAMLProblem) -> str:
    said = problem.message.removeprefix("not valid YAML: ")
    return f"not YAML: {name!r}: {said} at line {problem.line}"


def _index(step: str, length: int) -> int | None:
    """A list's index as a key path writes it (``0``), if the list has it."""
    return int(step) if step.isdigit() and len(step) < 10 and int(step) < length else None


def _missing(steps: list[str], index: int, found: str) -> str:
    """Which step of the key path found nothing, and what it found instead:
    ``missing key: 'eval.auc' has no 'auc' ('eval' is an object without it)``."""
    where = repr(".".join(steps[:index])) if index else "the file"
    found += " without it" if found == "an object" else ""
    return f"missing key: {'.'.join(steps)!r} has no {steps[index]!r} ({where} is {found})"


def _number(value: Any, steps: list[str]) -> float:
    if isinstance(value, (int, float)) and is_number(value):
        return float(value)
    raise _Failed(f"not a number: {'.'.join(steps)!r} is {_kind(value)}")


def _kind(value: Any) -> str:
    """What a value is, for a message (where a number or a step's object was wanted)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return shortened(repr(value), 40)  # nan, inf, an integer too large for a float
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    names = {type(None): "null", str: "a string"}
    return names.get(type(value), f"a {type(value).__name__}")  # YAML's dates and such


def _node_kind(node: Node | None) -> str:
    if isinstance(node, SequenceNode):
        return f"a list of {len(node.value)}"
    return "an empty file" if node is None else _kind(_scalar(node))
