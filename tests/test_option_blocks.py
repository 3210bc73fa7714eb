"""Option blocks written almost right (a blank line inside, an option indented otherwise, a
YAML list), in RST and MyST: read as meant, or one error at the line that says what to
change; and hints that name what was meant (case, prefix, commas, other words)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import Build, export_of, warnings_of
from sphinxcontrib_mldesign.model.formats import close_to

CONF = (
    'extensions = ["myst_parser", "sphinxcontrib_mldesign"]\n'
    'myst_enable_extensions = ["colon_fence"]\nshow_warning_types = True\n'
    # The metrics here have no thresholds on purpose; their requirements' gap is not the point.
    'mldesign_rules = {"requirement-unmonitored": "off"}\n'
)

OWNERS_RST = """
.. metric:: p99
   :id: MET-P99
   :kind: system
   :owner: owner.ines

.. owner:: Ines
   :id: owner.ines
"""

OWNERS_MD = """
```{metric} p99
:id: MET-P99
:kind: system
:owner: owner.ines
```

```{owner} Ines
:id: owner.ines
```
"""


def _build(build: Build, tmp_path: Path, name: str, page: str) -> tuple[SphinxTestApp, Path]:
    src = tmp_path / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(CONF)
    (src / name).write_text(page)
    return build(src, warningiserror=False), src / name


def _item(app: SphinxTestApp, item_id: str) -> dict[str, Any]:
    item: dict[str, Any] = export_of(app)["items"][item_id]
    return item


BLANK_RST = """\
Blank lines
===========

.. ml-requirement:: Fast
   :id: REQ-1
   :target: p99 <= 200 ms

   :metrics: MET-P99
   :owner: owner.ines

   Users leave when it is slow.

.. ml-requirement:: Credited
   :id: REQ-2
   :owner: owner.ines

   :Author: Kim
   :Metrics: named in a field list that is no option (the case differs in MyST only)
"""

BLANK_MD_FIELDS = """\
# Blank lines

```{ml-requirement} Fast
:id: REQ-1
:target: p99 <= 200 ms

:metrics: MET-P99
:owner: owner.ines

Users leave when it is slow.
```

```{ml-requirement} Credited
:id: REQ-2
:owner: owner.ines

:Author: Kim
```
"""

BLANK_MD_YAML = """\
# Blank lines

:::{ml-requirement} Fast
---
id: REQ-1
target: p99 <= 200 ms

kind: functional
---

:metrics: MET-P99
:owner: owner.ines

Users leave when it is slow.
:::

:::{ml-requirement} Credited
---
id: REQ-2
owner: owner.ines
---
:Author: Kim
:::
"""


@pytest.mark.parametrize(
    ("page", "name", "expected"),
    [
        (
            BLANK_RST + OWNERS_RST,
            "index.rst",
            "8: ERROR: ':metrics:' and ':owner:' are read as body text, not as options: "
            "the blank line at line 7 ends the options; remove it",
        ),
        (
            BLANK_MD_FIELDS + OWNERS_MD,
            "index.md",
            "7: ERROR: ':metrics:' and ':owner:' are read as body text, not as options: "
            "the blank line at line 6 ends the options; remove it",
        ),
        (
            BLANK_MD_YAML + OWNERS_MD,
            "index.md",
            "11: ERROR: ':metrics:' and ':owner:' are read as body text, not as options: "
            "they are below the '---' block of options; move them into the block",
        ),
    ],
)
def test_options_after_a_blank_line_are_one_error_at_the_first(
    page: str, name: str, expected: str, build: Build, tmp_path: Path
) -> None:
    app, path = _build(build, tmp_path, name, page)
    # One error, naming the cause; not "has no :owner:" (a blank line inside a YAML block
    # ends nothing: there, kind is read).
    assert warnings_of(app) == [f"{path}:{expected} [mldesign.schema]"]
    item = _item(app, "REQ-1")
    assert item["target"]["text"] == "p99 <= 200 ms"
    assert "metrics" not in item and "owner" not in item  # not read, and no default
    assert item["invalid"] == ["metrics", "owner"]
    assert "invalid" not in _item(app, "REQ-2")  # a field list of no option is body text


MISINDENTED_RST = """\
Indents
=======

