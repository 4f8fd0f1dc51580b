"""Makes a short synthetic clip and runs the headless pipeline on it: a demo with no camera or screen.

    python demo/clip.py [OUT_DIR]

Writes OUT_DIR/performer.mp4 (synthetic, with labels), then OUT_DIR/performer.mirror.mp4 with
its events and per-frame log, and scores the detector against the clip's own labels (a
smoke check on a synthetic clip, not an accuracy figure: real labelled data is the yardstick).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tongue_mirror.app.cli import main

if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "tongue-mirror-output")
    clip = out / "performer.mp4"
    steps = (
        ["make-sample", str(clip), "--seed", "7", "--script",
         "neutral:1,tongue:1.5,talk:1.5,tongue-left:1.2,yawn:1.5,tongue:1.2"],
        ["process", str(clip)],
        ["eval", str(clip)],
    )
    for argv in steps:
        code = main(argv)
        if code:
            sys.exit(code)
