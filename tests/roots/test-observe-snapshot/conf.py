project = "Observed"
extensions = ["sphinxcontrib_mldesign"]
show_warning_types = True  # the default from Sphinx 8; 7.4 needs it said
mldesign_today = "2026-12-01"
mldesign_observe = "snapshot"
mldesign_observe_snapshot = "observed.json"
mldesign_observe_at = "2026-12-01T12:00:00Z"
