project = "Basic"
extensions = ["sphinxcontrib_mldesign", "myst_parser"]
mldesign_today = "2026-11-01"