.. ml-requirement:: Less
   :id: REQ-1
  :target: p99 <= 200 ms
   :owner: owner.ines

.. ml-requirement:: More
   :id: REQ-2
     :target: p99 <= 200 ms
   :owner: owner.ines
   :rationale: users leave,
      :see: the study

.. ml-requirement:: First
  :id: REQ-3
   :kind: functional
   :owner: owner.ines
"""

MISINDENTED_YAML = """\
# Indents

:::{ml-requirement} More
---
id: REQ-2
  target: p99 <= 200 ms
owner: owner.ines
rationale: users leave,
  see: the study
---
:::
"""

LESS = "is indented less than the other options: indent it like them"
MORE = "is indented more than the other {}, so it would be read as part of the value above"


def test_a_misindented_rst_option_is_told_its_indentation(build: Build, tmp_path: Path) -> None:
    app, path = _build(build, tmp_path, "index.rst", MISINDENTED_RST + OWNERS_RST)
    assert warnings_of(app) == [
        f"{path}:6: ERROR: option :target: {LESS} [mldesign.schema]",
        f"{path}:11: ERROR: option :target: {MORE.format('options')}: indent it like them "
        "[mldesign.schema]",
        # The options most of the block shares set the indent: the odd one is told.
        f"{path}:17: ERROR: option :id: {LESS} [mldesign.schema]",
    ]
    for item_id in ("REQ-1", "REQ-2"):
        item = _item(app, item_id)
        assert item["owner"] == ["owner.ines"] and item["invalid"] == ["target"]
    # A deeper line naming no option goes on with the value above, as docutils reads it.
    assert _item(app, "REQ-2")["rationale"] == "users leave,\n:see: the study"


def test_a_misindented_yaml_key_is_told_its_indentation(build: Build, tmp_path: Path) -> None:
    app, path = _build(build, tmp_path, "index.md", MISINDENTED_YAML + OWNERS_MD)
    assert warnings_of(app) == [
        f"{path}:6: ERROR: option :target: {MORE.format('keys')}: indent it like them "
        "[mldesign.schema]",
    ]
    item = _item(app, "REQ-2")
    assert item["id"] == "REQ-2" and item["invalid"] == ["target"]  # not "REQ-2 target: …"
    assert item["rationale"] == "users leave, see: the study"  # YAML's own reading


YAML_LISTS = """\
# Lists

:::{ml-requirement} Lists
---
id: REQ-1
tags:
  - latency
  - "serving"
metrics:
- MET-P99
owner: [owner.ines]
---
:::

:::{ml-requirement} Not lists
---
id: REQ-2
kind:
  - functional
owner:
  name: owner.ines
priority: could
---
:::
"""


def test_a_yaml_list_in_a_block_is_read_as_the_list(build: Build, tmp_path: Path) -> None:
    app, path = _build(build, tmp_path, "index.md", YAML_LISTS + OWNERS_MD)
    assert warnings_of(app) == [
        f"{path}:18: ERROR: option :kind: takes one value, not a YAML list: write it as "
        "'kind: value' [mldesign.schema]",
        f"{path}:20: ERROR: option :owner: is written as a nested YAML mapping: write it as "
        "'owner: value' (a list as 'a, b' or '- a' lines) [mldesign.schema]",
    ]
    listed = _item(app, "REQ-1")
    assert listed["tags"] == ["latency", "serving"]  # not ["- latency - serving"]
    assert listed["metrics"] == ["MET-P99"] and listed["owner"] == ["owner.ines"]
    other = _item(app, "REQ-2")
    # Nothing made up: no default kind, no owner, and the next key is read as written.
    assert "kind" not in other and "owner" not in other and other["priority"] == "could"
    assert other["invalid"] == ["kind", "owner"]


@pytest.mark.parametrize(
    ("wrong", "choices", "meant"),
    [
        ("met-p99", ["MET-P99", "MET-ERR"], ["MET-P99"]),  # case
        ("Must", ["must", "should"], ["must"]),
        ("ines", ["owner.ines", "owner.kim"], ["owner.ines"]),  # after the prefix
        ("p99", ["MET-P99", "MET-ERR"], ["MET-P99"]),
        ("p99", ["MET-P99", "REQ-P99"], []),  # which one: no guess
        ("p99", ["MET-P99", "P99"], ["P99"]),  # the same but for case comes first
        ("met-a", ["MET-a", "MET-A"], []),  # which one, as for prefixes: no guess
        ("met-b", ["MET-a", "MET-A"], []),  # nor for a typo of either
        ("medium", ["very-low", "low", "moderate", "high", "very-high"], ["moderate"]),
        ("critical", ["page", "ticket", "log"], ["page"]),  # a synonym, by the enum
        ("critical", ["very-low", "low", "moderate", "high", "very-high"], ["very-high"]),
        ("Real_Time", ["batch", "real-time", "stream"], ["real-time"]),
        ("online", ["batch", "real-time", "stream"], ["real-time"]),
        ("priorty", ["priority", "kind"], ["priority"]),  # a typo, as before
        ("could", ["should"], []),  # another word, not a typo
    ],
)
def test_close_to_names_what_was_meant(wrong: str, choices: list[str], meant: list[str]) -> None:
    assert close_to(wrong, choices) == meant


HINTS_RST = """\
Hints
=====

