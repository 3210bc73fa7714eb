project = "Broken"
extensions = ["sphinxcontrib_mldesign"]
show_warning_types = True  # the default from Sphinx 8; 7.4 needs it said
mldesign_today = "2026-11-01"
mldesign_alert_rules = ["alerts.yaml"]
mldesign_imports = {
    "gone": "exports/gone.json",  # no such file: mldesign.import
}
# Observed values (observed.json): a missed target, a breached threshold, a failed
# observation, and a snapshot older than a week (mldesign.observation-stale).
mldesign_observe = "snapshot"
mldesign_observe_snapshot = "observed.json"
mldesign_observe_at = "2026-11-01T00:00:00Z"
