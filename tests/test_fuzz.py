"""Randomized bad input, fed to real builds: malformed option names and values in RST and
both MyST option syntaxes, lines the parser cannot read, and odd schema extensions.

The generator is seeded, so a failure is reproducible: the assertion message gives the seed.
``MLDESIGN_FUZZ_ROUNDS`` (default 2) sets how many projects of each kind are built;
``MLDESIGN_FUZZ_SEED`` starts elsewhere. Each problem is made bad by construction (a
duration with a ``!`` in it, a condition without a number, a name no item type has), so the
oracle does not need the parser it tests: exactly one located ``mldesign`` warning at the
line of the bad option, no other warning, never a traceback.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sphinx.errors import ConfigError

from helpers import Build, warnings_of
from sphinxcontrib_mldesign.model.rules import Rule
from sphinxcontrib_mldesign.model.schema import compiled_schema

SEED = int(os.environ.get("MLDESIGN_FUZZ_SEED", "20261201"))
ROUNDS = int(os.environ.get("MLDESIGN_FUZZ_ROUNDS", "2"))
ITEMS = 40  # per project
CORE = {Rule.SCHEMA, Rule.UNKNOWN_REF, Rule.DUPLICATE_ID}
CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_mldesign"]\n'
    'myst_enable_extensions = ["colon_fence"]\nshow_warning_types = True\n'
    f"mldesign_rules = {json.dumps({r.subtype: 'off' for r in Rule if r not in CORE})}\n"
)
LOCATED = re.compile(r"^(?P<path>/.+?):(?P<line>\d+): (ERROR|WARNING): .+ \[mldesign\.[a-z-]+\]$")
REQUIRED = {"ml-metric": "system", "ml-fallback": "constant"}  # the kind these types need
SCHEMAS = {name: compiled_schema(name, "{}") for name in REQUIRED | dict.fromkeys(
    ("ml-requirement", "ml-owner", "ml-risk"))}  # fmt: skip
KNOWN = {name for schema in SCHEMAS.values() for name in schema.options}
JUNK = "abcxyz XYZ>|#!%@*&`'\"[]{}-?:,.;/\\=+~^$()<éß設計🙂\t"


def _junk(rng: random.Random, without: str = "") -> str:
    chars = [c for c in JUNK if c not in without]
    text = "".join(rng.choice(chars) for _ in range(rng.randint(1, 12))).strip()
    return text.replace(" #", " x").replace("\t#", " x") or "x"


def _bad_option(rng: random.Random, type_name: str) -> tuple[str, str]:
    """An option whose value (or name) is wrong by construction."""
    options = SCHEMAS[type_name].options
    by_format = {
        "duration": lambda: _junk(rng) + "!",
        "condition": lambda: _junk(rng, "0123456789") + "q",
        "date": lambda: "x" + _junk(rng),
        "refs": lambda: rng.choice(["Z", "9", "-"]) + _junk(rng, ",:"),
        "ref": lambda: rng.choice(["Z", "9", "-"]) + _junk(rng, ",:"),
    }
    candidates = [n for n, o in options.items() if o.enum or o.format in by_format]
    candidates = [n for n in candidates if n != "id"] + ["<unknown>"]
    name = rng.choice(candidates)
    if name == "<unknown>":
        name = rng.choice("abcdefghijklmnopqrstuvwxyzé設") + "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-_.é設") for _ in range(6)
        )
        if name in KNOWN:
            name += "q"
        return name, _junk(rng)
    spec = options[name]
    if spec.enum:
        allowed = {str(v) for v in spec.enum}
        value = _junk(rng)
        return name, value + "!" if value.strip("'\" ") in allowed else value
    return name, by_format[spec.format]()


def _item(rng: random.Random, n: int, syntax: str) -> tuple[list[str], int]:
    """The item's lines, and the 0-based index of its one bad line."""
    type_name = rng.choice(sorted(SCHEMAS))
    options = [("id", f"X{n}")]
    if type_name in REQUIRED:
        options.append(("kind", REQUIRED[type_name]))
    kind = rng.choice(["value", "value", "value", "unreadable", "repeated"])
    name, value = _bad_option(rng, type_name)
    while name in dict(options):  # one problem per item: not also written twice
        name, value = _bad_option(rng, type_name)
    if kind == "repeated":
        name, value = "tags", "one"
    at = rng.randint(1, len(options))
    options.insert(at, (name, value))
    if kind == "repeated":  # the second time is the one reported
        options.append(("tags", "two"))
        at = len(options) - 1
    if syntax == "rst":
        head = [f".. {type_name}:: Item {n}"]
        lines = [f"   :{k}: {v}" for k, v in options]
        bad = f"   :{name} {value}"
    elif syntax == "fields":
        head = [f"```{{{type_name}}} Item {n}"]
        lines = [f":{k}: {v}" for k, v in options]
        bad = f":{name} {value}"
    else:
        head = [f":::{{{type_name}}} Item {n}", "---"]
        lines = [f"{k}: {v}" for k, v in options]
        bad = f"{name} {value}"
    if kind == "unreadable":
        lines[at] = bad
    tail = {"rst": [""], "fields": ["```", ""], "yaml": ["---", ":::", ""]}[syntax]
    return [*head, *lines, *tail], len(head) + at


