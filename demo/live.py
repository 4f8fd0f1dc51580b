"""Workshop entry point: the live demo fullscreen, recordings in ./tongue-mirror-output.

    python demo/live.py [extra `tongue-mirror live` options]

Falls back to the bundled synthetic sample when no camera opens (and says so on screen).
"""

from __future__ import annotations

import sys

from tongue_mirror.app.cli import main

if __name__ == "__main__":
    sys.exit(main(["live", "--fullscreen", *sys.argv[1:]]))
