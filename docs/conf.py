"""Sphinx configuration of the sphinxcontrib-mldesign documentation.

The docs are built with the extension they document: the worked example under
``example/`` is a real design doc checked by every build (``make demo``, ``make test``,
Read the Docs).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "sphinxcontrib-mldesign"
author = "The sphinxcontrib-mldesign developers"
copyright = "2026, the sphinxcontrib-mldesign developers"

extensions = [
    "sphinxcontrib_mldesign",
    "myst_parser",
    "sphinx_design",  # the RST / MyST tabs of the tutorial
    "mldesign_docs",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# gaps/ and the team docs of portfolio/ are projects of their own (see _ext, and below)
exclude_patterns = ["_build", "gaps", "portfolio"]
myst_enable_extensions = ["colon_fence", "deflist"]

html_theme = "pydata_sphinx_theme"
html_title = "sphinxcontrib-mldesign"
html_theme_options = {
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "show_toc_level": 2,
}
html_static_path = ["_static"]
graphviz_output_format = "svg"  # the diagrams' nodes link to their items

# -- the design doc's own settings ---------------------------------------------------------
# Staleness is measured against a pinned date so that this site builds the same next year
# (a real design doc leaves this unset: its items go stale with the calendar, on purpose).
mldesign_today = "2026-11-23"
mldesign_review_every = "180d"
mldesign_min_bus_factor = 2
# The alerting rules as deployed: the build checks the metrics' thresholds against them.
# deploy/alerts.yaml is what `mldesign alerts docs` writes; deploy/cost.yaml is hand-written.
mldesign_alert_rules = ["deploy/*.yaml"]
# Three other teams' design docs, as their builds exported them (portfolio/<team>/ holds
# their sources; tests/test_docs_portfolio.py keeps the exports in step). The example
# references their items as features:C-EMBEDDINGS and so on, and rolls them up on
# example/teams. A real portfolio names the teams' published exports by URL instead.
mldesign_imports = {
    "features": "portfolio/exports/features.json",
    "paywall": "portfolio/exports/paywall.json",
    "search": "portfolio/exports/search.json",
}

# -- observed values -----------------------------------------------------------------------
# The example shows what its system measures, from observed.json: the snapshot `mldesign
# observe docs -o docs/observed.json` writes. There is no ranking service to ask, so
# tools/example_snapshot.py writes it, with invented values. A snapshot build asks no server.
mldesign_observe = "snapshot"
# The snapshot's age is measured from a pinned time, not the clock: else, a week after it
# was taken, every build would warn `observation-stale` (and -W fail).
mldesign_observe_at = "2026-11-23T08:00:00Z"
# The example misses a target and is past a warn threshold on purpose, to show both in its
# roll-ups. These docs build with -W, so those two warnings are silenced, and only those:
# turning the rules "off" (mldesign_rules) would drop the findings too, from the export and
# `mldesign check`.
suppress_warnings = ["mldesign.target-missed", "mldesign.threshold-breached"]
