"""Randomized input from outside the documents (issue 23, item 7), each fed to a real build
in a process of its own: deployed rule files (tests/fuzz_rulefiles.py), the rules
``mldesign alerts`` writes for random docs, and roll-up options written as junk.

Seeded as tests/test_fuzz.py: ``MLDESIGN_FUZZ_ROUNDS`` (default 2) projects of each kind,
``MLDESIGN_FUZZ_SEED`` starts elsewhere; a failure names its seed. A build runs with a
time and a memory limit, so a crash of the compiled PromQL parser is a signal reported,
not a dead pytest, and a hang a failure, not a stuck suite. The oracles: no signal, no
traceback, done in time, and every line the build logs a one-line ``mldesign`` warning
at a line its file has; ``promtool`` accepts every file ``mldesign alerts`` writes, and
the doc checked against that file finds no drift.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from fuzz_rulefiles import rule_file

from sphinxcontrib_mldesign.model.formats import printable
from sphinxcontrib_mldesign.model.rules import Rule

SEED = int(os.environ.get("MLDESIGN_FUZZ_SEED", "20261223"))
ROUNDS = int(os.environ.get("MLDESIGN_FUZZ_ROUNDS", "2"))
LIMIT = 30.0  # seconds a build of a small doc may take: ten times what it needs, at least
MEMORY = 3 * 2**30  # bytes of address space: a build that wants more has a bug
PROMTOOL = shutil.which("promtool")
LOCATED = re.compile(r"^(?P<path>/.+?):(?P<line>\d+): (ERROR|WARNING): .+ \[mldesign\.[a-z-]+\]$")
CONF = 'extensions = ["sphinxcontrib_mldesign"]\nproject = "Fuzz"\nshow_warning_types = True\n'
OWNER = "Fuzz\n====\n\n.. ml-owner:: Sam\n   :id: sam\n\n"
#: Metrics deployed rules are checked against: generated (MET-A, MET-C), hand-written (MET-B).
METRICS = (
    OWNER
    + """\
.. metric:: Latency
   :id: MET-A
   :kind: system
   :owner: sam
   :query: rank_p99_ms
   :warn: p99 > 60 ms
   :crit: p99 >= 80 ms
   :for: 5m

.. metric:: Cost
   :id: MET-B
   :kind: business
   :owner: sam
   :alert: CostHigh, Odd
   :warn: > 3000
   :crit: > 5000
   :severity: ticket

.. metric:: CTR
   :id: MET-C
   :kind: online
   :owner: sam
   :query: sum(rate(clicks_total[10m])) / sum(rate(impressions_total[10m]))
   :crit: < 0.04
   :window: 10m
