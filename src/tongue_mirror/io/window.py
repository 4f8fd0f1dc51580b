"""The on-screen window: shows canvases and returns key presses; the only module that calls imshow."""

from __future__ import annotations

import os
import sys

import cv2
import numpy as np

from tongue_mirror.errors import UserError

ESC = 27


def display_available() -> bool:
    """Whether a window can be opened at all (an X/Wayland display, or a desktop OS)."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


class Window:
    """A resizable OpenCV window with a fullscreen toggle."""

    def __init__(self, title: str = "tongue-mirror", fullscreen: bool = False) -> None:
        if not display_available():
            raise UserError("no display found: use `tongue-mirror process VIDEO` to run headless")
        self.title = title
        try:
            cv2.namedWindow(title, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO)
        except cv2.error as exc:
            raise UserError(f"cannot open a window ({exc.err}): use `tongue-mirror process`") from exc
        self.fullscreen = False
        self._sized = False
        if fullscreen:
            self.toggle_fullscreen()

    def show(self, canvas: np.ndarray, wait_ms: int = 1) -> int | None:
        """Shows a canvas; returns the key pressed (lower-case code) or None."""
        if not self._sized:  # open at the canvas's own size; the user may resize it after
            cv2.resizeWindow(self.title, canvas.shape[1], canvas.shape[0])
            self._sized = True
        cv2.imshow(self.title, canvas)
        key = cv2.waitKey(max(1, wait_ms))
        return None if key < 0 else key & 0xFF

    def is_open(self) -> bool:
        """False once the user closed the window with its close button."""
        try:
            return cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) >= 1
        except cv2.error:
            return False

    def toggle_fullscreen(self) -> None:
        """Switches between fullscreen and a normal window."""
        self.fullscreen = not self.fullscreen
        mode = cv2.WINDOW_FULLSCREEN if self.fullscreen else cv2.WINDOW_NORMAL
        cv2.setWindowProperty(self.title, cv2.WND_PROP_FULLSCREEN, mode)

    def close(self) -> None:
        """Destroys the window."""
        try:
            cv2.destroyWindow(self.title)
            cv2.waitKey(1)
        except cv2.error:
            pass

    def __enter__(self) -> Window:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class NullWindow:
    """A window that shows nothing: the live loop headless (benchmarks, soak runs)."""

    def __init__(self, on_show=None) -> None:
        self._on_show = on_show
        self.shown = 0

    def show(self, canvas: np.ndarray, wait_ms: int = 1) -> int | None:
        """Counts the frame and calls the hook; never a key."""
        self.shown += 1
        if self._on_show is not None:
            self._on_show(canvas)
        return None

    def toggle_fullscreen(self) -> None:
        """Nothing to toggle."""

    def is_open(self) -> bool:
        return True
