"""Lets `python -m tongue_mirror` behave exactly like the console script."""

import sys

from tongue_mirror.app.cli import main

sys.exit(main())
