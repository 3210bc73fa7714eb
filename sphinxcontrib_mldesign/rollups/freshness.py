"""``.. ml-freshness-index::`` — per document: when it last changed (git), its oldest
review, who owns what is in it, and whether anything in it is stale."""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes

from ..model.items import OWNER, Item
from ..model.rules import Rule
from .directive import RollupDirective
from .markup import Element, Markup
from .renderer import CellContent, Renderer


class FreshnessIndex(RollupDirective):
    summary = (
        "Per document: its last git change, oldest review, owners, and which of its items"
        " are stale."
    )
    kind = "freshness-index"
    filters: ClassVar[dict[str, tuple[str, str]]] = {}
    extra_options = ("stale-only",)
    option_help: ClassVar[dict[str, str]] = {
        "stale-only": "A flag: list only documents holding a stale item."
    }

    def check_option(self, name: str, values: list[str], problems: list[str]) -> bool:
        # A flag: present and empty means on; MyST authors write `stale-only: true`.
        value = ",".join(values).strip().lower()
        if value in ("", "true", "yes", "on"):
            return True
        if value in ("false", "no", "off"):
            return False
        problems.append(f"{self.name} :{name}: is a flag: give no value (or true/false)")
        return True


def render(renderer: Renderer) -> list[nodes.Node]:
    context = renderer.context
    # Documents of this project first, then each imported project's ("" sorts first).
    by_doc: dict[tuple[str, str], list[Item]] = {}
    for item in renderer.view.unique_items:
        by_doc.setdefault((item.project or "", item.docname), []).append(item)
    rows: list[list[CellContent]] = []
    row_classes = []
    for key in sorted(by_doc):
        items = by_doc[key]
        stale = [item for item in items if renderer.about(Rule.STALE, item.id)]
        if renderer.options.get("stale-only") and not stale:
            continue
        git_dates = [
            date
            for path in {context.source_of(item) for item in items if item.project is None}
            if (date := context.git_dates.get(path)) is not None
        ]
        git_date = max(git_dates, default=None)
        reviewed = [
            (str(item.values["reviewed"]), str(item.id))
            for item in items
            if item.values.get("reviewed")
        ]
        oldest: list[Markup] = (
            [f"{min(reviewed)[0]} (", renderer.link(min(reviewed)[1]), ")"] if reviewed else ["—"]
        )
        owners = sorted({owner for item in items for owner in item.values.get("owner", ())})
        rows.append(
            [
                renderer.doc_link(key[1]) if not key[0] else _imported_doc(items[0]),
                str(len(items)),
                git_date.isoformat() if git_date else "—",
                oldest,
                renderer.links(owners, OWNER.name) or "—",
                [renderer.gap(Rule.STALE.gap), ": ", *renderer.links(str(i.id) for i in stale)]
                if stale
                else ("fresh" if renderer.findings.checked(Rule.STALE) else "not checked"),
            ]
        )
        row_classes.append(["ml-derived"] if stale else [])
    if not rows:
        if not by_doc:
            return [renderer.empty("No items yet, so no document to show.")]
        return [renderer.empty("No document matches: nothing is stale.")]
    today = context.today.isoformat()
    intro = nodes.paragraph(
        "",
        f"As of {today}; an item is stale when its last review (or, without one, its "
        f"file's last git commit) is more than {context.config.review_every} old.",
        classes=["ml-rollup-note"],
    )
    table = renderer.table(
        ["Document", "Items", "Last change (git)", "Oldest review", "Owners", "Stale"],
        rows,
        classes=["ml-freshness-index"],
        row_classes=row_classes,
    )
    return [intro, table]


def _imported_doc(item: Item) -> Markup:
    """An imported project's document: its name, qualified, linked to its page if known."""
    text = f"{item.project}:{item.docname}"
    if item.url is None:
        return text
    return Element("reference", (text,), uri=item.url.partition("#")[0])
