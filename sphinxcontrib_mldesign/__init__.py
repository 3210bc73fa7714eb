"""sphinxcontrib-mldesign: ML system design docs as checked, cross-referenced Sphinx items.

Each Sphinx-facing module registers itself. Each layer imports only those before it
(``tests/test_layers.py``): :mod:`.model` (no Sphinx; the rule registry too) →
:mod:`.nodes` → :mod:`.config` → :mod:`.domain` → :mod:`.directives` → :mod:`.rules`
(findings) → :mod:`.state` → :mod:`.rollups`, :mod:`.export`, :mod:`.outputs`, :mod:`.html`,
:mod:`.imported_refs` → the command line (:mod:`.cli`). See ``docs/explanation/architecture.rst``.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from . import (
    config,
    directives,
    domain,
    export,
    html,
    imported_refs,
    nodes,
    outputs,
    rollups,
    state,
)
from .version import __version__, env_version


def setup(app: Sphinx) -> dict[str, Any]:
    modules = (
        config,
        nodes,
        directives,
        domain,
        state,
        imported_refs,
        rollups,
        outputs,
        html,
        export,
    )
    for module in modules:
        module.setup(app)
    return {
        "version": __version__,
        # Not a constant: another version of the package, or other shipped schemas, make
        # Sphinx start a fresh environment (pages read by the old one are not kept).
        "env_version": env_version(),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
