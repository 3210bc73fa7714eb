"""Writes ``docs/observed.json``: the observed values the worked example is built with.

The example's ``conf.py`` sets ``mldesign_observe = "snapshot"``: its roll-ups show the
values of this file, as a Read the Docs build of a real design doc shows the snapshot
``mldesign observe docs -o docs/observed.json`` wrote. There is no ranking service to ask,
so the values are invented, plausibly: a week of samples every two hours for each
Prometheus metric (its sparkline), drawn from a fixed seed; the champion model's holdout
AUC as MLflow would give it; and the replay NDCG read from the evaluation job's file
(``docs/example/rank-eval/metrics.json``), as ``mldesign observe`` would read it.

Chosen so the example shows each verdict: click-through misses its target, the feature
lag is past its ``warn`` (its alert firing) while still meeting its target, the rest meet
theirs. ``tests/test_observe_docs.py`` checks the file is what this script writes::

    python tools/example_snapshot.py            # rewrites docs/observed.json
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections.abc import Callable
from pathlib import Path

from sphinxcontrib_mldesign.cli.observe import snapshot_text
from sphinxcontrib_mldesign.model.observe.snapshot import (
    Observation,
    Snapshot,
    parse_time,
    time_text,
)

DOCS = Path(__file__).resolve().parents[1] / "docs"
OUTPUT = DOCS / "observed.json"
#: When the snapshot was taken; docs/conf.py pins mldesign_observe_at three hours later.
TAKEN = "2026-11-23T05:00:00Z"
EVAL_FILE = "example/rank-eval/metrics.json"
EVAL_KEY = "replay.ndcg_at_10"
STEP = 2 * 3600
SAMPLES = 7 * 24 * 3600 // STEP + 1  # a week, both ends included


def _evening(hour: float) -> float:
    """0 at night, 1 at the evening peak (19:00 UTC) of a news site's traffic."""
    return max(0.0, math.cos(2 * math.pi * (hour - 19) / 24))


def _trend(
    metric: str, end: float, digits: int, value_at: Callable[[int, float, random.Random], float]
) -> tuple[tuple[float, float], ...]:
    """A week of samples, oldest first; ``value_at(index, hour of day, rng)``, the noise
    seeded by the metric's ID."""
    rng = random.Random(metric)
    samples = []
    for index in range(SAMPLES):
        when = end - (SAMPLES - 1 - index) * STEP
        hour = (when % 86400) / 3600
        samples.append((when, round(value_at(index, hour, rng), digits)))
    return tuple(samples)


def _lag(index: int, hour: float, rng: random.Random) -> float:
    # The stream job falls behind over the last day: the lag climbs past warn (8 min).
    rising = max(0, index - (SAMPLES - 11))
    return 3.0 + rng.uniform(-0.8, 0.8) if not rising else 3.0 + 0.62 * rising


TRENDS: dict[str, tuple[int, Callable[[int, float, random.Random], float]]] = {
    "MET-P99": (1, lambda i, h, rng: 74 + 20 * _evening(h) + rng.uniform(-3, 3)),
    "MET-ERRORS": (
        3,
        lambda i, h, rng: 0.35 if i == 40 else 0.03 + 0.02 * _evening(h) + rng.uniform(0, 0.01),
    ),
    "MET-CTR": (
        4,
        lambda i, h, rng: (
            0.0595 - 0.0015 * i / SAMPLES + 0.0008 * _evening(h) + rng.uniform(-0.0003, 0.0003)
        ),
    ),
    "MET-FEATURE-LAG": (1, _lag),
    "MET-TOPIC-DRIFT": (3, lambda i, h, rng: 0.045 + 0.02 * _evening(h) + rng.uniform(0, 0.01)),
    "MET-PII-SCAN": (0, lambda i, h, rng: 0.0),
}
FIRING = {"MET-FEATURE-LAG": ("MET_FEATURE_LAG_warn",)}


def _file_value() -> float:
    data = json.loads((DOCS / EVAL_FILE).read_text(encoding="utf-8"))
    for step in EVAL_KEY.split("."):
        data = data[step]
    return float(data)


def snapshot() -> Snapshot:
    taken = parse_time(TAKEN)
    assert taken is not None
    end = taken.timestamp()
    observations = {}
    for metric, (digits, value_at) in TRENDS.items():
        trend = _trend(metric, end, digits, value_at)
        observations[metric] = Observation(
            "prometheus", trend[-1][1], TAKEN, 1, None, trend, FIRING.get(metric, ())
        )
    observations["MET-AUC"] = Observation(
        "mlflow:homepage-ranker@champion#holdout_auc", 0.791, "2026-11-19T02:41:07Z", 1
    )
    observations["MET-NDCG"] = Observation(
        f"file:{EVAL_FILE}#{EVAL_KEY}",
        _file_value(),
        time_text(taken.replace(hour=3, minute=12, second=45)),  # the file's mtime
        1,
    )
    return Snapshot(TAKEN, observations)


def text() -> str:
    """The file as ``mldesign observe`` writes it."""
    return snapshot_text(snapshot())


if __name__ == "__main__":
    OUTPUT.write_text(text(), encoding="utf-8")
    sys.stdout.write(f"wrote {OUTPUT}\n")
