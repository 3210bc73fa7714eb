"""Generate deterministic benchmark projects: N pages x M items, in several flavours.

Every flavour has the same pages, titles, fields and prose; only the markup differs:

* ``plain``: Sphinx admonitions with a field list, no extension (the floor);
* ``mldesign``: the same items as sphinxcontrib-mldesign directives, with cross-page
  references as option refs and roles, plus one page holding all six roll-ups.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

TYPES = ("ml-requirement", "metric", "fallback", "owner", "ml-risk")
PREFIX = {
    "ml-requirement": "REQ",
    "metric": "MET",
    "fallback": "FB",
    "owner": "OWN",
    "ml-risk": "RSK",
}
PROSE = (
    "This item belongs to the generated benchmark design doc. It carries a paragraph of "
    "prose so that pages weigh what real design-doc pages weigh, with *emphasis*, "
    "``literals`` and a second sentence about the reasoning behind the decision."
)


def item_id(kind: str, page: int, index: int) -> str:
    return f"{PREFIX[kind]}-{page}-{index}"


def _fields(kind: str, page: int, index: int, pages: int) -> list[tuple[str, str]]:
    """Options of one item; refs point at items on the next page (cross-page links)."""
    nxt = (page + 1) % pages
    owner = item_id("owner", page, 3)
    if kind == "ml-requirement":
        return [
            ("priority", "must"),
            ("status", "approved"),
            ("target", "p99 <= 200 ms"),
            ("metrics", item_id("metric", nxt, 1)),
            ("fallbacks", item_id("fallback", nxt, 2)),
            ("owner", owner),
        ]
    if kind == "metric":
        return [
            ("kind", "system"),
            ("warn", "p99 > 180 ms"),
            ("crit", "p99 > 250 ms"),
            ("window", "5m"),
            ("owner", owner),
        ]
    if kind == "fallback":
        return [("kind", "constant"), ("trigger", item_id("metric", page, 1)), ("owner", owner)]
    if kind == "owner":
        return [("email", f"owner{page}@example.com"), ("areas", f"area {page}, area {nxt}")]
    return [
        ("likelihood", "moderate"),
        ("impact", "high"),
        ("mitigations", item_id("fallback", page, 2)),
        ("owner", owner),
    ]


def _item_rst(flavour: str, kind: str, page: int, index: int, pages: int) -> str:
    title = f"{kind.removeprefix('ml-').capitalize()} {page}.{index}"
    fields = [("id", item_id(kind, page, index)), *_fields(kind, page, index, pages)]
    if flavour == "plain":
        lines = [f".. admonition:: {title}", ""]
        lines += [f"   :{name}: {value}" for name, value in fields]
    else:
        lines = [f".. {kind}:: {title}"]
        lines += [f"   :{name}: {value}" for name, value in fields]
    lines += ["", f"   {PROSE}", ""]
    return "\n".join(lines)


def _page(flavour: str, page: int, pages: int, items_per_page: int) -> str:
    nxt = (page + 1) % pages
    target = item_id("ml-requirement", nxt, 0)
    ref = target if flavour == "plain" else f":ml:req:`{target}`"
    out = [f"Page {page}", "=" * len(f"Page {page}"), "", f"See {ref} on the next page.", ""]
    for index in range(items_per_page):
        out.append(_item_rst(flavour, TYPES[index % len(TYPES)], page, index, pages))
    return "\n".join(out)


CONF = {
    "plain": 'project = "bench"\nextensions = []\n',
    # Pinned so that runs on different days measure the same work.
    "mldesign": 'project = "bench"\nextensions = ["sphinxcontrib_mldesign"]\n'
    'mldesign_today = "2026-11-01"\n',
}


ROLLUPS = """Roll-ups
========

.. ml-requirement-index::

.. ml-risk-index::

.. ml-monitoring-index::

.. ml-ownership-index::

.. ml-fallback-chains::

.. ml-freshness-index::
"""


def generate(dest: Path, flavour: str, pages: int, items_per_page: int) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    (dest / "conf.py").write_text(CONF[flavour], encoding="utf-8")
    docs = [f"page{p}" for p in range(pages)]
    if flavour == "mldesign":
        (dest / "rollups.rst").write_text(ROLLUPS, encoding="utf-8")
        docs.append("rollups")
    toctree = "\n".join(f"   {doc}" for doc in docs)
    index = f"Benchmark\n=========\n\n.. toctree::\n   :maxdepth: 1\n\n{toctree}\n"
    (dest / "index.rst").write_text(index, encoding="utf-8")
    for page in range(pages):
        text = _page(flavour, page, pages, items_per_page)
        (dest / f"page{page}.rst").write_text(text, encoding="utf-8")
    return dest


FLAVOURS: dict[str, Callable[[Path, int, int], Path]] = {
    name: (lambda dest, pages, per, name=name: generate(dest, name, pages, per)) for name in CONF
}


def edit_prose(dest: Path, page: int = 0) -> None:
    """A one-page prose edit, the same in every flavour (for incremental builds)."""
    path = dest / f"page{page}.rst"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