.. ml-requirement:: Fast
   :id: REQ-1
   :metrics: met-p99
   :owner: ines
   :inference: realtime

.. ml-requirement:: Spaced
   :id: REQ-2
   :metrics: MET-P99 MET-ERR
   :owner: owner.ines

.. ml-risk:: Slow
   :id: RISK-1
   :likelihood: medium
   :impact: critical
   :owner: owner.ines

.. metric:: errors
   :id: MET-ERR
   :kind: system
   :severity: crit
   :owner: owner.ines
"""


def test_hints_name_what_was_meant(build: Build, tmp_path: Path) -> None:
    app, path = _build(build, tmp_path, "index.rst", HINTS_RST + OWNERS_RST)
    levels = "very-low, low, moderate, high, very-high"
    assert [line.removeprefix(f"{path}:") for line in warnings_of(app)] == [
        "6: ERROR: :metrics: 'met-p99' names no item; did you mean 'MET-P99'? "
        "[mldesign.unknown-ref]",
        "7: ERROR: :owner: 'ines' names no item; did you mean 'owner.ines'? [mldesign.unknown-ref]",
        "8: ERROR: :inference: 'realtime' is not one of: batch, real-time, stream; "
        "did you mean 'real-time'? [mldesign.schema]",
        "12: ERROR: :metrics: 'MET-P99 MET-ERR' is 2 IDs separated by spaces; separate refs "
        "with commas: 'MET-P99, MET-ERR' [mldesign.schema]",
        f"17: ERROR: :likelihood: 'medium' is not one of: {levels}; did you mean 'moderate'? "
        "[mldesign.schema]",
        f"18: ERROR: :impact: 'critical' is not one of: {levels}; did you mean 'very-high'? "
        "[mldesign.schema]",
        "24: ERROR: :severity: 'crit' is not one of: page, ticket, log; did you mean 'page'? "
        "[mldesign.schema]",
    ]
    # A hint is a hint: the value stays unread, and no default stands in for it.
    assert "score" not in _item(app, "RISK-1") and "severity" not in _item(app, "MET-ERR")
    assert "metrics" not in _item(app, "REQ-2")


FIRST_HOUR_MD = """\
# A first MyST design doc

```{ml-requirement} Fast answers
:id: REQ-FAST
:kind: non-functional
:target: p99 <= 200 ms

:metrics: MET-P99
:owner: owner.ines
```

:::{ml-requirement} Served live
---
id: REQ-LIVE
inference: realtime
  owner: owner.ines
tags:
  - serving
  - latency
metrics: met-p99
fallbacks:
  - FB-CACHE
---
:::

:::{ml-requirement} Watched
---
id: REQ-WATCHED
owner: ines
metrics: MET-P99 MET-ERR
status:
  - draft
---
:::

:::{ml-risk} Slow model
---
id: RISK-SLOW
likelihood: medium
impact: high
owner:
  name: owner.ines
---
:::

```{metric} Errors
:id: MET-ERR
:kind: system
:crit: > 1 %
:severity: critical
:owner: owner.ines
```

