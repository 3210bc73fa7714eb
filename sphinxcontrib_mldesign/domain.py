"""The ``ml`` domain: every item, role reference and roll-up use, per document.

It holds item and reference data only, as Sphinx's math domain does: what later layers
derive from it each build (findings, the project view, pages to re-write) lives in
:mod:`.state`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, cast

from docutils import nodes
from docutils.nodes import Element
from sphinx import addnodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from .model.items import ITEM_TYPES, TYPE_BY_ROLE, Item, RoleRef, RollupUse
from .model.project import index_of

DOMAIN = "ml"
ANY_ROLE = "ref"


class MLXRefRole(XRefRole):
    """Cross-reference role that also records the reference for the ``unknown-ref`` check.

    References are checked once all documents are read (not when a page is written), so
    every build reports every broken reference, whichever pages it re-writes.
    """

    def result_nodes(
        self, document: nodes.document, env: BuildEnvironment, node: Element, is_ref: bool
    ) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        source, lineno = self.get_source_info()
        get_ml_domain(env).note_ref(
            RoleRef(
                target=node["reftarget"],
                role=node["reftype"],
                docname=env.docname,
                lineno=lineno or node.line or self.lineno,
                source=included_source(env, source),
            )
        )
        return [node], []


class MLDomain(Domain):
    """Holds the items of the whole project; resolves ``:ml:*:`` roles and ``:any:``."""

    name = DOMAIN
    label = "ML design"
    object_types: ClassVar[dict[str, ObjType]] = {
        item_type.objtype: ObjType(item_type.label, item_type.role, ANY_ROLE)
        for item_type in ITEM_TYPES.values()
    }
    roles: ClassVar[dict[str, XRefRole]] = {  # type: ignore[assignment]
        **{
            item_type.role: MLXRefRole(innernodeclass=nodes.inline)
            for item_type in ITEM_TYPES.values()
        },
        ANY_ROLE: MLXRefRole(innernodeclass=nodes.inline),
    }
    initial_data: ClassVar[dict[str, Any]] = {
        "items": {},  # docname -> [Item]
        "refs": {},  # docname -> [RoleRef]
        "any_refs": {},  # docname -> {target} of :any: references (not checked, but linked)
        "rollups": {},  # docname -> [RollupUse]: pages that roll up the whole project
    }
    data_version = 7  # 7: roll-up uses know their projects and refs

    _index: dict[str, Item] | None = None

    # -- storage -------------------------------------------------------------------------

    @property
    def items_by_doc(self) -> dict[str, list[Item]]:
        return cast(dict[str, list[Item]], self.data["items"])

    @property
    def refs_by_doc(self) -> dict[str, list[RoleRef]]:
        return cast(dict[str, list[RoleRef]], self.data["refs"])

    def note_item(self, item: Item) -> None:
        self.items_by_doc.setdefault(item.docname, []).append(item)
        self._index = None

    def note_ref(self, ref: RoleRef) -> None:
        self.refs_by_doc.setdefault(ref.docname, []).append(ref)

    @property
    def rollups_by_doc(self) -> dict[str, list[RollupUse]]:
        return cast(dict[str, list[RollupUse]], self.data["rollups"])

    def note_rollup(self, use: RollupUse) -> None:
        self.rollups_by_doc.setdefault(use.docname, []).append(use)

    def all_rollups(self) -> list[RollupUse]:
        return [
            use for docname in sorted(self.rollups_by_doc) for use in self.rollups_by_doc[docname]
        ]

    @property
    def any_refs_by_doc(self) -> dict[str, set[str]]:
        return cast(dict[str, set[str]], self.data["any_refs"])

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        # ``:any:`` may point at an item; remember the target so the page is re-written
        # when that item's title changes (see outputs.on_env_get_updated).
        targets = {
            node["reftarget"]
            for node in document.findall(addnodes.pending_xref)
            if node.get("reftype") == "any"
        }
        if targets:
            self.any_refs_by_doc[docname] = targets

    def clear_doc(self, docname: str) -> None:
        if self.items_by_doc.pop(docname, None) is not None:
            self._index = None
        self.refs_by_doc.pop(docname, None)
        self.any_refs_by_doc.pop(docname, None)
        self.rollups_by_doc.pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            for key in ("items", "refs", "any_refs", "rollups"):
                if docname in otherdata[key]:
                    self.data[key][docname] = otherdata[key][docname]
        self._index = None

    # -- queries -------------------------------------------------------------------------

    def all_items(self) -> list[Item]:
        """Every item read, IDs or not, in document order (docname, then line)."""
        return [
            item
            for docname in sorted(self.items_by_doc)
            for item in sorted(self.items_by_doc[docname], key=lambda i: i.lineno)
        ]

    def all_refs(self) -> list[RoleRef]:
        return [ref for docname in sorted(self.refs_by_doc) for ref in self.refs_by_doc[docname]]

    @property
    def index(self) -> dict[str, Item]:
        """ID -> item; of duplicates, the first in document order (as the checks see it)."""
        if self._index is None:
            self._index = index_of(self.all_items())
        return self._index

    def lookup(self, target: str, role: str) -> Item | None:
        """The item a role names, or None when missing or of the wrong type."""
        item = self.index.get(target)
        if item is None:
            return None
        if role != ANY_ROLE and TYPE_BY_ROLE[role].name != item.type:
            return None
        return item

    def link_targets(self) -> dict[str, list[Any]]:
        """What a link to each ID shows and points at: pages linking to an ID whose entry
        changed must be re-written (see :mod:`.outputs`)."""
        return {
            item_id: [item.type, item.title, item.docname, item.anchor]
            for item_id, item in self.index.items()
        }

    def docs_referencing(self, ids: set[str]) -> set[str]:
        docs = {ref.docname for ref in self.all_refs() if ref.target in ids}
        docs.update(docname for docname, targets in self.any_refs_by_doc.items() if targets & ids)
        docs.update(
            item.docname
            for item in self.all_items()
            if any(target in ids for target in item.ref_targets())
        )
        return docs

    # -- Sphinx API ----------------------------------------------------------------------

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference | None:
        item = self.lookup(target, typ)
        if item is None:
            return None  # rendered by on_missing_reference()
        return self._refnode(builder, fromdocname, item, node, contnode)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, nodes.reference]]:
        item = self.index.get(target)
        if item is None:
            return []
        role = f"{DOMAIN}:{item.item_type.role}"
        return [(role, self._refnode(builder, fromdocname, item, node, contnode))]

    def _refnode(
        self,
        builder: Builder,
        fromdocname: str,
        item: Item,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference:
        assert item.id is not None
        if not node.get("refexplicit"):
            contnode = nodes.inline("", item.title or item.id, classes=contnode["classes"])
        anchor = item.anchor or item.id
        if builder.format != "html" and node.get("refdoc", fromdocname) != item.docname:
            # A LaTeX/texinfo book is resolved from its root: make_refnode's bare anchor for
            # "same document" would get the linking file's name before it in the writer.
            uri = f"{builder.get_relative_uri(fromdocname, item.docname)}#{anchor}"
            ref = nodes.reference("", "", contnode, internal=True, refuri=uri)
            ref["reftitle"] = item.title
            return ref
        ref = make_refnode(builder, fromdocname, item.docname, anchor, contnode, item.title)
        if "refuri" in ref:
            ref["refuri"] = single_anchor(ref["refuri"])
        return ref

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for item_id, item in sorted(self.index.items()):
            anchor = item.anchor or item_id
            yield item_id, item.title or item_id, item.item_type.objtype, item.docname, anchor, 1


def get_ml_domain(env: BuildEnvironment) -> MLDomain:
    return cast(MLDomain, env.get_domain(DOMAIN))


def included_source(env: BuildEnvironment, source: str | None) -> str | None:
    """The absolute path of an ``.. include::``d file being read, or None when reading
    the current document itself."""
    if not source:
        return None
    doc_path = str(env.doc2path(env.docname))
    if source == doc_path:  # the common case, without touching the file system
        return None
    path = Path(source).resolve()
    return None if path == Path(doc_path).resolve() else str(path)


def single_anchor(uri: str) -> str:
    """A URI with one anchor. singlehtml makes a page "#document-<doc>" on its one page,
    so a link to an item in it reads "#document-<doc>#<id>", which leads nowhere; the
    item's own anchor is what to follow (Sphinx before 9 mended this after resolving)."""
    if uri.count("#") > 1:
        return uri[uri.rindex("#") :]
    return uri


def on_missing_reference(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: Element
) -> Element | None:
    """Render a broken ``ml`` reference as unlinked text.

    The unknown-ref rule already reported it with the right subtype and severity; this
    stops Sphinx from warning a second time in nitpicky mode.
    """
    if node.get("refdomain") != DOMAIN:
        return None
    return nodes.inline("", "", contnode, classes=["ml-broken-ref"])


def setup(app: Sphinx) -> None:
    app.add_domain(MLDomain)
    # After intersphinx (priority 500), which resolves references to other projects.
    app.connect("missing-reference", on_missing_reference, priority=900)
