"""The six roll-up directives, and the hook that renders them when a page is resolved."""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes
from sphinx.application import Sphinx

from ..domain import get_ml_domain
from . import fallback_chains, freshness, monitoring, ownership, requirements, risks
from .base import Renderer, RollupDirective, ml_rollup

Render = Callable[[Renderer], list[nodes.Node]]

#: directive name -> (directive, renderer); the directive's ``kind`` keys the renderer.
ROLLUPS: dict[str, tuple[type[RollupDirective], Render]] = {
    "ml-requirement-index": (requirements.RequirementIndex, requirements.render),
    "ml-risk-index": (risks.RiskIndex, risks.render),
    "ml-monitoring-index": (monitoring.MonitoringIndex, monitoring.render),
    "ml-ownership-index": (ownership.OwnershipIndex, ownership.render),
    "ml-fallback-chains": (fallback_chains.FallbackChains, fallback_chains.render),
    "ml-freshness-index": (freshness.FreshnessIndex, freshness.render),
}
#: Builders that resolve one doctree assembled from many documents.
_ASSEMBLING_BUILDERS = {"singlehtml", "latex", "texinfo", "man", "epub"}
_RENDER_BY_KIND = {directive.kind: render for directive, render in ROLLUPS.values()}


def register(app: Sphinx) -> None:
    app.add_node(ml_rollup)
    for name, (directive, _) in ROLLUPS.items():
        app.add_directive(name, directive)
    app.connect("doctree-resolved", on_doctree_resolved)


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    domain = get_ml_domain(app.env)
    if docname not in domain.rollups_by_doc and app.builder.name not in _ASSEMBLING_BUILDERS:
        return  # no roll-up on this page: do not walk its doctree
    placeholders = list(doctree.findall(ml_rollup))
    if not placeholders:
        return
    context = domain.context
    for placeholder in placeholders:
        if context is None:  # not reachable in a normal build: checks run before writing
            placeholder.replace_self([])
            continue
        renderer = Renderer(context, app.builder, docname, placeholder["options"])
        rendered = _RENDER_BY_KIND[placeholder["kind"]](renderer)
        # "no-search": a roll-up repeats what the items' own pages say; search should land
        # there, not on a table of thousands of rows (Sphinx 8.2 honours the class).
        wrapper = nodes.container(classes=["ml-rollup", f"ml-{placeholder['kind']}", "no-search"])
        wrapper.extend(rendered)
        placeholder.replace_self(wrapper)
