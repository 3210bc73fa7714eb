"""The items of the portfolio benchmark's exports: ``make_export`` gives export ``p``'s
items as written on its pages (the six item types, refs within the export, defects of
five rules on about 7 % of the items), and ``export_pages`` those pages' text.

Used by ``portfolio.py`` (see there); ``portfolio_exports.py`` turns the items into the
export JSON a build would write.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import PROSE  # noqa: E402

TODAY = "2026-11-01"
REVIEWED, STALE_REVIEWED = "2026-09-15", "2025-12-01"  # fresh, and older than 180 days
PER_PAGE = 20
#: One page of an export: 2 owners, 5 requirements, 5 metrics, 3 fallbacks, 3 risks and 2
#: components.
SLOTS = (
    [("ml-owner", i) for i in range(2)]
    + [("ml-requirement", i) for i in range(5)]
    + [("ml-metric", i) for i in range(5)]
    + [("ml-fallback", i) for i in range(3)]
    + [("ml-risk", i) for i in range(3)]
    + [("ml-component", i) for i in range(2)]
)
PREFIX = {
    "ml-requirement": "REQ", "ml-metric": "MET", "ml-fallback": "FB",
    "ml-owner": "OWN", "ml-risk": "RSK", "ml-component": "COMP",
}  # fmt: skip
TITLES = {
    "ml-requirement": ("Answers in time", "Ranks fresh items", "Explains its scores",
                       "Scores the nightly batch", "Keeps data in region"),
    "ml-metric": ("Serving latency", "Error rate", "Conversion", "Feature drift", "Offline AUC"),
    "ml-fallback": ("Previous model", "Cached answers", "Popular items"),
    "ml-owner": ("Serving team", "Modelling team"),
    "ml-risk": ("Training data skew", "Label leakage", "On-call overload"),
    "ml-component": ("Feature pipeline", "Ranking service"),
}  # fmt: skip


def export_name(index: int) -> str:
    return f"proj{index:03d}"


def iid(type_name: str, page: int, index: int) -> str:
    return f"{PREFIX[type_name]}-{page}-{index}"


@dataclass
class Spec:
    """One item: its options as written (lists for lists and refs)."""

    type: str
    id: str
    title: str
    options: dict[str, str | list[str]]
    docname: str = ""
    lineno: int = 0


@dataclass
class Export:
    name: str
    title: str
    base: str
    specs: list[Spec] = field(default_factory=list)


def _page_specs(p: int, k: int, pages: int) -> list[Spec]:
    """The items of page ``k`` of export ``p``; which pages carry which defect moves with
    ``p``, so the exports differ."""

    def ref(type_name: str, page: int, index: int) -> list[str]:
        return [iid(type_name, page, index)]

    own0, own1 = ref("ml-owner", k, 0), ref("ml-owner", k, 1)
    solo_area = (k + p) % 8 == 3  # an area only one person knows: bus-factor
    batch_without_fallback = (k + p) % 5 == 2  # serving-needs-fallback
    unmonitored_trigger = (k + p) % 6 == 1  # trigger-not-monitored
    ownerless_risk = (k + p) % 4 == 2  # missing-owner
    options: dict[tuple[str, int], dict[str, str | list[str]]] = {
        ("ml-owner", 0): {
            "email": f"serving-{k}@{export_name(p)}.example.org",
            "team": f"Serving {k}",
            "areas": [f"area {k}", f"area {(k + 1) % pages}"],
            "backups": own1,
        },
        ("ml-owner", 1): {
            "email": f"modelling-{k}@{export_name(p)}.example.org",
            "role": "tech lead",
            "areas": [f"area {k}", *([f"tooling {k}"] if solo_area else [])],
            **({} if solo_area else {"backups": own0}),
        },
        ("ml-requirement", 0): {
            "kind": "non-functional", "category": "performance", "priority": "must",
            "status": "approved", "target": "p99 <= 200 ms", "inference": "real-time",
            "verification": "monitoring", "metrics": ref("ml-metric", k, 0),
            "fallbacks": ref("ml-fallback", k, 0), "risks": ref("ml-risk", k, 0),
            "owner": own0, "tags": ["serving", f"area {k}"],
        },
        ("ml-requirement", 1): {
            "kind": "functional", "priority": "must", "status": "implemented",
            "metrics": ref("ml-metric", k, 1) + ref("ml-metric", k, 2),
            "depends": ref("ml-requirement", k, 0), "owner": own1,
        },
        ("ml-requirement", 2): {
            "status": ("draft", "proposed", "verified")[k % 3],
            "metrics": ref("ml-metric", k, 3), "owner": own1,
            **({"depends": ref("ml-requirement", k - 1, 0)} if k else {}),
        },
        ("ml-requirement", 3): {
            "priority": "should" if batch_without_fallback else "could",
            **({"inference": "batch"} if batch_without_fallback else {}),
            "metrics": ref("ml-metric", k, 1), "owner": own0,
        },
        ("ml-requirement", 4): {
            "kind": "constraint", "category": "compliance", "status": "approved",
            "scope": "out" if k % 7 == 0 else "in",
            "rationale": "Personal data stays in the region it was collected in.",
            "owner": own0,
        },
        ("ml-metric", 0): {
            "kind": "system", "warn": "p99 > 180 ms", "crit": "p99 > 250 ms", "window": "5m",
            "source": "serving dashboard", "owner": own0,
        },
        ("ml-metric", 1): {
            "kind": "online", "warn": "error_rate > 0.01", "crit": "error_rate > 0.05",
            "window": "10m", "severity": "ticket", "owner": own0,
        },
        ("ml-metric", 2): {
            "kind": "business", "target": "conversion >= 0.05", "crit": "conversion < 0.04",
            "window": "1d", "severity": "ticket", "proxy-for": [], "owner": own1,
        },
        ("ml-metric", 3): {
            "kind": "drift", "drift-method": "psi", "reference": "training",
            "warn": "psi > 0.1", "crit": "psi > 0.25", "window": "1d", "severity": "ticket",
            "owner": own1,
        },
        ("ml-metric", 4): {
            "kind": "model-quality", "target": "auc >= 0.8", "labels-delay": "7d",
            "severity": "log", "proxy-for": ref("ml-metric", k, 2), "owner": own1,
        },
        ("ml-fallback", 0): {
            "kind": "previous-version", "switch": "auto", "recovery": "auto",
            "trigger": ref("ml-metric", k, 0), "next": iid("ml-fallback", k, 1),
            "protects": ref("ml-requirement", k, 0), "expected-quality": "as last week",
            "last-tested": "2026-08-01", "owner": own0,
        },
        ("ml-fallback", 1): {
            "kind": "cache", "switch": "auto", "trigger": ref("ml-metric", k, 1),
            "next": iid("ml-fallback", k, 2), "owner": own0,
        },
        ("ml-fallback", 2): {
            "kind": "constant",
            **({"trigger": ref("ml-metric", k, 4)} if unmonitored_trigger else {}),
            "owner": own0,
        },
        ("ml-risk", 0): {
            "category": "model", "likelihood": "moderate", "impact": "high",
            "response": "mitigate", "status": "mitigating",
            "mitigations": ref("ml-fallback", k, 0), "detected-by": ref("ml-metric", k, 3),
            "affects": ref("ml-component", k, 1), "owner": own1,
        },
        ("ml-risk", 1): {
            "category": "data", "likelihood": "low", "mitigations": ref("ml-requirement", k, 1),
            "review-by": "2027-01-01", "owner": own1,
        },
        ("ml-risk", 2): {
            "category": "operational", "likelihood": "high", "impact": "high",
            "mitigations": ref("ml-metric", k, 0),
            **({} if ownerless_risk else {"owner": own0}),
        },
        ("ml-component", 0): {
            "kind": "pipeline", "tech": "Airflow", "metrics": ref("ml-metric", k, 1),
            **({"inputs": ref("ml-component", k - 1, 1)} if k else {}), "owner": own1,
        },
        ("ml-component", 1): {
            "kind": "serving", "tech": "Triton", "repo": f"git.example.org/{export_name(p)}",
            "inputs": ref("ml-component", k, 0), "serves": ref("ml-requirement", k, 0),
            "metrics": ref("ml-metric", k, 0), "fallbacks": ref("ml-fallback", k, 0),
            "owner": own0,
        },
    }  # fmt: skip
    specs = []
    for slot, (type_name, index) in enumerate(SLOTS):
        values = {name: v for name, v in options[type_name, index].items() if v}
        # About 3.5 % of the items were last reviewed too long ago: stale.
        stale = (p * 7 + k * PER_PAGE + slot) % 29 == 0
        values["reviewed"] = STALE_REVIEWED if stale else REVIEWED
        title = f"{TITLES[type_name][index]} ({k})"
        specs.append(Spec(type_name, iid(type_name, k, index), title, values))
    return specs


def make_export(p: int, items: int) -> Export:
    pages = -(-items // PER_PAGE)
    name = export_name(p)
    export = Export(name, f"Project {p}", f"https://{name}.example.org/design")
    for k in range(pages):
        export.specs += _page_specs(p, k, pages)
    del export.specs[items:]
    export_pages(export)
    return export


def _rst_value(value: str | list[str]) -> str:
    return value if isinstance(value, str) else ", ".join(value)


def export_pages(export: Export) -> dict[str, str]:
    """Each page's text, setting every item's docname and line number on the way."""
    texts: dict[str, list[str]] = {}
    for spec in export.specs:
        spec.docname = f"page{spec.id.split('-')[1]}"
        lines = texts.get(spec.docname)
        if lines is None:
            heading = f"Area {spec.id.split('-')[1]}"
            lines = texts[spec.docname] = [heading, "=" * len(heading), ""]
        spec.lineno = len(lines) + 1
        lines += [f".. {spec.type}:: {spec.title}", f"   :id: {spec.id}"]
        lines += [f"   :{name}: {_rst_value(value)}" for name, value in spec.options.items()]
        lines += ["", f"   {PROSE}", ""]
    return {docname: "\n".join(lines) for docname, lines in texts.items()}
