project = "Aliases"
extensions = ["sphinxcontrib_mldesign"]
mldesign_short_names = False
show_warning_types = True  # the default from Sphinx 8; 7.4 needs it said
# This root is about something else; the design rules are tested on test-broken.
mldesign_rules = {"missing-owner": "off", "must-needs-metric": "off"}
