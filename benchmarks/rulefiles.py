"""What reading a deployed rule file costs, parsed by libyaml or by PyYAML's Python
parser (``boundedyaml.USE_LIBYAML``), with the cyclic garbage collector running or paused
(as a build reads rule files), interleaved, in this process.

Usage::

    python benchmarks/rulefiles.py [--rules 1000 5000] [--runs 3]

Each file is one group of ``--rules`` alerting rules as ``mldesign alerts`` writes them
(a warn and a crit per metric, with labels, a summary, a runbook and a link to the doc).
Times ``RuleFiles.read`` (composing, then reading the rules) and checks both parsers read
the same rules. Prints a line per file and way: its size, the median and every sample.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from sphinxcontrib_mldesign.cli.alerts import rule_file  # noqa: E402
from sphinxcontrib_mldesign.model import boundedyaml  # noqa: E402
from sphinxcontrib_mldesign.model.inputs.base import collector_paused  # noqa: E402
from sphinxcontrib_mldesign.model.rulefiles import RuleFiles  # noqa: E402


def rules(count: int) -> list[dict[str, Any]]:
    """``count`` rules shaped as ``mldesign alerts`` writes them."""
    made = []
    for n in range(count):
        metric, level = f"MET-{n // 2:05d}", ("warn", "crit")[n % 2]
        limit = (180, 250)[n % 2]
        made.append(
            {
                "alert": f"MET_{n // 2:05d}_{level}",
                "expr": f'(histogram_quantile(0.99, rate(rank_ms_bucket{{metric="{metric}"}}'
                f"[5m]))) > {limit}",
                "for": "5m",
                "labels": {
                    "severity": ("ticket", "page")[n % 2],
                    "mldesign_id": metric,
                    "mldesign_threshold": level,
                    "owner": "ranking-team",
                },
                "annotations": {
                    "summary": f"Ranking latency {metric}: p99 > {limit} ms",
                    "runbook_url": f"https://runbooks.example.com/ranking/{metric.lower()}",
                    "mldesign_url": f"https://design.example.com/metrics.html#{metric.lower()}",
                },
            }
        )
    return made


#: (parser, collector paused): before libyaml, rule files were read the first way.
WAYS = {
    "Python parser": (False, False),
    "Python parser, collector paused": (False, True),
    "libyaml": (True, False),
    "libyaml, collector paused": (True, True),
}


def read(text: str, libyaml: bool, paused: bool) -> tuple[float, RuleFiles]:
    boundedyaml.USE_LIBYAML = libyaml
    found = RuleFiles()
    gc.collect()
    started = time.perf_counter()
    if paused:
        with collector_paused():
            found.read(text, "rules.yaml", "/deploy/rules.yaml")
    else:
        found.read(text, "rules.yaml", "/deploy/rules.yaml")
    return time.perf_counter() - started, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for count in args.rules:
        text = rule_file("ranking", rules(count), "prometheus")
        samples: dict[str, list[float]] = {name: [] for name in WAYS}
        read_by: dict[bool, RuleFiles] = {}
        for _ in range(args.runs):
            for name, (libyaml, paused) in WAYS.items():
                took, read_by[libyaml] = read(text, libyaml, paused)
                samples[name].append(took)
        assert not read_by[True].problems and len(read_by[True].rules) == count
        assert read_by[True].rules == read_by[False].rules
        size = len(text.encode()) / 1024
        for name, values in samples.items():
            shown = ", ".join(f"{v:.2f}" for v in values)
            median = statistics.median(values)
            print(f"{count:,} rules, {size:,.0f} KiB, {name}: {median:.2f} s ({shown})")


if __name__ == "__main__":
    main()
