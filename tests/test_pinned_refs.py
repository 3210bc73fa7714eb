"""Pinned: which item a qualified ID names, and what a role naming an imported item of
the wrong type shows (real builds of tests/roots/test-portfolio). Each test kills a
mutant of tools/mutants.py that the rest of the suite let through."""

from __future__ import annotations

import re

from helpers import Build, Copy, located, page


def test_a_local_id_wins_over_an_imported_one(build: Build, copy_root: Copy) -> None:
    """A local item whose ID reads as an imported one (itself an error, at its :id:)
    takes the references: a ref expecting a metric finds the local metric, not payments'
    requirement of that ID."""
    src = copy_root("portfolio")
    (src / "plain.rst").write_text(
        "Plain\n=====\n\n.. ml-metric:: Shadow\n   :id: payments:REQ-AVAIL\n   :kind: system\n   :owner: ann\n\n"
        ".. ml-requirement:: Measured by the shadow\n   :id: REQ-SHADOWED\n"
        "   :metrics: payments:REQ-AVAIL\n   :owner: ann\n\n"
        "See :ml:metric:`payments:REQ-AVAIL`.\n",
        encoding="utf-8",
    )
    app = build(src)
    assert [w[:3] for w in located(app) if w[0] == "plain.rst"] == [
        ("plain.rst", 5, "schema"),
        ("plain.rst", 11, "requirement-unmonitored"),  # measured by the local metric
    ]
    # The role links to the local item, on this page.
    html = page(app, "plain")
    assert re.search(r'<a class="reference internal" href="#payments:REQ-AVAIL"', html)


def test_an_imported_ref_of_the_wrong_type_is_no_link(build: Build, copy_root: Copy) -> None:
    """``:ml:metric:`payments:REQ-AVAIL``` names a requirement: unknown-ref says so, and
    the page shows the text unlinked, never a link to the requirement."""
    app = build(copy_root("portfolio"))
    prose = page(app, "prose")
    wrong = prose.split("Wrong:", 1)[1]
    assert re.match(
        r'\s*<span class="ml-broken-ref"><span class="xref ml ml-metric">payments:REQ-AVAIL<',
        wrong,
    ), wrong[:300]
    # The one right link to it on the page is the :ml:req: above "Wrong:".
    assert prose.count("reqs.html#REQ-AVAIL") == 1
    assert "reqs.html#REQ-AVAIL" not in wrong
