"""Reading other projects' exports from files: broken, malformed or hostile exports and
settings cost one warning at the import's line in conf.py, never the build."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import (
    Build,
    Copy,
    located,
    page,
    warnings_of,
)
from helpers import tables_of as tables


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "cannot read 'exports/payments.json': No such file or directory"),
        ("{not json", "'exports/payments.json' is not JSON"),
        ("[]", "'exports/payments.json' is not an mldesign.json export (no 'items' object)"),
        ('{"version": 2, "items": {}}', "'exports/payments.json' is an export of version 2"),
    ],
)
def test_a_broken_import_is_one_warning_at_its_line_in_conf_py(
    build: Build, copy_root: Copy, content: str | None, reason: str
) -> None:
    src = copy_root("portfolio")
    export = src / "exports" / "payments.json"
    if content is None:
        export.unlink()
    else:
        export.write_text(content, encoding="utf-8")
    app = build(src)
    found = located(app)
    # One warning, at the import's line; references to payments are not reported one by
    # one (they cannot be checked), the other import and the local checks go on.
    problems = [w for w in found if w[2] == "import"]
    assert [w[:3] for w in problems] == [("conf.py", 6, "import")]
    assert problems[0][3].startswith(f"mldesign_imports: {reason}")
    assert not [w for w in found if "payments:" in w[3]]
    assert ("rollups.rst", 19, "schema") in [w[:3] for w in found]
    assert '<span class="xref ml ml-req">the fresh index</span>' in page(app, "prose")
    assert "Search" in page(app, "rollups") and "Payments" not in page(app, "rollups")
    # The portfolio says so, rather than leaving the project out.
    [portfolio] = tables(page(app, "rollups"), "ml-portfolio")
    assert portfolio[2][:3] == [
        "payments",
        "✗ could not be read (see the build's import warning)",
        "—",
    ]


def test_entries_that_are_not_items_are_left_out_with_a_warning(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("portfolio")
    export = src / "exports" / "search.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    data["items"]["bad id"] = {"type": "ml-metric", "title": "x"}
    data["items"]["MET-X"] = {"type": "ml-widget", "title": "x"}
    data["items"]["MET-Y"] = "not an object"
    export.write_text(json.dumps(data), encoding="utf-8")
    app = build(src)
    problems = [w for w in located(app) if w[2] == "import"]
    assert problems == [
        ("conf.py", 7, "import", "mldesign_imports: 'exports/search.json' holds 3 entries "
         "under 'items' that are not items (no valid ID or type); they are left out")
    ]  # fmt: skip
    assert "search:REQ-FRESH" in page(app, "rollups")  # the rest is read


ALL_ROLLUPS = "".join(
    f"\n.. {name}::\n   :projects: all\n"
    for name in ("ml-portfolio", "ml-requirement-index", "ml-risk-index", "ml-monitoring-index",
                 "ml-ownership-index", "ml-fallback-chains", "ml-freshness-index",
                 "ml-architecture", "ml-trace")
)  # fmt: skip


#: Items of the types the fixture's exports lack, with every value a roll-up reads.
EVERY_TYPE = {
    "RISK-W": {"id": "RISK-W", "type": "ml-risk", "title": "W", "docname": "w", "lineno": 1,
               "likelihood": "high", "impact": "high", "score": 16, "status": "open",
               "mitigations": ["RISK-W"], "detected-by": ["C-W"], "affects": ["C-W"],
               "owner": ["x"], "review-by": "2027-01-01", "category": "data"},
    "C-W": {"id": "C-W", "type": "ml-component", "title": "W", "docname": "w", "lineno": 9,
            "kind": "model", "inputs": ["C-W"], "serves": ["RISK-W"], "metrics": ["C-W"],
            "fallbacks": ["C-W"], "owner": ["x"], "tech": "t", "repo": "r"},
}  # fmt: skip


@pytest.mark.parametrize("wrong", [5, 1.5, True, None, {"a": 1}, ["x", 1], [None], "text"])
def test_values_of_the_wrong_type_in_an_export_cost_only_themselves(
    build: Build, copy_root: Copy, wrong: object
) -> None:
    """Every option of every imported item set to a value of the wrong type (for most of
    them): the build warns once per export and shows every roll-up of every project."""
    src = copy_root("portfolio")
    keys = {"id", "type", "title", "docname", "lineno", "url"}
    for name in ("payments", "search"):
        export = src / "exports" / f"{name}.json"
        data = json.loads(export.read_text(encoding="utf-8"))
        data["items"].update(EVERY_TYPE)  # a risk and a component too
        for item in data["items"].values():
            item.update({key: wrong for key in item if key not in keys})
        export.write_text(json.dumps(data), encoding="utf-8")
    (src / "plain.rst").write_text("Plain\n=====\n" + ALL_ROLLUPS, encoding="utf-8")
    app = build(src)
    problems = [w for w in located(app) if w[2] == "import"]
    assert len(problems) == 2 and all("of the wrong type" in w[3] for w in problems), problems
    assert "payments:REQ-AVAIL" in page(app, "plain")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ('{"version": 1, "items": {"X": {"type": ["ml-metric"]}}}', "1 entries under 'items'"),
        ('{"version": 1, "items": {}, "violations": 5}', "'violations' is not a list"),
        ('{"version": true, "items": {}}', "an export of version True"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_an_export_of_the_wrong_shape_is_a_warning(
    build: Build, copy_root: Copy, data: str, reason: str
) -> None:
    src = copy_root("portfolio")
    (src / "exports" / "search.json").write_text(data, encoding="utf-8")
    app = build(src)
    problems = [w for w in located(app) if w[2] == "import"]
    assert len(problems) == 1 and reason in problems[0][3], problems


def test_text_that_is_not_unicode_or_not_printable_costs_no_build(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("portfolio")
    # An escaped lone surrogate: valid JSON, no text any output can hold.
    (src / "exports" / "search.json").write_text(
        '{"version": 1, "items": {"R": {"type": "ml-requirement", "title": "x\\ud800"}}}'
    )
    # A NUL and a very long title in a diagram's labels.
    export = src / "exports" / "payments.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    data["items"]["REQ-AVAIL"]["title"] = "Bad\u0000title " + "x" * 20_000
    export.write_text(json.dumps(data), encoding="utf-8")
    (src / "plain.rst").write_text("Plain\n=====\n\n.. ml-trace::\n   :projects: all\n")
    for builder in ("html", "text"):
        app = build(src, builder)
        assert [w[:3] for w in located(app) if w[2] == "import"] == [("conf.py", 7, "import")]
        assert any("search.json' is not valid Unicode" in w for w in warnings_of(app))
        assert not [w for w in warnings_of(app) if "dot" in w]  # the diagram is drawn
    html = page(build(src), "plain")
    assert "\x00" not in html and "Badtitle" in html


def test_links_in_an_export_must_be_web_urls(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    export = src / "exports" / "payments.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    data["items"]["REQ-AVAIL"]["url"] = "javascript:alert(document.cookie)"
    data["items"]["MET-LAT"]["url"] = "metrics.html#MET-LAT"
    data["rollups"]["ml-requirement-index"]["url"] = "JAVASCRIPT:alert(1)"
    export.write_text(json.dumps(data), encoding="utf-8")
    app = build(src)
    for name in ("prose", "design", "rollups"):
        html = page(app, name)
        assert "javascript:" not in html.lower() and 'href="metrics.html' not in html


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('mldesign_imports = ["payments"]', "mldesign_imports must be a dict"),
        ('mldesign_imports = {"pay:ments": "x.json"}', "'pay:ments' cannot name a project"),
        ('mldesign_imports = {"all": "x.json"}', "'all' is reserved"),
        ('mldesign_imports = {"payments": ""}', "mldesign_imports['payments'] must be"),
        ('mldesign_imports_cache_limit = "1d"', "whole number of days"),
        ("mldesign_imports_timeout = 0", "number of seconds > 0"),
        ('mldesign_imports_timeout = float("inf")', "at most 3600"),
    ],
)
def test_import_settings_are_checked(
    make_app: Callable[..., SphinxTestApp], copy_root: Copy, setting: str, message: str
) -> None:
    from sphinx.errors import ConfigError

    src = copy_root("portfolio")
    conf = src / "conf.py"
    conf.write_text(conf.read_text() + setting + "\n")
    with pytest.raises(ConfigError, match=re.escape(message)):
        make_app("html", srcdir=src)
