"""Imports: other projects' exports read from files or a local HTTP server, qualified IDs
in options, roles and ``:any:``, the checks across projects, and broken imports."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import export_of, page, warnings_of
from helpers import tables_of as tables

Build = Callable[..., SphinxTestApp]
Copy = Callable[..., Path]

#: Every warning of tests/roots/test-portfolio: (file, line, subtype, text).
EXPECTED = [
    ("design.rst", 15, "unknown-ref",
     ":metrics: 'payments:REQ-LIMITS' is an ml-requirement, expected ml-metric"),
    ("design.rst", 16, "unknown-ref",
     ":depends: 'nowhere:REQ-1' names no item: no import is named 'nowhere' (mldesign_imports)"),
    ("design.rst", 16, "unknown-ref",
     ":depends: 'payments:REQ-NOPE' names no item of the imported project 'payments'"),
    # The trigger is another project's metric: reported at this project's :trigger: line.
    ("design.rst", 22, "trigger-not-monitored",
     "fallback 'FB-LOCAL' is triggered by 'payments:MET-QUIET', which has neither :warn: "
     "nor :crit: in project 'payments'"),
    ("prose.rst", 7, "unknown-ref",
     ":ml:metric: 'payments:REQ-AVAIL' is an ml-requirement, expected ml-metric"),
    ("prose.rst", 7, "unknown-ref",
     ":ml:ref: 'payments:REQ-AVIAL' names no item of the imported project 'payments'; did "
     "you mean 'payments:REQ-AVAIL'?"),
    ("rollups.rst", 19, "schema",
     "ml-risk-index :projects: 'paymnts' is not a project of mldesign_imports; did you mean "
     "'payments'?"),
]  # fmt: skip


def located(app: SphinxTestApp) -> list[tuple[str, int, str, str]]:
    """Each mldesign warning as (file relative to the source directory, line, subtype,
    message)."""
    found = []
    for warning in warnings_of(app):
        if not warning.endswith("]") or "[mldesign." not in warning:
            continue
        match = re.match(r"(.+?):(\d+): (?:WARNING|ERROR): (.*) \[mldesign\.([a-z-]+)\]$", warning)
        assert match, warning
        path, line, message, subtype = match.groups()
        found.append((os.path.relpath(path, app.srcdir), int(line), subtype, message))
    return found


def assert_warnings(app: SphinxTestApp, expected: list[tuple[str, int, str, str]]) -> None:
    """The build warned exactly ``expected``, and nothing else."""
    found = located(app)
    assert len(warnings_of(app)) == len(found), warnings_of(app)
    assert len(found) == len(expected), "\n".join(map(str, found))
    for (file, line, subtype, text), got in zip(sorted(expected), sorted(found), strict=True):
        assert got[:3] == (file, line, subtype) and got[3].startswith(text), got


def test_qualified_references_are_resolved_and_checked(build: Build, copy_root: Copy) -> None:
    app = build(copy_root("portfolio"))
    # Imported items raise nothing of their own (payments' export holds a serving
    # requirement with no fallback, an unmonitored trigger, a drift metric without method).
    assert_warnings(app, EXPECTED)
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


def _set_import(src: Path, name: str, source: str) -> None:
    conf = src / "conf.py"
    text = conf.read_text(encoding="utf-8")
    conf.write_text(re.sub(rf'"{name}": "[^"]*"', f'"{name}": "{source}"', text), encoding="utf-8")


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


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("http://127.0.0.1:8000/my docs/mldesign.json", "cannot fetch"),  # a space
        ("http://127.0.0.1:abc/x.json", "cannot fetch"),  # no port
        ("exports/pay\x00ments.json", "cannot read"),  # a NUL in a path
    ],
)
def test_sources_no_one_can_read_are_warnings(
    build: Build, copy_root: Copy, source: str, reason: str
) -> None:
    src = copy_root("portfolio")
    conf = src / "conf.py"
    conf.write_text(conf.read_text().replace('"exports/payments.json"', repr(source)))
    app = build(src)
    problems = [w for w in located(app) if w[2] == "import"]
    assert len(problems) == 1 and problems[0][3].startswith(f"mldesign_imports: {reason}")


class _NotHTTP(SimpleHTTPRequestHandler):
    """Answers what is no HTTP status line."""

    def handle_one_request(self) -> None:
        self.raw_requestline = self.rfile.readline()
        self.wfile.write(b"HELLO THERE\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_server_that_does_not_speak_http_is_a_warning(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotHTTP)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _set_import(src, "payments", f"http://127.0.0.1:{server.server_address[1]}/x.json")
        app = build(src)
    finally:
        server.shutdown()
        server.server_close()
    problems = [w for w in located(app) if w[2] == "import"]
    assert len(problems) == 1 and "cannot fetch" in problems[0][3], problems


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


# -- imports over HTTP --------------------------------------------------------------------


class _Exports(SimpleHTTPRequestHandler):
    """Serves a directory, counting requests; a path of ``/slow/`` never answers."""

    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(directory: Path) -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 serving ``directory``: (base URL, paths requested)."""
    requests: list[str] = []
    handler = type("Handler", (_Exports,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def _retitle(export: Path, old: str, new: str) -> None:
    export.write_text(export.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_imports_from_a_url_are_cached_for_the_cache_limit(
    build: Build, copy_root: Copy, tmp_path: Path
) -> None:
    src = copy_root("portfolio")
    served = tmp_path / "served"
    shutil.copytree(src / "exports", served)
    with serving(served) as (base, requests):
        _set_import(src, "payments", f"{base}/payments.json")
        first = build(src)
        assert_warnings(first, EXPECTED)  # the same project as from a file
        assert requests == ["/payments.json"]
        cached = list((Path(first.doctreedir) / "mldesign-imports").glob("*.json"))
        assert len(cached) == 1

        # Within the cache limit (1 day): not fetched again, the cached copy is used.
        _retitle(served / "payments.json", "Payments are available", "Payments never stop")
        second = build(src)
        assert requests == ["/payments.json"]
        assert "Payments are available" in page(second, "prose")

        # Older than the limit: fetched again, and the change shows.
        day_old = time.time() - 86400 - 60
        os.utime(cached[0], (day_old, day_old))
        third = build(src)
        assert requests == ["/payments.json"] * 2
        assert "Payments never stop" in page(third, "prose")

        # mldesign_imports_cache_limit = 0: every build fetches.
        build(src, confoverrides={"mldesign_imports_cache_limit": 0})
        assert len(requests) == 3

    # The server is gone and the copy expired: one warning, the old copy is used.
    os.utime(cached[0], (day_old, day_old))
    offline = build(src)
    problems = [w for w in located(offline) if w[2] == "import"]
    assert len(problems) == 1 and problems[0][:2] == ("conf.py", 6)
    assert problems[0][3].startswith(f"mldesign_imports: cannot fetch {base}/payments.json: ")
    assert "; using the copy fetched on " in problems[0][3]
    assert "Payments never stop" in page(offline, "prose")
    # A negative limit keeps a cached copy for ever: no fetch, no warning.
    forever = build(src, confoverrides={"mldesign_imports_cache_limit": -1})
    assert not [w for w in located(forever) if w[2] == "import"]


def test_an_import_that_does_not_answer_times_out(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    # A socket that listens but never accepts: the connection opens, no answer comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        _set_import(src, "payments", f"http://127.0.0.1:{silent.getsockname()[1]}/x.json")
        started = time.monotonic()
        app = build(src, confoverrides={"mldesign_imports_timeout": 0.5})
        assert time.monotonic() - started < 20
    problems = [w for w in located(app) if w[2] == "import"]
    assert len(problems) == 1 and "timed out" in problems[0][3], problems


class _Trickle(SimpleHTTPRequestHandler):
    """Answers at once, then one byte every 0.2 s for a minute."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "300")
        self.end_headers()
        for _ in range(300):
            try:
                self.wfile.write(b" ")
                self.wfile.flush()
            except OSError:
                return  # the client gave up
            time.sleep(0.2)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_an_import_that_trickles_in_is_given_up_after_the_timeout(
    build: Build, copy_root: Copy
) -> None:
    src = copy_root("portfolio")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _set_import(src, "payments", f"http://127.0.0.1:{server.server_address[1]}/slow.json")
        started = time.monotonic()
        app = build(src, confoverrides={"mldesign_imports_timeout": 1})
        assert time.monotonic() - started < 15  # not the minute the server would take
    finally:
        server.shutdown()
        server.server_close()
    problems = [w for w in located(app) if w[2] == "import"]
    assert len(problems) == 1 and "timed out" in problems[0][3], problems


def test_a_timeout_may_be_a_fraction(build: Build, copy_root: Copy) -> None:
    src = copy_root("portfolio")
    conf = src / "conf.py"
    conf.write_text(conf.read_text() + "mldesign_imports_timeout = 2.5\n")
    assert_warnings(build(src), EXPECTED)  # and no warning about its type


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


# -- the command line ---------------------------------------------------------------------

MLDESIGN = Path(sys.executable).parent / "mldesign"


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [str(MLDESIGN), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_check_reports_qualified_references(copy_root: Copy) -> None:
    src = copy_root("portfolio")
    (src / "exports" / "search.json").unlink()
    result = _cli("check", src, "--format", "json")
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
    changes = json.loads(_cli("diff", *paths, "--format", "json").stdout)
    assert changes["foreign_refs_added"] == [
        {"item": "REQ-CHECKOUT", "option": "depends", "target": "search:REQ-FRESH"}
    ]
    assert changes["foreign_refs_removed"] == [
        {"item": "REQ-CHECKOUT", "option": "depends", "target": "payments:REQ-AVAIL"}
    ]
    text_out = _cli("diff", *paths).stdout
    assert "> REQ-CHECKOUT :depends: now names search:REQ-FRESH" in text_out
    assert "> REQ-CHECKOUT :depends: no longer names payments:REQ-AVAIL" in text_out
    assert text_out.splitlines()[-1].endswith("; 1 reference to other projects added, 1 removed")
    md = _cli("diff", *paths, "--format", "md").stdout
    assert "| added | `REQ-CHECKOUT` | depends | `search:REQ-FRESH` |" in md


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
    assert_warnings(app, EXPECTED)  # no feedback-loop, no other new finding
    [table] = tables(page(app, "plain"), "ml-components")
    assert [row[:4] for row in table[1:]] == [
        ["C-CHECKOUT", "Checkout API", "storage", "payments:C-AUTH"],
        ["payments:C-AUTH", "C-AUTH", "serving", "payments:C-SCORE"],
        ["payments:C-SCORE", "C-SCORE", "model", "payments:C-AUTH"],
        ["search:C-INDEX", "C-INDEX", "pipeline", "payments:C-AUTH"],
    ]


def test_a_fetch_larger_than_its_limit_is_refused(tmp_path: Path) -> None:
    from sphinxcontrib_mldesign.model.sources import fetch

    (tmp_path / "big.json").write_bytes(b" " * 300_000)
    with serving(tmp_path) as (base, _):
        assert len(fetch(f"{base}/big.json", 5, max_bytes=300_000)) == 300_000
        with pytest.raises(ValueError, match="larger than 200,000 bytes"):
            fetch(f"{base}/big.json", 5, max_bytes=200_000)
