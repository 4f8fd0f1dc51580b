"""Prints what the two text layers cost per frame: composing with a busy HUD vs none, per canvas.

    python benchmarks/text_cost.py [--frames 200]

Also times the same lines drawn the old way (two cv2.putText calls each) for scale. Sprites are
cached per text and style, so a steady HUD costs blending only; the fps counter changes every
frame and is re-rendered. Nothing here asserts: it prints a table.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import cv2
import numpy as np

from tongue_mirror.view.compositor import Compositor, Hud, Layout

BUSY = Hud(fps=29.7, latency_ms=41.0, recording_s=75.0, prompt="stick your tongue out at the baby!",
           status="infant \u00b7 inhibition 0.20", banner="adult mode: mirror neurons fire",
           message="saved last 20 s to tongue-mirror-output/tongue-mirror-replay-20261129.mp4",
           title="Meltzoff & Moore 1977")


def per_frame_ms(fns, frames: int, rounds: int = 5) -> list[float]:
    """Best-of-rounds ms per call of each function, the rounds interleaved (a shared machine)."""
    best = [float("inf")] * len(fns)
    for fn in fns:
        fn(0)  # warm-up: sprite cache, allocations
    for _ in range(rounds):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            for i in range(frames):
                fn(i)
            best[k] = min(best[k], (time.perf_counter() - start) * 1000.0 / frames)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100)
    args = parser.parse_args()
    print(f"{'canvas':>10} {'no HUD ms':>10} {'busy HUD ms':>12} {'text ms':>8} "
          f"{'old cv2 text ms':>16} {'new/old':>8}")
    for size in ((1280, 720), (1920, 1080)):
        layout = Layout.make("composed", size)
        comp = Compositor(layout)
        panels = [np.full((r[3], r[2], 3), 90, np.uint8) for r in
                  (layout.avatar, layout.camera, layout.neural)]
        empty = Hud(show_help=False)

        def busy(i: int, comp=comp, panels=panels) -> None:
            comp.compose_layers(*panels, replace(BUSY, fps=20 + (i % 100) / 10))

        def plain(i: int, comp=comp, panels=panels, empty=empty) -> None:
            comp.compose_layers(*panels, empty)

        lines = [BUSY.prompt, BUSY.status, BUSY.banner, BUSY.message, BUSY.title, "REC 01:15",
                 "29.7 fps 41 ms", "h help   space pause   r record   b replay   f fullscreen"]
        canvas = np.zeros((size[1], size[0], 3), np.uint8)
        scale = size[1] / 720.0

        def old(i: int, canvas=canvas, lines=lines, scale=scale) -> None:
            for k, text in enumerate(lines):
                org = (20, 40 + k * int(40 * scale))
                cv2.putText(canvas, text, org, cv2.FONT_HERSHEY_DUPLEX, 0.7 * scale, (0, 0, 0),
                            3, cv2.LINE_AA)
                cv2.putText(canvas, text, org, cv2.FONT_HERSHEY_DUPLEX, 0.7 * scale,
                            (255, 255, 255), 1, cv2.LINE_AA)

        t_plain, t_busy, t_old = per_frame_ms([plain, busy, old], args.frames)
        text = t_busy - t_plain
        print(f"{size[0]}x{size[1]:<5} {t_plain:10.2f} {t_busy:12.2f} {text:8.2f} {t_old:16.2f} "
              f"{text / t_old:8.1f}")


if __name__ == "__main__":
    main()
