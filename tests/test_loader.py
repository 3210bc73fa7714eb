"""The input loader (model/inputs/): each source read from real files — an export named in
conf.py, deployed rule files, a git repository with dated commits — its problems located
where the author fixes them, and what of it the roll-ups' fingerprint holds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
from pathlib import Path

from sphinxcontrib_mldesign.config import MLDesignConfig
from sphinxcontrib_mldesign.model.inputs.alert_rules import ALERT_RULES
from sphinxcontrib_mldesign.model.inputs.base import InputProblem, Request, Where
from sphinxcontrib_mldesign.model.inputs.exports import EXPORTS
from sphinxcontrib_mldesign.model.inputs.git import GIT
from sphinxcontrib_mldesign.model.inputs.loader import SOURCES
from sphinxcontrib_mldesign.model.items import Item
from sphinxcontrib_mldesign.model.project import Project
from sphinxcontrib_mldesign.rules.run import run_checks


def _where(confdir: Path, tmp_path: Path) -> Where:
    return Where(confdir=confdir, srcdir=confdir, cache_dir=tmp_path / "doctrees")


def _commit(repo: Path, message: str, when: str) -> None:
    """Commit everything as of ``when`` (the committer date is the one git dates use)."""
    env = {**os.environ, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when}
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@e"]
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(
        [*git, "commit", "-q", "-m", message, f"--date={when}"], cwd=repo, check=True, env=env
    )


def test_git_dates_are_each_files_last_commit(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    docs = repo / "docs"
    docs.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (docs / "a.rst").write_text("a\n")
    _commit(repo, "a", "2025-01-10T12:00:00+00:00")
    (docs / "b.rst").write_text("b\n")
    _commit(repo, "b", "2025-03-05T12:00:00+00:00")
    (docs / "a.rst").write_text("a, changed\n")
    _commit(repo, "a again", "2025-04-01T23:30:00-02:00")  # UTC: the 2nd
    (docs / "c.rst").write_text("not committed\n")
    a, b, c = (str(docs / name) for name in ("a.rst", "b.rst", "c.rst"))
    request = Request(MLDesignConfig(), _where(docs, tmp_path), (a, b, c))
    dates = GIT.load(request)
    assert dates == {a: dt.date(2025, 4, 2), b: dt.date(2025, 3, 5)}
    assert GIT.fingerprint(dates) == {a: "2025-04-02", b: "2025-03-05"}
    assert GIT.problems(dates) == ()  # no git, no work tree, untracked: no date, no complaint
    outside = tmp_path / "outside"
    outside.mkdir()
    assert GIT.load(Request(MLDesignConfig(), _where(outside, tmp_path), (a,))) == {}

    # A project read from there: its items' files are asked about, once, on first use.
    items = [
        Item("REQ-1", "ml-requirement", "One", "a", 1, {}),
        Item("REQ-2", "ml-requirement", "Two", "b", 1, {}),
    ]
    project = Project(
        items,
        MLDesignConfig(review_every="90d"),
        dt.date(2025, 6, 10),
        paths={"a": a, "b": b},
        where=_where(docs, tmp_path),
    )
    assert project.git_dates == dates
    assert project.last_change == "2025-04-02"
    assert list(project.stale) == ["REQ-2"]  # 97 days; REQ-1's file changed 69 days ago
    assert project.stale["REQ-2"].source == "its file last changed in git"
    # The roll-ups' fingerprint holds the git dates (under "git", as it always has) and no
    # other source: imports are fingerprinted page by page, rule files through findings.
    assert project.inputs.fingerprints() == {
        "git": {a: "2025-04-02", b: "2025-03-05"},
        "observed": None,  # mldesign_observe is off
    }


def _export(items: dict[str, object]) -> bytes:
    return json.dumps({"version": 1, "project": "Search", "items": items}).encode()


def test_exports_are_read_and_their_problems_are_at_their_line_in_conf_py(
    tmp_path: Path,
) -> None:
    confdir = tmp_path / "docs"
    (confdir / "exports").mkdir(parents=True)
    conf = confdir / "conf.py"
    conf.write_text(
        'intersphinx_mapping = {"payments": ("https://example.org", None)}\n'
        "mldesign_imports = {\n"
        '    "search": "exports/search.json",\n'
        '    "payments": "missing.json",\n'
        "    'odd': 'exports/odd.json',\n"
        "}\n"
    )
    search = _export(
        {"REQ-1": {"type": "ml-requirement", "title": "Fast", "docname": "i", "lineno": 3}}
    )
    (confdir / "exports" / "search.json").write_bytes(search)
    (confdir / "exports" / "odd.json").write_bytes(_export({"X": "not an item"}))
    named = {"search": "exports/search.json", "payments": "missing.json"}
    config = MLDesignConfig(imports={**named, "odd": "exports/odd.json"})
    exports = EXPORTS.load(Request(config, _where(confdir, tmp_path)))
    assert list(exports.projects) == ["search", "odd"]
    assert list(exports.projects["search"].items) == ["search:REQ-1"]
    assert exports.projects["search"].digest == hashlib.sha256(search).hexdigest()
    assert EXPORTS.problems(exports) == [
        InputProblem(
            "conf.py",
            str(conf),
            4,  # not line 1, where intersphinx_mapping names "payments" too
            "cannot read 'missing.json': No such file or directory",
        ),
        InputProblem(
            "conf.py",
            str(conf),
            5,
            "'exports/odd.json' holds 1 entries under 'items' that are not items (no valid "
            "ID or type); they are left out",
        ),
    ]
    assert not (tmp_path / "doctrees").exists()  # files are read, never cached

    # The project reads them, and the import check reports the problems where they are.
    project = Project([], config, dt.date(2026, 1, 1), where=_where(confdir, tmp_path))
    assert project.lookup == exports.projects["search"].items
    assert [
        (v.rule, v.docname, v.lineno, v.source, v.message)
        for v in run_checks(project).violations
    ] == [
        ("import", "conf.py", 4, str(conf),
         "mldesign_imports: cannot read 'missing.json': No such file or directory"),
        ("import", "conf.py", 5, str(conf),
         "mldesign_imports: 'exports/odd.json' holds 1 entries under 'items' that are not "
         "items (no valid ID or type); they are left out"),
    ]  # fmt: skip


def test_deployed_rule_files_are_read_with_their_lines(tmp_path: Path) -> None:
    confdir = tmp_path / "docs"
    deploy = confdir / "deploy"
    deploy.mkdir(parents=True)
    (deploy / "rules.yaml").write_text(
        "groups:\n"
        "  - name: ranking\n"
        "    rules:\n"
        "      - alert: RankingSlow\n"
        "        expr: rank_p99_ms > 250\n"
        "        for: 5m\n"
        "        labels: {mldesign_id: MET-1, severity: page}\n"
        "      - alert: NoExpression\n"
    )
    (deploy / "latin1.yaml").write_bytes("groups: [] # caf\xe9\n".encode("latin-1"))
    (confdir / "elsewhere.yaml").write_text("groups: []\n")  # not named by the glob
    config = MLDesignConfig(alert_rules=["deploy/*.yaml"])
    deployed = ALERT_RULES.load(Request(config, _where(confdir, tmp_path)))
    (rule,) = deployed.rules
    assert (rule.name, rule.expr, rule.for_, rule.labels) == (
        "RankingSlow",
        "rank_p99_ms > 250",
        "5m",
        {"mldesign_id": "MET-1", "severity": "page"},
    )
    assert (rule.docname, rule.source, rule.lineno) == (
        "deploy/rules.yaml",
        str((deploy / "rules.yaml").resolve()),
        4,
    )
    latin1, no_expr = ALERT_RULES.problems(deployed)
    assert (latin1.docname, latin1.lineno) == ("deploy/latin1.yaml", 1)
    assert "can't decode byte 0xe9" in latin1.message
    assert (no_expr.docname, no_expr.lineno, no_expr.message) == (
        "deploy/rules.yaml",
        8,
        "a rule without 'expr'",
    )
    # Nothing is read until asked for, and nothing without globs.
    assert ALERT_RULES.load(Request(MLDesignConfig(), _where(confdir, tmp_path))).rules == []


def test_every_source_is_registered_once_under_its_own_name() -> None:
    names = [source.name for source in SOURCES]
    assert names == ["imports", "git", "alert-rules", "observed"]
    # Fingerprints sit beside the roll-up fingerprint's own keys: no name may take one.
    assert not set(names) & {"items", "titles", "today", "config", "findings", "rollup_pages"}
    assert [source.name for source in SOURCES if source.fingerprinted] == ["git", "observed"]
