project = "Observed roll-ups"
extensions = ["sphinxcontrib_mldesign"]
show_warning_types = True  # the default from Sphinx 8; 7.4 needs it said
mldesign_today = "2026-12-01"
mldesign_observe = "snapshot"
mldesign_observe_at = "2026-12-01T15:00:00Z"
