project = "Edge cases"
extensions = ["sphinxcontrib_mldesign"]
exclude_patterns = ["parts"]
mldesign_schema_extensions = {
    "ml-requirement": {
        "properties": {
            "anything": True,  # a boolean schema: any value
            "replicas": {"type": ["integer", "null"]},
            "ports": {"type": "array", "items": {"type": "integer"}},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "blocks": {"type": "array", "items": {"type": "string"}, "x-refs": ["ml-requirement"]},
        },
        "dependentRequired": {"replicas": ["ports"]},
    },
    "ml-risk": {
        "properties": {
            "likelihood": {"enum": ["very-low", "low", "moderate", "high", "very-high", "certain"]}
        }
    },
}
show_warning_types = True  # the default from Sphinx 8; 7.4 needs it said
# This root is about something else; the design rules are tested on test-broken.
mldesign_rules = {"missing-owner": "off", "must-needs-metric": "off"}
