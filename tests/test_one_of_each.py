"""One of each (issue 22, item 3): one web-URL test, one family of duration parsers, one
qualified-ID helper, and no state kept in a module between builds. Each helper's behaviour
is pinned here, edge cases included, and so is what its callers make of it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sphinxcontrib_mldesign
from helpers import Build, page, warnings_of
from sphinxcontrib_mldesign.directives.unreadable import our_directives
from sphinxcontrib_mldesign.model.alerts import differences, seconds, thresholds
from sphinxcontrib_mldesign.model.formats import (
    FormatError,
    duration_seconds,
    parse_duration,
    prometheus_seconds,
)
from sphinxcontrib_mldesign.model.generated_rules import alerting_rule
from sphinxcontrib_mldesign.model.imports import is_web_url
from sphinxcontrib_mldesign.model.items import QualifiedId, qualify, split_qualified

PACKAGE = Path(sphinxcontrib_mldesign.__file__).parent

# -- the web-URL test ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["http://example.com", "https://example.com/a?b=c", "HTTPS://EXAMPLE.COM", "Http://x"],
)
def test_a_web_url_is_http_or_https_whatever_the_case_of_its_scheme(value: str) -> None:
    assert is_web_url(value)


@pytest.mark.parametrize(
    "value",
    ["javascript:alert(1)", "ftp://example.com", "/runbooks/x.html", "runbooks/x.md",
     "mailto:a@b.c", "http:/x", " https://x", "", None, 42],
)  # fmt: skip
def test_anything_else_is_no_web_url(value: object) -> None:
    assert not is_web_url(value)


def _metric(runbook: str, for_: str = "5m") -> dict[str, object]:
    return {
        "id": "MET-LAT", "title": "Latency", "query": "x", "severity": "page",
        "crit": {"text": "> 1", "op": ">", "value": 1}, "for": {"text": for_},
        "runbook": runbook,
    }  # fmt: skip


@pytest.mark.parametrize("url", ["https://runbooks.example.com/lat", "HTTPS://RUNBOOKS/LAT"])
def test_a_runbook_url_becomes_the_alerts_runbook_url_in_any_case(url: str) -> None:
    metric = _metric(url)
    annotations = alerting_rule(metric, thresholds(metric)[0])["annotations"]
    assert annotations["runbook_url"] == url
    assert "runbook" not in annotations


def test_a_runbook_that_is_no_url_stays_a_runbook_annotation() -> None:
    metric = _metric("runbooks/latency.md")
    annotations = alerting_rule(metric, thresholds(metric)[0])["annotations"]
    assert annotations["runbook"] == "runbooks/latency.md"
    assert "runbook_url" not in annotations


MYST_CONF = 'extensions = ["sphinxcontrib_mldesign", "myst_parser"]\nproject = "Links"\n'
MYST_PAGE = """\
# Links

```{ml-owner} Sam
:id: sam
```

```{metric} Upper case
:id: MET-UPPER
:kind: system
:owner: sam
:runbook: HTTPS://runbooks.example.com/upper
```

