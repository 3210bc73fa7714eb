"""The roll-up directives, and the post-transform that renders them when a page is
resolved for a builder.

They are rendered as a post-transform (right before ``doctree-resolved``), not on that
event, so that a second post-transform can hand builders other than HTML the roll-up
bodies as docutils nodes (:mod:`.expand`); HTML translators write them (:mod:`.html`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..directives.unreadable import add_other_directives
from ..domain import get_ml_domain
from ..state import build_state
from . import (
    architecture,
    fallback_chains,
    freshness,
    monitoring,
    ownership,
    portfolio,
    requirements,
    risks,
    trace,
    width,
)
from .directive import RollupDirective
from .expand import ExpandRollupMarkup
from .html import HTML_VISITORS
from .renderer import PageLinks, Renderer
from .rollup_nodes import ml_rollup

Render = Callable[[Renderer], list[nodes.Node]]

#: directive name -> (directive, renderer); the directive's ``kind`` keys the renderer.
ROLLUPS: dict[str, tuple[type[RollupDirective], Render]] = {
    "ml-requirement-index": (requirements.RequirementIndex, requirements.render),
    "ml-risk-index": (risks.RiskIndex, risks.render),
    "ml-monitoring-index": (monitoring.MonitoringIndex, monitoring.render),
    "ml-ownership-index": (ownership.OwnershipIndex, ownership.render),
    "ml-fallback-chains": (fallback_chains.FallbackChains, fallback_chains.render),
    "ml-freshness-index": (freshness.FreshnessIndex, freshness.render),
    "ml-architecture": (architecture.ArchitectureDiagram, architecture.render),
    "ml-trace": (trace.Trace, trace.render),
    "ml-portfolio": (portfolio.Portfolio, portfolio.render),
}
_RENDER_BY_KIND = {directive.kind: render for directive, render in ROLLUPS.values()}


class RenderRollups(SphinxPostTransform):
    """Replace every roll-up placeholder by the roll-up, from this build's state."""

    default_priority = 100

    def run(self, **kwargs: Any) -> None:
        if not get_ml_domain(self.env).rollups_by_doc:
            return  # no roll-up in the project: do not walk its doctrees
        # Any page may hold roll-ups: its own, or other pages' in a builder that assembles
        # one doctree from many (singlehtml, latex, a third party's).
        placeholders = list(self.document.findall(ml_rollup))
        if not placeholders:
            return
        state = build_state(self.env)
        page = PageLinks()
        for placeholder in placeholders:
            renderer = Renderer(state, self.env.docname, placeholder["options"], page)
            rendered = _RENDER_BY_KIND[placeholder["kind"]](renderer)
            # "no-search": a roll-up repeats what the items' own pages say; search should
            # land there, not on a table of thousands of rows (Sphinx 8.2 honours it).
            wrapper = nodes.container(
                classes=["ml-rollup", f"ml-{placeholder['kind']}", "no-search"]
            )
            wrapper.extend(rendered)
            anchor = f"ml-{placeholder['kind']}"
            if anchor in self.document.ids:
                placeholder.replace_self(wrapper)
                continue
            # The first of its kind on the page: portfolios link here. A target, not an id
            # of the container, which the LaTeX writer would not label.
            target = nodes.target("", "", ids=[anchor])
            target.referenced = True
            self.document.ids[anchor] = target
            placeholder.replace_self([target, wrapper])


def setup(app: Sphinx) -> None:
    app.setup_extension("sphinx.ext.graphviz")  # draws ml-architecture and ml-trace
    app.add_node(ml_rollup)
    for node_class, visitors in HTML_VISITORS.items():
        app.add_node(node_class, html=visitors)
    for name, (directive, _) in ROLLUPS.items():
        app.add_directive(name, directive)
    add_other_directives(app, ROLLUPS)
    app.add_post_transform(RenderRollups)
    app.add_post_transform(ExpandRollupMarkup)
    width.setup(app)
