"""Alerts say only what the doc says, however its options are written — RST, MyST field
lines, a MyST ``---`` block: drift at the line of the option that drifted; ``mldesign
alerts`` refusing a doc with errors and, with ``--allow-errors``, leaving out a metric with
any schema error (``:level: ticket``, meant as its severity, no default standing in)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_alerts import _alert_warnings, _alerts, _rules

from helpers import Build

FLAVOURS = ["rst", "myst-fields", "myst-block"]

#: MET-P99 writes each option the drift check compares; MET-ERR has nothing wrong (and no
#: :severity:, so its crit pages: the default, for an option not written).
P99 = [
    ("id", "MET-P99"),
    ("kind", "system"),
    ("owner", "sam"),
    ("query", "rank_p99_ms"),
    ("warn", "p99 > 60 ms"),
    ("crit", "p99 >= 80 ms"),
    ("window", "5m"),
    ("for", "5m"),
    ("severity", "page"),
]
ERR = [("id", "MET-ERR"), ("kind", "system"), ("owner", "sam"), ("query", "rank_errors"),
       ("crit", "errors >= 5 %")]  # fmt: skip


def _directive(flavour: str, name: str, title: str, options: list[tuple[str, str]]) -> str:
    if flavour == "rst":
        return f".. {name}:: {title}\n" + "".join(f"   :{k}: {v}\n" for k, v in options) + "\n"
    if flavour == "myst-fields":
        lines = "".join(f":{k}: {v}\n" for k, v in options)
    else:
        lines = "---\n" + "".join(f"{k}: {v}\n" for k, v in options) + "---\n"
    return f"```{{{name}}} {title}\n{lines}```\n\n"


def _project(tmp_path: Path, flavour: str, p99: list[tuple[str, str]] = P99) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    myst = flavour != "rst"
    extensions = ["sphinxcontrib_mldesign", *(["myst_parser"] if myst else [])]
    (src / "conf.py").write_text(
        f"extensions = {extensions!r}\nproject = 'Ranking'\nshow_warning_types = True\n"
        "mldesign_alert_rules = ['deploy/*.yaml']\n"
    )
    page = ("# Metrics\n\n" if myst else "Metrics\n=======\n\n") + "".join(
        _directive(flavour, *directive)
        for directive in [
            ("ml-owner", "Sam", [("id", "sam")]),
            ("metric", "Ranking latency", p99),
            ("metric", "Error rate", ERR),
        ]
    )
    (src / ("index.md" if myst else "index.rst")).write_text(page)
    return src


def _page(src: Path) -> Path:
    [page] = src.glob("index.*")
    return page


def _line(src: Path, written: str) -> int:
    """The line of the page holding ``written`` (once)."""
    [line] = [n for n, text in enumerate(_page(src).read_text().splitlines(), 1) if written in text]
    return line


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_drift_is_at_the_line_of_the_option_that_drifted(
    flavour: str, build: Build, tmp_path: Path
) -> None:
    src = _project(tmp_path, flavour)
    (src / "deploy").mkdir()
    deployed = src / "deploy" / "rules.yaml"
    generated = _alerts(src, "-o", deployed)  # what the doc says, deployed as it is written
    assert generated.returncode == 0, generated.stderr
    assert _alert_warnings(build(src, warningiserror=False)) == []
    # Then changed by hand: the warn threshold, the crit rule's severity, both rules' for.
    text = deployed.read_text()
    text = text.replace("(rank_p99_ms) > 60", "(rank_p99_ms) > 65").replace("for: 5m", "for: 10m")
    text = text.replace("severity: page\n      mldesign_id: MET-P99", "severity: log\n      "
                        "mldesign_id: MET-P99")  # fmt: skip
    deployed.write_text(text)
    found = _alert_warnings(build(src, warningiserror=False))
    page = _page(src).name
    assert [(w.split(": ERROR: ")[0].rsplit("/", 1)[1], w.split(": ", 4)[-1]) for w in found] == [
        (f"{page}:{_line(src, 'warn: p99')}",
         "threshold p99 > 60 ms in the doc, > 65 deployed [mldesign.alert-drift]"),
        (f"{page}:{_line(src, 'for: 5m')}", "for 5m in the doc, 10m deployed [mldesign.alert-drift]"),
        (f"{page}:{_line(src, 'severity: page')}",
         "severity page in the doc, log deployed [mldesign.alert-drift]"),
    ]  # fmt: skip


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_alerts_refuses_a_doc_with_errors(flavour: str, tmp_path: Path) -> None:
    src = _project(tmp_path, flavour, [*P99[:-1], ("severity", "tiket")])
    result = _alerts(src)
    assert result.returncode == 1 and result.stdout == ""
    assert "the doc has 1 error; no rules written" in result.stderr
    assert f"{_line(src, 'severity: tiket'):>5}  error    schema" in result.stderr


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_allow_errors_leaves_out_a_metric_with_an_unknown_option(
    flavour: str, tmp_path: Path
) -> None:
    """``:level: ticket`` is no option, and close to none: the author likely meant the
    severity, so MET-P99 gets no crit rule paging on the default, nor any rule."""
    src = _project(tmp_path, flavour, [*P99[:-1], ("level", "ticket")])
    result = _alerts(src, "--allow-errors")
    assert result.returncode == 0, result.stderr
    [rule] = _rules(result.stdout)
    assert rule["alert"] == "MET_ERR_crit" and rule["labels"]["severity"] == "page"
    assert "written despite 1 error" in result.stderr
    assert (
        "monitored metrics in error (no rule written): MET-P99 "
        f"(line {_line(src, 'level: ticket')}: unknown option :level: for ml-metric"
    ) in result.stderr