```{metric} Two words
:id: MET-WORDS
:kind: system
:owner: sam
:runbook: https://runbooks.example.com/a see the wiki
```
"""


def test_an_option_holding_one_web_url_is_a_link_in_myst_whatever_its_case(
    build: Build, tmp_path: Path
) -> None:
    """MyST does not link bare URLs, so the directive does; an upper-case scheme is a URL
    too (it used to stay text). A value with more than the URL is left to the parser."""
    (tmp_path / "conf.py").write_text(MYST_CONF, encoding="utf-8")
    (tmp_path / "index.md").write_text(MYST_PAGE, encoding="utf-8")
    app = build(tmp_path)
    assert warnings_of(app) == []
    html = page(app, "index")
    assert 'href="HTTPS://runbooks.example.com/upper"' in html
    assert "https://runbooks.example.com/a see the wiki" in html
    assert 'href="https://runbooks.example.com/a' not in html


# -- durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5m", 300), ("300s", 300), ("12h", 43200), ("7d", 604800), ("2w", 1209600),
     (" 5m ", 300)],
)  # fmt: skip
def test_a_duration_option_is_a_whole_number_and_one_unit(text: str, expected: int) -> None:
    assert duration_seconds(text) == expected
    assert parse_duration(text) == {"text": text.strip(), "seconds": expected}


@pytest.mark.parametrize("text", ["1h30m", "500ms", "1y", "5", "m", "5x", "-5m", "1.5h", ""])
def test_what_is_no_duration_option_is_refused(text: str) -> None:
    with pytest.raises(FormatError, match="is not a duration like"):
        duration_seconds(text)


def test_a_duration_with_a_space_before_its_unit_is_refused_with_the_fix() -> None:
    with pytest.raises(FormatError, match="write it without a space: '5m'"):
        duration_seconds("5 m")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1h30m", 5400), ("5m", 300), ("300s", 300), ("500ms", 0.5), ("1m30s", 90),
     ("1y", 31536000), ("2w1d", 1296000), ("1h0m", 3600)],
)  # fmt: skip
def test_prometheus_durations_combine_units(text: str, expected: float) -> None:
    assert prometheus_seconds(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["5 m", " 5m", "1h 30m", "1.5h", "h", "5", "5mm", "", "5M"])
def test_what_prometheus_does_not_read_is_none(text: str) -> None:
    assert prometheus_seconds(text) is None


@pytest.mark.parametrize(
    ("doc", "deployed"), [("5m", "300s"), ("90m", "1h30m"), ("1h", "60m"), (" 5m", "5m")]
)
def test_durations_are_compared_by_length_not_text(doc: str, deployed: str) -> None:
    assert seconds(doc) == seconds(deployed) is not None
    threshold = thresholds(_metric("", for_=doc))[0]
    assert [d.option for d in differences(threshold, "(x) > 1", deployed, "page")] == []


@pytest.mark.parametrize(("doc", "deployed"), [("5m", "10m"), ("1h30m", "1h"), ("5m", None)])
def test_a_different_length_is_drift(doc: str, deployed: str | None) -> None:
    threshold = thresholds(_metric("", for_=doc))[0]
    assert [d.option for d in differences(threshold, "(x) > 1", deployed, "page")] == ["for"]


@pytest.mark.parametrize("text", [None, "", "5 m", "soon"])
def test_an_absent_or_unreadable_duration_has_no_length(text: str | None) -> None:
    assert seconds(text) is None


# -- qualified IDs -------------------------------------------------------------------------

IMPORTS = {"payments", "search.v2"}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("payments:REQ-1", ("payments", "REQ-1")),
        ("search.v2:MET-1", ("search.v2", "MET-1")),
        # A local ID may hold ':' itself: qualified only by an import's name.
        ("ns:REQ-1", (None, "ns:REQ-1")),
        ("payments:ns:REQ-1", ("payments", "ns:REQ-1")),  # the first ':' ends the name
        ("Payments:REQ-1", (None, "Payments:REQ-1")),  # names are compared as written
        ("payments", (None, "payments")),  # an import's name alone is no qualified ID
        ("payments:", ("payments", "")),  # the import's, naming nothing there
        (":payments", (None, ":payments")),  # no name before the ':'
        ("REQ-1", (None, "REQ-1")),
    ],
)
def test_a_target_is_qualified_only_by_an_imports_name(
    target: str, expected: tuple[str | None, str]
) -> None:
    assert split_qualified(target, IMPORTS) == QualifiedId(*expected)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("ns:REQ-1", ("ns", "REQ-1")),
        ("a:b:c", ("a", "b:c")),
        ("REQ-1", (None, "REQ-1")),
        (":REQ-1", (None, ":REQ-1")),  # an empty name is no project's
        (":", (None, ":")),
    ],
)
def test_without_the_imports_any_name_before_a_colon_is_taken(
    target: str, expected: tuple[str | None, str]
) -> None:
    assert split_qualified(target) == expected


def test_qualify_and_split_are_inverses() -> None:
    qualified = qualify("payments", "ns:REQ-1")
    assert qualified == "payments:ns:REQ-1"
    project, local_id = split_qualified(qualified, IMPORTS)
    assert (project, local_id) == ("payments", "ns:REQ-1")


LOCAL_COLON = """\
Colons
======

