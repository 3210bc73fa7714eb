"""Links to other projects' items: a qualified ID (``payments:REQ-AVAIL``) in a role, an
option or ``:any:`` becomes a link to the item's page as its export gives it.

The ``ml`` domain resolves this project's IDs; what it leaves unresolved comes here, on
``missing-reference``, as intersphinx resolves references to other projects' pages. The
``unknown-ref`` rule has already judged every reference (see :mod:`.rules.core`).
"""

from __future__ import annotations

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .domain import ANY_ROLE, DOMAIN
from .model.items import TYPE_BY_ROLE
from .state import build_state


def resolve_imported(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: Element
) -> Element | None:
    role = node.get("reftype")
    if node.get("refdomain") != DOMAIN and role != "any":
        return None
    target = node["reftarget"]
    context = build_state(env).context
    item = context.lookup.get(target)
    if item is None:
        project = target.partition(":")[0]
        if role == "any" and project in context.config.imports.keys() - context.imports.keys():
            # An import that could not be read was reported once (mldesign.import); its
            # references are not reported one by one, by Sphinx either.
            return nodes.inline("", "", contnode, classes=["ml-broken-ref"])
        return None
    if item.project is None:
        return None
    if role not in (ANY_ROLE, "any") and TYPE_BY_ROLE[role].name != item.type:
        return None  # the wrong type: unknown-ref reports it
    if not node.get("refexplicit"):
        contnode = nodes.inline("", item.title or target, classes=contnode["classes"])
    if item.url is None:  # its project publishes no URLs (no html_baseurl)
        return nodes.inline("", "", contnode, classes=["ml-imported-ref"], title=item.title)
    reference = nodes.reference("", "", contnode, internal=False, refuri=item.url)
    reference["reftitle"] = f"{item.title} ({item.project})"
    return reference


def setup(app: Sphinx) -> None:
    # Before intersphinx (500): an import's name wins over an inventory of the same name.
    app.connect("missing-reference", resolve_imported, priority=400)
