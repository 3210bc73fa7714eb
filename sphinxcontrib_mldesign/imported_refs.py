"""Links to other projects' items: a qualified ID (``payments:REQ-AVAIL``) in a role, an
option or ``:any:`` becomes a link to the item's page as its export gives it.

The ``ml`` domain resolves this project's IDs; what it leaves unresolved comes here, on
``missing-reference``, as intersphinx resolves references to other projects' pages. The
``unknown-ref`` rule has already judged every reference (see :mod:`.rules.core`).
"""

from __future__ import annotations

from typing import Any, cast

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform

from .domain import ANY_ROLE, DOMAIN
from .model.items import TYPE_BY_ROLE, split_qualified
from .state import build_state

#: References to an item of any type from outside the ``ml`` domain: ``:any:``, and a
#: MyST link ``[text](payments:REQ-1)``.
_ANY_ROLES = ("any", "myst")


def resolve_imported(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: Element
) -> Element | None:
    """``missing-reference``: link a qualified ID to the imported item."""
    return _resolve(env, node, contnode)


def _resolve(env: BuildEnvironment, node: pending_xref, contnode: Element) -> Element | None:
    role = node.get("reftype")
    if node.get("refdomain") != DOMAIN and role not in _ANY_ROLES:
        return None
    target = node["reftarget"]
    context = build_state(env).context
    item = context.lookup.get(target)
    if item is not None and item.project is None:
        return None  # this project's: the domain's (a wrong type: unknown-ref said so)
    project = split_qualified(target, context.config.imports).project
    if item is None and project is None:
        return None  # not a qualified ID: intersphinx's, or nobody's
    if item is None and role in _ANY_ROLES and project in context.imports:
        return None  # unknown-ref does not check these, so Sphinx (MyST) says so
    if item is None or (
        role not in (ANY_ROLE, *_ANY_ROLES) and TYPE_BY_ROLE[role].name != item.type
    ):
        # Named by an import (as unknown-ref, or the import warning, said): no other
        # resolver may link it elsewhere (an intersphinx inventory of the same name).
        return nodes.inline("", "", contnode, classes=["ml-broken-ref"])
    if not node.get("refexplicit"):
        contnode = nodes.inline("", item.title or target, classes=contnode["classes"])
    if item.url is None:  # its project publishes no URLs (no html_baseurl)
        return nodes.inline("", "", contnode, classes=["ml-imported-ref"])
    reference = nodes.reference("", "", contnode, internal=False, refuri=item.url)
    reference["reftitle"] = f"{item.title} ({item.project})"
    return reference


class ResolveMystLinks(SphinxPostTransform):
    """MyST links to qualified IDs (``[text](payments:REQ-1)``): MyST resolves its links
    itself, before ``missing-reference`` could be asked, so they are resolved first."""

    default_priority = 8  # before MyST's resolver (9)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(pending_xref)):
            target = node.get("reftarget", "")
            if node.get("reftype") != "myst" or split_qualified(target).project is None:
                continue
            contnode = cast(Element, node[0].deepcopy()) if node.children else nodes.inline()
            resolved = _resolve(self.env, node, contnode)
            if resolved is not None:
                node.replace_self(resolved)


def setup(app: Sphinx) -> None:
    # Before intersphinx (500): an import's name wins over an inventory of the same name.
    app.connect("missing-reference", resolve_imported, priority=400)
    app.add_post_transform(ResolveMystLinks)
