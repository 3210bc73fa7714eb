"""``requirement-unmonitored``: an active requirement measured by a metric with neither
``:warn:`` nor ``:crit:`` is a finding like any other. It is warned at the requirement's
``:metrics:`` line (the option naming those metrics), exported, listed in the monitoring
roll-up's coverage gaps, and gone from all three when the rule is turned off."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Build, assert_warnings, export_of, page, tables_of, warnings_of

CONF = """\
extensions = ["sphinxcontrib_mldesign", "myst_parser"]
show_warning_types = True  # the default from Sphinx 8; 7.4 needs it said
"""

RST = """\
Watched
=======

.. ml-owner:: Ann
   :id: ann

.. ml-metric:: Latency
   :id: MET-LOUD
   :kind: system
   :crit: p99 > 200 ms
   :owner: ann

.. ml-metric:: Offline quality
   :id: MET-QUIET
   :kind: offline
   :owner: ann

.. ml-requirement:: Half watched
   :id: REQ-HALF
   :owner: ann
   :priority: should
   :metrics: MET-LOUD, MET-QUIET

.. ml-requirement:: Fully watched
   :id: REQ-FULL
   :owner: ann
   :metrics: MET-LOUD

.. ml-requirement:: Out of scope
   :id: REQ-OUT
   :owner: ann
   :scope: out
   :metrics: MET-QUIET

.. ml-requirement:: Rejected
   :id: REQ-REJECTED
   :owner: ann
   :status: rejected
   :metrics: MET-QUIET

.. ml-requirement:: Deprecated
   :id: REQ-DEPRECATED
   :owner: ann
   :status: deprecated
   :metrics: MET-QUIET

.. ml-requirement:: A status written wrongly is not judged on a guess
   :id: REQ-BAD-STATUS
   :owner: ann
   :status: someday
   :metrics: MET-QUIET

.. ml-requirement:: Measured by a metric that does not exist
   :id: REQ-GHOST
   :owner: ann
   :metrics: MET-GONE

.. ml-monitoring-index::
"""

MYST = """\
# Also in MyST

```{ml-requirement} Watched in MyST
:id: REQ-MYST
:owner: ann
:metrics: MET-QUIET
```
"""


def _project(tmp_path: Path, rules: str = "") -> Path:
    src = tmp_path / "p"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(CONF + rules, encoding="utf-8")
    (src / "index.rst").write_text(RST + "\n.. toctree::\n\n   myst\n", encoding="utf-8")
    (src / "myst.md").write_text(MYST, encoding="utf-8")
    return src


def _line(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def _gaps(html: str) -> str:
    """The monitoring roll-up's coverage gaps, as HTML."""
    return html.split("Coverage gaps", 1)[1]


def test_it_warns_at_the_metrics_line_and_is_exported(build: Build, tmp_path: Path) -> None:
    app = build(_project(tmp_path))
    half = _line(RST, "   :metrics: MET-LOUD, MET-QUIET")
    myst = _line(MYST, ":metrics: MET-QUIET")
    message = "is measured by metric 'MET-QUIET', which has neither :warn: nor :crit:"
    assert_warnings(
        app,
        [
            ("index.rst", half, "requirement-unmonitored", f"requirement 'REQ-HALF' {message}"),
            ("myst.md", myst, "requirement-unmonitored", f"requirement 'REQ-MYST' {message}"),
            # Not this rule's to say: a status it cannot read, a metric that is not there.
            ("index.rst", _line(RST, "   :status: someday"), "schema", ":status: 'someday'"),
            ("index.rst", _line(RST, "   :metrics: MET-GONE"), "unknown-ref", ":metrics: 'MET"),
        ],
    )
    # Only the metric with no thresholds is named: MET-LOUD has a :crit:.
    assert "MET-LOUD" not in next(w for w in warnings_of(app) if "REQ-HALF" in w)
    exported = [v for v in export_of(app)["violations"] if v["rule"] == "requirement-unmonitored"]
    assert [(v["item"], v["docname"], v["lineno"], v["severity"]) for v in exported] == [
        ("REQ-HALF", "index", half, "warning"),
        ("REQ-MYST", "myst", myst, "warning"),
    ]
    gaps = _gaps(page(app, "index"))
    assert gaps.count("✗ unmonitored") == 2  # REQ-HALF and REQ-MYST, each once
    half_entry = gaps[gaps.index("REQ-HALF") : gaps.index("</li>", gaps.index("REQ-HALF"))]
    assert "MET-QUIET" in half_entry and "MET-LOUD" not in half_entry
    for spared in ("REQ-FULL", "REQ-OUT", "REQ-REJECTED", "REQ-DEPRECATED", "REQ-BAD-STATUS"):
        assert spared not in gaps


