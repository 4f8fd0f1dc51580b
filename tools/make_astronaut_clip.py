"""Makes the bundled fallback sample: a slow zoom and pan over scikit-image's astronaut photo.

The photo (Eileen Collins, NASA, public domain) ships with scikit-image, so the clip carries no
licence problem; it shows face tracking, not a tongue. Run from the repository root:

    PYTHONPATH=src python tools/make_astronaut_clip.py [--out assets/samples/astronaut_zoom.mp4]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import cv2
import numpy as np
from skimage.data import astronaut

from tongue_mirror.recorder import VideoRecorder

WIDTH, HEIGHT, FPS, SECONDS = 640, 480, 30, 4.0
# Source-pixel windows (centre x, centre y, width) at the start and end; 4:3 like the output.
START = (256.0, 250.0, 512.0)  # the whole width of the 512×512 photo
END = (235.0, 140.0, 300.0)  # closer on the face, which stays fully in view


def ease(u: float) -> float:
    """Smooth start and stop, like a camera operator's move."""
    return 0.5 - 0.5 * math.cos(math.pi * u)


def render(photo_bgr: np.ndarray, u: float) -> np.ndarray:
    """The output frame at progress u in 0..1, sampled with sub-pixel accuracy (no jitter)."""
    k = ease(u)
    cx, cy, w = (a + (b - a) * k for a, b in zip(START, END, strict=True))
    scale = WIDTH / w
    matrix = np.float32([[scale, 0, WIDTH / 2 - scale * cx], [0, scale, HEIGHT / 2 - scale * cy]])
    return cv2.warpAffine(photo_bgr, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REFLECT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("assets/samples/astronaut_zoom.mp4"))
    parser.add_argument("--crf", type=int, default=24)
    args = parser.parse_args()
    photo = cv2.cvtColor(astronaut(), cv2.COLOR_RGB2BGR)
    frames = round(SECONDS * FPS)
    with VideoRecorder(args.out, fps=FPS, size=(WIDTH, HEIGHT), crf=args.crf,
                       preset="slow") as rec:
        for i in range(frames):
            rec.write(render(photo, i / (frames - 1)), i / FPS)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB, {frames} frames)")


if __name__ == "__main__":
    main()
