"""The project model (model/project.py): made from plain data in milliseconds, the real
checks run on it without a Sphinx build, and the outside given instead of read."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sphinxcontrib_mldesign.config import MLDesignConfig
from sphinxcontrib_mldesign.model.extensions import ProjectSchemas
from sphinxcontrib_mldesign.model.imports import ImportedProject, read_export
from sphinxcontrib_mldesign.model.inputs.base import Request, Source, Where
from sphinxcontrib_mldesign.model.inputs.exports import EXPORTS, Exports
from sphinxcontrib_mldesign.model.inputs.git import GIT
from sphinxcontrib_mldesign.model.inputs.loader import Inputs
from sphinxcontrib_mldesign.model.items import Item, OptionRef, RoleRef
from sphinxcontrib_mldesign.model.project import Project, index_of
from sphinxcontrib_mldesign.model.rules import Rule
from sphinxcontrib_mldesign.rules import people
from sphinxcontrib_mldesign.rules.run import run_checks
from sphinxcontrib_mldesign.rules.views import ImportedFindings, View

TODAY = dt.date(2026, 6, 1)
_SCHEMAS = ProjectSchemas()


def item(
    type_name: str, item_id: str, docname: str = "index", line: int = 1, **options: str
) -> Item:
    """An item as its directive records it: the options as written (``_`` for ``-``),
    parsed and validated by the shipped schema, and the refs its ref options make."""
    written = {"id": item_id, **{name.replace("_", "-"): text for name, text in options.items()}}
    schema = _SCHEMAS.of(type_name)
    values, problems, invalid = schema.process(written)
    refs = [
        OptionRef(name, target, spec.refs)
        for name, spec in schema.options.items()
        if spec.format in ("ref", "refs") and name in values and name != "id"
        for target in ([values[name]] if isinstance(values[name], str) else values[name])
    ]
    return Item(item_id, type_name, item_id, docname, line, values, problems, refs, invalid)


def exported(name: str, items: dict[str, dict[str, Any]]) -> ImportedProject:
    """Another project, read from its export as an import is."""
    entries = {
        item_id: {"type": "ml-requirement", "title": item_id, "docname": "index", "lineno": 1}
        | entry
        for item_id, entry in items.items()
    }
    data = json.dumps({"version": 1, "project": name, "items": entries, "violations": []})
    return read_export(name, data.encode())


def found(project: Project) -> list[tuple[str, str | None]]:
    return [(f.rule.subtype, f.subject) for f in run_checks(project).reported]


def test_the_checks_run_on_a_project_made_of_plain_data() -> None:
    items = [
        item("ml-owner", "alice", areas="ranking"),
        item("ml-requirement", "REQ-1", line=5, priority="must", owner="alice", metrics="MET-1"),
        item("ml-metric", "MET-1", line=9, kind="online", owner="alice", warn="p99 > 200 ms"),
        item("ml-requirement", "REQ-1", docname="other", line=3, owner="alice"),
        item("ml-fallback", "FB-1", line=12, kind="cache", owner="alice", trigger="MET-9"),
    ]
    project = Project(items, MLDesignConfig(), TODAY)
    findings = run_checks(project)
    assert [(f.rule.subtype, f.subject) for f in findings.reported] == [
        ("duplicate-id", "REQ-1"),
        ("unknown-ref", "FB-1"),
        ("fallback-terminal", "FB-1"),
        ("bus-factor", "ranking"),
    ]
    duplicate, unknown, _, bus = findings.reported
    assert duplicate.where is items[3]  # the later one, in document order
    assert duplicate.message.endswith("(index, line 5)")
    assert unknown.message == ":trigger: 'MET-9' names no item; did you mean 'MET-1'?"
    assert bus.concerns == ("alice",)
    # The settings are the project's: the rule turned off, its finding is not reported.
    quiet = Project(items, MLDesignConfig(rules={"bus-factor": "off"}), TODAY)
    assert ("bus-factor", "ranking") not in found(quiet)
    assert ("bus-factor", "ranking") in [
        (f.rule.subtype, f.subject) for f in run_checks(quiet).found
    ]


def test_one_check_alone_reads_the_project_it_is_given() -> None:
    owners = [item("ml-owner", "alice", areas="ranking"), item("ml-owner", "bob", areas="ranking")]
    assert list(people.low_bus_factor(Project(owners, MLDesignConfig(), TODAY))) == []
    stricter = MLDesignConfig(min_bus_factor=3)
    (finding,) = people.low_bus_factor(Project(owners, stricter, TODAY))
    assert finding.message.startswith("area 'ranking' has a bus factor of 2 (alice, bob)")


def test_the_index_keeps_the_first_of_duplicates_in_document_order() -> None:
    first, second = item("ml-owner", "alice"), item("ml-owner", "alice", docname="z")
    project = Project([first, second, item("ml-owner", "bob")], MLDesignConfig(), TODAY)
    assert project.index == index_of(project.items) == {"alice": first, "bob": project.items[2]}
    assert project.unique_items == [first, project.items[2]]
    assert project.of_type("ml-owner") == [first, project.items[2]]


def test_staleness_goes_by_the_review_date_else_the_git_date_given() -> None:
    reviewed = item("ml-requirement", "REQ-1", reviewed="2026-05-01")
    unreviewed = item("ml-requirement", "REQ-2", docname="old")
    dates = {"/src/index.rst": dt.date(2026, 5, 30), "/src/old.rst": dt.date(2025, 1, 2)}
    project = Project(
        [reviewed, unreviewed],
        MLDesignConfig(review_every="30d"),
        TODAY,
        paths={"index": "/src/index.rst", "old": "/src/old.rst"},
        given={GIT: dates},
    )
    assert project.source_of(unreviewed) == "/src/old.rst"
    assert project.last_change == "2026-05-30"
    stale = project.stale
    assert list(stale) == ["REQ-1", "REQ-2"]
    assert (stale["REQ-1"].source, stale["REQ-1"].age_days) == ("reviewed", 31)
    assert (stale["REQ-2"].date, stale["REQ-2"].age_days) == (dt.date(2025, 1, 2), 515)
    assert ("stale", "REQ-2") in found(project)
    # No git date given (and nothing read): only what the doc says.
    assert list(
        Project([reviewed, unreviewed], MLDesignConfig(review_every="30d"), TODAY).stale
    ) == ["REQ-1"]


def test_references_resolve_through_imports_and_a_local_id_wins() -> None:
    payments = exported("payments", {"REQ-1": {}, "MET-1": {"type": "ml-metric"}})
    local = item("ml-requirement", "payments:REQ-1")  # an ID that reads as the import's
    uses = item("ml-requirement", "REQ-2", depends="payments:REQ-1", metrics="payments:MET-9")
    config = MLDesignConfig(imports={"payments": "payments.json"}, rules={"missing-owner": "off"})
    project = Project(
        [local, uses],
        config,
        TODAY,
        any_refs={"payments:MET-1"},
        given={EXPORTS: Exports({"payments": payments})},
    )
    assert project.lookup["payments:REQ-1"] is local
    assert project.lookup["payments:MET-1"] is payments.items["payments:MET-1"]
    # Referenced imported items, by qualified ID (the local one is not imported).
    assert project.imported_refs == {
        "payments:MET-1": payments.items["payments:MET-1"],
        "payments:MET-9": None,
    }
    assert project.depended_imports == {"payments"}
    reported = run_checks(project).reported
    assert [(f.rule.subtype, f.message) for f in reported] == [
        (
            "unknown-ref",
            ":metrics: 'payments:MET-9' names no item of the imported project 'payments'; "
            "did you mean 'payments:MET-1'?",
        ),
        (
            "schema",
            "ID 'payments:REQ-1' starts with 'payments:', the name of an imported project: "
            "references to it would be read as that project's; choose another ID",
        ),
    ]


def test_a_colon_at_either_end_of_a_reference_is_reported_as_written() -> None:
    """``payments:`` is the import's, naming nothing there; ``:REQ-1`` names no project
    (not one called '')."""
    payments = exported("payments", {"REQ-1": {}})
    roles = [RoleRef(target, "req", "index", 3) for target in ("payments:", ":REQ-1", ":")]
    project = Project(
        [item("ml-requirement", "REQ-1")],
        MLDesignConfig(imports={"payments": "payments.json"}, rules={"missing-owner": "off"}),
        TODAY,
        role_refs=roles,
        given={EXPORTS: Exports({"payments": payments})},
    )
    assert [f.message for f in run_checks(project).reported] == [
        ":ml:req: 'payments:' names no item of the imported project 'payments'",
        ":ml:req: ':REQ-1' names no item; did you mean 'REQ-1'?",
        ":ml:req: ':' names no item",
    ]
    assert project.imported_refs == {"payments:": None}


def test_a_view_shows_the_findings_of_the_projects_it_selects_only() -> None:
    """An import's findings are the violations its export holds (one whose rule is not a
    name is dropped on reading; a rule this version does not know is no finding), shown by
    the views selecting it, read once for all of them."""
    entry = {"type": "ml-requirement", "title": "R", "docname": "index", "lineno": 1}
    violations = [
        {"rule": "missing-owner", "item": "REQ-1", "message": "no owner"},
        {"rule": 5, "item": "REQ-1"},
        {"rule": "rule-of-a-newer-version", "item": "REQ-1"},
    ]
    data = {"version": 1, "items": {"REQ-1": entry}, "violations": violations}
    payments = read_export("payments", json.dumps(data).encode())
    assert [v.rule for v in payments.violations] == [Rule.MISSING_OWNER, "rule-of-a-newer-version"]
    config = MLDesignConfig(imports={"payments": "payments.json"})
    project = Project([], config, TODAY, given={EXPORTS: Exports({"payments": payments})})
    findings = run_checks(project)
    cache: dict[str, ImportedFindings] = {}
    local = View(project, findings, cache, (None,))
    both = View(project, findings, cache, (None, "payments"))
    assert local.of_rule(Rule.MISSING_OWNER) == []
    assert local.about(Rule.MISSING_OWNER, "payments:REQ-1") is None
    [finding] = both.of_rule(Rule.MISSING_OWNER)
    assert both.about(Rule.MISSING_OWNER, "payments:REQ-1") is finding
    assert finding.where is payments.items["payments:REQ-1"] and finding.message == "no owner"
    assert list(cache) == ["payments"] and list(cache["payments"].by_rule) == [Rule.MISSING_OWNER]


def test_the_imports_a_view_reaches_follow_refs_and_shared_areas() -> None:
    imports = {
        "shared": exported("shared", {"bob": {"type": "ml-owner", "areas": ["Ranking"]}}),
        "linked": exported("linked", {"REQ-1": {"depends": ["third:REQ-1"]}}),
        "third": exported("third", {"REQ-1": {}}),
        "apart": exported("apart", {"REQ-1": {}}),
    }
    project = Project(
        [
            item("ml-owner", "alice", areas="ranking"),
            item("ml-requirement", "R", depends="linked:REQ-1"),
        ],
        MLDesignConfig(imports={name: f"{name}.json" for name in imports}),
        TODAY,
        given={EXPORTS: Exports(imports)},
    )
    assert project.depended_imports == {"shared", "linked", "third"}
    assert project.imports_reached(["apart"]) == {"apart"}
    assert project.imports_reached(["linked"]) == {"linked", "third"}
    # An area shared with an import counts its people.
    (area,) = project.areas
    assert [str(person.id) for person in area.people] == ["alice", "shared:bob"]
    assert project.of_project("shared", "ml-owner") == list(imports["shared"].items.values())


class _Files(Source[tuple[str, ...]]):
    """A source that says which files it was asked about, counting how often it is read."""

    name = "files"

    def __init__(self) -> None:
        self.loads = 0

    def load(self, request: Request) -> tuple[str, ...]:
        self.loads += 1
        return request.files

    def empty(self) -> tuple[str, ...]:
        return ()


def test_each_source_is_read_once_when_first_asked_and_never_without_where() -> None:
    source, requests = _Files(), []
    where = Where(confdir=Path("/conf"), srcdir=Path("/src"), cache_dir=Path("/cache"))

    def request() -> Request:
        requests.append(1)
        return Request(MLDesignConfig(), where, ("a.rst", "b.rst"))

    inputs = Inputs(request)
    assert source.loads == 0 and not requests  # nothing read before it is asked for
    assert inputs.get(source) == inputs.get(source) == ("a.rst", "b.rst")
    assert source.loads == 1 and len(requests) == 1
    other = _Files()
    assert inputs.get(other) == ("a.rst", "b.rst")  # another source: the same request
    assert other.loads == 1 and len(requests) == 1
    assert Inputs(None).get(source) == () and source.loads == 1
    assert Inputs(request, given={source: ("x",)}).get(source) == ("x",)
    assert source.loads == 1
    # A project asks about the files holding its items, each once, sorted.
    items = [
        item("ml-owner", "b", docname="b"),
        item("ml-owner", "a", docname="a"),
        item("ml-owner", "c", docname="a"),
    ]
    project = Project(items, MLDesignConfig(), TODAY, paths={"a": "/src/a.rst"}, where=where)
    assert project.inputs.get(source) == ("/src/a.rst", "b")
    assert Project(items, MLDesignConfig(), TODAY).inputs.get(source) == ()
