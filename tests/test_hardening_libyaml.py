"""Deployed rule files parsed by libyaml (issue 23, item 1, cost): at C speed where
PyYAML has it, with the bounds, the rules and the problems' lines of PyYAML's Python
parser, which stands in where it has not (``boundedyaml.USE_LIBYAML``).

The ``parser`` fixture reads with each; what a real build reads is the default's.
Reading a file nested deep is done in a subprocess: a composer recursing in C would not
raise, it would kill the process.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
import test_hardening_files as files_tests  # its tests run here on both parsers
import yaml
from test_alerts import DEPLOYED, _alert_warnings, _drift_project
from test_hardening_files import CANNOT, KUBECTL_LIST, MERGED, _bomb, _problems, _read

from helpers import Build
from sphinxcontrib_mldesign.model import boundedyaml
from sphinxcontrib_mldesign.model.inputs.base import collector_paused
from sphinxcontrib_mldesign.model.rulefiles import DeployedRule, RuleFiles

LIBYAML = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
DEEP = "nested more than 64 levels deep"


@pytest.fixture(params=[pytest.param("libyaml", marks=LIBYAML), "python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(boundedyaml, "USE_LIBYAML", request.param == "libyaml")
    return str(request.param)


def _rule_file(count: int) -> str:
    """``count`` rules as ``mldesign alerts`` writes them, about 450 bytes each."""
    rules = "".join(
        f"  - alert: MET_{n:05d}_warn\n"
        f'    expr: (histogram_quantile(0.99, rate(rank_ms_bucket{{metric="MET-{n:05d}"}}'
        "[5m]))) > 180\n"
        "    for: 5m\n"
        "    labels:\n"
        "      severity: ticket\n"
        f"      mldesign_id: MET-{n:05d}\n"
        "      mldesign_threshold: warn\n"
        "      owner: ranking-team\n"
        "    annotations:\n"
        f"      summary: 'Ranking latency MET-{n:05d}: p99 > 180 ms'\n"
        f"      runbook_url: https://runbooks.example.com/ranking/met-{n:05d}\n"
        f"      mldesign_url: https://design.example.com/metrics.html#met-{n:05d}\n"
        for n in range(count)
    )
    return f"groups:\n- name: ranking\n  rules:\n{rules}"


# -- libyaml is the parser, where PyYAML has it ---------------------------------------------


@LIBYAML
def test_libyaml_parses_a_large_rule_file_well_within_seconds() -> None:
    assert boundedyaml.USE_LIBYAML
    [document], _ = boundedyaml.compose_documents("groups: []\n")
    assert type(document.start_mark).__module__ == "yaml._yaml"  # libyaml's marks
    text = _rule_file(5000)  # 2.2 MB: 8 s with the Python parser on a slow machine
    found = RuleFiles()
    started = time.monotonic()
    with collector_paused():  # as the build reads rule files
        found.read(text, "rules.yaml", "/deploy/rules.yaml")
    assert time.monotonic() - started < 3  # well under: 0.9 s on the same machine
    assert len(found.rules) == 5000 and found.problems == []
    assert found.rules[-1].lineno == 4 + 4999 * 12


# -- the same bounds and results on both parsers --------------------------------------------

#: (text, the problem) of files nested deeper than the cap.
NESTED = [
    # Block mappings, a level a line: the 65th level is on line 65.
    ("groups:\n" + "".join(f"{' ' * n}k{n}:\n" for n in range(1, 3000)), 65),
    # Block sequences, the same.
    ("groups:\n" + "".join(f"{' ' * n}- \n" for n in range(1, 3000)), 65),
    # Flow collections, a level a line, 100,000 deep: line 64 opens the 65th.
    ("groups: [\n" + "  [\n" * 100_000, 64),
    ("groups: [\n" + "  {a: \n" * 100_000, 64),
    # Thousands on one line: libyaml, reading ahead on the line, meets its own cap of
    # 1,000 levels before the composer meets this one's; the problem is the same.
    ("groups: " + "[" * 5000 + "]" * 5000, 1),
    ("groups:\n  " + "[" * 30 + "\n  " + "[" * 2000 + "]" * 2030, 3),
]

_READ_NESTED = """
import json, sys
from sphinxcontrib_mldesign.model import boundedyaml
boundedyaml.USE_LIBYAML = sys.argv[1] == "libyaml"
for text in json.load(sys.stdin):
    try:
        boundedyaml.compose_documents(text)
        print("read")
    except boundedyaml.YAMLProblem as err:
        print(err.line, err.message)
