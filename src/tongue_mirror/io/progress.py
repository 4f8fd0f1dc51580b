"""A one-line progress bar with ETA for headless runs, written to stderr only when it is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Redraws at most a few times a second; prints a plain line every 10 % when not a terminal."""

    def __init__(self, total: int | None, label: str = "", stream: TextIO | None = None) -> None:
        self.total = total if total and total > 0 else None
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.start = time.perf_counter()
        self._last_draw = 0.0
        self._last_decile = -1

    def update(self, done: int) -> None:
        """Reports `done` items finished."""
        now = time.perf_counter()
        elapsed = now - self.start
        rate = done / elapsed if elapsed > 0 else 0.0
        if self.total:
            frac = min(1.0, done / self.total)
            eta = (self.total - done) / rate if rate > 0 else 0.0
            text = (f"{self.label} {frac * 100:5.1f}% {done}/{self.total} frames  "
                    f"{rate:5.1f} fps  ETA {eta:4.0f}s")
            decile = int(frac * 10)
        else:
            text = f"{self.label} {done} frames  {rate:5.1f} fps"
            decile = done // 300
        if self.tty:
            if now - self._last_draw > 0.2:
                bar = ""
                if self.total:
                    filled = int(24 * frac)
                    bar = "[" + "#" * filled + "." * (24 - filled) + "] "
                self.stream.write("\r" + bar + text + "   ")
                self.stream.flush()
                self._last_draw = now
        elif decile != self._last_decile:
            self._last_decile = decile
            self.stream.write(text + "\n")
            self.stream.flush()

    def finish(self) -> None:
        """Ends the bar's line."""
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
