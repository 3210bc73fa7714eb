"""Diagrams drawn by Graphviz through ``sphinx.ext.graphviz``: its node, so
``graphviz_output_format`` (SVG: clickable), LaTeX and the other builders work as Sphinx
users expect, and its file cache (named by a digest of the DOT) spares unchanged graphs.

Without the ``dot`` program a diagram is left out (its roll-up's table or list says the
same) and the build says so once, as information: ``-W`` builds still pass.
"""

from __future__ import annotations

import shutil
from pathlib import PurePosixPath

from docutils import nodes
from sphinx.ext.graphviz import graphviz
from sphinx.util import logging

from ..model.dot import Graph
from ..model.items import Item
from .renderer import Renderer

logger = logging.getLogger(__name__)

#: Fill colour of each component kind (light enough for black text in either theme).
KIND_COLOURS = {
    "data-source": "#dbeafe", "pipeline": "#e0e7ff", "feature-store": "#ede9fe",
    "training": "#fae8ff", "model": "#fce7f3", "registry": "#ffe4e6", "serving": "#ffedd5",
    "storage": "#fef9c3", "monitoring": "#dcfce7", "ui": "#ccfbf1", "external": "#f1f5f9",
    "requirement": "#e0f2fe", "metric": "#f3e8ff", "fallback": "#fef3c7", "owner": "#dcfce7",
}  # fmt: skip
GAP_COLOUR = "#cf222e"
#: A threshold at warn: amber (an observed value past ``warn``, not ``crit``).
WARN_COLOUR = "#9a6700"
NODE_STYLE = {"shape": "box", "style": "rounded,filled", "fontname": "Helvetica", "fontsize": "11"}
EDGE_STYLE = {"fontname": "Helvetica", "fontsize": "9", "color": "#57606a"}


def dot_available(renderer: Renderer) -> bool:
    """Whether Graphviz can run; the first time per build that it cannot, say so."""
    program = str(renderer.builder.config.graphviz_dot)
    if shutil.which(program):
        return True
    if "dot-missing" not in renderer.told:
        renderer.told.add("dot-missing")
        logger.info(
            "mldesign: Graphviz's %r program is not installed: diagrams are left out, their "
            "tables stay (install Graphviz: apt-get install graphviz, brew install graphviz, "
            "or build.apt_packages: [graphviz] on Read the Docs)",
            program,
        )
    return False


def diagram(renderer: Renderer, graph: Graph, alt: str) -> list[nodes.Node]:
    """The graph as ``sphinx.ext.graphviz`` draws it, or nothing without Graphviz."""
    if not dot_available(renderer):
        return []
    node = graphviz()
    node["code"] = graph.source()
    node["options"] = {"docname": renderer.docname}
    node["alt"] = alt
    node["classes"] = ["ml-diagram"]
    return [node]


def item_url(renderer: Renderer, item: Item) -> str:
    """A link to the item that works from the page and, rewritten by Sphinx, from an SVG
    in the images directory: never a bare ``#anchor``. Another project's item: its URL
    (none when its export has none)."""
    if item.project is not None:
        return item.url or ""
    anchor = item.anchor or str(item.id)
    if item.docname != renderer.docname:
        return f"{renderer.builder.get_relative_uri(renderer.docname, item.docname)}#{anchor}"
    page = PurePosixPath(renderer.builder.get_target_uri(renderer.docname)).name
    return f"{page}#{anchor}"
