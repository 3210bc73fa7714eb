"""Observed values from files evaluation jobs write (``file:<path>#<key.path>``): JSON and
YAML, objects walked by key and lists by index, the file's time; every way a file can
fail to give a number, each told; files that are not files (a FIFO, a device, one larger
than the cap) refused, not waited on or read without end; a changed file's new value on
the next build."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest
from observe_projects import observations_of, observe_line, project_of, write_project

from helpers import Build, located
from sphinxcontrib_mldesign.model.observe.files import MAX_FILE_BYTES, observe_file
from sphinxcontrib_mldesign.model.observe.spec import parse_observe

#: When the evaluation job wrote the files (their modification time).
WRITTEN = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.timezone.utc)
WRITTEN_TEXT = "2026-11-30T06:00:00Z"

METRICS_JSON = {
    "eval": {"auc": 0.91, "name": "holdout", "passed": True, "missing": None, "nan": float("nan")},
    "folds": [{"auc": 0.8}, {"auc": 0.7}],
    "huge": 10**400,
}
METRICS_YAML = """\
# As an evaluation job writes it
eval:
  auc: 0.93
  quoted: "0.93"
  nan: .nan
defaults: &defaults
  recall: 0.6
test:
  <<: *defaults
  precision: 0.8
folds:
  - auc: 0.75
  - auc: 0.77
