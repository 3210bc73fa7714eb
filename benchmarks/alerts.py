"""What checking the deployed alerting rules costs: a full build of the generated
mldesign project with and without ``mldesign_alert_rules``, interleaved.

Usage::

    python benchmarks/alerts.py [--items 5000] [--rules 1000] [--runs 5]

Half as many metrics as rules get a ``:query:`` (both flavours, so PromQL parsing is in
both); the rule file holds the rules ``mldesign alerts`` writes for them (a warn and a crit
each), and the build with ``mldesign_alert_rules`` reads and matches them. Prints both
medians, the difference and every sample.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate import generate  # noqa: E402

from sphinxcontrib_mldesign.cli.alerts import rule_file  # noqa: E402
from sphinxcontrib_mldesign.model.alerts import thresholds  # noqa: E402
from sphinxcontrib_mldesign.model.formats import parse_condition, parse_duration  # noqa: E402
from sphinxcontrib_mldesign.model.generated_rules import alerting_rule  # noqa: E402

_METRIC_RE = re.compile(r"(\.\. metric:: [^\n]*\n   :id: (MET-\d+-\d+)\n)")


def add_queries(src: Path, metrics: int) -> list[dict[str, object]]:
    """Give the first ``metrics`` metrics a query; their exported form, for the rules."""
    given: list[dict[str, object]] = []
    for page in sorted(src.glob("page*.rst"), key=lambda p: int(p.stem[4:])):
        text = page.read_text(encoding="utf-8")

        def with_query(match: re.Match[str]) -> str:
            if len(given) >= metrics:
                return match.group(1)
            metric_id = match.group(2)
            query = f'rank_p99_ms{{metric="{metric_id}"}}'
            given.append(
                {
                    "id": metric_id,
                    "title": metric_id,
                    "query": query,
                    "warn": parse_condition("p99 > 180 ms"),
                    "crit": parse_condition("p99 > 250 ms"),
                    "window": parse_duration("5m"),
                    "severity": "page",
                }
            )
            return f"{match.group(1)}   :query: {query}\n"

        page.write_text(_METRIC_RE.sub(with_query, text), encoding="utf-8")
    return given


def build(src: Path, out: Path, overrides: list[str]) -> float:
    command = [sys.executable, "-m", "sphinx", "-E", "-N", "-q", "-b", "html", *overrides]
    start = time.perf_counter()
    done = subprocess.run(
        [*command, str(src), str(out)], check=True, capture_output=True, text=True
    )
    took = time.perf_counter() - start
    # Every deployed rule matches its metric: the check ran and found nothing to say.
    assert "alert-" not in done.stderr, done.stderr[:2000]
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mldesign-alerts-") as tmp:
        src = generate(Path(tmp) / "src", "mldesign", args.items // args.per_page, args.per_page)
        with (src / "conf.py").open("a", encoding="utf-8") as conf:
            conf.write("show_warning_types = True\n")
        metrics = add_queries(src, args.rules // 2)
        rules = [alerting_rule(m, t) for m in metrics for t in thresholds(m)]
        (src / "deployed.yaml").write_text(rule_file("bench", rules, "prometheus"))
        deployed = yaml.safe_load((src / "deployed.yaml").read_text())
        assert len(deployed["groups"][0]["rules"]) == len(rules) == args.rules
        flavours = {"without": [], "with": ["-D", "mldesign_alert_rules=deployed.yaml"]}
        samples: dict[str, list[float]] = {name: [] for name in flavours}
        for _ in range(args.runs):
            for name, overrides in flavours.items():
                samples[name].append(build(src, Path(tmp) / f"out-{name}", overrides))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name, values in samples.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name} mldesign_alert_rules: median {medians[name]:.2f} s ({shown})")
    print(f"difference: {100 * (medians['with'] / medians['without'] - 1):+.1f} %")


if __name__ == "__main__":
    main()
