project = "Checkout"
extensions = ["sphinxcontrib_mldesign"]
show_warning_types = True  # the default from Sphinx 8; 7.4 needs it said
mldesign_today = "2026-11-01"
mldesign_imports = {
    "payments": "exports/payments.json",
    "search": "exports/search.json",
}
