"""A small design doc with every kind of gap, to show what the roll-ups flag.

Built on its own (it fails its checks on purpose): the main docs build it into
``_build/html/gaps/`` and link to it, and the browser test opens it in every theme.
"""

project = "Gaps on purpose"
author = "The sphinxcontrib-mldesign developers"
extensions = ["sphinxcontrib_mldesign"]
exclude_patterns = ["_build"]
html_theme = "pydata_sphinx_theme"
html_title = "Gaps on purpose"
html_theme_options = {"navbar_end": ["theme-switcher"]}
mldesign_today = "2026-11-23"
