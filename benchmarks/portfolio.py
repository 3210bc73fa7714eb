"""Portfolio builds: a project importing N exports of M items each (``mldesign_imports``).

Usage::

    python benchmarks/portfolio.py [--exports 100] [--items 1000] [--runs 3] [--jobs 1]
        [--all-rollup] [--no-verify] [--keep DIR] [--profile FILE]

The exports are written as JSON directly: the six item types, the defaults a build fills
in, refs within each export, a ``url`` per item (as with ``html_baseurl``), ``changed``,
``rollups``, and violations of five rules on about 7 % of the items. Unless
``--no-verify``, the first export is also written as pages and built with
``sphinx-build -b mldesign``: its items and violations must equal the generated ones.

The portfolio has 50 local items on five pages, each referring to imported items by
qualified ID, a page of role references to three items of every import, a page with
``ml-portfolio`` and a page with a ``:projects: local`` requirement index. Each run, every
build a fresh ``sphinx-build -b html`` process under ``/usr/bin/time -v`` (peak RSS): a
full build, an incremental build after one referenced item's title changed in one export
(the pages re-written are listed), and an incremental build with nothing changed. With
``--all-rollup``, a second project adds a ``:projects: all`` requirement index (a row per
imported requirement) and gets a full and an incremental build per run too. Prints the
medians and every sample; ``--profile`` writes a cProfile of one more full build and
prints its top functions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate import PROSE, SUMMARY  # noqa: E402

from sphinxcontrib_mldesign.model.formats import parse_condition, parse_duration  # noqa: E402
from sphinxcontrib_mldesign.model.imports import read_export  # noqa: E402
from sphinxcontrib_mldesign.model.schema import load_json  # noqa: E402
from sphinxcontrib_mldesign.model.scoring import risk_score  # noqa: E402

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
#: The edited item of the chosen export: its title changes between runs.
EDITED = "REQ-0-0"
LOCAL_PAGES, LOCAL_PER_PAGE = 5, 10
ALL_ROLLUP = "All requirements\n================\n\n.. ml-requirement-index::\n   :projects: all\n"


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
    _place(export)
    return export


def _rst_value(value: str | list[str]) -> str:
    return value if isinstance(value, str) else ", ".join(value)


def _place(export: Export) -> dict[str, str]:
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


_FORMATS: dict[str, dict[str, tuple[str, Any]]] = {}


def _formats(type_name: str) -> dict[str, tuple[str, Any]]:
    """Option -> (x-format, default), from the shipped schema."""
    if type_name not in _FORMATS:
        props = load_json(f"{type_name}.json")["properties"]
        _FORMATS[type_name] = {
            name: (spec["x-format"], spec.get("default")) for name, spec in props.items()
        }
    return _FORMATS[type_name]


def _exported(spec: Spec, base: str) -> dict[str, Any]:
    formats = _formats(spec.type)
    values: dict[str, Any] = {
        name: default
        for name, (_, default) in formats.items()
        if default is not None and name not in spec.options
    }
    for name, value in spec.options.items():
        fmt = formats[name][0]
        if fmt == "condition":
            values[name] = parse_condition(str(value))
        elif fmt == "duration":
            values[name] = parse_duration(str(value))
        else:
            values[name] = value
    if spec.type == "ml-risk":
        values["score"] = risk_score(values["likelihood"], values["impact"])
    return {
        **values,
        "id": spec.id,
        "type": spec.type,
        "title": spec.title,
        "docname": spec.docname,
        "lineno": spec.lineno,
        "url": f"{base}/{spec.docname}.html#{spec.id}",
    }


def _violations(items: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """What a build of these items reports (only the five rules the generator provokes)."""
    found: list[tuple[str, dict[str, Any], str]] = []  # rule, item, message
    triggers: dict[str, list[str]] = {}
    areas: dict[str, list[dict[str, Any]]] = {}
    for item in items.values():
        label = item["type"].removeprefix("ml-")
        if item["reviewed"] == STALE_REVIEWED:
            age = (dt.date.fromisoformat(TODAY) - dt.date.fromisoformat(STALE_REVIEWED)).days
            message = (
                f"{label} {item['id']!r} is stale: reviewed on {STALE_REVIEWED}, {age} days "
                f"before {TODAY} (review every 180d)"
            )
            found.append(("stale", item, message))
        if item["type"] != "ml-owner" and not item.get("owner"):
            found.append(("missing-owner", item, f"{label} {item['id']!r} has no :owner:"))
        if item.get("inference") and not item.get("fallbacks"):
            message = (
                f"requirement {item['id']!r} serves {item['inference']} predictions but lists "
                "no :fallbacks:"
            )
            found.append(("serving-needs-fallback", item, message))
        for metric in item.get("trigger", ()):
            triggers.setdefault(metric, []).append(item["id"])
        for area in item.get("areas", ()):
            areas.setdefault(area, []).append(item)
    for metric_id, fallbacks in triggers.items():
        metric = items[metric_id]
        if "warn" not in metric and "crit" not in metric:
            names = ", ".join(repr(f) for f in fallbacks)
            message = (
                f"metric {metric_id!r} triggers fallback {names} but has neither :warn: nor "
                ":crit:, so nothing will switch to it"
            )
            found.append(("trigger-not-monitored", metric, message))
    for area, owners in areas.items():
        people = [o["id"] for o in owners]
        people += [b for o in owners for b in o.get("backups", ()) if b not in people]
        if len(people) < 2:
            message = (
                f"area {area!r} has a bus factor of {len(people)} ({', '.join(people)}); at "
                "least 2 people should know it — add a backup or a second owner"
            )
            found.append(("bus-factor", owners[0], message))
    violations = [
        {
            "rule": rule,
            "severity": "warning",
            "item": item["id"],
            "docname": item["docname"],
            "lineno": item["lineno"],
            "message": message,
        }
        for rule, item, message in found
    ]
    violations.sort(key=lambda v: (v["docname"], v["lineno"], v["rule"], v["item"], v["message"]))
    return violations


def export_data(export: Export, changed: str) -> dict[str, Any]:
    items = {spec.id: _exported(spec, export.base) for spec in export.specs}
    rollups = {
        f"ml-{kind}": {"docname": "rollups", "url": f"{export.base}/rollups.html"}
        for kind in re.findall(r"\.\. ml-([a-z-]+)::", SUMMARY["mldesign"][1])
    }
    return {
        "version": 1,
        "project": export.title,
        "changed": changed,
        "rollups": rollups,
        "items": items,
        "violations": _violations(items),
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    """As a build writes an export: sorted keys, indented."""
    path.write_text(json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n")


def verify(export: Export, data: dict[str, Any], tmp: Path) -> None:
    """Build the export's items as pages with ``-b mldesign``; its export must equal ours."""
    src = tmp / "verify-src"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    pages = _place(export)
    for docname, text in pages.items():
        (src / f"{docname}.rst").write_text(text, encoding="utf-8")
    (src / "rollups.rst").write_text(SUMMARY["mldesign"][1], encoding="utf-8")
    toctree = "".join(f"   {doc}\n" for doc in [*pages, "rollups"])
    (src / "index.rst").write_text(f"Index\n=====\n\n.. toctree::\n\n{toctree}")
    (src / "conf.py").write_text(
        f'project = "{export.title}"\nextensions = ["sphinxcontrib_mldesign"]\n'
        f'mldesign_today = "{TODAY}"\nhtml_baseurl = "{export.base}/"\n'
    )
    out = tmp / "verify-out"
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-E", "-N", "-q", "-b", "mldesign", str(src), str(out)],
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    took = time.perf_counter() - start
    real = json.loads((out / "mldesign.json").read_text(encoding="utf-8"))
    ours = {key: value for key, value in data.items() if key != "changed"}
    if real != ours:
        for key in ours.keys() | real.keys():
            if key == "items":
                for item_id in ours["items"].keys() | real["items"].keys():
                    if ours["items"].get(item_id) != real["items"].get(item_id):
                        print(f"item {item_id}: generated {ours['items'].get(item_id)}")
                        print(f"{' ' * len(f'item {item_id}')}  built {real['items'].get(item_id)}")
                        break
            elif ours.get(key) != real.get(key):
                print(f"{key}: generated {json.dumps(ours.get(key))[:3000]}")
                print(f"{key}:     built {json.dumps(real.get(key))[:3000]}")
        raise SystemExit("the generated export differs from the built one")
    rules: dict[str, int] = {}
    for violation in real["violations"]:
        rules[violation["rule"]] = rules.get(violation["rule"], 0) + 1
    print(
        f"verified: {export.name} as generated == sphinx-build -b mldesign of the same items "
        f"({len(real['items'])} items, {len(real['violations'])} violations {rules}; "
        f"build {took:.1f} s, {len(run.stderr.splitlines())} warning lines)"
    )