```{fallback} Cached answers
:id: FB-CACHE
:kind: constant
:protects: REQ-LIVE
:owner: owner.ines
```
"""


def test_a_first_myst_doc_gets_one_located_message_per_mistake(
    build: Build, tmp_path: Path
) -> None:
    app, path = _build(build, tmp_path, "index.md", FIRST_HOUR_MD + OWNERS_MD)
    assert [line.removeprefix(f"{path}:") for line in warnings_of(app)] == [
        "8: ERROR: ':metrics:' and ':owner:' are read as body text, not as options: "
        "the blank line at line 7 ends the options; remove it [mldesign.schema]",
        "15: ERROR: :inference: 'realtime' is not one of: batch, real-time, stream; "
        "did you mean 'real-time'? [mldesign.schema]",
        "16: ERROR: option :owner: is indented more than the other keys, so it would be read "
        "as part of the value above: indent it like them [mldesign.schema]",
        "20: ERROR: :metrics: 'met-p99' names no item; did you mean 'MET-P99'? "
        "[mldesign.unknown-ref]",
        "29: ERROR: :owner: 'ines' names no item; did you mean 'owner.ines'? "
        "[mldesign.unknown-ref]",
        "30: ERROR: :metrics: 'MET-P99 MET-ERR' is 2 IDs separated by spaces; separate refs "
        "with commas: 'MET-P99, MET-ERR' [mldesign.schema]",
        "31: ERROR: option :status: takes one value, not a YAML list: write it as "
        "'status: value' [mldesign.schema]",
        "39: ERROR: :likelihood: 'medium' is not one of: very-low, low, moderate, high, "
        "very-high; did you mean 'moderate'? [mldesign.schema]",
        "41: ERROR: option :owner: is written as a nested YAML mapping: write it as "
        "'owner: value' (a list as 'a, b' or '- a' lines) [mldesign.schema]",
        "50: ERROR: :severity: 'critical' is not one of: page, ticket, log; did you mean "
        "'page'? [mldesign.schema]",
    ]
    items = export_of(app)["items"]
    # The lists are read as lists.
    assert items["REQ-LIVE"]["tags"] == ["serving", "latency"]
    assert items["REQ-LIVE"]["fallbacks"] == ["FB-CACHE"]
    # No value invented: nothing wrongly written is read, and no default stands in for it.
    expected_invalid = {
        "REQ-FAST": ["metrics", "owner"],
        "REQ-LIVE": ["inference", "owner"],
        "REQ-WATCHED": ["metrics", "status"],
        "RISK-SLOW": ["likelihood", "owner"],
        "MET-ERR": ["severity"],
    }
    for item_id, invalid in expected_invalid.items():
        assert items[item_id]["invalid"] == invalid
        assert not set(invalid) & items[item_id].keys(), item_id
    assert "score" not in items["RISK-SLOW"]


BLOCK_SCALARS_MD = """\
# Block scalars

:::{metric} Literal
---
id: MET-LIT
kind: system
owner: owner.ines
source: |
  owner: the platform team
  runs it
---
:::

:::{ml-requirement} Folded
---
id: REQ-FOLDED
owner: owner.ines
rationale: >-
  metrics: are hard to pick
  when crit: > 5 ms
tags: a
---
:::

```{metric} Field lines
:id: MET-FIELD
:kind: system
:owner: owner.ines
:source: |
```
"""

BLOCK_SCALARS_RST = """\
Block scalars
=============

.. metric:: Field lines
   :id: MET-FIELD
   :kind: system
   :owner: owner.ines
   :source: |
"""


def test_a_yaml_block_scalar_is_read_as_yaml_reads_it(build: Build, tmp_path: Path) -> None:
    app, _ = _build(build, tmp_path, "index.md", BLOCK_SCALARS_MD + OWNERS_MD)
    # Not `source: "|"` with "option :owner: is indented more…": the lines under the
    # indicator are its text, however much they look like keys or conditions.
    assert warnings_of(app) == []
    assert _item(app, "MET-LIT")["source"] == "owner: the platform team\nruns it"
    folded = _item(app, "REQ-FOLDED")
    assert folded["rationale"] == "metrics: are hard to pick when crit: > 5 ms"
    assert folded["tags"] == ["a"] and "invalid" not in folded
    # In ':name: value' lines, '|' is a value as in RST, where it is nothing else.
    assert _item(app, "MET-FIELD")["source"] == "|"
    rst, _ = _build(build, tmp_path / "rst", "index.rst", BLOCK_SCALARS_RST + OWNERS_RST)
    assert _item(rst, "MET-FIELD")["source"] == "|"


PLACEHOLDER_NAMES_RST = """\
Names
=====

