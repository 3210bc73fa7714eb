"""Outside files read safely (issue 23, item 1): a FIFO, a device, a directory or a file
too large where an import or a rule file belongs, a glob over a symbolic link loop, and
rule files written to hurt (nested deep, aliases expanding to millions of rules, control
characters) each cost one located one-line warning, at once; rule files are read as
Prometheus reads them (merge keys, ``kubectl get prometheusrules -o yaml``).

Inputs that used to hang the build (a FIFO, a symbolic link loop) are built in a
subprocess with a timeout, or read in a thread of their own, so a regression fails the
test instead of holding it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest
from test_alerts import DEPLOYED, _alert_warnings, _drift_project

from helpers import Build, Copy, edit, located, warnings_of
from sphinxcontrib_mldesign.model.inputs import alert_rules, exports, files
from sphinxcontrib_mldesign.model.inputs.files import (
    GlobTooLarge,
    UnreadableFile,
    glob_files,
    read_outside,
)
from sphinxcontrib_mldesign.model.rulefiles import RuleFiles

#: What a build in a subprocess may take before the test calls it hung: a small project
#: builds in a few seconds, on a slow shared machine in well under a minute.
HUNG = 120
CANNOT = "WARNING: cannot read the deployed alerting rules: "
T = TypeVar("T")


def _sphinx_build(src: Path, out: Path) -> tuple[float, list[str]]:
    """Build ``src`` in a subprocess: how long it took and the lines it warned."""
    started = time.monotonic()
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=HUNG, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return time.monotonic() - started, result.stderr.splitlines()


def _at_once(call: Callable[[], T]) -> T:
    """What ``call`` returns, asserting it returns well within :data:`HUNG` seconds (it
    runs in a thread of its own, left behind if it hangs)."""
    done: list[T] = []
    thread = threading.Thread(target=lambda: done.append(call()), daemon=True)
    thread.start()
    thread.join(HUNG / 2)
    assert done, "hung"
    return done[0]


def _read(text: str) -> RuleFiles:
    found = RuleFiles()
    found.read(text, "rules.yaml", "/deploy/rules.yaml")
    return found


def _problems(found: RuleFiles) -> list[tuple[int, str]]:
    return [(problem.lineno, problem.message) for problem in found.problems]


# -- the reader: regular files only, up to a size -----------------------------------------


def test_only_a_regular_file_no_larger_than_its_cap_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "cap").write_bytes(b"x" * 100)
    (tmp_path / "over").write_bytes(b"x" * 101)
    (tmp_path / "link").symlink_to(tmp_path / "cap")  # a link to a file is that file
    assert read_outside(tmp_path / "cap", 100) == b"x" * 100
    assert read_outside(tmp_path / "link", 100) == b"x" * 100
    refused = {
        fifo: "not a regular file (a FIFO)",
        Path("/dev/zero"): "not a regular file (a device)",
        tmp_path: "not a regular file (a directory)",
        tmp_path / "over": "larger than 100 bytes",
        tmp_path / "missing": "No such file or directory",
        tmp_path / "a\0b": "embedded null byte",
    }
    for path, reason in refused.items():
        assert _at_once(partial(_refusal, path)) == reason


def _refusal(path: Path) -> str:
    try:
        read_outside(path, 100)
    except UnreadableFile as err:
        return str(err)
    return "read"


# -- imports -------------------------------------------------------------------------------


def test_an_import_that_is_a_fifo_is_one_warning_at_once(copy_root: Copy, tmp_path: Path) -> None:
    src = copy_root("portfolio")
    export = src / "exports" / "payments.json"
    export.unlink()
    os.mkfifo(export)
    took, warned = _sphinx_build(src, tmp_path / "out")
    assert [line for line in warned if "[mldesign.import]" in line] == [
        f"{src / 'conf.py'}:6: WARNING: mldesign_imports: cannot read 'exports/payments.json': "
        "not a regular file (a FIFO) [mldesign.import]"
    ]
    assert took < HUNG / 2


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("/dev/zero", "not a regular file (a device)"),  # never ends: read, memory runs out
        ("exports", "not a regular file (a directory)"),
    ],
)
def test_an_import_that_is_not_a_file_is_one_warning(
    source: str, reason: str, build: Build, copy_root: Copy
) -> None:
    src = copy_root("portfolio")
    edit(src / "conf.py", '"exports/payments.json"', repr(source))
    started = time.monotonic()
    app = build(src)
    assert time.monotonic() - started < HUNG / 2
    assert [w for w in located(app) if w[2] == "import"] == [
        ("conf.py", 6, "import", f"mldesign_imports: cannot read {source!r}: {reason}")
    ]


def test_an_import_larger_than_the_cap_is_refused_unread(
    build: Build, copy_root: Copy, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = copy_root("portfolio")
    size = (src / "exports" / "payments.json").stat().st_size
    assert (src / "exports" / "search.json").stat().st_size <= size  # the cap spares it
    monkeypatch.setattr(exports, "MAX_EXPORT_BYTES", size - 1)
    app = build(src)
    assert [w for w in located(app) if w[2] == "import"] == [
        ("conf.py", 6, "import",
         f"mldesign_imports: cannot read 'exports/payments.json': larger than {size - 1:,} bytes")
    ]  # fmt: skip


def test_a_cached_copy_that_is_not_a_file_is_no_copy(tmp_path: Path) -> None:
    """The cache directory is the build's, but a copy is read as any outside file."""
    fifo = tmp_path / "copy.json"
    os.mkfifo(fifo)
    assert _at_once(lambda: exports._cached_project("payments", fifo)) == (None, 0.0)