def local_pages(names: list[str]) -> dict[str, str]:
    """The portfolio's own pages: 50 items referring to imported ones, role references,
    the portfolio and a local requirement index."""
    n = len(names)
    pages: dict[str, str] = {}
    for d in range(LOCAL_PAGES):
        lines = [f"Design {d}", "=" * len(f"Design {d}"), ""]
        for i in range(LOCAL_PER_PAGE):
            j = d * LOCAL_PER_PAGE + i
            q, q2 = names[j % n], names[(j + LOCAL_PAGES * LOCAL_PER_PAGE) % n]
            k = j % 5  # a page of the import that every export has
            owner = f"LOWN-{d}-{i % 2}"
            if i < 2:
                opts = {
                    "id": f"LOWN-{d}-{i}",
                    "email": f"local{d}{i}@example.org",
                    "areas": f"portfolio area {d}",
                    "backups": f"LOWN-{d}-{1 - i}",
                }
                lines += [f".. ml-owner:: Local owner {d}.{i}"]
            elif i < 5:
                opts = {
                    "id": f"LREQ-{d}-{i}",
                    "priority": "must",
                    "status": "approved",
                    "inference": "real-time",
                    "depends": f"{q}:REQ-{k}-0",
                    "metrics": f"LMET-{d}-5, {q2}:MET-{k}-1",
                    "fallbacks": f"LFB-{d}-7",
                    "owner": owner,
                }
                lines += [f".. ml-requirement:: Local requirement {d}.{i}"]
            elif i < 7:
                opts = {
                    "id": f"LMET-{d}-{i}",
                    "kind": "business",
                    "crit": "conversion < 0.04",
                    "proxy-for": f"{q}:MET-{k}-2",
                    "owner": owner,
                }
                lines += [f".. ml-metric:: Local metric {d}.{i}"]
            elif i < 9:
                opts = {
                    "id": f"LFB-{d}-{i}",
                    "kind": "rule" if i == 8 else "cache",
                    "trigger": f"LMET-{d}-5, {q}:MET-{k}-0",
                    **({"next": f"LFB-{d}-8"} if i == 7 else {}),
                    "owner": owner,
                }
                lines += [f".. ml-fallback:: Local fallback {d}.{i}"]
            else:
                opts = {
                    "id": f"LRSK-{d}-{i}",
                    "likelihood": "low",
                    "mitigations": f"{q}:FB-{k}-0, LFB-{d}-7",
                    "owner": owner,
                }
                lines += [f".. ml-risk:: Local risk {d}.{i}"]
            lines += [f"   :{name}: {value}" for name, value in opts.items()]
            lines += ["", f"   {PROSE}", ""]
        pages[f"design{d}"] = "\n".join(lines)
    links = ["Links", "=====", ""]
    for name in names:
        links += [
            f"{name}: :ml:req:`{name}:{EDITED}`, :ml:metric:`{name}:MET-0-0` and "
            f":any:`{name}:FB-0-0`.",
            "",
        ]
    pages["links"] = "\n".join(links)
    pages["portfolio"] = "Portfolio\n=========\n\n.. ml-portfolio::\n"
    pages["rollups"] = (
        "Requirements\n============\n\n.. ml-requirement-index::\n   :projects: local\n"
    )
    return pages


