"""Qualified IDs (``payments:REQ-AVAIL``) in options, roles, ``:any:`` and MyST links:
resolved to the other project's pages, checked, and told apart from local IDs and
intersphinx inventories."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

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


def test_qualified_references_are_resolved_and_checked(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("portfolio"))
    # Imported items raise nothing of their own (payments' export holds a serving
    # requirement with no fallback, an unmonitored trigger, a drift metric without method).
    assert_warnings(app, PORTFOLIO_WARNINGS)
    assert app.statuscode == 1
    prose = page(app, "prose")
    # A role links to the item's page as its export gives it, titled like a local one.
    assert (
        '<a class="reference external" href="https://payments.example.org/design/reqs.html'
        '#REQ-AVAIL" title="Payments are available (payments)"><span class="xref ml ml-req">'
        "Payments are available</span></a>"
    ) in prose
    # An export without URLs (no html_baseurl there): the title, unlinked; :any: too.
    assert '<span class="xref ml ml-req">the fresh index</span>' in prose
    assert '<span class="xref any">Click-through rate</span>' in prose
    # Broken ones show their text, unlinked.
    assert re.search(r'ml-broken-ref"><span class="xref ml ml-ref">payments:REQ-AVIAL<', prose)
    design = page(app, "design")
    for target in ("reqs.html#REQ-AVAIL", "metrics.html#MET-LAT", "metrics.html#MET-QUIET"):
        assert f'href="https://payments.example.org/design/{target}"' in design
    # The export keeps refs as written.
    items = export_of(app)["items"]
    assert items["REQ-CHECKOUT"]["depends"] == ["payments:REQ-AVAIL"]
    assert "payments:REQ-AVAIL" not in items  # imported items are not this project's


def test_rollup_options_naming_items_are_checked(build: Build, copy_root: Copy) -> None:
    """``ml-trace :ids:`` and ``ml-architecture :around:`` name items: checked like refs."""
    src = copy_root("portfolio")
    (src / "plain.rst").write_text(
        "Plain\n=====\n\n.. ml-trace::\n   :ids: REQ-CHECKOUT, REQ-NOPE, payments:REQ-AVIAL\n"
        "\n.. ml-architecture::\n   :around: ann\n",
        encoding="utf-8",
    )
    app = build(src)
    assert [w for w in located(app) if w[0] == "plain.rst"] == [
        ("plain.rst", 5, "unknown-ref", "ml-trace :ids: 'REQ-NOPE' names no item"),
        ("plain.rst", 5, "unknown-ref", "ml-trace :ids: 'payments:REQ-AVIAL' names no item of "
         "the imported project 'payments'; did you mean 'payments:REQ-AVAIL'?"),
        ("plain.rst", 8, "unknown-ref",
         "ml-architecture :around: 'ann' is an ml-owner, expected ml-component"),
    ]  # fmt: skip


def test_a_mistyped_import_name_gets_a_suggestion(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    (src / "plain.rst").write_text(
        "Plain\n=====\n\n:ml:req:`Payments:REQ-AVAIL` :ml:req:`paymnts:REQ-AVAIL`\n"
    )
    app = build(src)
    hints = [w[3] for w in located(app) if w[0] == "plain.rst"]
    assert hints == [
        f":ml:req: {wrong!r} names no item; did you mean 'payments:REQ-AVAIL'?"
        for wrong in ("Payments:REQ-AVAIL", "paymnts:REQ-AVAIL")
    ]


def test_a_qualified_ref_to_no_import_says_where_imports_are_named(
    build: Build, copy_root: Copy
) -> None:
    """With no imports configured, ``payments:REQ-NOPE`` is not just "no item": no import
    has that name. A local ID holding ':' is still only a local ID."""
    src = copy_root("portfolio")
    (src / "plain.rst").write_text(
        "Plain\n=====\n\n.. ml-requirement:: Local\n   :id: ns:REQ-1\n   :owner: ann\n\n"
        ":ml:req:`ns:REQ-2` :ml:req:`ns:OTHER`\n",
        encoding="utf-8",
    )
    app = build(src, confoverrides={"mldesign_imports": {}})
    found: dict[tuple[str, int], list[str]] = {}
    for file, line, _, message in located(app):
        found.setdefault((file, line), []).append(message)
    assert found[("design.rst", 16)] == [
        ":depends: 'nowhere:REQ-1' names no item: no import is named 'nowhere' (mldesign_imports)",
        ":depends: 'payments:REQ-NOPE' names no item: no import is named 'payments' "
        "(mldesign_imports)",
    ]
    assert found[("plain.rst", 8)] == [
        ":ml:req: 'ns:OTHER' names no item",
        ":ml:req: 'ns:REQ-2' names no item; did you mean 'ns:REQ-1'?",
    ]


def test_a_local_id_that_reads_as_an_imported_one_is_an_error(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("portfolio")
    (src / "plain.rst").write_text(
        "Plain\n=====\n\n.. ml-requirement:: Shadow\n   :id: payments:REQ-AVAIL\n   :owner: ann\n",
        encoding="utf-8",
    )
    app = build(src)
    assert ("plain.rst", 5, "schema") in [w[:3] for w in located(app)]


def test_an_import_wins_over_an_intersphinx_inventory_of_the_same_name(
    build: Build, copy_root: Copy
) -> None:
    basic = build(copy_root("basic"), confoverrides={"html_baseurl": "https://basic.example/"})
    src = copy_root("portfolio")
    inventory = Path(basic.outdir) / "objects.inv"
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text().replace('"sphinxcontrib_mldesign"', '"sphinxcontrib_mldesign", '
                                 '"sphinx.ext.intersphinx"')
        + f'intersphinx_mapping = {{"payments": ("https://basic.example/", "{inventory}")}}\n'
    )  # fmt: skip
    # REQ-LAT is in the inventory named payments, not in the export imported as payments.
    (src / "plain.rst").write_text("Plain\n=====\n\nSee :ml:req:`payments:REQ-LAT`.\n")
    app = build(src)
    assert ("plain.rst", 4, "unknown-ref") in [w[:3] for w in located(app)]
    assert "basic.example" not in page(app, "plain")


def test_myst_links_to_qualified_ids(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text().replace(
            '"sphinxcontrib_mldesign"', '"sphinxcontrib_mldesign", "myst_parser"'
        )
    )
    (src / "plain.rst").unlink()
    (src / "plain.md").write_text("# Plain\n\n[the payments promise](payments:REQ-AVAIL)\n")
    app = build(src)
    assert 'href="https://payments.example.org/design/reqs.html#REQ-AVAIL"' in page(app, "plain")
    assert not [w for w in warnings_of(app) if "[myst." in w]


def test_a_real_export_with_html_baseurl_links_to_the_real_pages(
    build: Build, copy_root: Copy
) -> None:
    """The round trip: a project's build writes its export with URLs; another imports it."""
    basic = build(copy_root("basic"), confoverrides={"html_baseurl": "https://basic.example/"})
    src = copy_root("portfolio")
    shutil.copy(Path(basic.outdir) / "mldesign.json", src / "exports" / "basic.json")
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text().replace("mldesign_imports = {", 'mldesign_imports = {"basic": '
                                 '"exports/basic.json", ')
    )  # fmt: skip
    (src / "plain.rst").write_text("Plain\n=====\n\nSee :ml:req:`basic:REQ-LAT`.\n")
    app = build(src)
    assert 'href="https://basic.example/requirements.html#REQ-LAT"' in page(app, "plain")
