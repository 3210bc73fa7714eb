"""Every option problem at its option's own line, in RST and MyST, in the console, the
export and ``mldesign check``; a MyST line that cannot be read is one error there, with
no cascade."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docutils.nodes import literal_block

from helpers import Build, export_of, mldesign, warnings_of

CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_mldesign"]\n'
    'myst_enable_extensions = ["colon_fence"]\nshow_warning_types = True\n'
    'mldesign_rules = {"missing-owner": "off", "requirement-unmonitored": "off"}\n'
)

RST = """\
Located
=======

.. ml-requirement:: Misspelt and unknown
   :id: REQ-1
   :priorty: must
   :kind: functional
   :metrics: MET-NOPE

.. metric:: Bad value
   :id: MET-1
   :kind: system
   :window: five minutes

.. ml-requirement:: Taken ID
   :kind: functional
   :id: REQ-1

.. ml-requirement-index::
   :status: someday
"""

MYST_FIELDS = """\
# Located

```{ml-requirement} Misspelt and unknown
:id: REQ-1
:priorty: must
:kind: functional
:metrics: MET-NOPE
```

```{metric} Bad value
:id: MET-1
:kind: system
:window: five minutes
```

```{ml-requirement} Taken ID
:kind: functional
:id: REQ-1
```

```{ml-requirement-index}
:status: someday
```
"""

MYST_YAML = """\
# Located

:::{ml-requirement} Misspelt and unknown
---
id: REQ-1
priorty: must
kind: functional
metrics: MET-NOPE
---
:::

:::{metric} Bad value
---
id: MET-1
kind: system
window: five minutes
---
:::

:::{ml-requirement} Taken ID
---
kind: functional
id: REQ-1
---
:::

:::{ml-requirement-index}
---
status: someday
---
:::
"""

# What each page gets wrong, in the order written.
PROBLEMS = [
    "unknown option :priorty: for ml-requirement; did you mean 'priority'?",
    ":metrics: 'MET-NOPE' names no item",
    ":window: 'five minutes' is not a duration",
    "duplicate ID 'REQ-1'",
    "ml-requirement-index :status: 'someday' is not one of",
]


@pytest.mark.parametrize(
    ("page", "suffix", "lines"),
    [
        (RST, ".rst", [6, 8, 13, 17, 20]),
        (MYST_FIELDS, ".md", [5, 7, 13, 18, 22]),
        (MYST_YAML, ".md", [6, 8, 16, 23, 29]),
    ],
)
def test_every_option_problem_is_at_its_options_line(
    page: str, suffix: str, lines: list[int], build: Build, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    (src / f"index{suffix}").write_text(page)
    app = build(src, warningiserror=False)
    warnings = warnings_of(app)
    assert len(warnings) == len(PROBLEMS), warnings
    ordered = sorted(warnings, key=_line)
    for line, fragment, warning in zip(lines, PROBLEMS, ordered, strict=True):
        assert f"index{suffix}:{line}: ERROR: {fragment}" in warning
    # The export and `mldesign check` say the same lines.
    exported = [(v["lineno"], v["message"]) for v in export_of(app)["violations"]]
    assert [line for line, _ in exported] == lines
    check = mldesign("check", src, "--format", "json")
    assert [(v["lineno"], v["message"]) for v in json.loads(check.stdout)] == exported


def _line(warning: str) -> int:
    return int(warning.split(":")[1])


UNREADABLE = """\
# Unreadable lines

```{metric} Field syntax
:id: MET-1
:kind system
:owner: sam
```

:::{metric} YAML block
---
id: MET-2
kind: system
just some text
owner: sam
---
:::

:::{ml-requirement} A tab
---
id: REQ-1
\tpriority: must
kind: functional
metrics: MET-1, MET-2
---
:::

```{ml-requirement-index}
:priority must
```

```{owner} Sam
:id: sam
:backups: kim
```

```{owner} Kim
:id: kim
```
"""


def test_an_unreadable_option_line_is_one_error_at_it_and_nothing_else(
    build: Build, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    (src / "index.md").write_text(UNREADABLE)
    app = build(src, warningiserror=False)
    warnings = warnings_of(app)
    # No MyST warning, no "missing :id:", no "names no item" at the items referring to it:
    # one error per line that cannot be read, at that line, naming the option and the fix.
    assert warnings == [
        f"{src / 'index.md'}:5: ERROR: option :kind: cannot be read from ':kind system': "
        "write it as ':kind: value' [mldesign.schema]",
        f"{src / 'index.md'}:13: ERROR: option line cannot be read from 'just some text': "
        "write it as 'name: value' [mldesign.schema]",
        f"{src / 'index.md'}:21: ERROR: option :priority: cannot be read from "
        "'\\tpriority: must': indent with spaces, not a tab [mldesign.schema]",
        f"{src / 'index.md'}:28: ERROR: option :priority: cannot be read from "
        "':priority must': write it as ':priority: value' [mldesign.schema]",
    ]
    items = export_of(app)["items"]
    # Every other option of those items is kept, IDs included.
    assert items["MET-1"]["owner"] == ["sam"] and "kind" not in items["MET-1"]
    assert items["MET-2"]["kind"] == "system" and items["MET-2"]["owner"] == ["sam"]
    assert items["REQ-1"]["metrics"] == ["MET-1", "MET-2"]
    # The option that could not be read gets no default: it is unknown, not "should".
    assert "priority" not in items["REQ-1"]
    assert items["REQ-1"]["invalid"] == ["priority"]
    assert items["MET-1"]["invalid"] == ["kind"]


UNREADABLE_RST = """\
Unreadable lines
================

.. metric:: Not a field
   :id: MET-1
   :kind system
   :owner: sam

.. ml-requirement:: Written twice
   :id: REQ-1
   :kind: functional
   :kind: non-functional
   :metrics: MET-1
   :no closing colon, see :ml:ref:`MET-1`

::

   .. metric:: In a literal block, shown as written
      :kind system

.. include:: part.inc

.. owner:: Sam
   :id: sam
   :backups: kim

.. owner:: Kim
   :id: kim
"""

PART = """\
.. metric:: Included
   :id: MET-2
   :kind: system
   kind: model
"""


def test_docutils_refuses_no_item_for_one_bad_option_line(build: Build, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    (src / "index.rst").write_text(UNREADABLE_RST)
    (src / "part.inc").write_text(PART)
    app = build(src, warningiserror=False)
    index, part = src / "index.rst", src / "part.inc"
    assert warnings_of(app) == [
        # The included file's item sorts first: it is in the page above the owners.
        f"{part}:4: ERROR: option :kind: cannot be read from 'kind: model': "
        "write it as ':kind: value' [mldesign.schema]",
        f"{index}:6: ERROR: option :kind: cannot be read from ':kind system': "
        "write it as ':kind: value' [mldesign.schema]",
        f"{index}:12: ERROR: option :kind: is written twice; only the first is read "
        "[mldesign.schema]",
        f"{index}:14: ERROR: option line cannot be read from "
        "':no closing colon, see :ml:ref:`MET-1`': write it as ':name: value' [mldesign.schema]",
    ]
    items = export_of(app)["items"]
    assert items["REQ-1"]["kind"] == "functional" and items["REQ-1"]["metrics"] == ["MET-1"]
    assert items["MET-1"]["owner"] == ["sam"] and items["MET-2"]["kind"] == "system"
    [literal] = [node.astext() for node in app.env.get_doctree("index").findall(literal_block)]
    assert literal.splitlines()[1] == "   :kind system"  # a literal block is left as written