"""


def write_files(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "metrics.json").write_text(json.dumps(METRICS_JSON), encoding="utf-8")
    (directory / "metrics.yaml").write_text(METRICS_YAML, encoding="utf-8")
    for name in ("metrics.json", "metrics.yaml"):
        os.utime(directory / name, (WRITTEN.timestamp(), WRITTEN.timestamp()))


def observe(directory: Path, text: str) -> tuple[float | None, str | None]:
    spec = parse_observe(f"file:{text}")
    observation = observe_file(
        spec, directory, {}, dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    )
    return observation.value, observation.error


def test_numbers_from_json_and_yaml_in_a_build(build: Build, tmp_path: Path) -> None:
    src = tmp_path / "src"
    write_files(src / "eval")
    write_project(
        src,
        {
            "MET-AUC": ("file:eval/metrics.json#eval.auc", ">= 0.9"),
            "MET-FOLD": ("file:eval/metrics.json#folds.1.auc", ">= 0.75"),
            "MET-YAML": ("file:eval/metrics.yaml#eval.auc", ">= 0.9"),
            "MET-MERGED": ("file:eval/metrics.yaml#test.recall", ">= 0.5"),
            "MET-YFOLD": ("file:eval/metrics.yaml#folds.0.auc", ">= 0.9"),
        },
    )
    app = build(src)
    observed = observations_of(app)
    values = {metric: (o.value, o.error) for metric, o in observed.items()}
    assert values == {
        "MET-AUC": (0.91, None),
        "MET-FOLD": (0.7, None),
        "MET-YAML": (0.93, None),
        "MET-MERGED": (0.6, None),  # through YAML's merge key, as written
        "MET-YFOLD": (0.75, None),
    }
    assert {o.at for o in observed.values()} == {WRITTEN_TEXT}  # when the job wrote them
    assert {o.series for o in observed.values()} == {1}
    assert observed["MET-AUC"].source == "file:eval/metrics.json#eval.auc"
    verdicts = {
        metric: judged.verdict.target if judged.verdict else None
        for metric, judged in project_of(app).judged.items()
    }
    assert verdicts == {
        "MET-AUC": "met",
        "MET-FOLD": "missed",
        "MET-YAML": "met",
        "MET-MERGED": "met",
        "MET-YFOLD": "missed",
    }


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("eval/metrics.json#eval.recall", "missing key: 'eval.recall' has no 'recall' ('eval' is an object without it)"),
        ("eval/metrics.json#recall", "missing key: 'recall' has no 'recall' (the file is an object without it)"),
        ("eval/metrics.json#folds.2.auc", "missing key: 'folds.2.auc' has no '2' ('folds' is a list of 2)"),
        ("eval/metrics.json#folds.first.auc", "missing key: 'folds.first.auc' has no 'first' ('folds' is a list of 2)"),
        ("eval/metrics.json#eval.auc.mean", "missing key: 'eval.auc.mean' has no 'mean' ('eval.auc' is 0.91)"),
        ("eval/metrics.yaml#test.f1", "missing key: 'test.f1' has no 'f1' ('test' is an object without it)"),
        ("eval/metrics.yaml#folds.5", "missing key: 'folds.5' has no '5' ('folds' is a list of 2)"),
        ("eval/metrics.json#eval.name", "not a number: 'eval.name' is a string"),
        ("eval/metrics.json#eval.passed", "not a number: 'eval.passed' is a boolean"),
        ("eval/metrics.json#eval.missing", "not a number: 'eval.missing' is null"),
        ("eval/metrics.json#eval.nan", "not a number: 'eval.nan' is nan"),
        ("eval/metrics.json#eval", "not a number: 'eval' is an object"),
        ("eval/metrics.json#folds", "not a number: 'folds' is a list of 2"),
        ("eval/metrics.json#huge", "not a number: 'huge' is 1000000000000000000000000000000000000..."),
        ("eval/metrics.yaml#eval.quoted", "not a number: 'eval.quoted' is a string"),
        ("eval/metrics.yaml#eval.nan", "not a number: 'eval.nan' is nan"),
        ("eval/nothing.json#auc", "missing file: 'eval/nothing.json' (relative to the conf directory)"),
        ("eval/metrics.txt#auc", "not JSON/YAML: 'eval/metrics.txt' is named neither .json nor .yaml/.yml"),
    ],
)  # fmt: skip
def test_what_a_file_does_not_give_is_told(tmp_path: Path, text: str, error: str) -> None:
    write_files(tmp_path / "eval")
    (tmp_path / "eval" / "metrics.txt").write_text("auc: 0.9\n", encoding="utf-8")
    assert observe(tmp_path, text) == (None, error)


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("bad.json", '{"eval":\n  {"auc": 0.9,}}', "not JSON: 'bad.json': Expecting property name enclosed in double quotes at line 2"),
        ("bad.json", b"\xff\xfe\x00", "not JSON: 'bad.json': "),
        ("bad.yaml", "eval:\n  auc: [0.9\n", "not YAML: 'bad.yaml': "),
        ("two.yaml", "auc: 0.9\n---\nauc: 0.8\n", "not YAML: 'two.yaml' holds 2 documents; one is read"),
        ("empty.yaml", "", "missing key: 'auc' has no 'auc' (the file is an empty file)"),
        # Deeper than YAML's bound (64 levels), and deeper than Python's JSON parser goes.
        ("deep.json", "[" * 65 + "]" * 65, "not JSON: 'deep.json' is nested more than 64 levels deep"),
        ("deeper.json", "[" * 100_000 + "]" * 100_000, "not JSON: 'deeper.json' is nested more than 64 levels deep"),
        ("deep.yaml", "[" * 65 + "]" * 65, "not YAML: 'deep.yaml': nested more than 64 levels deep at line 1"),
        ("digits.json", '{"auc": 1' + "0" * 5000 + "}", "not JSON: 'digits.json': Exceeds the limit"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_json_or_yaml_is_told_with_its_line(
    tmp_path: Path, name: str, content: str | bytes, error: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    value, told = observe(tmp_path, f"{name}#auc")
    assert value is None and told is not None
    assert told.startswith(error), told
    assert "\n" not in told


def test_64_levels_are_read(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 63 + '{"auc": 0.5}' + "]" * 63)
    assert observe(tmp_path, "deep.json#" + ".".join(["0"] * 31)) == (
        None,
        "not a number: '" + ".".join(["0"] * 31) + "' is a list of 1",
    )
    (tmp_path / "deep.yaml").write_text("[" * 63 + "{auc: 0.5}" + "]" * 63)
    error = observe(tmp_path, "deep.yaml#0")[1]
    assert error is not None and error.startswith("not a number")  # read, not refused


def test_what_is_not_a_regular_file_is_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.json")  # opening it for reading would wait for a writer
    (tmp_path / "zero.json").symlink_to("/dev/zero")  # would never end
    (tmp_path / "dir.json").mkdir()
    (tmp_path / "dangling.json").symlink_to(tmp_path / "gone.json")
    with (tmp_path / "huge.json").open("wb") as huge:
        huge.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk, but a size over the cap
    started = time.monotonic()
    assert observe(tmp_path, "fifo.json#auc") == (None, "not a regular file (a FIFO): 'fifo.json'")
    assert observe(tmp_path, "zero.json#auc") == (
        None,
        "not a regular file (a device): 'zero.json'",
    )
    assert observe(tmp_path, "dir.json#auc") == (
        None,
        "not a regular file (a directory): 'dir.json'",
    )
    assert observe(tmp_path, "dangling.json#auc") == (
        None,
        "missing file: 'dangling.json' (relative to the conf directory)",
    )
    assert observe(tmp_path, "huge.json#auc") == (
        None,
        f"too large: 'huge.json' is larger than {MAX_FILE_BYTES:,} bytes",
    )
    assert time.monotonic() - started < 20


def test_a_build_with_hostile_files_ends_and_tells_each(build: Build, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    os.mkfifo(src / "fifo.json")
    (src / "zero.yaml").symlink_to("/dev/zero")
    write_project(
        src,
        {
            "MET-FIFO": ("file:fifo.json#auc", ">= 0.9"),
            "MET-ZERO": ("file:zero.yaml#auc", ">= 0.9"),
        },
    )
    app = build(src)
    observed = observations_of(app)
    assert observed["MET-FIFO"].error == "not a regular file (a FIFO): 'fifo.json'"
    assert observed["MET-ZERO"].error == "not a regular file (a device): 'zero.yaml'"
    assert sorted(located(app)) == [
        ("index.rst", observe_line(src, "MET-FIFO"), "observation-failed",
         "metric 'MET-FIFO': its :observe: source 'file:fifo.json#auc' gave no value: "
         "not a regular file (a FIFO): 'fifo.json'"),
        ("index.rst", observe_line(src, "MET-ZERO"), "observation-failed",
         "metric 'MET-ZERO': its :observe: source 'file:zero.yaml#auc' gave no value: "
         "not a regular file (a device): 'zero.yaml'"),
    ]  # fmt: skip


def test_a_changed_file_shows_its_new_value_on_the_next_build(build: Build, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    metrics = src / "metrics.json"
    metrics.write_text('{"auc": 0.91}', encoding="utf-8")
    write_project(src, {"MET-AUC": ("file:metrics.json#auc", ">= 0.9")})
    assert observations_of(build(src))["MET-AUC"].value == 0.91
    metrics.write_text('{"auc": 0.88}', encoding="utf-8")
    app = build(src)  # incremental: no document changed, the file did
    assert observations_of(app)["MET-AUC"].value == 0.88
    judged = project_of(app).judged["MET-AUC"]
    assert judged.verdict is not None and judged.verdict.target == "missed"
