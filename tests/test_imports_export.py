"""What a project's export says for others to import (changed, roll-up addresses per
builder), and the command line on imports: check and diff of qualified references."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import (
    Build,
    Copy,
    export_of,
    mldesign,
)


def test_the_export_says_when_the_doc_changed_and_where_its_rollups_are(
    build: Build, copy_root: Copy
) -> None:
    app = build(copy_root("portfolio"))
    export = export_of(app)
    assert "changed" not in export  # not in a git work tree
    assert export["rollups"]["ml-portfolio"] == {"docname": "rollups"}
    published = build(
        copy_root("portfolio", "published"),
        confoverrides={"html_baseurl": "https://checkout.example/docs/"},
    )
    assert export_of(published)["rollups"]["ml-portfolio"] == {
        "docname": "rollups", "url": "https://checkout.example/docs/rollups.html"
    }  # fmt: skip
    # Addresses as the builder names its pages: dirhtml's are directories; the mldesign
    # builder names them as html would.
    base = {"html_baseurl": "https://checkout.example/docs/"}
    dirhtml = export_of(build(copy_root("portfolio", "dirhtml"), "dirhtml", confoverrides=base))
    assert dirhtml["items"]["REQ-CHECKOUT"]["url"] == (
        "https://checkout.example/docs/design/#REQ-CHECKOUT"
    )
    assert dirhtml["rollups"]["ml-portfolio"]["url"] == "https://checkout.example/docs/rollups/"
    only = export_of(build(copy_root("portfolio", "only"), "mldesign", confoverrides=base))
    assert only["items"]["REQ-CHECKOUT"]["url"] == (
        "https://checkout.example/docs/design.html#REQ-CHECKOUT"
    )
    assert sorted(export["rollups"]) == [
        "ml-fallback-chains", "ml-monitoring-index", "ml-ownership-index", "ml-portfolio",
        "ml-requirement-index", "ml-risk-index",
    ]  # fmt: skip


def test_check_reports_qualified_references(copy_root: Copy) -> None:
    src = copy_root("portfolio")
    (src / "exports" / "search.json").unlink()
    result = mldesign("check", src, "--format", "json")
    assert result.returncode == 1
    found = {(v["docname"], v["lineno"], v["rule"]) for v in json.loads(result.stdout)}
    assert found == {
        ("conf.py", 7, "import"),  # search is gone: one warning, no cascade
        ("design", 15, "unknown-ref"), ("design", 16, "unknown-ref"),
        ("design", 22, "trigger-not-monitored"), ("prose", 7, "unknown-ref"),
        ("rollups", 19, "schema"),
    }  # fmt: skip
    assert result.stderr.count("WARNING") == 0  # not even Sphinx's for :any:`search:MET-CTR`


def test_diff_lists_new_and_dropped_references_to_other_projects(
    build: Build, copy_root: Copy, tmp_path: Path
) -> None:
    old = build(copy_root("portfolio", "old"), "mldesign")
    src = copy_root("portfolio", "new")
    design = src / "design.rst"
    text = design.read_text(encoding="utf-8")
    design.write_text(
        text.replace(":depends: payments:REQ-AVAIL", ":depends: search:REQ-FRESH"),
        encoding="utf-8",
    )
    new = build(src, "mldesign")
    paths = [Path(app.outdir) / "mldesign.json" for app in (old, new)]
    changes = json.loads(mldesign("diff", *paths, "--format", "json").stdout)
    assert changes["foreign_refs_added"] == [
        {"item": "REQ-CHECKOUT", "option": "depends", "target": "search:REQ-FRESH"}
    ]
    assert changes["foreign_refs_removed"] == [
        {"item": "REQ-CHECKOUT", "option": "depends", "target": "payments:REQ-AVAIL"}
    ]
    text_out = mldesign("diff", *paths).stdout
    assert "> REQ-CHECKOUT :depends: now names search:REQ-FRESH" in text_out
    assert "> REQ-CHECKOUT :depends: no longer names payments:REQ-AVAIL" in text_out
    assert text_out.splitlines()[-1].endswith("; 1 reference to other projects added, 1 removed")
    md = mldesign("diff", *paths, "--format", "md").stdout
    assert "| added | `REQ-CHECKOUT` | depends | `search:REQ-FRESH` |" in md