def test_an_error_setting_fails_the_build(build: Build, tmp_path: Path) -> None:
    app = build(_project(tmp_path, 'mldesign_rules = {"requirement-unmonitored": "error"}\n'))
    unmonitored = [w for w in warnings_of(app) if "requirement-unmonitored" in w]
    assert len(unmonitored) == 2 and all(": ERROR: " in w for w in unmonitored)
    assert app.statuscode == 1


def test_off_removes_the_warning_the_violation_and_the_mark(build: Build, tmp_path: Path) -> None:
    app = build(_project(tmp_path, 'mldesign_rules = {"requirement-unmonitored": "off"}\n'))
    assert not [w for w in warnings_of(app) if "requirement-unmonitored" in w]
    rules = {v["rule"] for v in export_of(app)["violations"]}
    assert rules == {"schema", "unknown-ref"}
    gaps = _gaps(page(app, "index"))
    assert "✗ unmonitored" not in gaps and "REQ-HALF" not in gaps
    assert "No coverage gaps." in gaps


def test_suppress_warnings_silences_it_on_the_console_only(build: Build, tmp_path: Path) -> None:
    """As for every rule: suppress_warnings is about the console, the export keeps it."""
    src = _project(tmp_path, 'suppress_warnings = ["mldesign.requirement-unmonitored"]\n')
    app = build(src)
    assert not [w for w in warnings_of(app) if "requirement-unmonitored" in w]
    rules = [v["rule"] for v in export_of(app)["violations"]]
    assert rules.count("requirement-unmonitored") == 2


def test_an_imported_projects_findings_are_its_exports(build: Build, tmp_path: Path) -> None:
    """Another project's gaps are what its own build exported: the monitoring roll-up lists
    its requirement with the metrics that lack thresholds, and the portfolio counts its
    violations by rule, a rule this version does not know by the name it was exported
    under (counted, never shown as a gap)."""
    other = build(_project(tmp_path), "mldesign")
    data = export_of(other)
    data["violations"].append(
        {"rule": "rule-of-a-newer-version", "severity": "warning", "item": "REQ-FULL",
         "docname": "index", "lineno": 1, "message": "something new"}
    )  # fmt: skip
    (tmp_path / "other.json").write_text(json.dumps(data), encoding="utf-8")
    src = tmp_path / "here"
    src.mkdir()
    (src / "conf.py").write_text(
        CONF + f'mldesign_imports = {{"other": {str(tmp_path / "other.json")!r}}}\n',
        encoding="utf-8",
    )
    (src / "index.rst").write_text(
        "Here\n====\n\n.. ml-monitoring-index::\n   :projects: all\n\n.. ml-portfolio::\n",
        encoding="utf-8",
    )
    html = page(build(src), "index")
    gaps = _gaps(html)
    entry = gaps[gaps.index("other:REQ-HALF") : gaps.index("</li>", gaps.index("other:REQ-HALF"))]
    assert "other:MET-QUIET" in entry and "other:MET-LOUD" not in entry
    assert gaps.count("✗ unmonitored") == 2 and "REQ-FULL" not in gaps
    [table] = tables_of(html, "ml-portfolio")
    row = table[2]  # this project, then the import
    assert row[2:4] == ["2", "3"]  # errors: schema, unknown-ref; warnings: 2 + the new one
    assert row[4] == (
        "requirement-unmonitored 2; rule-of-a-newer-version 1; schema 1; unknown-ref 1"
    )
