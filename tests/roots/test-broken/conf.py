project = "Broken"
extensions = ["sphinxcontrib_mldesign"]
show_warning_types = True  # the default from Sphinx 8; 7.4 needs it said
mldesign_today = "2026-11-01"
mldesign_alert_rules = ["alerts.yaml"]
mldesign_imports = {
    "gone": "exports/gone.json",  # no such file: mldesign.import
}
