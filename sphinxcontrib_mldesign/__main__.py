"""``python -m sphinxcontrib_mldesign``: the ``mldesign`` command."""

import sys

from sphinxcontrib_mldesign.cli import main

sys.exit(main())
