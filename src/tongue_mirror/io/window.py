"""The on-screen window: shows canvases and returns key presses; the only module that calls imshow."""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable

import cv2
import numpy as np

from tongue_mirror.errors import UserError
from tongue_mirror.io.x11 import X11Keys, screen_size, window_manager_running

ESC = 27


def display_available() -> bool:
    """Whether a window can be opened at all (an X/Wayland display, or a desktop OS)."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


# No toolbar, no status bar: the window is just the show. Resizable, keeping the picture's ratio.
WINDOW_FLAGS = cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL
MAX_KEYS_PER_FRAME = 32
FULLSCREEN_CHECK_S = 0.5  # after this, a fullscreen request no window manager honoured is forced


class Window:
    """An OpenCV window showing the canvas 1:1 (or fullscreen), with no GUI chrome of its own."""

    def __init__(self, title: str = "tongue-mirror", fullscreen: bool = False,
                 size: tuple[int, int] | None = None) -> None:
        if not display_available():
            raise UserError("no display found: use `tongue-mirror process VIDEO` to run headless")
        self.title = title
        try:
            cv2.namedWindow(title, WINDOW_FLAGS)
        except cv2.error as exc:
            raise UserError(f"cannot open a window ({exc.err}): use `tongue-mirror process`") from exc
        self.fullscreen = False
        self._size = size
        self._sized = False
        self._keys: deque[int] = deque()
        self._fullscreen_check: float | None = None
        self._x11 = X11Keys.open(title)  # every key, where OpenCV's own keeps only the last
        if size is not None:  # sized before any fullscreen request, never after it
            self._resize(size)
        if fullscreen:
            self.toggle_fullscreen()

    def _resize(self, size: tuple[int, int]) -> None:
        cv2.resizeWindow(self.title, int(size[0]), int(size[1]))
        self._sized = True

    def show(self, canvas: np.ndarray, wait_ms: int = 1) -> int | None:
        """Shows a canvas; returns the oldest key pressed not yet returned, or None.

        Every key pressed since the last frame is queued and handed out one per call, so quick
        presses are not lost between frames: read from X where it can be, else from OpenCV.
        """
        if not self._sized and not self.fullscreen:  # a resize would undo a fullscreen request
            self._resize((canvas.shape[1], canvas.shape[0]))
        cv2.imshow(self.title, canvas)
        if self._fullscreen_check is not None and time.monotonic() >= self._fullscreen_check:
            self._fullscreen_check = None
            self._force_fullscreen()
        key = cv2.waitKey(max(1, wait_ms))
        if self._x11 is not None and self._x11.attach():  # OpenCV's key is one of these
            self._keys.extend(self._x11.poll())
            return self._keys.popleft() if self._keys else None
        for _ in range(MAX_KEYS_PER_FRAME):
            if key < 0:
                break
            self._keys.append(key & 0xFF)
            key = cv2.pollKey()
        return self._keys.popleft() if self._keys else None

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
        if not self.fullscreen and self._size is not None:  # back to the canvas's own size
            self._resize(self._size)
        self._fullscreen_check = time.monotonic() + FULLSCREEN_CHECK_S if self.fullscreen else None

    def _force_fullscreen(self) -> None:
        """Without a window manager nobody acts on the fullscreen request: cover the screen."""
        screen = screen_size()
        if screen is None or window_manager_running():  # a WM does it; a resize would undo it
            return
        try:
            _x, _y, w, h = cv2.getWindowImageRect(self.title)
        except cv2.error:
            return
        if (w, h) != screen:
            cv2.moveWindow(self.title, 0, 0)
            cv2.resizeWindow(self.title, *screen)

    def close(self) -> None:
        """Destroys the window."""
        if self._x11 is not None:
            self._x11.close()
            self._x11 = None
        try:
            cv2.destroyWindow(self.title)
            cv2.waitKey(1)
        except cv2.error:
            pass

    def __enter__(self) -> Window:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class NullWindow:
    """A window that shows nothing: the live loop headless (benchmarks, soak runs)."""

    def __init__(self, on_show: Callable[[np.ndarray], object] | None = None) -> None:
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