def make_portfolio(dest: Path, names: list[str], extra: dict[str, str]) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    (dest / "exports").symlink_to(dest.parent / "exports")
    imports = "".join(f'    "{name}": "exports/{name}.json",\n' for name in names)
    (dest / "conf.py").write_text(
        'project = "Portfolio"\nextensions = ["sphinxcontrib_mldesign"]\n'
        f'show_warning_types = True\nmldesign_today = "{TODAY}"\n'
        f"mldesign_imports = {{\n{imports}}}\n"
    )
    pages = {**local_pages(names), **extra}
    for docname, text in pages.items():
        (dest / f"{docname}.rst").write_text(text, encoding="utf-8")
    toctree = "".join(f"   {doc}\n" for doc in pages)
    (dest / "index.rst").write_text(f"Portfolio\n=========\n\n.. toctree::\n\n{toctree}")
    return dest


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(HERE.parent)}


@dataclass
class Build:
    seconds: float
    rss_mib: float
    reread: int
    written: list[str]
    warnings: list[str]


#: Without /usr/bin/time: the peak RSS of the build, from a fresh Python that runs it.
_RUSAGE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'Maximum resident set size (kbytes): {peak}', file=sys.stderr)\n"
    "sys.exit(done.returncode)\n"
)


def build(src: Path, out: Path, jobs: int, fresh: bool) -> Build:
    """One ``sphinx-build -b html`` process under ``/usr/bin/time -v``."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "sphinx", "-N", *(["-E"] if fresh else [])]
    cmd += ["-j", str(jobs), "-b", "html", str(src), str(out)]
    timed = ["/usr/bin/time", "-v", *cmd] if Path("/usr/bin/time").exists() else [
        sys.executable, "-c", _RUSAGE, *cmd,
    ]  # fmt: skip
    start = time.perf_counter()
    run = subprocess.run(timed, env=_env(), capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"build of {src} failed:\n{run.stderr[-3000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    written = re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", run.stdout)
    warnings = [line for line in run.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    reread = re.search(r"(\d+) added, (\d+) changed, (\d+) removed", run.stdout)
    return Build(
        took,
        int(rss.group(1)) / 1024 if rss else float("nan"),
        int(reread.group(1)) + int(reread.group(2)) if reread else 0,
        written,
        warnings,
    )


def edit_title(path: Path, new_title: str) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["items"][EDITED]["title"] = new_title
    write_json(path, data)


def profile(src: Path, out: Path, jobs: int, dest: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "cProfile", "-o", str(dest), "-m", "sphinx", "-E", "-N", "-q"]
    subprocess.run(
        [*cmd, "-j", str(jobs), "-b", "html", str(src), str(out)], env=_env(), check=True
    )
    stats = pstats.Stats(str(dest))
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


def _line(label: str, values: list[float], unit: str) -> str:
    shown = ", ".join(f"{v:.2f}" for v in values)
    return f"{label}: median {statistics.median(values):.2f} {unit} ({shown})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", type=int, default=100)
    parser.add_argument("--items", type=int, default=1000, help="items per export")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1, help="sphinx-build -j")
    parser.add_argument("--all-rollup", action="store_true", help="also a :projects: all index")
    parser.add_argument("--no-verify", action="store_true")
    parser.add_argument("--keep", type=Path, help="generate here and keep (else a temp dir)")
    parser.add_argument("--profile", type=Path, help="cProfile one more full build to here")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mldesign-portfolio-") as tmp_name:
        tmp = args.keep.resolve() if args.keep else Path(tmp_name)
        exports_dir = tmp / "exports"
        shutil.rmtree(exports_dir, ignore_errors=True)
        exports_dir.mkdir(parents=True)
        names = [export_name(p) for p in range(args.exports)]
        start = time.perf_counter()
        first: tuple[Export, dict[str, Any]] | None = None
        for p, name in enumerate(names):
            export = make_export(p, args.items)
            data = export_data(export, f"2026-10-{1 + p % 28:02d}")
            write_json(exports_dir / f"{name}.json", data)
            if first is None:
                first = (export, data)
        size = sum(f.stat().st_size for f in exports_dir.iterdir()) / 2**20
        print(
            f"generated {args.exports} exports x {args.items} items ({size:.0f} MiB) in "
            f"{time.perf_counter() - start:.1f} s"
        )
        if not args.no_verify and first is not None:
            verify(*first, tmp)
        start = time.perf_counter()
        for name in names:
            json.loads((exports_dir / f"{name}.json").read_bytes())
        parse = time.perf_counter() - start
        start = time.perf_counter()
        for name in names:
            read_export(name, (exports_dir / f"{name}.json").read_bytes())
        read = time.perf_counter() - start
        print(f"reading the exports in-process: json.loads {parse:.2f} s, read_export {read:.2f} s")

        projects = {"headline": make_portfolio(tmp / "portfolio", names, {})}
        if args.all_rollup:
            extra = {"all": ALL_ROLLUP}
            projects["all-rollup"] = make_portfolio(tmp / "portfolio-all", names, extra)
        edited = names[len(names) // 3]
        edited_path = exports_dir / f"{edited}.json"
        title = json.loads(edited_path.read_text())["items"][EDITED]["title"]
        titles = (f"{title} renamed", title)
        samples: dict[str, list[float]] = {}
        written: dict[str, set[str]] = {}
        warnings: dict[str, list[str]] = {}
        reread: dict[str, list[int]] = {}
        for run in range(args.runs):
            for label, src in projects.items():
                out = tmp / f"out-{label}"
                full = build(src, out, args.jobs, fresh=True)
                samples.setdefault(f"{label} full build (s)", []).append(full.seconds)
                samples.setdefault(f"{label} full build peak RSS (MiB)", []).append(full.rss_mib)
                warnings.setdefault(label, full.warnings)
                # The edit alternates between two titles, so every run changes the export.
                new_title = titles[run % 2]
                edit_title(edited_path, new_title)
                inc = build(src, out, args.jobs, fresh=False)
                samples.setdefault(f"{label} one export changed (s)", []).append(inc.seconds)
                written.setdefault(f"{label} one export changed", set()).update(inc.written)
                reread.setdefault(f"{label} one export changed", []).append(inc.reread)
                shown = new_title in (out / "links.html").read_text(encoding="utf-8")
                assert shown, f"links.html does not show the new title {new_title!r}"
                if label == "headline":
                    same = build(src, out, args.jobs, fresh=False)
                    samples.setdefault(f"{label} nothing changed (s)", []).append(same.seconds)
                    written.setdefault(f"{label} nothing changed", set()).update(same.written)
                    reread.setdefault(f"{label} nothing changed", []).append(same.reread)
            print(f"run {run + 1} of {args.runs} done", file=sys.stderr)
        if args.profile:
            profile(projects["headline"], tmp / "out-profile", args.jobs, args.profile.resolve())

    print(
        f"{os.cpu_count()} cores; {args.exports} exports x {args.items} items; -j {args.jobs}; "
        f"edited: {edited}:{EDITED}'s title"
    )
    for label, values in samples.items():
        unit = label[label.rindex("(") + 1 : -1]
        print(_line(label[: label.rindex("(") - 1], values, unit))
    for label, docs in written.items():
        print(
            f"{label}: re-read {max(reread[label])}, re-written {len(docs)}: "
            f"{', '.join(sorted(docs)) or '-'}"
        )
    for label, lines in warnings.items():
        print(f"{label}: {len(lines)} warnings in the full build")
        for line in lines[:10]:
            print(f"  {line}")


if __name__ == "__main__":
    main()