.. metric:: p99
   :id: MET-1
   :kind: system
   :mldesign-yaml-list-line-x: y
   :mldesign-unreadable-line-: z
   :owner: owner.ines
"""

PLACEHOLDER_NAMES_MD = """\
# Names

```{metric} p99
:id: MET-1
:kind: system
:mldesign-yaml-list-line-x: y
:mldesign-unreadable-line-: z
:owner: owner.ines
```
"""


@pytest.mark.parametrize(
    ("page", "name", "first"),
    [(PLACEHOLDER_NAMES_RST + OWNERS_RST, "index.rst", 7), (PLACEHOLDER_NAMES_MD, "index.md", 6)],
)
def test_an_option_named_like_a_placeholder_is_an_unknown_option(
    page: str, name: str, first: int, build: Build, tmp_path: Path
) -> None:
    app, path = _build(build, tmp_path, name, page)  # no traceback
    unknown = [line for line in warnings_of(app) if "unknown option" in line]
    assert [line.split(" for ml-metric")[0] for line in unknown] == [
        f"{path}:{first}: ERROR: unknown option :mldesign-yaml-list-line-x:",
        f"{path}:{first + 1}: ERROR: unknown option :mldesign-unreadable-line-:",
    ]
    item = _item(app, "MET-1")
    assert item["kind"] == "system" and item["owner"] == ["owner.ines"]


LIST_THEN_KEY_MD = """\
# A list, then a key indented under it

:::{ml-requirement} Explained
---
id: REQ-1
tags:
- review
- explainability
  owner: owner.ines
---
:::
"""


def test_a_key_indented_under_a_yaml_list_is_told_the_list_is_read(
    build: Build, tmp_path: Path
) -> None:
    app, path = _build(build, tmp_path, "index.md", LIST_THEN_KEY_MD + OWNERS_MD)
    # One error, at the key; not at the list's lines, and no "has no :owner:".
    assert warnings_of(app) == [
        f"{path}:9: ERROR: option :owner: {MORE.format('keys')}: indent it like them "
        "[mldesign.schema]",
    ]
    item = _item(app, "REQ-1")
    assert item["tags"] == ["review", "explainability"]  # not []
    assert "owner" not in item and item["invalid"] == ["owner"]


TIE_RST = """\
Ties
====

.. ml-requirement:: First deeper
     :kind: constraint
   :id: REQ-1

.. ml-requirement:: Two and two
   :id: REQ-2
     :kind: constraint
     :priority: must
   :owner: owner.ines
"""


def test_a_tie_of_indents_goes_to_the_one_docutils_reads(build: Build, tmp_path: Path) -> None:
    app, path = _build(build, tmp_path, "index.rst", TIE_RST + OWNERS_RST)
    assert [line for line in warnings_of(app) if "indented" in line] == [
        # Not ":id: is indented less": docutils reads the less indented option, and would
        # read the deeper first line as the title going on.
        f"{path}:5: ERROR: option :kind: is indented more than the other options, so it "
        "would be read as part of the title: indent it like them [mldesign.schema]",
        f"{path}:10: ERROR: option :kind: {MORE.format('options')}: indent it like them "
        "[mldesign.schema]",
        f"{path}:11: ERROR: option :priority: {MORE.format('options')}: indent it like them "
        "[mldesign.schema]",
    ]
    first = _item(app, "REQ-1")  # it keeps its ID; no default stands in for its kind
    assert first["invalid"] == ["kind"] and "kind" not in first
    assert _item(app, "REQ-2")["owner"] == ["owner.ines"]


ENTRIES_MD = """\
# List entries

:::{ml-requirement} Entries
---
id: REQ-1
owner: owner.ines
tags:
  - "a, b"
  -
  - ok
  - #ml
