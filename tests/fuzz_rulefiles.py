"""Random deployed rule files for tests/test_fuzz_outside.py: valid and invalid YAML built
from pieces — groups and rules, labels, ``for`` of any length, anchors, aliases and merge
keys (bounded and not), ``PrometheusRule`` manifests and ``kubectl`` ``List`` wrappers,
several documents, control characters, deep nesting, long and chained expressions, NaN and
infinite thresholds — and broken afterwards, sometimes, the way files get broken."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from typing import Any

#: Rule names: the doc's (generated, and named in :alert:, so compared), hostile ones.
NAMES = ("MET_A_warn", "MET_A_crit", "MET_C_crit", "CostHigh", "Odd")
HOSTILE_NAMES = ("Bad\x1b[2J\nName", "{{ $labels.job }}", "名前🙂", "q\"uo'te", "x" * 3000, "", " ")
QUERIES = ("rank_p99_ms", "serving_cost", "(x)", "sum(rate(a_total[5m])) by (job)",
           'x{job="a\\"b"}', "scalar(x)", "x offset 5m")  # fmt: skip
NUMBERS = ("60", "80", "3000", "5000", "0.04", "4900", "NaN", "Inf", "+Inf", "-Inf", "1e309",
           "0x10", "-0", "1e-400", "9" * 400, ".5", "5e3")  # fmt: skip
OPS = ("<", "<=", ">", ">=", "==", "!=")
DURATIONS = ("5m", "10m", "15m", "1h30m", "0s", "300s", "500ms", "1y", "99999w", "5x", "-5m",
             "", "5 m", "P1D", "1.5h", "9" * 20 + "s", "9" * 400 + "s", "9" * 5000 + "m")  # fmt: skip
SEVERITIES = ("page", "ticket", "log", "PAGE", "", "crit\x1b[2J", 3)
IDS = ("MET-A", "MET-B", "MET-C", "MET-GONE", "", "MET-\nA", "x" * 300)
CONTROL = ("\x00", "\x07", "\x0b", "\x1b[2J", "\x7f", "\x85", "\u2028", "\ufeff", "\t", "\r")
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class Anchor:
    name: str
    value: Any


@dataclass(frozen=True)
class Alias:
    name: str


def flow(value: Any) -> str:
    """``value`` as YAML flow text (anchors, aliases and the merge key ``<<`` kept)."""
    if isinstance(value, Anchor):
        return f"&{value.name} {flow(value.value)}"
    if isinstance(value, Alias):
        return f"*{value.name}"
    if isinstance(value, dict):
        pairs = (f"{key if key == '<<' else flow(key)}: {flow(v)}" for key, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(flow, value)) + "]"
    if isinstance(value, str) and _PLAIN.fullmatch(value):
        return value  # plain, as people write it (``5`` is then a number, as in YAML)
    return json.dumps(value, ensure_ascii=False)  # JSON's strings are YAML's double-quoted


def _expr(rng: random.Random) -> Any:
    query, op, number = rng.choice(QUERIES), rng.choice(OPS), rng.choice(NUMBERS)
    shapes = (
        lambda: f"{query} {op} {number}",
        lambda: f"{number} {op} {query}",
        lambda: f"{query} {op} bool {number}",
        lambda: f"{query} {op} {number} # a comment",
        lambda: " + ".join([query] * rng.choice((10, 1000, 5000, 20000))) + f" {op} {number}",
        lambda: "(" * (depth := rng.choice((10, 500, 5000))) + query + ")" * depth + f" > {number}",
        lambda: "-" * rng.choice((10, 9000)) + f"{query} > {number}",
        lambda: rng.choice(("((((", "sum(", "rate(x[5m]", "x >", "", "'a' > 1", "x > > 1")),
        lambda: rng.choice((5, None, [1, 2], {"a": "b"})),  # not a string at all
    )
    return rng.choice(shapes)()


def _rule(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.1:
        return {"record": "job:x:rate5m", "expr": _expr(rng)}
    name = rng.choice(NAMES if rng.random() < 0.7 else HOSTILE_NAMES)
    rule: dict[str, Any] = {"alert": name, "expr": _expr(rng)}
    if rng.random() < 0.6:
        rule["for"] = rng.choice((*DURATIONS, 5, 5.5, None))
    labels: dict[str, Any] = {}
    if rng.random() < 0.7:
        labels["severity"] = rng.choice(SEVERITIES)
    if rng.random() < 0.5:
        labels["mldesign_id"] = rng.choice(IDS)
    if rng.random() < 0.4:
        labels["mldesign_threshold"] = rng.choice(("warn", "crit", "both", "", 1))
    rule["labels"] = labels if rng.random() < 0.9 else rng.choice(("x", [labels], None))
    for key in [k for k in rule if rng.random() < 0.05]:
        del rule[key]  # a rule without its name, its expression, ...
    return dict(rng.sample(sorted(rule.items(), key=str), len(rule)))


def _groups(rng: random.Random, indent: str) -> list[str]:
    """The lines of a ``groups:`` block, rules one a line; anchors, aliases, merge keys."""
    lines = [f"{indent}groups:"]
    anchors: list[str] = []
    for group in range(rng.randint(0, 3)):
        lines += [f"{indent}- name: g{group}", f"{indent}  rules:"]
        for _ in range(rng.randint(0, 6)):
            rule: Any = _rule(rng)
            if anchors and rng.random() < 0.2:  # as Prometheus reads: the rule, then these
                rule = {"<<": Alias(rng.choice(anchors)), **dict(list(rule.items())[:1])}
            elif anchors and rng.random() < 0.1:
                rule = Alias(rng.choice(anchors))
            if rng.random() < 0.2:
                anchors.append(f"r{len(anchors)}")
                rule = Anchor(anchors[-1], rule)
            lines.append(f"{indent}  - {flow(rule)}")
    return lines


def _bomb(rng: random.Random) -> list[str]:
    """Aliases that expand to width times width rules (12 KB: 2.25 million at 1500)."""
    width = rng.choice((10, 300, 1500))
    rule = {"alert": "CostHigh", "expr": "serving_cost > 5000", "labels": {"severity": "ticket"}}
    return [
        f"base: {flow(Anchor('b', rule))}",
        f"many: &m [{', '.join(['*b'] * width)}]",
        "groups:",
        "- &g {name: g, rules: *m}",
        *["- *g"] * width,
    ]


def _document(rng: random.Random) -> list[str]:
    wrapper = rng.choice(("plain", "plain", "operator", "list", "bomb", "junk"))
    if wrapper == "plain":
        return _groups(rng, "")
    if wrapper == "operator":
        head = ["apiVersion: monitoring.coreos.com/v1", "kind: PrometheusRule",
                "metadata: {name: r}", "spec:"]  # fmt: skip
        return head + _groups(rng, "  ")
    if wrapper == "list":  # kubectl get prometheusrules -o yaml
        head = ["apiVersion: v1", "kind: List", "items:",
                "- apiVersion: monitoring.coreos.com/v1", "  kind: PrometheusRule",
                "  metadata: {name: r}", "  spec:"]  # fmt: skip
        return head + _groups(rng, "    ")
    if wrapper == "bomb":
        return _bomb(rng)
    return [rng.choice(("3", "[]", "~", "groups: 3", "groups: [1, null, {rules: 3}]",
                        "kind: List\nitems: [3]", "kind: PrometheusRule\nspec: []"))]  # fmt: skip


def _break(rng: random.Random, text: str) -> str:
    """The text, broken as files get broken (or not)."""
    at = rng.randint(0, len(text))
    breaks = (
        lambda: text[:at] + rng.choice(CONTROL) + text[at:],
        lambda: text[:at],  # cut short
        lambda: text.replace("\n", "\r\n"),
        lambda: "\ufeff" + text,
        lambda: text.replace("\n  ", "\n\t", 1),
        lambda: text + "groups: []\n",  # a key twice
        lambda: "!!python/object/apply:os.system ['true']\n" + text,
        lambda: "groups: " + "[" * (n := rng.choice((50, 500, 5000))) + "]" * n + "\n",
        lambda: "g:\n" + "".join(" " * i + "- a:\n" for i in range(0, 2 * 300, 2)),
        lambda: "groups:\n- name: g\n  rules:\n  - alert: X\n    expr: " + "x" * 200_000 + "\n",
    )
    return rng.choice(breaks)() if rng.random() < 0.35 else text


def rule_file(rng: random.Random) -> bytes:
    """One rule file's bytes: one to three YAML documents, maybe broken, maybe not UTF-8."""
    documents = ["\n".join(_document(rng)) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    text = _break(rng, "\n---\n".join(documents) + "\n")
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.05:
        at = rng.randint(0, len(data))
        data = data[:at] + b"\xff\xfe" + data[at:]
    return data