def _page(rng: random.Random, first: int, count: int, syntax: str) -> tuple[str, list[int]]:
    out = ["Fuzz", "====", ""] if syntax == "rst" else ["# Fuzz", ""]
    bad_lines = []
    for n in range(first, first + count):
        lines, bad = _item(rng, n, syntax)
        bad_lines.append(len(out) + bad + 1)
        out += lines
    return "\n".join(out) + "\n", bad_lines


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_malformed_options_get_one_located_warning_each(
    round_: int, build: Build, tmp_path: Path
) -> None:
    seed = SEED + round_
    rng = random.Random(seed)
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    expected: set[tuple[str, int]] = set()
    pages = []
    for index, syntax in enumerate(("rst", "fields", "yaml")):
        suffix = ".rst" if syntax == "rst" else ".md"
        text, bad_lines = _page(rng, index * ITEMS, ITEMS, syntax)
        (src / f"p{index}{suffix}").write_text(text, encoding="utf-8")
        expected |= {(str(src / f"p{index}{suffix}"), line) for line in bad_lines}
        pages.append(f"p{index}")
    (src / "index.rst").write_text("Index\n=====\n\n.. toctree::\n\n   " + "\n   ".join(pages))
    app = build(src, warningiserror=False)
    warnings = warnings_of(app)
    located = [LOCATED.match(w) for w in warnings]
    assert all(located), f"seed {seed}: not one located mldesign line: {warnings}"
    found = sorted((m["path"], int(m["line"])) for m in located if m)
    assert found == sorted(expected), f"seed {seed}: {warnings}"


def _random_schema(rng: random.Random, depth: int = 0) -> Any:
    if rng.random() < 0.1:
        return rng.choice([True, False, 3, "string", [], None])
    keywords: dict[str, Callable[[], Any]] = {
        "type": lambda: rng.choice(["string", "integer", "number", "boolean", "array",
                                    "object", "null", "nonsense", ["integer", "null"], 5]),
        "enum": lambda: [rng.choice(["a", "b", 1, 2.5, None, True, [], "must"])
                         for _ in range(rng.randint(0, 3))],
        "default": lambda: rng.choice(["a", 1, None, True, [], {}, ["x"], "should", 2]),
        "pattern": lambda: rng.choice(["^[A-Z]+$", "(", "[a-", "\\d+", "x*", 7]),
        "minimum": lambda: rng.choice([0, -1, 2.5, "three"]),
        "minLength": lambda: rng.choice([0, 1, -1, "x"]),
        "$ref": lambda: rng.choice(["#/nowhere", "common.json#/$defs/id", "#",
                                    "common.json#/$defs/nope", "https://example.com/s.json",
                                    "#/properties/id", 4]),
        "items": lambda: _random_schema(rng, depth + 1) if depth < 2 else {},
        "x-format": lambda: rng.choice(["text", "ref", "refs", "date", "duration",
                                        "condition", "list", "bogus", 3]),
        "x-refs": lambda: rng.choice([["ml-requirement"], ["nope"], "ml-metric", [], [3]]),
        "description": lambda: _junk(rng),
    }  # fmt: skip
    chosen = rng.sample(sorted(keywords), rng.randint(1, 4))
    return {key: keywords[key]() for key in chosen}


def _random_extension(rng: random.Random) -> tuple[Any, str, list[str]]:
    type_name = rng.choice(sorted(SCHEMAS))
    names = [rng.choice([*sorted(SCHEMAS[type_name].options), "jira", "x-y", "n2"])
             for _ in range(rng.randint(1, 3))]  # fmt: skip
    fragment: dict[str, Any] = {"properties": {n: _random_schema(rng) for n in names}}
    if rng.random() < 0.3:
        fragment["required"] = rng.choice([names[:1], ["nope"], "id", [3]])
    if rng.random() < 0.1:
        fragment = rng.choice([{"properties": 3}, {"type": "array"}, [], {"$ref": "#/x"}])
    return {type_name: fragment}, type_name, names


@pytest.mark.parametrize("round_", range(ROUNDS * 10))
def test_odd_schema_extensions_are_config_errors_or_build(
    round_: int, build: Build, tmp_path: Path
) -> None:
    seed = SEED + 1000 + round_
    rng = random.Random(seed)
    extension, type_name, names = _random_extension(rng)
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(f"{CONF}mldesign_schema_extensions = {extension!r}\n")
    values = ["3", "yes", "a, b", "2026-01-01", "X1", "p99 <= 5 ms", "5m", _junk(rng)]
    options = "".join(f"   :{n}: {rng.choice(values)}\n" for n in names if n != "id")
    kind = f"   :kind: {REQUIRED[type_name]}\n" if type_name in REQUIRED else ""
    (src / "index.rst").write_text(f"Odd\n===\n\n.. {type_name}:: One\n   :id: X1\n{kind}{options}")
    try:
        app = build(src, warningiserror=False)
    except ConfigError as err:  # refused when the configuration is read: fine, if it says why
        assert "mldesign_schema_extensions" in str(err), f"seed {seed}: {err}"
        return
    warnings = warnings_of(app)
    assert all(LOCATED.match(w) for w in warnings), f"seed {seed}: {extension}: {warnings}"