.. ml-owner:: Sam
   :id: sam

.. ml-requirement:: A requirement whose ID holds a colon
   :id: ns:REQ-1
   :priority: should
   :owner: sam

See :ml:req:`ns:REQ-1` and :ml:req:`ns:REQ-2`.
"""


def test_a_local_id_holding_a_colon_is_this_projects(build: Build, tmp_path: Path) -> None:
    """No import is named ``ns``: ``ns:REQ-1`` is this project's item, linked; ``ns:REQ-2``
    names none, and the did-you-mean offers the local one (not 'no import is named')."""
    conf = 'extensions = ["sphinxcontrib_mldesign"]\nshow_warning_types = True\n'
    (tmp_path / "conf.py").write_text(conf)  # (Sphinx 7.4 hides the type by default)
    (tmp_path / "index.rst").write_text(LOCAL_COLON, encoding="utf-8")
    app = build(tmp_path)
    html = page(app, "index")
    assert 'href="#ns:REQ-1"' in html
    unknown = [w for w in warnings_of(app) if "unknown-ref" in w]
    assert len(unknown) == 1
    assert "'ns:REQ-2' names no item; did you mean 'ns:REQ-1'?" in unknown[0]


# -- no module-level state -----------------------------------------------------------------

_MUTATORS = {"add", "append", "clear", "discard", "extend", "insert", "pop", "popitem",
             "remove", "setdefault", "update", "__setitem__", "__delitem__"}  # fmt: skip


def _mutable_globals(tree: ast.Module) -> set[str]:
    """Names a module binds at its top level to a dict, list or set."""
    containers = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
    found = set()
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(value, containers) or (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in ("dict", "list", "set")
        ):
            found |= {target.id for target in targets if isinstance(target, ast.Name)}
    return found


def _mutated(tree: ast.Module, names: set[str]) -> set[str]:
    """Those of ``names`` the module changes: a mutating method called, an item assigned
    or deleted, an augmented assignment, a ``global`` rebinding."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found |= set(node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATORS
            and isinstance(node.func.value, ast.Name)
        ):
            found.add(node.func.value.id)
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = [t.value for t in node.targets if isinstance(t, ast.Subscript)]
        elif isinstance(node, ast.AugAssign):
            target = node.target
            targets = [target.value if isinstance(target, ast.Subscript) else target]
        found |= {target.id for target in targets if isinstance(target, ast.Name)}
    return found & names


def test_no_module_keeps_state_between_builds() -> None:
    """A dict, list or set bound at a module's top level is a constant: no module changes
    it (its own or one imported from another), so two builds in one process, or two apps,
    share nothing but constants. Per-build state lives on the app, the environment or
    :class:`.BuildState`."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.rglob("*.py")}
    every = set().union(*(_mutable_globals(tree) for tree in trees.values()))
    changed = []
    for path, tree in sorted(trees.items()):
        own = _mutable_globals(tree)
        imported = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        } & every
        changed += [
            f"{path.relative_to(PACKAGE)}: {name}" for name in _mutated(tree, own | imported)
        ]
    assert changed == []


def test_the_roll_up_directives_are_the_apps_own(build: Build, tmp_path: Path) -> None:
    """The page repairs read roll-up option blocks too; which directives those are is kept
    on the app that was set up with them."""
    (tmp_path / "conf.py").write_text('extensions = ["sphinxcontrib_mldesign"]\n')
    (tmp_path / "index.rst").write_text("Empty\n=====\n", encoding="utf-8")
    app = build(tmp_path)
    ours = our_directives(app)
    assert {"ml-trace", "ml-requirement-index", "ml-portfolio", "ml-metric"} <= ours.keys()
    assert ours["ml-trace"].takes_list("ids") and not ours["ml-metric"].takes_list("kind")
