"""The ``mldesign`` console script, called as a user would: in a subprocess."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import sphinxcontrib_mldesign
from helpers import Copy, rollup_rows
from helpers import mldesign as run


def sphinx_build(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sphinx", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"mldesign {sphinxcontrib_mldesign.__version__}"
    assert run("--help").returncode == 0
    for command in ("init", "check", "diff"):
        result = run(command, "--help")
        assert result.returncode == 0
        assert "examples:" in result.stdout and f"mldesign {command}" in result.stdout
    assert run().returncode == 2  # no command: usage error


# -- init ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["rst", "md"])
def test_init_writes_a_project_that_builds_with_W(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / "design-doc"
    result = run("init", target, "--format", fmt, "--project", "Search ranking")
    assert result.returncode == 0, result.stderr
    suffix = ".md" if fmt == "md" else ".rst"
    for name in ("conf.py", "Makefile", ".readthedocs.yaml", "requirements.txt",
                 f"index{suffix}", f"rollups{suffix}", f"requirements{suffix}",
                 f"serving{suffix}", f"ownership{suffix}", f"security{suffix}"):  # fmt: skip
        assert (target / name).is_file(), name
    assert "'Search ranking'" in (target / "conf.py").read_text()
    assert ("myst_parser" in (target / "conf.py").read_text()) == (fmt == "md")
    # Values are written as the guide says to write them, in RST and MyST alike: unquoted.
    assert "\n:warn: > 0.1\n" in (target / f"monitoring{suffix}").read_text().replace("   :", ":")
    built = sphinx_build("-W", "--keep-going", "-b", "html", target, tmp_path / "html")
    assert built.returncode == 0, built.stderr
    rollups = (tmp_path / "html" / "rollups.html").read_text(encoding="utf-8")
    assert "Roll-ups" in rollups
    # A page made of roll-ups: wide (no TOC sidebar); a page of items keeps it.
    assert "bd-sidebar-secondary" not in rollups
    assert "bd-sidebar-secondary" in (tmp_path / "html" / "serving.html").read_text()
    rows = rollup_rows(rollups)  # every roll-up shows the scaffold's items
    assert all(count >= 1 for count in rows.values()), rows
    # The architecture and the must-haves' traces are drawn (Graphviz), so a new doc shows
    # its diagrams from the first build; Read the Docs gets the dot program too.
    drawn = re.findall(r'(?:data|src)="_images/graphviz-[0-9a-f]+\.(?:svg|png)"', rollups)
    assert len(drawn) >= 2, "the architecture and trace diagrams are drawn"
    assert "- graphviz" in (target / ".readthedocs.yaml").read_text()
    checked = run("check", target)
    assert checked.returncode == 0 and "0 errors, 0 warnings" in checked.stdout
    # Its monitored metrics with a :query: give real rules: two thresholds each.
    alerts = run("alerts", target)
    assert alerts.returncode == 0, alerts.stderr
    assert sorted(re.findall(r"- alert: (\S+)\n.*\n    for: (\S+)", alerts.stdout)) == [
        (f"{metric}_{level}", wait)
        for metric, wait in (("MET_DRIFT", "1h"), ("MET_LATENCY", "10m"), ("MET_ONLINE", "30m"))
        for level in ("crit", "warn")
    ]


def test_both_init_formats_export_the_same_items(tmp_path: Path) -> None:
    exports = {}
    for fmt in ("rst", "md"):
        run("init", tmp_path / fmt, "--format", fmt, "--project", "Same")
        sphinx_build("-b", "mldesign", tmp_path / fmt, tmp_path / f"out-{fmt}")
        data = json.loads((tmp_path / f"out-{fmt}" / "mldesign.json").read_text())
        exports[fmt] = {
            item_id: {k: v for k, v in item.items() if k != "lineno"}
            for item_id, item in data["items"].items()
        }
    assert exports["rst"] == exports["md"] and len(exports["rst"]) >= 15


def test_init_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = run("init", tmp_path)
    assert result.returncode == 2
    assert "is not empty; use --force" in result.stderr
    assert not (tmp_path / "conf.py").exists()
    assert run("init", tmp_path, "--force").returncode == 0
    assert (tmp_path / "conf.py").is_file() and (tmp_path / "notes.txt").read_text() == "mine"


# -- check --------------------------------------------------------------------------------


def test_check_text_groups_by_file_and_fails_on_errors(copy_root: Copy) -> None:
    src = copy_root("broken")
    result = run("check", src, cwd=src.parent)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "broken/alerts.yaml"  # the deployed rule file, by its path
    assert "broken/index.rst" in lines
    assert "broken/rules.rst" in lines and "broken/other.rst" in lines
    assert any(
        "11  error    schema" in line and "unknown option :colour:" in line for line in lines
    )
    assert lines[-1] == "mldesign: 30 items, 20 errors, 27 warnings — failing"


def test_check_passes_sphinx_warnings_on_without_colour_in_a_pipe(tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text("extensions = ['sphinxcontrib_mldesign']\n")
    (tmp_path / "index.rst").write_text("Hi\n==\n\n.. no-such-directive::\n")
    result = run("check", tmp_path)
    assert result.returncode == 0
    assert 'Unknown directive type "no-such-directive"' in result.stderr  # passed on...
    assert "\x1b[" not in result.stdout + result.stderr  # ...without colour codes


def test_check_json_is_the_exports_violations(copy_root: Copy, tmp_path: Path) -> None:
    src = copy_root("broken")
    result = run("check", src, "--format", "json", cwd=src.parent)
    assert result.returncode == 1
    sphinx_build("-b", "mldesign", src, tmp_path / "out")
    export = json.loads((tmp_path / "out" / "mldesign.json").read_text())
    printed = json.loads(result.stdout)
    assert [{k: v for k, v in p.items() if k != "path"} for p in printed] == export["violations"]
    # Each with its source file, relative to where the command ran, as the text format.
    assert {(p["docname"], p["path"]) for p in printed} == {
        (p["docname"], f"{src.name}/{p['docname']}" + ("" if "." in p["docname"] else ".rst"))
        for p in printed
    }
    assert "20 errors" in result.stderr  # the summary stays off stdout


def test_check_github_annotations(copy_root: Copy) -> None:
    src = copy_root("broken")
    result = run("check", src, "--format", "github", cwd=src.parent)
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 47
    assert annotations[0].startswith("::warning file=broken/alerts.yaml,line=10,")
    assert annotations[1].startswith("::warning file=broken/conf.py,line=7,title=mldesign.import")
    assert annotations[2].startswith(
        "::warning file=broken/conf.py,line=12,title=mldesign.observation-stale"
    )
    assert annotations[3] == (
        "::warning file=broken/index.rst,line=9,title=mldesign.missing-owner::"
        "requirement 'REQ-1' has no :owner:"
    )
    assert sum(line.startswith("::error ") for line in annotations) == 20
    assert result.returncode == 1


def test_annotations_are_made_where_commands_show_violations() -> None:
    """cli/report.py makes every shown form of a violation, annotations too; GitHub reads
    % and line ends in a message, and also : and , in a property, as its own."""
    from sphinxcontrib_mldesign.cli.report import annotation

    violation = {"severity": "warning", "docname": "index", "lineno": 3, "rule": "stale",
                 "message": "50% done\nnext: a, b"}  # fmt: skip
    assert annotation(violation, {"index": "docs/a,b:c.rst"}) == (
        "::warning file=docs/a%2Cb%3Ac.rst,line=3,title=mldesign.stale::50%25 done%0Anext: a, b"
    )


def test_check_clean_project_and_overrides(copy_root: Copy) -> None:
    src = copy_root("basic")
    clean = run("check", src)
    assert clean.returncode == 0 and "0 errors, 0 warnings" in clean.stdout
    stricter = run(
        "check", src, "-D", "mldesign_min_bus_factor=3", "-D", "mldesign_rules.bus-factor=error"
    )
    assert stricter.returncode == 1
    assert "bus-factor" in stricter.stdout


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda root: root / "missing", "no such directory"),
        (lambda root: root, "no conf.py here"),
    ],
)
def test_check_usage_errors(setup: Callable[[Path], Path], message: str, tmp_path: Path) -> None:
    result = run("check", setup(tmp_path))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_alerts_on_a_directory_without_conf_py_is_the_same_usage_error(tmp_path: Path) -> None:
    result = run("alerts", tmp_path)
    assert result.returncode == 2 and result.stderr == (
        f"mldesign alerts: {tmp_path}: no conf.py here (give the directory holding conf.py)\n"
    )


def test_check_without_the_extension_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text("extensions = []\n")
    (tmp_path / "index.rst").write_text("Hi\n==\n")
    result = run("check", tmp_path)
    assert result.returncode == 2 and "does not enable sphinxcontrib_mldesign" in result.stderr


# -- diff ---------------------------------------------------------------------------------


@pytest.fixture
def two_exports(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "doc"
    run("init", src)
    sphinx_build("-b", "mldesign", src, tmp_path / "old")
    requirements = src / "requirements.rst"
    text = requirements.read_text()
    text = text.replace(":target: p99 <= 200 ms", ":target: p99 <= 150 ms", 1)
    text = text.replace("   :metrics: MET-PII\n", "")
    text += "\n.. ml-requirement:: A new requirement\n   :id: REQ-NEW\n   :owner: owner.lead\n"
    requirements.write_text(text)
    cost = src / "cost.rst"
    cost.write_text(
        cost.read_text().split(".. ml-requirement::")[0]
        + cost.read_text().split("   :owner: owner.lead\n", 1)[1]
    )
    sphinx_build("-b", "mldesign", src, tmp_path / "new")
    return tmp_path / "old" / "mldesign.json", tmp_path / "new" / "mldesign.json"


def test_diff_json(two_exports: tuple[Path, Path]) -> None:
    old, new = two_exports
    result = run("diff", old, new, "--format", "json")
    assert result.returncode == 0
    changes = json.loads(result.stdout)
    assert [item["id"] for item in changes["added"]] == ["REQ-NEW"]
    assert [item["id"] for item in changes["removed"]] == ["REQ-COST"]
    assert changes["changed"]["REQ-LATENCY"]["target"]["new"]["text"] == "p99 <= 150 ms"
    assert changes["changed"]["REQ-PRIVACY"] == {"metrics": {"old": ["MET-PII"], "new": None}}
    assert {(v["rule"], v["item"]) for v in changes["violations_introduced"]} == {
        ("must-needs-metric", "REQ-PRIVACY")
    }
    assert changes["violations_resolved"] == []


def test_diff_text_and_markdown(two_exports: tuple[Path, Path]) -> None:
    old, new = two_exports
    text = run("diff", old, new).stdout
    assert "+ REQ-NEW (ml-requirement): A new requirement" in text
    assert "- REQ-COST (ml-requirement): Stay within the serving budget" in text
    assert "    target: p99 <= 200 ms -> p99 <= 150 ms" in text
    assert text.splitlines()[-1].startswith("1 added, 1 removed,")
    md = run("diff", old, new, "--format", "md").stdout
    assert md.startswith("### Design doc changes")
    assert "| `REQ-LATENCY` | target | p99 <= 200 ms | p99 <= 150 ms |" in md
    assert "| new | warning | `must-needs-metric` | `REQ-PRIVACY` |" in md


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", "not valid JSON"),
        ('{"items": []}', "not an mldesign export"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
@pytest.mark.parametrize("command", ["mldesign", "-m sphinxcontrib_mldesign", "-m cli"])
def test_diff_bad_input(command: str, content: str | None, message: str, tmp_path: Path) -> None:
    """The same clean usage error whichever way the command is started."""
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"version": 1, "project": "x", "items": {}, "violations": []}))
    if command == "mldesign":
        result = run("diff", bad, good)
    else:
        module = "sphinxcontrib_mldesign" + (".cli" if command == "-m cli" else "")
        result = subprocess.run(
            [sys.executable, "-m", module, "diff", str(bad), str(good)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_diff_of_hand_edited_exports_is_no_traceback(tmp_path: Path) -> None:
    """The export schema lets any value stand under an option's name: a number or a
    nested list where refs belong is shown as it is, not a traceback."""
    item = {"id": "REQ-A", "type": "ml-requirement", "title": "A", "docname": "d", "lineno": 1}
    item["invalid"] = []  # so that no option is required
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    for path, values in ((old, {}), (new, {"owner": 7, "metrics": [["x:MET-A"]]})):
        items = {"REQ-A": {**item, **values}}
        path.write_text(
            json.dumps({"version": 1, "project": "x", "items": items, "violations": []})
        )
    for fmt in ("text", "json", "md"):
        result = run("diff", old, new, "--format", fmt)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "    owner: (unset) -> 7\n" in run("diff", old, new).stdout


def test_check_respects_suppress_warnings_like_sphinx_build(copy_root: Copy) -> None:
    """An error silenced with suppress_warnings fails neither sphinx-build nor check."""
    src = copy_root("broken")
    with (src / "conf.py").open("a") as conf:
        conf.write("\nsuppress_warnings = ['mldesign']\n")
    built = sphinx_build("-q", "-b", "mldesign", src, src / "_out")
    checked = run("check", src)
    assert built.returncode == 0 and checked.returncode == 0
    assert re.search(r"items, [1-9][0-9]* errors?, ", checked.stdout)  # still shown
    assert "failing" not in checked.stdout  # but the summary does not call it failing


def test_check_a_crashing_extension_is_not_a_verdict(tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text(
        "from docutils.parsers.rst import Directive\n"
        "class Boom(Directive):\n"
        "    def run(self):\n"
        "        raise ValueError('boom')\n"
        "extensions = ['sphinxcontrib_mldesign']\n"
        "def setup(app):\n"
        "    app.add_directive('boom', Boom)\n"
    )
    (tmp_path / "index.rst").write_text("Hi\n==\n\n.. boom::\n")
    result = run("check", tmp_path)
    assert result.returncode == 2  # not 1, which means "the design doc has errors"
    assert "Sphinx crashed" in result.stderr and "ValueError: boom" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_into_an_unwritable_place_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run("init", blocker / "design")  # its parent is a file
    assert result.returncode == 2
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


LIVE_TITLE = "<img src=x> ![pic](https://evil.example/x.png) @octocat a|b `tick` [l](www.x.y) &amp;"


def test_diff_markdown_shows_titles_as_written_nothing_live(tmp_path: Path) -> None:
    """A PR comment quotes titles and values; none of their markup may act in it."""
    src = tmp_path / "doc"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinxcontrib_mldesign"]\n')
    (src / "index.rst").write_text("Doc\n===\n")
    sphinx_build("-b", "mldesign", src, tmp_path / "old")
    (src / "index.rst").write_text(
        f"Doc\n===\n\n.. ml-owner:: Sam\n   :id: sam\n   :role: {LIVE_TITLE}\n\n"
        f".. ml-requirement:: {LIVE_TITLE.replace('`', '')}\n   :id: REQ-X\n   :owner: sam\n"
    )
    sphinx_build("-b", "mldesign", src, tmp_path / "new")
    md = run("diff", tmp_path / "old" / "mldesign.json", tmp_path / "new" / "mldesign.json",
             "--format", "md").stdout  # fmt: skip
    rows = [line for line in md.splitlines() if line.startswith("| added |")]
    assert len(rows) == 2
    for live in ("<img", "![", "](", " @octocat", "a|b", "`tick`", "https://", "www."):
        assert live not in md, live
    assert "&amp;amp;" in md  # an entity shows as written, not as "&"
    shown = (
        r"&lt;img src=x> \!\[pic\]\(https\://evil.example/x.png\) @" + "\u200b" + r"octocat a\|b"
    )
    assert shown in md  # a zero-width space after "@" (tests/test_diff_markdown.py)
    assert all(row.count(" | ") == 3 for row in rows)  # the pipe in a title splits no cell
    text = run(
        "diff", tmp_path / "old" / "mldesign.json", tmp_path / "new" / "mldesign.json"
    ).stdout
    assert "<img src=x> ![pic]" in text  # the text format shows titles as they are


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("設計ドキュメント", "rst"), ("設計ドキュメント", "md"), ("*star", "rst"), ("a_", "rst"),
     ("`tick", "md"), ("- dash", "rst"), ("  spaced  ", "md"), ('say """hi"""\\', "rst"),
     ("# hash <b>bold</b> [l](x)", "md"), ("two\nlines", "rst"), ("{project} {0} }{", "md")],
)  # fmt: skip
def test_init_builds_with_W_whatever_the_project_name(name: str, fmt: str, tmp_path: Path) -> None:
    target = tmp_path / "doc"
    assert run("init", target, "--format", fmt, "--project", name).returncode == 0
    built = sphinx_build("-W", "-q", "-b", "html", target, tmp_path / "html")
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    shown = html.escape(" ".join(name.split()))  # as Sphinx writes text ("&quot;")
    assert f"<h1>{shown} — ML system design doc" in page  # the name as written, one line


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (os.mkfifo, "cannot read it (not a regular file (a FIFO))"),
        (
            lambda path: path.symlink_to("/dev/zero"),
            "cannot read it (not a regular file (a device))",
        ),
    ],
)
@pytest.mark.parametrize("command", ["diff", "alerts"])
def test_an_export_that_is_no_regular_file_is_refused_at_once(
    command: str, make: Callable[[Path], object], message: str, tmp_path: Path
) -> None:
    """A FIFO is not waited on, a device not read without end (the build's own reader)."""
    bad = tmp_path / "bad.json"
    make(bad)
    args = [command, bad, bad] if command == "diff" else [command, bad]
    result = subprocess.run(
        [sys.executable, "-m", "sphinxcontrib_mldesign", *map(str, args)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().endswith(f"{bad}: {message}"), result.stderr
