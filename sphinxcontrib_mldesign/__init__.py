"""sphinxcontrib-mldesign: ML system design docs as checked, cross-referenced Sphinx items."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from . import config, directives, domain, export, html, nodes, outputs, rollups, rules

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, Any]:
    config.register(app)
    app.connect("config-inited", directives.register_directives, priority=500)
    html_visitors = {nodes.ml_id: (html.visit_ml_id, None)}
    for node_class in nodes.ALL_NODES:
        # Only ml_id has a visitor of its own (HTML). The rest reach their docutils
        # parent's visitor through the MRO; registering gives generic writers (xml) a
        # default visit.
        if node_class in html_visitors:
            app.add_node(node_class, html=html_visitors[node_class])
        else:
            app.add_node(node_class)
    app.add_domain(domain.MLDomain)
    rollups.register(app)
    app.connect("env-updated", rules.on_env_updated)
    app.connect("env-get-updated", outputs.on_env_get_updated)
    app.connect("doctree-resolved", outputs.on_doctree_resolved)
    app.connect("build-finished", outputs.on_build_finished)
    # After intersphinx (priority 500), which resolves references to other projects.
    app.connect("missing-reference", domain.on_missing_reference, priority=900)
    app.add_post_transform(html.ItemPermalinks)
    app.add_post_transform(html.BracketBadges)
    app.connect("builder-inited", html.add_static)
    app.add_builder(export.MLDesignBuilder)
    app.connect("build-finished", export.write_export)
    app.connect("build-finished", rules.fail_on_errors)
    return {
        "version": __version__,
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
