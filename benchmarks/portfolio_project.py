"""The local portfolio project of the portfolio benchmark: ``make_portfolio`` writes its
``conf.py`` (importing every export with ``mldesign_imports``) and its pages: 50 local items
referring to imported items by qualified ID, role references to three items of every
import, an ``ml-portfolio`` page and a ``:projects: local`` requirement index.

Used by ``portfolio.py`` (see there).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import PROSE  # noqa: E402
from portfolio_items import PER_PAGE, TODAY  # noqa: E402

#: The edited item of the chosen export: its title changes between runs, and the links page
#: refers to it in every import.
EDITED = "REQ-0-0"
LOCAL_PAGES, LOCAL_PER_PAGE = 5, 10
ALL_ROLLUP = "All requirements\n================\n\n.. ml-requirement-index::\n   :projects: all\n"


def local_pages(names: list[str], full_pages: int) -> dict[str, str]:
    """The portfolio's own pages: 50 items referring to imported ones (on the first
    ``full_pages`` pages of each export), role references, the portfolio and a local
    requirement index."""
    n = len(names)
    pages: dict[str, str] = {}
    for d in range(LOCAL_PAGES):
        lines = [f"Design {d}", "=" * len(f"Design {d}"), ""]
        for i in range(LOCAL_PER_PAGE):
            j = d * LOCAL_PER_PAGE + i
            q, q2 = names[j % n], names[(j + LOCAL_PAGES * LOCAL_PER_PAGE) % n]
            k = j % min(5, full_pages)  # a page that every export has
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


def make_portfolio(dest: Path, names: list[str], items: int, extra: dict[str, str]) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    (dest / "exports").symlink_to(dest.parent / "exports")
    imports = "".join(f'    "{name}": "exports/{name}.json",\n' for name in names)
    (dest / "conf.py").write_text(
        'project = "Portfolio"\nextensions = ["sphinxcontrib_mldesign"]\n'
        f'show_warning_types = True\nmldesign_today = "{TODAY}"\n'
        f"mldesign_imports = {{\n{imports}}}\n"
    )
    pages = {**local_pages(names, items // PER_PAGE), **extra}
    for docname, text in pages.items():
        (dest / f"{docname}.rst").write_text(text, encoding="utf-8")
    toctree = "".join(f"   {doc}\n" for doc in pages)
    (dest / "index.rst").write_text(f"Portfolio\n=========\n\n.. toctree::\n\n{toctree}")
    return dest
