"""``python -m wdmonitor``: the command line (see :mod:`wdmonitor.cli`)."""

import sys

from .cli import main

sys.exit(main())
