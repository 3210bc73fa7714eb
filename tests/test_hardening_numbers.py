"""Hardening (issue 23, item 5, numbers): every number read from text is read once, by one
bounded reader of ASCII digits, with a located error — a roll-up's ``:depth:``, a duration
option, a deployed rule's ``for``."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp
from test_alerts import _alert_warnings, _drift_project

from helpers import Build, located, tables_of
from sphinxcontrib_mldesign.model.formats import FormatError, duration_seconds
from sphinxcontrib_mldesign.model.numbers import prometheus_seconds, whole_number

CONF = 'extensions = ["sphinxcontrib_mldesign"]\nproject = "Flow"\nshow_warning_types = True\n'
#: Five components in a line, C-1 -> C-2 -> ... -> C-5, then a diagram around C-3.
COMPONENTS = "Flow\n====\n\n.. ml-owner:: Sam\n   :id: sam\n\n" + "".join(
    f".. component:: Step {n}\n   :id: C-{n}\n   :kind: pipeline\n   :owner: sam\n"
    + (f"   :inputs: C-{n - 1}\n" if n > 1 else "")
    + "\n"
    for n in range(1, 6)
)
#: Only what :depth: is checked by: the components need no metrics here.
QUIET = 'mldesign_rules = {"component-unmonitored": "off", "missing-owner": "off"}\n'


def _diagram(tmp_path: Path, depth: str | None) -> Path:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(CONF + QUIET + 'graphviz_dot = "no-such-dot"\n')
    option = "" if depth is None else f"   :depth: {depth}\n"
    rollup = f".. ml-architecture::\n   :around: C-3\n{option}"
    (src / "index.rst").write_text(COMPONENTS + rollup, encoding="utf-8")
    return src


def _shown(app: SphinxTestApp) -> list[str]:
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    [table] = tables_of(html, "ml-components")
    return [row[0] for row in table[1:]]


#: The line of :depth: in the page _diagram writes.
DEPTH_LINE = COMPONENTS.count("\n") + 3


@pytest.mark.parametrize(
    "depth", ["²", "⁵", "٣", "1²", "-1", "1.5", "51", "100000000", "9" * 5000, "1, 2", "two"]
)
def test_a_depth_that_is_no_whole_number_up_to_50_is_one_located_error(
    depth: str, build: Build, tmp_path: Path
) -> None:
    started = time.monotonic()
    app = build(_diagram(tmp_path, depth), warningiserror=False)
    assert time.monotonic() - started < 60  # 100000000 steps took a minute: now refused at once
    [(file, line, subtype, message)] = located(app)
    assert (file, line, subtype) == ("index.rst", DEPTH_LINE, "schema")
    shown = depth if len(depth) <= 20 else depth[:17] + "..."
    assert message == (
        f"ml-architecture :depth: {shown!r} is not a whole number from 0 to 50 (the steps "
        "from :around: to show; for the whole data flow leave :around: out)"
    )


@pytest.mark.parametrize(
    ("depth", "shown"),
    [
        (None, ["C-2", "C-3", "C-4"]),  # the default: one step
        ("0", ["C-3"]),  # no step: the component alone (was read as the default, 1)
        ("2", ["C-1", "C-2", "C-3", "C-4", "C-5"]),
        (" 007 ", ["C-1", "C-2", "C-3", "C-4", "C-5"]),
        ("50", ["C-1", "C-2", "C-3", "C-4", "C-5"]),
    ],
)
def test_a_depth_from_0_to_50_shows_that_many_steps(
    depth: str | None, shown: list[str], build: Build, tmp_path: Path
) -> None:
    app = build(_diagram(tmp_path, depth), warningiserror=True)
    assert _shown(app) == shown


@pytest.mark.parametrize(
    ("deployed", "shown"),
    [
        ("9" * 300 + "s", "9" * 77 + "..."),  # OverflowError / ValueError before
        ("99999w", "99999w"),  # Prometheus would refuse it: not the doc's 5m
        ("293y", "293y"),
        ("9223372036855ms", "9223372036855ms"),
    ],
)
def test_a_deployed_for_prometheus_cannot_hold_is_drift_at_the_for_line(
    deployed: str, shown: str, build: Build, tmp_path: Path
) -> None:
    src = _drift_project(tmp_path)
    rules = src / "deploy" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("for: 5m", f"for: {deployed}", 1), encoding="utf-8")
    [warning] = _alert_warnings(build(src, warningiserror=False))
    assert warning.endswith(
        "index.rst:15: ERROR: metric 'MET-P99': deployed rule 'MET_P99_warn' "
        "(deploy/rules.yaml:4) differs from its warn threshold: for 5m in the doc, "
        f"{shown} deployed [mldesign.alert-drift]"
    ), warning


# -- the readers, Sphinx-free -------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("50", 50), (" 7 ", 7), ("0050", 50)])
def test_a_whole_number_is_ascii_digits_up_to_its_bound(text: str, number: int) -> None:
    assert whole_number(text, 50) == number


@pytest.mark.parametrize("text", ["51", "²", "٣", "-1", "+1", "1_0", "1.0", "", " ", "9" * 10**6])
def test_anything_else_is_no_whole_number_and_is_refused_at_once(text: str) -> None:
    started = time.monotonic()
    with pytest.raises(FormatError, match="is not a whole number from 0 to 50"):
        whole_number(text, 50)
    assert time.monotonic() - started < 5  # a million digits: never converted


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15250w", 15250 * 604800), ("106751d", 106751 * 86400), ("9223372036s", 9223372036),
     ("0s", 0)],
)  # fmt: skip
def test_a_duration_option_reaches_what_prometheus_holds(text: str, seconds: int) -> None:
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize("text", ["15251w", "106752d", "9223372037s", "9" * 5000 + "m"])
def test_a_longer_duration_option_is_refused(text: str) -> None:
    with pytest.raises(FormatError, match="is longer than Prometheus can hold"):
        duration_seconds(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("9223372036854ms", 9223372036.854), ("292y", 292 * 365 * 86400), ("15250w", 9223200000)],
)
def test_a_prometheus_duration_reaches_what_prometheus_holds(text: str, seconds: float) -> None:
    assert prometheus_seconds(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text", ["9223372036855ms", "293y", "15251w", "292y25w", "9" * 300 + "s", "9" * 5000 + "ms"]
)
def test_a_longer_prometheus_duration_is_unreadable(text: str) -> None:
    assert prometheus_seconds(text) is None  # as promtool: "duration out of range"