---
:::
"""


def test_a_yaml_list_entry_a_list_cannot_hold_is_an_error_at_its_line(
    build: Build, tmp_path: Path
) -> None:
    app, path = _build(build, tmp_path, "index.md", ENTRIES_MD + OWNERS_MD)
    assert warnings_of(app) == [
        f"{path}:8: ERROR: option :tags: has a list entry holding a comma ('- \"a, b\"'), "
        "which separates values: write each value on a '- ' line of its own [mldesign.schema]",
        f"{path}:9: ERROR: option :tags: has an empty list entry ('-'): write its value, or "
        "remove the line [mldesign.schema]",
        f"{path}:11: ERROR: option :tags: has an empty list entry ('- #ml'): '#' starts a "
        "YAML comment: quote the value [mldesign.schema]",
    ]
    item = _item(app, "REQ-1")
    # Not ["a", "b", "ok"]: the list is not read at all, rather than read otherwise.
    assert "tags" not in item and item["invalid"] == ["tags"]


TABS_MD = """\
# Tabs

```{metric} Fields
:id: MET-1
:kind:\tsystem
  :severity: log
:owner: owner.ines
```

:::{metric} Block
---
id: MET-2
kind:\tsystem
owner: owner.ines
---
:::
"""

TABS_RST = """\
Tabs
====

.. metric:: Fields
   :id: MET-1
   :kind:\tsystem
   :owner: owner.ines
"""


def test_a_tab_after_an_option_name_is_told_as_written(build: Build, tmp_path: Path) -> None:
    app, path = _build(build, tmp_path, "index.md", TABS_MD + OWNERS_MD)
    fix = "a tab cannot follow the name: write a space [mldesign.schema]"
    assert warnings_of(app) == [
        # What the author wrote (the tab shown as \t), not the value as the build quoted it.
        f"{path}:5: ERROR: option :kind: cannot be read from ':kind:\\tsystem': {fix}",
        f"{path}:13: ERROR: option :kind: cannot be read from 'kind:\\tsystem': {fix}",
    ]
    # MyST reads ':name: value' lines alike however indented: nothing to tell.
    assert _item(app, "MET-1")["severity"] == "log"
    # docutils reads a tab as blanks: in RST the line is read.
    rst, _ = _build(build, tmp_path / "rst", "index.rst", TABS_RST + OWNERS_RST)
    assert warnings_of(rst) == [] and _item(rst, "MET-1")["kind"] == "system"


# docutils reads a vertical tab or form feed as a space, and ends a line at U+2028.
SPACES_RST = """\
Odd blanks
==========

.. metric:: Vertical tab
   :id: MET-1
   :\vkind: system
   :owner: owner.ines

.. metric:: Line separator
   :id: MET-2
   :kind: system\u2028   :kind: log
   :owner: owner.ines
"""


def test_odd_blanks_in_an_rst_option_block_are_read_as_docutils_reads_them(
    build: Build, tmp_path: Path
) -> None:
    app, path = _build(build, tmp_path, "index.rst", SPACES_RST + OWNERS_RST)
    # Each item is kept (docutils refused both directives), the line told as written.
    assert warnings_of(app) == [
        f"{path}:4: ERROR: missing required option :kind: [mldesign.schema]",
        f"{path}:6: ERROR: option line cannot be read from ':\\x0bkind: system': write it "
        "as ':name: value' [mldesign.schema]",
        f"{path}:12: ERROR: option :kind: is written twice; only the first is read "
        "[mldesign.schema]",
    ]
    assert "kind" not in _item(app, "MET-1")
    assert _item(app, "MET-2")["kind"] == "system"


REPEATED_IN_BODY_MD = """\
# An option again below the blank line

```{metric} p99
:id: MET-1
:kind: system

:kind: system
:owner: owner.ines
```
"""


def test_options_in_the_body_are_told_at_their_line_not_at_a_same_line_above(
    build: Build, tmp_path: Path
) -> None:
    # The body's first line is found below the options, not at the option written alike.
    app, path = _build(build, tmp_path, "index.md", REPEATED_IN_BODY_MD + OWNERS_MD)
    assert warnings_of(app) == [
        f"{path}:7: ERROR: ':kind:' and ':owner:' are read as body text, not as options: "
        "the blank line at line 6 ends the options; remove it [mldesign.schema]",
    ]
