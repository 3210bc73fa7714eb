"""What live observation costs: 1,000 metrics with queries observed on a local Prometheus
(tests/prometheus_server.py's week of samples), with and without a trend each, timed
alone (the pool of model/observe/live.py, as a live build runs it).

Usage::

    python benchmarks/observe.py [--metrics 1000] [--runs 3]

Prints the median of each and every sample. Compare with a full build of the 5,000-item
project (``python benchmarks/bench.py``); the issue wants live observation under 10 % of
it. Needs Debian's ``prometheus`` package (``make promtool``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))
import prometheus_server as ps  # noqa: E402

from sphinxcontrib_mldesign.config import MLDesignConfig  # noqa: E402
from sphinxcontrib_mldesign.model.formats import parse_condition  # noqa: E402
from sphinxcontrib_mldesign.model.inputs.base import Request, Where  # noqa: E402
from sphinxcontrib_mldesign.model.observe.live import observe_live  # noqa: E402


def _metrics(count: int) -> tuple[dict[str, Any], ...]:
    target = parse_condition("p99 <= 120 ms")
    return tuple(
        {"id": f"MET-{n}", "query": f"mld_latency_ms + {n % 7}", "target": target}
        for n in range(count)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--metrics", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if ps.PROMETHEUS is None or ps.PROMTOOL is None:
        sys.exit("needs prometheus and promtool (make promtool)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "data.om").write_text(ps.openmetrics())
        subprocess.run(
            [ps.PROMTOOL, "tsdb", "create-blocks-from", "openmetrics", "--quiet",
             str(work / "data.om"), str(work / "data")],
            check=True,
        )  # fmt: skip
        running = ps._start(work, work / "data", None)
        server = next(running)
        try:
            metrics = _metrics(args.metrics)
            where = Where(work, work, work / "cache")
            for trend in ("0", "7d"):
                values: dict[str, Any] = {
                    "prometheus": {"url": server.url},
                    "observe": "live",
                    "observe_at": ps.AT_TEXT,
                    "observe_trend": trend,
                }
                config = MLDesignConfig(**values)
                samples = []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    snapshot, _ = observe_live(Request(config, where, metrics=metrics), ps.AT)
                    samples.append(time.perf_counter() - start)
                    assert all(o.value is not None for o in snapshot.observations.values())
                print(
                    f"{args.metrics} metrics, trend {trend}: median "
                    f"{statistics.median(samples):.2f} s "
                    f"({', '.join(f'{s:.2f}' for s in samples)})"
                )
        finally:
            next(running, None)


if __name__ == "__main__":
    main()
