project = "Extended"
extensions = ["sphinxcontrib_mldesign"]
mldesign_schema_extensions = {
    "ml-requirement": {
        "properties": {
            "jira": {"type": "string", "pattern": "^[A-Z]+-[0-9]+$", "description": "Ticket."},
            "story-points": {"type": "integer", "minimum": 1},
            "regulated": {"type": "boolean"},
            "priority": {"enum": ["must", "should"]},
        },
        "required": ["jira"],
    },
    "ml-metric": {"properties": {"dashboards": {"type": "array", "items": {"type": "string"}}}},
}
show_warning_types = True  # the default from Sphinx 8; 7.4 needs it said
# This root is about something else; the design rules are tested on test-broken.
mldesign_rules = {"missing-owner": "off", "must-needs-metric": "off"}
