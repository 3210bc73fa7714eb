"""MyST pages: option values of our directives written exactly as in RST, unquoted."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Build, export_of, warnings_of
from sphinxcontrib_mldesign.directives.myst import needs_quotes, quote_option_values
from sphinxcontrib_mldesign.directives.unreadable import DirectiveOptions
from sphinxcontrib_mldesign.model.schema import compiled_schema

# Our directives as a project without schema extensions has them.
_METRIC = DirectiveOptions.of(compiled_schema("ml-metric", "{}").options)
OURS = {
    "metric": _METRIC,
    "ml-metric": _METRIC,
    "ml-requirement": DirectiveOptions.of(compiled_schema("ml-requirement", "{}").options),
}

VALUES = [">= 0.92", "> 1.0 %", "| piped", "#ranking-oncall", "users leave # at once", "< 5"]


@pytest.mark.parametrize("value", VALUES)
def test_a_value_yaml_would_misread_is_quoted(value: str) -> None:
    page = f"```{{metric}} M\n:id: M\n:crit: {value}\n```\n"
    assert quote_option_values(page, OURS).splitlines()[2] in (
        f":crit: {value}",  # nothing to quote ("< 5")
        f":crit: '{value}'",
    )
    assert (":crit: '" in quote_option_values(page, OURS)) is (value != "< 5")


def test_a_tab_before_a_hash_starts_a_comment_too() -> None:
    # YAML reads a comment there. (MyST 5's own reader refuses the tab, so a build quotes
    # the value even without this: only this test tells.)
    assert needs_quotes("users leave\t# at once")


def test_quoted_values_other_directives_and_code_are_left_alone() -> None:
    page = (
        "```{metric} M\n:id: M\n:crit: \"> 1\"\n:warn: 'it''s > 2'\n:source: it's # here\n```\n"
        "```{note}\n:class: > odd\n```\n"
        "````markdown\n```{metric} Shown\n:crit: > 3\n```\n````\n"
        "````{admonition} Nested\n```{ml-metric} In\n:crit: > 4\n```\n````\n"
    )
    lines = quote_option_values(page, OURS).splitlines()
    assert lines[2:5] == [':crit: "> 1"', ":warn: 'it''s > 2'", ":source: 'it''s # here'"]
    assert lines[7] == ":class: > odd"  # not our directive
    assert lines[11] == ":crit: > 3"  # an example in a code block
    assert lines[16] == ":crit: '> 4'"  # ours, nested in another directive
    assert len(lines) == len(page.splitlines())  # every line keeps its number


def test_a_yaml_options_block_is_quoted_too() -> None:
    page = ':::{metric} M\n---\nid: M\ncrit: > 1.0 %\n# a comment\nwarn: "> 0.5 %"\n---\n:::\n'
    lines = quote_option_values(page, OURS).splitlines()
    assert lines[3:6] == ["crit: '> 1.0 %'", "# a comment", 'warn: "> 0.5 %"']


RST_ITEMS = """\
Twins
=====

.. ml-requirement:: Fast
   :id: REQ-1
   :kind: non-functional
   :priority: must
   :target: <= 100 ms
   :metrics: MET-1, MET-2
   :rationale: users leave # at once
   :owner: sam

.. metric:: p99
   :id: MET-1
   :kind: system
   :target: p99 <= 80 ms
   :warn: >= 60 ms
   :crit: > 80 ms
   :owner: sam

.. metric:: Errors
   :id: MET-2
   :kind: system
   :warn: > 0.5 %
   :crit: > 1.0 %
   :owner: sam

.. owner:: Sam
   :id: sam
   :contact: #ranking-oncall
   :areas: serving
   :backups: kim

.. owner:: Kim
   :id: kim
   :areas: serving
"""

MYST_ITEMS = """\
# Twins

```{ml-requirement} Fast
:id: REQ-1
:kind: non-functional
:priority: must
:target: <= 100 ms
:metrics: MET-1, MET-2
:rationale: users leave # at once
:owner: sam
```

```{metric} p99
:id: MET-1
:kind: system
:target: p99 <= 80 ms
:warn: >= 60 ms
:crit: > 80 ms
:owner: sam
```

:::{metric} Errors
---
id: MET-2
kind: system
warn: > 0.5 %
crit: > 1.0 %
owner: sam
---
:::

```{owner} Sam
:id: sam
:contact: #ranking-oncall
:areas: serving
:backups: kim
```

```{owner} Kim
:id: kim
:areas: serving
```
"""


def test_unquoted_myst_exports_what_its_rst_twin_does(build: Build, tmp_path: Path) -> None:
    exports = {}
    for name, page, suffix in (("rst", RST_ITEMS, ".rst"), ("md", MYST_ITEMS, ".md")):
        src = tmp_path / name
        src.mkdir()
        (src / "conf.py").write_text(
            'extensions = ["sphinxcontrib_mldesign", "myst_parser"]\n'
            'myst_enable_extensions = ["colon_fence"]\nmldesign_today = "2026-11-01"\n'
        )
        (src / f"index{suffix}").write_text(page)
        app = build(src, warningiserror=False)
        assert warnings_of(app) == []  # no MyST warning, no lost option, no cascade
        exports[name] = {
            item_id: {k: v for k, v in item.items() if k != "lineno"}
            for item_id, item in export_of(app)["items"].items()
        }
    assert exports["md"] == exports["rst"]
    assert exports["md"]["MET-2"]["crit"]["text"] == "> 1.0 %"
    assert exports["md"]["sam"]["contact"] == "#ranking-oncall"
    assert exports["md"]["REQ-1"]["rationale"] == "users leave # at once"


def test_yaml_nested_too_deep_to_read_is_told_not_read_as_text() -> None:
    # YAML's reader recurses once per level: past Python's limit, the value is still told
    # as nested (it was read as the text "k0: k1: ...").
    nested = "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(1, 2000))
    page = f":::{{metric}} M\n---\nid: M\ntags:\n{nested}---\n:::\n"
    lines = quote_option_values(page, OURS).splitlines()
    assert lines[3].startswith("mldesign-yaml-nested-line-4: ")
    assert lines[4:-2] == [""] * 1999  # the lines under it go with it
