"""The exports of the portfolio benchmark as a build would write them: ``export_data``
gives an export's JSON (the defaults a build fills in, a ``url`` per item as with
``html_baseurl``, ``rollups`` and the violations of the five provoked rules), and
``verify`` checks it against a real ``sphinx-build -b mldesign`` of the same items.

Used by ``portfolio.py`` (see there); the items come from ``portfolio_items.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate import ROLLUP_NAMES, SUMMARY  # noqa: E402
from portfolio_items import STALE_REVIEWED, TODAY, Export, Spec, export_pages  # noqa: E402

from sphinxcontrib_mldesign.model.formats import parse_condition, parse_duration  # noqa: E402
from sphinxcontrib_mldesign.model.schema import load_json  # noqa: E402
from sphinxcontrib_mldesign.model.scoring import risk_score  # noqa: E402


def sphinx_env() -> dict[str, str]:
    """The environment of a ``sphinx-build`` process of this checkout's package."""
    return {**os.environ, "PYTHONPATH": str(HERE.parent)}


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
    found: list[tuple[str, dict[str, Any], str, str | None]] = []  # rule, item, message, area
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
            found.append(("stale", item, message, None))
        if item["type"] != "ml-owner" and not item.get("owner"):
            found.append(("missing-owner", item, f"{label} {item['id']!r} has no :owner:", None))
        if item.get("inference") and not item.get("fallbacks"):
            message = (
                f"requirement {item['id']!r} serves {item['inference']} predictions but lists "
                "no :fallbacks:"
            )
            found.append(("serving-needs-fallback", item, message, None))
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
            found.append(("trigger-not-monitored", metric, message, None))
    for area, owners in areas.items():
        people = [o["id"] for o in owners]
        people += [b for o in owners for b in o.get("backups", ()) if b not in people]
        if len(people) < 2:
            message = (
                f"area {area!r} has a bus factor of {len(people)} ({', '.join(people)}); at "
                "least 2 people should know it — add a backup or a second owner"
            )
            found.append(("bus-factor", owners[0], message, area))
    violations = [
        {
            "rule": rule,
            "severity": "warning",
            "item": item["id"],
            "docname": item["docname"],
            "lineno": item["lineno"],
            "message": message,
            **({"area": area} if area else {}),
        }
        for rule, item, message, area in found
    ]
    violations.sort(key=lambda v: (v["docname"], v["lineno"], v["rule"], v["item"], v["message"]))
    return violations


def export_data(export: Export, changed: str) -> dict[str, Any]:
    items = {spec.id: _exported(spec, export.base) for spec in export.specs}
    docname = SUMMARY["mldesign"][0]  # the page holding all six roll-ups
    rollups = {
        f"ml-{kind}": {"docname": docname, "url": f"{export.base}/{docname}.html"}
        for kind in ROLLUP_NAMES
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
    pages = export_pages(export)
    for docname, text in pages.items():
        (src / f"{docname}.rst").write_text(text, encoding="utf-8")
    rollups, text = SUMMARY["mldesign"]
    (src / f"{rollups}.rst").write_text(text, encoding="utf-8")
    toctree = "".join(f"   {doc}\n" for doc in [*pages, rollups])
    (src / "index.rst").write_text(f"Index\n=====\n\n.. toctree::\n\n{toctree}")
    (src / "conf.py").write_text(
        f'project = "{export.title}"\nextensions = ["sphinxcontrib_mldesign"]\n'
        f'mldesign_today = "{TODAY}"\nhtml_baseurl = "{export.base}/"\n'
    )
    out = tmp / "verify-out"
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-E", "-N", "-q", "-b", "mldesign", str(src), str(out)],
        env=sphinx_env(),
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