"""
)


def _limit() -> None:  # in the child, before it runs
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _run(args: list[str], what: str) -> subprocess.CompletedProcess[str]:
    """Run a command with the limits; a hang fails, naming ``what``."""
    started = time.monotonic()
    try:
        result = subprocess.run(
            args, capture_output=True, encoding="utf-8", errors="backslashreplace",
            timeout=LIMIT, preexec_fn=_limit, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what}: still running after {LIMIT:.0f} s")
    assert time.monotonic() - started < LIMIT, what
    output = result.stdout + result.stderr
    signal = -result.returncode  # 6 when it ran out of memory (past MEMORY)
    assert signal <= 0, f"{what}: killed by signal {signal}: {output[-2000:]}"
    assert "Traceback" not in output and "Exception occurred" not in output, (
        f"{what}: {output[-3000:]}"
    )
    return result


def _build(src: Path, what: str) -> list[str]:
    """Build ``src`` (HTML); its log, every line checked to be a located mldesign warning."""
    result = _run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-T", str(src),
                   str(src.parent / "out")], what)  # fmt: skip
    assert result.returncode in (0, 1), f"{what}: exit {result.returncode}: {result.stderr}"
    files: dict[str, Path] = {}  # the project's and the rule files beside it, each named
    for top, dirs, names in os.walk(src.parent):  # as written (links not walked into)
        for name in dirs + names:
            entry = os.path.join(top, name)
            files.setdefault(printable(entry), Path(entry))
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    for line in lines:
        match = LOCATED.match(line)
        assert match, f"{what}: not one located mldesign line: {line!r}\n{result.stderr}"
        path = files.get(match["path"])
        assert path is not None, f"{what}: no file of the project: {line!r}"
        last = 1  # a FIFO, a device, a directory: told at its first line
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            last = max(len(text.splitlines()), text.count("\n") + 1)
        assert 1 <= int(match["line"]) <= last, f"{what}: no such line: {line!r}"
    return lines


def _project(tmp_path: Path, doc: str, conf: str = "") -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF + conf, encoding="utf-8")
    (src / "index.rst").write_text(doc, encoding="utf-8")
    return src


# -- deployed rule files ------------------------------------------------------------------

FILE_NAMES = ("rules.yaml", "a b.yaml", "名前.yaml", "x\ny.yaml", "-.yaml", "x\x1b[2J.yaml")


def _odd_file(rng: random.Random, deploy: Path) -> None:
    """Rarely, something that is no regular file where a rule file is looked for."""
    odd = rng.choice(("dir", "fifo", "zero", "loop", "dangling"))
    if odd == "dir":
        (deploy / "dir.yaml").mkdir()
    elif odd == "fifo":
        os.mkfifo(deploy / "fifo.yaml")
    elif odd == "zero":
        (deploy / "zero.yaml").symlink_to("/dev/zero")
    elif odd == "loop":  # two ways round: 2**40 paths before the kernel's limit stops one
        (deploy / "loop").symlink_to(deploy)
        (deploy / "again").symlink_to(deploy)
    else:
        (deploy / "gone.yaml").symlink_to(deploy / "nowhere.yaml")


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_random_rule_files_give_located_warnings(round_: int, tmp_path: Path) -> None:
    seed = SEED + round_
    rng = random.Random(seed)
    # Outside the source directory, which Sphinx walks following symlinks (loops too).
    pattern = rng.choice(("../deploy/*.yaml", "../deploy/**/*.yaml"))
    src = _project(tmp_path, METRICS, f"mldesign_alert_rules = [{pattern!r}]\n")
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    for name in rng.sample(FILE_NAMES, rng.randint(1, 3)):
        (deploy / name).write_bytes(rule_file(rng))
    if rng.random() < 0.15:
        _odd_file(rng, deploy)
    _build(src, f"seed {seed}: rule files {sorted(p.name for p in deploy.iterdir())}")


# -- the rules mldesign alerts writes -----------------------------------------------------

TITLES = ("Latency {{ $value }}", 'He said "hi"', "Ünïcödé 設計 🙂", "50% of {{", "}} odd",
          "back\\slash", "$labels.job", "a: b", "{{`x`}}", "a #b", "Cost")  # fmt: skip
QUERIES = ("rank_p99_ms", "sum(rate(x_total[5m])) by (job)", "x # a comment",
           "sum(x) # closing ) in a comment", "scalar(sum(x))", "vector(1)", "1", "time()",
           'x{job="a b"}', 'x{job=~"a|b"}', "rate(x[5m]) / on(job) group_left rate(y[5m])",
           "-x", "x and y", "x ^ 2", "abs(x offset 1h)", "histogram_quantile(0.99, "
           "sum(rate(h_bucket[5m])) by (le))")  # fmt: skip
STATS, UNITS = ("p99 ", "", "error rate ", "mean "), ("ms", "%", "", "USD/month", "s")
VALUES = ("0", "0.5", "60", "1e3", "99.9", "-3", "1e-9", "123456789", ".25", "1e308", "-0",
          "0.1234567890123456789")  # fmt: skip
DOC_DURATIONS = ("30s", "5m", "1h", "12h", "7d", "2w", "0s")
LONGEST = ("99999w", "999999999999s")  # longer than Prometheus holds: the doc's error
RUNBOOKS = ("https://runbooks.example/x?a=1&b={{x}}", "Roll back {{ now }}", "100% sure")


def _metric(rng: random.Random, n: int) -> str:
    lines = [f".. metric:: {rng.choice(TITLES)}", f"   :id: MET-{n}", "   :kind: system",
             "   :owner: sam", f"   :query: {rng.choice(QUERIES)}"]  # fmt: skip
    for level in rng.choice((["warn"], ["crit"], ["warn", "crit"])):
        condition = f"{rng.choice(STATS)}{rng.choice(('>', '>=', '<', '<=', '==', '!='))} "
        lines.append(f"   :{level}: {condition}{rng.choice(VALUES)} {rng.choice(UNITS)}".rstrip())
    for option in ("window", "for"):
        if rng.random() < 0.6:
            durations = LONGEST if rng.random() < 0.1 else DOC_DURATIONS
            lines.append(f"   :{option}: {rng.choice(durations)}")
    if rng.random() < 0.6:
        lines.append(f"   :severity: {rng.choice(('page', 'ticket', 'log'))}")
    if rng.random() < 0.4:
        lines.append(f"   :runbook: {rng.choice(RUNBOOKS)}")
    return "\n".join(lines) + "\n\n"


@pytest.mark.skipif(PROMTOOL is None and not os.environ.get("CI"), reason="no promtool")
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_generated_rules_pass_promtool_and_match_the_doc(round_: int, tmp_path: Path) -> None:
    seed = SEED + 1000 + round_
    rng = random.Random(seed)
    doc = OWNER + "".join(_metric(rng, n) for n in range(rng.randint(1, 5)))
    src = _project(tmp_path, doc, 'html_baseurl = "https://docs.example/x/"\n')
    fmt = rng.choice(("prometheus", "operator"))
    rules = tmp_path / "rules.yaml"
    what = f"seed {seed}: mldesign alerts --format {fmt} of\n{doc}"
    written = _run([sys.executable, "-m", "sphinxcontrib_mldesign", "alerts", str(src), "-o",
                    str(rules), "--format", fmt], what)  # fmt: skip
    if written.returncode == 1:  # the doc has errors (a duration Prometheus cannot hold)
        assert "no rules written" in written.stderr, f"{what}: {written.stderr}"
        assert re.search(r"^\s+\d+\s+error\s+schema\s", written.stderr, re.M), written.stderr
        return
    assert written.returncode == 0, f"{what}: {written.stderr}"
    loaded = yaml.safe_load(rules.read_text(encoding="utf-8"))
    plain = tmp_path / "plain.yaml"  # what promtool reads: a manifest's spec
    plain.write_text(yaml.safe_dump(loaded["spec"] if fmt == "operator" else loaded))
    checked = _run([str(PROMTOOL), "check", "rules", str(plain)], what)
    assert checked.returncode == 0, f"{what}: promtool: {checked.stdout}{checked.stderr}"
    (src / "conf.py").write_text(CONF + f"mldesign_alert_rules = [{str(rules)!r}]\n")
    told = _build(src, what)
    assert not [line for line in told if "[mldesign.alert-" in line], f"{what}: {told}"


# -- roll-up options ----------------------------------------------------------------------

ROLLUP_DOC = (
    OWNER
    + """\