"""


def test_nesting_past_the_cap_is_one_problem_at_its_line(parser: str) -> None:
    texts = [text for text, _ in NESTED]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _READ_NESTED, parser],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")  # no signal, no traceback
    assert done.stdout.splitlines() == [f"{line} {DEEP}" for _, line in NESTED]
    assert time.monotonic() - started < 60  # well under: about a second
    # 64 levels are read, by either parser.
    assert _problems(_read("groups: " + "[" * 63 + "]" * 63)) == []


def test_nesting_past_libyamls_own_cap_is_one_warning_at_its_line(
    build: Build, tmp_path: Path
) -> None:
    src = _drift_project(tmp_path)
    rules = src / "deploy" / "rules.yaml"
    rules.write_text("groups:\n- name: g\n  rules: " + "[" * 2000 + "]" * 2000 + "\n")
    [deep, *missing] = _alert_warnings(build(src, warningiserror=False))
    assert deep == f"{rules}:3: {CANNOT}{DEEP} [mldesign.alert-unknown]"
    assert len(missing) == 3 and all("has no deployed alerting rule" in w for w in missing)


def test_a_control_character_is_at_its_line_before_any_other_problem(parser: str) -> None:
    """libyaml finds a character only when it reaches it, and counts its place in bytes;
    both parsers report it first, at its line, as PyYAML's reader does."""
    wide = "\u4e2d\u6587 " * 300  # 3 bytes a character in UTF-8
    lines = [
        "groups:",
        f"- name: {wide}",  # many bytes before it: a place in bytes is lines further
        "  rules:",
        "  - {alert: A, expr: *undefined}",  # a problem before it
        f"  - {{alert: B, expr: x > 1, annotations: {{summary: {wide}\x07}}}}",
        *(["  - {alert: C, expr: x > 1}"] * 20_000),  # libyaml reads text in chunks
    ]
    message = "not valid YAML: unacceptable character \\x07: special characters are not allowed"
    assert _problems(_read("\n".join(lines))) == [(5, message)]


def test_merge_keys_through_aliases_stay_bounded_on_both_parsers(parser: str) -> None:
    files_tests.test_merge_keys_through_aliases_stay_bounded()


def test_for_is_kept_as_written_on_both_parsers(parser: str) -> None:
    files_tests.test_for_is_kept_as_written()


# Characters and pieces of YAML a mutation inserts: every kind of token, characters
# YAML refuses, line breaks of every kind, text that is not ASCII. Left out: a tab, a
# '?' and a BOM inside the text, where the parsers differ (below).
_PIECES = [
    *"[]{}:,-&*!|>'\"#%@`\\\n\r ",
    ": ", "- ", "&a ", "*a", "<<: ", "!!str ", "---\n", "...\n", "\x85", "\u2028", "\x07",
    "\u00e9", "\u4e2d", "[" * 40, "{a: " * 30, "- " * 30, "\n" + " " * 7,
]  # fmt: skip


def _mutations(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = [DEPLOYED, MERGED, KUBECTL_LIST, _bomb(60), _bomb()]
    mutated = list(texts)
    for _ in range(count):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.7:
                text = text[:at] + rng.choice(_PIECES) + text[at:]
            else:
                text = text[:at] + text[at + rng.randint(1, 20) :]
        mutated.append(text)
    return mutated


def _as_read(
    text: str, libyaml: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[DeployedRule], list[tuple[int, str]]]:
    """What a file's text gives: its rules, and its problems, each at its line (YAML's
    own reason for a syntax error is worded by each parser its way)."""
    monkeypatch.setattr(boundedyaml, "USE_LIBYAML", libyaml)
    found = _read(text)
    problems = [
        (line, "not valid YAML" if message.startswith("not valid YAML: ") else message)
        for line, message in _problems(found)
    ]
    return found.rules, problems


@LIBYAML
def test_both_parsers_read_the_same_rules_and_problems_at_the_same_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _mutations(400, seed=23)
    differ = [
        text
        for text in texts
        if _as_read(text, True, monkeypatch) != _as_read(text, False, monkeypatch)
    ]
    assert differ == []
    # The mutations hurt: most of them are not YAML, some read with fewer rules.
    invalid = [text for text in texts if _as_read(text, True, monkeypatch)[1]]
    assert len(invalid) > len(texts) / 3


@LIBYAML
@pytest.mark.parametrize(
    ("text", "python_problem"),
    [
        # A tab inside a plain scalar, as YAML allows (and Prometheus reads it):
        # PyYAML's Python scanner refuses it.
        (
            "groups:\n- rules:\n  - alert: A\n    expr: x >\t1\n",
            (4, "not valid YAML: found character '\\t' that cannot start any token"),
        ),
        # A '?' inside a plain scalar of a flow mapping: libyaml 0.2.5 reads it (and
        # Prometheus refuses it, as PyYAML's Python parser does).
        (
            "groups:\n- rules:\n  - {alert: A?, expr: x > 1}\n",
            (3, "not valid YAML: expected ',' or '}', but got '?'"),
        ),
    ],
)
def test_where_the_parsers_differ(
    text: str, python_problem: tuple[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At the edges of YAML the parsers do not agree: pinned, so a change is seen."""
    assert _problems(_read(text)) == []
    monkeypatch.setattr(boundedyaml, "USE_LIBYAML", False)
    assert _problems(_read(text)) == [python_problem]
