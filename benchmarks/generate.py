"""Generate deterministic benchmark projects: N pages x M items, in three flavours.

Every flavour has the same pages, titles, fields and prose; only the markup differs:

* ``plain``: Sphinx admonitions with a field list, no extension, no summary page (the floor);
* ``needs``: the same items as sphinx-needs objects (five need types, the fields as extra
  options, references as ``:links:``), plus one page with a ``needtable`` of all needs;
* ``mldesign``: the items as sphinxcontrib-mldesign directives, references as option refs
  and roles, plus one page holding all six roll-ups.
"""

from __future__ import annotations

import shutil
from pathlib import Path

TYPES = ("ml-requirement", "metric", "fallback", "owner", "ml-risk")
PREFIX = {
    "ml-requirement": "REQ",
    "metric": "MET",
    "fallback": "FB",
    "owner": "OWN",
    "ml-risk": "RSK",
}
NEED_DIRECTIVE = {t: f"n{PREFIX[t].lower()}" for t in TYPES}
REF_FIELDS = {"metrics", "fallbacks", "trigger", "owner", "mitigations"}
PROSE = (
    "This item belongs to the generated benchmark design doc. It carries a paragraph of "
    "prose so that pages weigh what real design-doc pages weigh, with *emphasis*, "
    "``literals`` and a second sentence about the reasoning behind the decision."
)
FLAVOURS = ("plain", "needs", "mldesign")
#: The item whose status the harness edits, and its statuses before and after.
STATUS_ITEM = ("ml-requirement", 0, 0)
STATUS_BEFORE, STATUS_AFTER = "approved", "implemented"


def item_id(kind: str, page: int, index: int, flavour: str = "mldesign") -> str:
    sep = "_" if flavour == "needs" else "-"
    return f"{PREFIX[kind]}{sep}{page}{sep}{index}"


def _fields(kind: str, page: int, pages: int, flavour: str) -> list[tuple[str, str]]:
    """Options of one item; refs point at items on the next page (cross-page links)."""
    nxt = (page + 1) % pages

    def ref(kind: str, page: int, index: int) -> str:
        return item_id(kind, page, index, flavour)

    owner = ref("owner", page, 3)
    if kind == "ml-requirement":
        return [
            ("priority", "must"),
            ("status", STATUS_BEFORE),
            ("target", "p99 <= 200 ms"),
            ("metrics", ref("metric", nxt, 1)),
            ("fallbacks", ref("fallback", nxt, 2)),
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
        return [("kind", "constant"), ("trigger", ref("metric", page, 1)), ("owner", owner)]
    if kind == "owner":
        return [("email", f"owner{page}@example.com"), ("areas", f"area {page}, area {nxt}")]
    return [
        ("likelihood", "moderate"),
        ("impact", "high"),
        ("mitigations", ref("fallback", page, 2)),
        ("owner", owner),
    ]


def _item_rst(flavour: str, kind: str, page: int, index: int, pages: int) -> str:
    title = f"{kind.removeprefix('ml-').capitalize()} {page}.{index}"
    fields = _fields(kind, page, pages, flavour)
    the_id = item_id(kind, page, index, flavour)
    if flavour == "plain":
        lines = [f".. admonition:: {title}", "", f"   :id: {the_id}"]
        lines += [f"   :{name}: {value}" for name, value in fields]
    elif flavour == "needs":
        lines = [f".. {NEED_DIRECTIVE[kind]}:: {title}", f"   :id: {the_id}"]
        links = [value for name, value in fields if name in REF_FIELDS]
        if links:
            lines.append(f"   :links: {', '.join(links)}")
        lines += [f"   :{name}: {value}" for name, value in fields if name not in REF_FIELDS]
    else:
        lines = [f".. {kind}:: {title}", f"   :id: {the_id}"]
        lines += [f"   :{name}: {value}" for name, value in fields]
    lines += ["", f"   {PROSE}", ""]
    return "\n".join(lines)


def _page(flavour: str, page: int, pages: int, items_per_page: int) -> str:
    target = item_id("ml-requirement", (page + 1) % pages, 0, flavour)
    ref = {"plain": target, "needs": f":need:`{target}`", "mldesign": f":ml:req:`{target}`"}
    out = [
        f"Page {page}",
        "=" * len(f"Page {page}"),
        "",
        f"See {ref[flavour]} on the next page.",
        "",
    ]
    for index in range(items_per_page):
        out.append(_item_rst(flavour, TYPES[index % len(TYPES)], page, index, pages))
    return "\n".join(out)


_NEEDS_TYPES = ", ".join(
    f'{{"directive": "{NEED_DIRECTIVE[t]}", "title": "{t}", "prefix": "{PREFIX[t]}_", '
    f'"color": "#BFD8D2", "style": "node"}}'
    for t in TYPES
)
CONF = {
    "plain": 'project = "bench"\nextensions = []\n',
    "needs": 'project = "bench"\nextensions = ["sphinx_needs"]\n'
    f"needs_types = [{_NEEDS_TYPES}]\n"
    'needs_extra_options = ["priority", "target", "kind", "warn", "crit", "window", "email",'
    ' "areas", "likelihood", "impact"]\n'
    'needs_id_regex = "^[A-Z0-9_]{3,}"\n',
    # Pinned so that runs on different days measure the same work.
    "mldesign": 'project = "bench"\nextensions = ["sphinxcontrib_mldesign"]\n'
    'mldesign_today = "2026-11-01"\n',
}
ROLLUP_NAMES = (
    "requirement-index", "risk-index", "monitoring-index",
    "ownership-index", "fallback-chains", "freshness-index",
)  # fmt: skip
SUMMARY = {
    "needs": (
        "needtable",
        "Needs\n=====\n\n.. needtable::\n   :columns: id, title, status, type\n",
    ),
    "mldesign": (
        "rollups",
        "Roll-ups\n========\n\n" + "\n".join(f".. ml-{name}::\n" for name in ROLLUP_NAMES),
    ),
}


def generate(dest: Path, flavour: str, pages: int, items_per_page: int) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    (dest / "conf.py").write_text(CONF[flavour], encoding="utf-8")
    docs = [f"page{p}" for p in range(pages)]
    if flavour in SUMMARY:
        name, text = SUMMARY[flavour]
        (dest / f"{name}.rst").write_text(text, encoding="utf-8")
        docs.append(name)
    toctree = "\n".join(f"   {doc}" for doc in docs)
    index = f"Benchmark\n=========\n\n.. toctree::\n   :maxdepth: 1\n\n{toctree}\n"
    (dest / "index.rst").write_text(index, encoding="utf-8")
    for page in range(pages):
        text = _page(flavour, page, pages, items_per_page)
        (dest / f"page{page}.rst").write_text(text, encoding="utf-8")
    return dest


def edit_prose(dest: Path, page: int = 0) -> None:
    """A one-page prose edit, the same in every flavour."""
    path = dest / f"page{page}.rst"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")


def edit_status(dest: Path) -> None:
    """Change one requirement's status (the roll-up / needtable must show it)."""
    path = dest / "page0.rst"
    text = path.read_text(encoding="utf-8")
    old = f":status: {STATUS_BEFORE}"
    assert old in text
    path.write_text(text.replace(old, f":status: {STATUS_AFTER}", 1), encoding="utf-8")