# -- rule files: what the globs name --------------------------------------------------------


def test_a_rule_file_that_is_a_fifo_is_one_warning_at_once(tmp_path: Path) -> None:
    src = _drift_project(tmp_path)
    os.mkfifo(src / "deploy" / "more.yaml")
    took, warned = _sphinx_build(src, tmp_path / "out")
    assert [line for line in warned if "[mldesign.alert-" in line] == [
        f"{src / 'deploy' / 'more.yaml'}:1: {CANNOT}not a regular file (a FIFO) "
        "[mldesign.alert-unknown]"
    ]  # and the rules of rules.yaml are read: nothing missing
    assert took < HUNG / 2


def test_a_rule_file_larger_than_the_cap_is_refused_unread(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _drift_project(tmp_path)
    monkeypatch.setattr(alert_rules, "MAX_RULE_FILE_BYTES", len(DEPLOYED) - 1)
    [refused, *missing] = _alert_warnings(build(src, warningiserror=False))
    assert refused == (
        f"{src / 'deploy' / 'rules.yaml'}:1: {CANNOT}larger than {len(DEPLOYED) - 1:,} bytes "
        "[mldesign.alert-unknown]"
    )
    assert len(missing) == 3 and all("has no deployed alerting rule" in w for w in missing)


def test_a_rule_file_not_utf8_is_reported_at_the_line_of_the_byte(
    build: Build, tmp_path: Path
) -> None:
    src = _drift_project(tmp_path)
    rules = src / "deploy" / "rules.yaml"
    rules.write_bytes(DEPLOYED.replace("name: ranking", "name: caf\xe9", 1).encode("latin-1"))
    [refused, *_] = _alert_warnings(build(src, warningiserror=False))
    assert refused.startswith(f"{rules}:2: {CANNOT}'utf-8' codec can't decode byte 0xe9")


def _loop(top: Path) -> None:
    """Two links in a directory to the one above: 2**40 paths before the system's limit on
    links in a path stops a walk that follows them."""
    (top / "deep").mkdir()
    (top / "deep" / "up").symlink_to("..")
    (top / "deep" / "back").symlink_to("..")


def test_a_glob_over_a_symlink_loop_ends_and_finds_the_files(tmp_path: Path) -> None:
    """The rule files outside the source directory (Sphinx itself follows links in it)."""
    src = _drift_project(tmp_path)
    deploy = tmp_path / "deploy"
    (src / "deploy").rename(deploy)
    _loop(deploy)
    (deploy / "deep" / "empty.yaml").write_text("groups: []\n")
    edit(src / "conf.py", '["deploy/*.yaml"]', '["../deploy/**/*.yaml"]')
    found = _at_once(lambda: glob_files(src, "../deploy/**/*.yaml"))
    assert {path.resolve() for path in found} == {
        deploy / "rules.yaml",
        deploy / "deep" / "empty.yaml",
    }
    # The build reads them: every rule as the doc says, nothing missing.
    took, warned = _sphinx_build(src, tmp_path / "out")
    assert [line for line in warned if "[mldesign." in line] == []
    assert took < HUNG / 2


def test_a_glob_looking_at_too_much_is_one_warning_at_its_line_in_conf_py(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _drift_project(tmp_path)
    (src / "deploy" / "notes").mkdir()
    for n in range(30):
        (src / "deploy" / "notes" / f"{n}.txt").write_text("")
    edit(src / "conf.py", '["deploy/*.yaml"]', '[\n    "deploy/*.yaml",\n    "deploy/**",\n]')
    monkeypatch.setattr(files, "MAX_GLOB_ENTRIES", 25)
    with pytest.raises(GlobTooLarge, match=r"^the glob 'deploy/\*\*' visits more than 25 entries$"):
        glob_files(src, "deploy/**")
    assert glob_files(src, "deploy/*.yaml") == [src / "deploy" / "rules.yaml"]  # 2 entries
    app = build(src, warningiserror=False)
    # At the line quoting the glob; the other glob's rules are read (nothing missing).
    assert [w for w in located(app) if w[2].startswith("alert")] == [
        ("conf.py", 6, "alert-unknown", "cannot read the deployed alerting rules: the glob "
         "'deploy/**' visits more than 25 entries"),
    ]  # fmt: skip


# -- rule files: YAML written to hurt ---------------------------------------------------------


def test_a_rule_file_nested_too_deep_is_one_problem_where_it_passes_the_cap(
    build: Build, tmp_path: Path
) -> None:
    """Block mappings, one level a line: the 65th level is on line 66 (the rule's mapping,
    line 4, is the 5th level; the mapping under k0, line 7, the 6th)."""
    nested = "".join(f"{'  ' * (n + 2)}k{n}:\n" for n in range(200))
    text = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: x > 1\n" + nested
    assert _problems(_read(text)) == [(66, "nested more than 64 levels deep")]
    # Flow collections, all on line 1, a few thousand deep (compose used to recurse).
    assert _problems(_read("groups: " + "[" * 5000 + "]" * 5000)) == [
        (1, "nested more than 64 levels deep")
    ]
    # 64 levels are read.
    assert _problems(_read("groups: " + "[" * 63 + "]" * 63)) == []
    src = _drift_project(tmp_path)
    (src / "deploy" / "rules.yaml").write_text(text)
    [deep, *missing] = _alert_warnings(build(src, warningiserror=False))
    assert deep == (
        f"{src / 'deploy' / 'rules.yaml'}:66: {CANNOT}nested more than 64 levels deep "
        "[mldesign.alert-unknown]"
    )
    assert len(missing) == 3 and all("has no deployed alerting rule" in w for w in missing)


def _bomb(copies: int = 1500) -> str:
    """About 13 KB: ``copies`` groups, each the same group of ``copies`` times the same
    rule: 2.25 million rules for Prometheus' reader (and for this one, before)."""
    return (
        "groups:\n"
        "- &g\n"
        "  name: g\n"
        f"  rules: [&r {{alert: A, expr: x > 1}}, {', '.join(['*r'] * copies)}]\n"
        "- {name: h, rules: []}\n"
    ) + "- *g\n" * copies


def test_aliases_expanding_to_millions_of_rules_are_one_problem_at_once(
    build: Build, tmp_path: Path
) -> None:
    bomb = _bomb()
    assert len(bomb) < 14_000
    started = time.monotonic()
    found = _read(bomb)
    assert time.monotonic() - started < 5  # well under: it counts, it does not read them
    # Line 4: the list of rules whose count passes 100,000 (the 67th time it is named).
    assert (found.rules, _problems(found)) == (
        [], [(4, "expands to more than 100,000 rules through YAML aliases")]
    )  # fmt: skip
    # A file naming a rule a few thousand times through aliases is read.
    assert len(_read(_bomb(60)).rules) == 61 * 61
    src = _drift_project(tmp_path)
    (src / "deploy" / "more.yaml").write_text(bomb)
    started = time.monotonic()
    app = build(src, warningiserror=False)
    assert time.monotonic() - started < HUNG / 2
    assert _alert_warnings(app) == [
        f"{src / 'deploy' / 'more.yaml'}:4: {CANNOT}expands to more than 100,000 rules through "
        "YAML aliases [mldesign.alert-unknown]"
    ]


def test_merge_keys_through_aliases_stay_bounded() -> None:
    """Each level merging the one before twice: read once per mapping, not 2**40 times;
    a chain of merges deeper than the nesting cap is a problem, not a recursion."""
    levels = [
        "groups:",
        "- name: g",
        "  rules:",
        "  - &m0 {alert: A, expr: x > 1}",
        *(f"  - &m{n} {{<<: [*m{n - 1}, *m{n - 1}], k{n}: v}}" for n in range(1, 41)),
    ]
    started = time.monotonic()
    found = _read("\n".join(levels) + "\n")
    assert time.monotonic() - started < 5
    assert len(found.rules) == 41 and found.problems == []
    # Read from the last: each merges the one before; m16, line 18, is the 65th merged.
    chain = ["defaults:", "- &m0 {alert: A, expr: x > 1}"]
    chain += [f"- &m{n} {{<<: *m{n - 1}}}" for n in range(1, 80)]
    chain += ["groups:", "- name: g", "  rules:", "  - <<: *m79"]
    assert _problems(_read("\n".join(chain) + "\n")) == [
        (18, "merges more than 64 levels deep ('<<')")
    ]
    assert _problems(_read("groups:\n- name: g\n  rules:\n  - &r {<<: *r}\n")) == [
        (4, "not valid YAML: a mapping merges itself ('<<')")
    ]
    assert _problems(_read("groups:\n- rules:\n  - {alert: A, expr: x, <<: 5}\n")) == [
        (3, "not valid YAML: '<<' merges a mapping or a list of mappings")
    ]


@pytest.mark.parametrize(
    ("character", "escaped"), [("\x07", "\\x07"), ("\x1b", "\\x1b"), ("\x00", "\\x00")]
)
def test_a_control_character_is_one_line_at_its_line(
    character: str, escaped: str, build: Build, tmp_path: Path
) -> None:
    text = DEPLOYED.replace("expr: (rank_p99_ms) > 60", f"expr: (rank_p99_ms) > 60{character}")
    assert text.splitlines()[4].endswith(character)  # line 5
    message = (
        f"not valid YAML: unacceptable character {escaped}: special characters are not allowed"
    )
    assert _problems(_read(text)) == [(5, message)]
    assert _problems(_read(text.replace("\n", "\r\n"))) == [(5, message)]  # lines as YAML
    src = _drift_project(tmp_path)
    (src / "deploy" / "rules.yaml").write_text(text)
    app = build(src, warningiserror=False)
    [bad, *missing] = _alert_warnings(app)
    assert bad == f"{src / 'deploy' / 'rules.yaml'}:5: {CANNOT}{message} [mldesign.alert-unknown]"
    assert len(missing) == 3
    assert character not in "".join(warnings_of(app))


# -- rule files read as Prometheus reads them ---------------------------------------------------

#: tests/test_alerts.py DEPLOYED, written with merge keys: what the rules share merged from
#: the first rule (its ``for``) and from a labels anchor; a key written wins over a merged one.
MERGED = """groups:
- name: ranking
  rules:
  - &p99
    alert: MET_P99_warn
    expr: (rank_p99_ms) > 60
    for: 5m
    labels: &p99labels {severity: ticket, mldesign_id: MET-P99, mldesign_threshold: warn}
  - <<: *p99
    alert: MET_P99_crit
    expr: (rank_p99_ms) >= 80
    labels:
      <<: *p99labels
      severity: page
      mldesign_threshold: crit
- <<: {name: ctr}
  rules:
  - <<: [{alert: CTRLow, for: 15m}, {alert: Other, for: 1h, labels: {severity: page}}]
    expr: sum(rate(clicks_total[10m])) / sum(rate(impressions_total[10m])) < 0.04
    labels: {severity: ticket}
"""

#: DEPLOYED as ``kubectl get prometheusrules -o yaml`` writes it: a List of manifests (with
#: another kind among them, left out).
KUBECTL_LIST = """apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: monitoring.coreos.com/v1
  kind: PrometheusRule
  metadata: {name: ranking, namespace: ml}
  spec:
    groups:
    - name: ranking
      rules:
      - alert: MET_P99_warn
        expr: (rank_p99_ms) > 60
        for: 5m
        labels: {severity: ticket, mldesign_id: MET-P99, mldesign_threshold: warn}
      - alert: MET_P99_crit
        expr: (rank_p99_ms) >= 80
        for: 5m
        labels: {severity: page, mldesign_id: MET-P99, mldesign_threshold: crit}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: not-rules}
  data: {groups: "- alert: Nothing"}
- apiVersion: monitoring.coreos.com/v1
  kind: PrometheusRule
  metadata: {name: hand-written}
  spec:
    groups:
    - name: ctr
      rules:
      - alert: CTRLow
        expr: sum(rate(clicks_total[10m])) / sum(rate(impressions_total[10m])) < 0.04
        for: 15m
        labels: {severity: ticket}
"""


def _deployed(found: RuleFiles) -> list[tuple[str, str, str | None, dict[str, str], int]]:
    return [(r.name, r.expr, r.for_, r.labels, r.lineno) for r in found.rules]


def test_merge_keys_are_applied_as_prometheus_applies_them(build: Build, tmp_path: Path) -> None:
    found = _read(MERGED)
    assert found.problems == []
    ctr = "sum(rate(clicks_total[10m])) / sum(rate(impressions_total[10m])) < 0.04"
    assert _deployed(found) == [
        ("MET_P99_warn", "(rank_p99_ms) > 60", "5m",
         {"severity": "ticket", "mldesign_id": "MET-P99", "mldesign_threshold": "warn"}, 4),
        ("MET_P99_crit", "(rank_p99_ms) >= 80", "5m",
         {"severity": "page", "mldesign_id": "MET-P99", "mldesign_threshold": "crit"}, 9),
        # Of two merged mappings the first wins (alert, for); a key written wins (labels).
        ("CTRLow", ctr, "15m", {"severity": "ticket"}, 18),
    ]  # fmt: skip
    src = _drift_project(tmp_path)
    (src / "deploy" / "rules.yaml").write_text(MERGED)
    assert _alert_warnings(build(src, warningiserror=False)) == []  # none missing, no drift


@pytest.mark.parametrize("kind", ["List", "PrometheusRuleList"])
def test_kubectl_lists_of_prometheusrules_are_read(kind: str, build: Build, tmp_path: Path) -> None:
    text = KUBECTL_LIST.replace("kind: List", f"kind: {kind}")
    if kind == "PrometheusRuleList":  # from the API: items need not say their kind
        text = text.replace("  kind: PrometheusRule\n", "", 1)
    found = _read(text)
    assert found.problems == []
    assert [(r.name, r.for_) for r in found.rules] == [
        ("MET_P99_warn", "5m"), ("MET_P99_crit", "5m"), ("CTRLow", "15m")
    ]  # fmt: skip
    assert _problems(_read("apiVersion: v1\nkind: List\nitems: []\n")) == []  # none deployed
    src = _drift_project(tmp_path)
    (src / "deploy" / "rules.yaml").write_text(text)
    assert _alert_warnings(build(src, warningiserror=False)) == []


def test_for_is_kept_as_written() -> None:
    """A deployed for is text here; what it means (and whether it is a duration at all) is
    the drift check's to say."""
    digits = "9" * 400
    found = _read(f"groups:\n- rules:\n  - {{alert: A, expr: x > 1, for: {digits}s}}\n")
    assert [r.for_ for r in found.rules] == [f"{digits}s"]


def test_a_linked_rule_file_is_named_as_the_glob_matched_it(build: Build, tmp_path: Path) -> None:
    """A Kubernetes ConfigMap mounts each file as a link into a dated directory: the
    warning names the file the author's glob matched, and a file reached by two links is
    read once, under the first name in order."""
    src = _drift_project(tmp_path)
    deploy = src / "deploy"
    dated = deploy / "..2026_12_07_19_00_00.1"
    dated.mkdir()
    (deploy / "rules.yaml").rename(dated / "rules.yaml")
    (deploy / "rules.yaml").symlink_to(dated / "rules.yaml")
    (deploy / "same.yaml").symlink_to(dated / "rules.yaml")
    rules = (dated / "rules.yaml").read_text()
    (dated / "rules.yaml").write_text(rules.replace("> 60", "> 65"))
    [drift] = _alert_warnings(build(src, warningiserror=False))
    assert "(deploy/rules.yaml:4) differs from its warn threshold" in drift, drift
