"""``python -m sphinxcontrib_mldesign.cli``: the ``mldesign`` command."""

import sys

from . import main

sys.exit(main())
