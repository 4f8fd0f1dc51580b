"""Lets `python -m tongue_mirror` behave exactly like the console script."""

import sys

from tongue_mirror.cli import main

sys.exit(main())