.. component:: Feature store
   :id: C-1
   :kind: feature-store
   :owner: sam

.. component:: Ranker
   :id: C-2
   :kind: model
   :owner: sam
   :inputs: C-1

"""
)
#: Only what roll-up options are checked by: the components need no metrics here.
ROLLUP_RULES = (
    f"mldesign_rules = {json.dumps({r.subtype: 'off' for r in Rule if r != Rule.SCHEMA})}\n"
)
COLUMNS = ("id", "title", "priority", "status", "owner", "metrics", "document")
#: Junk by construction: never a whole number of ASCII digits, never a column.
DEPTHS = ("-1", "1.5", "x", "²", "⁵", "1²", "٣x", "0x10", "1e3", "1 2", "", "3 m", "∞",
          "½", "\x1b[2J", "2\x0bx")  # fmt: skip
HUGE = ("100000000", "9" * 50, "9" * 5000)  # a whole number: fine, or too many steps
JUNK = "abcxyz XYZ>|#!%@*&`'\"[]{}-?:;/\\=+~^$()<éß設計🙂\x1b\x07"


def _junk(rng: random.Random) -> str:
    word = "".join(rng.choice(JUNK) for _ in range(rng.randint(1, 12))).strip()
    return word if word.removeprefix("-") not in COLUMNS and word else "zz"


def _rollup(rng: random.Random) -> tuple[list[str], int, bool]:
    """A roll-up with one junk option: its lines, the option's line in it, whether the
    value may be valid (a whole number of steps)."""
    option = rng.choice(("depth", "columns", "sort"))
    if option == "depth":
        value = rng.choice(DEPTHS + HUGE)
        head = [".. ml-architecture::", "   :around: C-2"]
        return [*head, f"   :depth: {value}".rstrip(), ""], 2, value in HUGE
    good = rng.sample(COLUMNS, rng.randint(0, 2))
    if option == "sort" and (not good or rng.random() < 0.5):
        good = [rng.choice(COLUMNS), rng.choice(COLUMNS)]  # more than one: junk too
    else:
        good.insert(rng.randint(0, len(good)), _junk(rng))
    value = ", ".join(good)
    return [".. ml-requirement-index::", f"   :{option}: {value}".rstrip(), ""], 1, False


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_junk_rollup_options_give_one_located_warning_each(round_: int, tmp_path: Path) -> None:
    seed = SEED + 2000 + round_
    rng = random.Random(seed)
    lines = ROLLUP_DOC.splitlines()
    expected: list[int] = []
    maybe: list[int] = []
    for _ in range(4):
        rollup, at, valid = _rollup(rng)
        (maybe if valid else expected).append(len(lines) + at + 1)
        lines += rollup
    doc = "\n".join(lines) + "\n"
    src = _project(tmp_path, doc, ROLLUP_RULES)
    what = f"seed {seed}: roll-ups\n{doc}"
    told = [int(match["line"]) for match in map(LOCATED.match, _build(src, what)) if match]
    # One warning at each junk option; at most one at a huge number of steps.
    assert sorted(line for line in told if line not in maybe) == expected, f"{what}: {told}"
    assert all(told.count(line) <= 1 for line in maybe), f"{what}: {told}"
