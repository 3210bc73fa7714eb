project = "Broken"
extensions = ["sphinxcontrib_mldesign"]
