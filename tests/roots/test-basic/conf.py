project = "Basic"
extensions = ["sphinxcontrib_mldesign"]
mldesign_today = "2026-11-01"
