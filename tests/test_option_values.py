"""Option values that read as more than they say (a condition with words after its unit, a
duration with a space inside) or that a pattern refuses: one error at the option's line
that says what to change, in RST and MyST, and nothing exported in their place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import Build, export_of, warnings_of
from sphinxcontrib_mldesign.model.schema import compiled_schema

EXTENSIONS = {
    "ml-owner": {
        "properties": {
            "jira": {
                "type": "string",
                "pattern": "^[A-Z]+-[0-9]+$",
                "x-pattern-description": "a Jira key (ML-42)",
            },
            "desk": {"type": "string", "pattern": "^[A-Z][0-9]+$"},
        }
    }
}
CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_mldesign"]\n'
    'myst_enable_extensions = ["colon_fence"]\nshow_warning_types = True\n'
    f"mldesign_schema_extensions = {EXTENSIONS!r}\n"
)

RST = """\
Values
======

.. metric:: p99
   :id: MET-1
   :kind: system
   :owner: owner.mei
   :crit: p99 > 80 ms for 10m
   :warn: p99 > 60 ms or errors > 1 %
   :window: 5m
   :for: 5 m

.. metric:: errors
   :id: MET-2
   :kind: system
   :owner: owner.mei
   :crit: > 1 % # page the on-call

.. owner:: Mei
   :id: owner.mei
   :email: not-an-email
   :jira: ml42
   :desk: 4b
"""

MD = """\
# Values

```{metric} p99
:id: MET-1
:kind: system
:owner: owner.mei
:crit: p99 > 80 ms for 10m
:warn: p99 > 60 ms or errors > 1 %
:window: 5m
:for: 5 m
```

:::{metric} errors
---
id: MET-2
kind: system
owner: owner.mei
crit: > 1 % # page the on-call
---
:::

```{owner} Mei
:id: owner.mei
:email: not-an-email
:jira: ml42
:desk: 4b
```
"""

TOLD = {
    ":crit: p99": ":crit: 'p99 > 80 ms for 10m' has words after its unit ('for 10m'): a "
    "condition is '[stat] <op> <number> [unit]'; how long a breach lasts goes in :for:",
    ":warn:": ":warn: 'p99 > 60 ms or errors > 1 %' is more than one condition: one "
    "condition per option",
    ":for:": ":for: '5 m' has a space before its unit: write it without a space: '5m'",
    ":crit: >": ":crit: '> 1 % # page the on-call' has a comment ('# page the on-call'): "
    "no comments in option values (a note goes in the item's body)",
    ":email:": ":email: 'not-an-email' is not an e-mail address (name@domain)",
    ":jira:": ":jira: 'ml42' is not a Jira key (ML-42)",
    ":desk:": ":desk: '4b' is not in the form this option takes (^[A-Z][0-9]+$)",
}


def _line(page: str, written: str) -> int:
    """The line of the page where the option that starts ``written`` is."""
    for number, line in enumerate(page.splitlines(), 1):
        if line.lstrip().lstrip(":").startswith(written.lstrip(":")):
            return number
    raise AssertionError(written)


@pytest.mark.parametrize(("name", "page"), [("index.rst", RST), ("index.md", MD)])
def test_a_value_that_says_more_is_told_at_its_line_and_not_read(
    name: str, page: str, build: Build, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    (src / name).write_text(page)
    app = build(src, warningiserror=False)
    expected = [
        f"{src / name}:{_line(page, written)}: ERROR: {message} [mldesign.schema]"
        for written, message in TOLD.items()
    ]
    assert sorted(warnings_of(app)) == sorted(expected)
    items: dict[str, Any] = export_of(app)["items"]
    # Nothing read otherwise than written: no unit "ms for 10m", no "5 m" for a rule's for.
    assert items["MET-1"]["invalid"] == ["crit", "warn", "for"]
    assert not {"crit", "warn", "for"} & items["MET-1"].keys()
    assert items["MET-1"]["window"] == {"text": "5m", "seconds": 300}
    assert items["MET-2"]["invalid"] == ["crit"] and "crit" not in items["MET-2"]
    assert items["owner.mei"]["invalid"] == ["email", "jira", "desk"]


ID = "a valid ID (a letter, then letters, digits or _ . : -)"


def test_words_that_are_not_ids_are_not_told_as_ids_separated_by_spaces() -> None:
    schema = compiled_schema("ml-requirement", "{}")
    _, problems, _ = schema.process(
        {"id": "REQ-1", "metrics": "MET-A MET-B, {a: {b: c}}", "owner": "{a: b}"}
    )
    assert [problem.message for problem in problems] == [
        ":metrics: 'MET-A MET-B' is 2 IDs separated by spaces; separate refs with commas: "
        "'MET-A, MET-B'",
        # Not "3 IDs separated by spaces; separate refs with commas: '{a:, {b:, c}}'".
        f":metrics: '{{a: {{b: c}}}}' is not {ID}",
        f":owner: '{{a: b}}' is not {ID}",
    ]
