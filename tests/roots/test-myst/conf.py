project = "Basic"
extensions = ["sphinxcontrib_mldesign", "myst_parser"]
mldesign_today = "2026-11-01"
show_warning_types = True  # the default from Sphinx 8; 7.4 needs it said
mldesign_today = "2026-11-01"  # reviewed dates stay fresh whatever the clock says
