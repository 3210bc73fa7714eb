project = "Aliases"
extensions = ["sphinxcontrib_mldesign"]
mldesign_short_names = False
