"""Runs the live app in its real window (under Xvfb) and reports what the window test checks.

usage: python live_driver.py SOURCE OUT_DIR REPORT.json [--fullscreen]

Writes REPORT.json on exit: frames shown, keys received, the final inhibition, and every pair of
overlapping text boxes seen on the screen picture (first few), so overlap is tested without OCR.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tongue_mirror.app.config import RunConfig
from tongue_mirror.app.live import LiveApp, LiveConfig
from tongue_mirror.io.live_feed import open_feed
from tongue_mirror.io.window import Window
from tongue_mirror.view.text import overlapping


class WatchedWindow:
    """The real window, noting the keys it returns and the text boxes of each shown picture."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.app: LiveApp | None = None
        self.keys: list[int] = []
        self.overlaps: list[list[str]] = []
        self.shown = 0
        self.max_boxes = 0

    def show(self, canvas, wait_ms: int = 1):
        self.shown += 1
        boxes = list(self.app.last_text_boxes) if self.app is not None else []
        self.max_boxes = max(self.max_boxes, len(boxes))
        for a, b in overlapping(boxes):
            if len(self.overlaps) < 20:
                self.overlaps.append([a.text, b.text])
        key = self.window.show(canvas, wait_ms)
        if key is not None:
            self.keys.append(key)
        return key

    def toggle_fullscreen(self) -> None:
        self.window.toggle_fullscreen()

    def is_open(self) -> bool:
        return self.window.is_open()


def main(argv: list[str]) -> int:
    source, out_dir, report = Path(argv[0]), Path(argv[1]), Path(argv[2])
    fullscreen = "--fullscreen" in argv
    config = LiveConfig(run=RunConfig(), out_dir=out_dir, title="tongue-mirror window test")
    feed = open_feed(None, source, None)
    with feed, Window(fullscreen=fullscreen, size=config.run.canvas_size) as window:
        watched = WatchedWindow(window)
        app = LiveApp(config, feed, watched)
        watched.app = app
        app.run()
    circuit = app.pipeline.circuit if app.pipeline else None
    report.write_text(json.dumps({
        "shown": watched.shown, "keys": watched.keys, "overlaps": watched.overlaps,
        "max_boxes": watched.max_boxes,
        "inhibition": None if circuit is None else round(circuit.inhibition, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
