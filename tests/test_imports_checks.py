"""The checks across projects: bus factor over every project's people, chains that hand
over to another project, components reading other projects' components."""

from __future__ import annotations

import json

from helpers import (
    PORTFOLIO_WARNINGS,
    Build,
    Copy,
    assert_warnings,
    export_of,
    located,
    page,
    warnings_of,
)
from helpers import tables_of as tables


def test_bus_factor_counts_the_people_of_imported_projects(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    # Alone, ann is the only one who knows "serving".
    alone = build(src, confoverrides={"mldesign_imports": {}})
    bus = [w for w in located(alone) if w[2] == "bus-factor"]
    assert [w[:2] for w in bus] == [("design.rst", 25)]
    # The export says which area (a portfolio marks it there).
    [exported] = [v for v in export_of(alone)["violations"] if v["rule"] == "bus-factor"]
    assert exported["area"] == "serving" and exported["item"] == "ann"
    assert "area 'serving' has a bus factor of 1 (ann)" in bus[0][3]
    # Payments' pat and search's sam list it too; search's kim, sam's backup, has ann's
    # e-mail (in other case): the same person, counted once.
    strict = build(src, confoverrides={"mldesign_min_bus_factor": 4})
    bus = [w for w in located(strict) if w[2] == "bus-factor"]
    assert len(bus) == 1
    assert "bus factor of 3 (ann, payments:pat, search:sam)" in bus[0][3]
    # Pat's other area, "fraud model", is payments' business: not reported here.
    assert not [w for w in warnings_of(strict) if "fraud model" in w]


def test_owners_of_one_project_sharing_a_mailbox_are_two_people(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("portfolio")
    design = src / "design.rst"
    design.write_text(
        design.read_text(encoding="utf-8").replace(":email: ann@example.org", ":email: ml@corp.example")
        + "\n.. owner:: Bob\n   :id: bob\n   :email: ml@corp.example\n   :areas: serving\n",
        encoding="utf-8",
    )  # fmt: skip
    app = build(src, confoverrides={"mldesign_imports": {}})
    assert not [w for w in located(app) if w[2] == "bus-factor"]  # ann and bob: 2


def test_a_chain_ending_in_another_project_is_reported_where_it_hands_over(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("portfolio")
    export = src / "exports" / "payments.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    data["items"]["FB-REJECT"]["kind"] = "model"  # payments' chain now ends unsafely
    export.write_text(json.dumps(data), encoding="utf-8")
    design = src / "design.rst"
    text = design.read_text(encoding="utf-8")
    design.write_text(
        text.replace("   :trigger: payments:MET-QUIET\n", "   :trigger: payments:MET-QUIET\n"
                     "   :next: payments:FB-CACHE\n"),
        encoding="utf-8",
    )  # fmt: skip
    (src / "plain.rst").write_text("Plain\n=====\n\n.. ml-fallback-chains::\n")
    app = build(src)
    terminal = [w for w in located(app) if w[2] == "fallback-terminal"]
    assert terminal == [
        ("design.rst", 23, "fallback-terminal", "fallback chain FB-LOCAL -> payments:FB-CACHE "
         "-> payments:FB-REJECT ends in a 'model' fallback, which can fail too; end it in "
         "one of: constant, rule, human, reject (in project 'payments')")
    ]  # fmt: skip
    assert "unsafe end" in page(app, "plain")


def test_components_read_from_other_projects_are_drawn_and_loop_checked(
    build: Build, copy_root: Copy
) -> None:
    """A component may read another project's component; a loop in the other project is
    that project's business (its own export reports it), not a finding here."""
    src = copy_root("portfolio")
    export = src / "exports" / "payments.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    for item_id, kind, inputs in (
        ("C-AUTH", "serving", ["C-SCORE"]),
        ("C-SCORE", "model", ["C-AUTH"]),
    ):
        data["items"][item_id] = {"id": item_id, "type": "ml-component", "title": item_id,
                                  "docname": "arch", "lineno": 3, "kind": kind, "inputs": inputs}  # fmt: skip
    export.write_text(json.dumps(data), encoding="utf-8")
    # Search's index reads payments' authoriser, qualified as search's own doc names it.
    search = src / "exports" / "search.json"
    data = json.loads(search.read_text(encoding="utf-8"))
    data["items"]["C-INDEX"] = {"id": "C-INDEX", "type": "ml-component", "title": "C-INDEX",
                                "docname": "index", "lineno": 30, "kind": "pipeline",
                                "inputs": ["payments:C-AUTH"]}  # fmt: skip
    search.write_text(json.dumps(data), encoding="utf-8")
    (src / "plain.rst").write_text(
        "Plain\n=====\n\n.. component:: Checkout API\n   :id: C-CHECKOUT\n   :kind: storage\n"
        "   :inputs: payments:C-AUTH\n   :owner: ann\n\n.. ml-architecture::\n   :projects: all\n",
        encoding="utf-8",
    )
    app = build(src)
    assert_warnings(app, PORTFOLIO_WARNINGS)  # no feedback-loop, no other new finding
    [table] = tables(page(app, "plain"), "ml-components")
    assert [row[:4] for row in table[1:]] == [
        ["C-CHECKOUT", "Checkout API", "storage", "payments:C-AUTH"],
        ["payments:C-AUTH", "C-AUTH", "serving", "payments:C-SCORE"],
        ["payments:C-SCORE", "C-SCORE", "model", "payments:C-AUTH"],
        ["search:C-INDEX", "C-INDEX", "pipeline", "payments:C-AUTH"],
    ]
