"""What OpenCV's window cannot tell: every key press, the screen's size, whether a WM is running.

Talks to the X server through libX11 (ctypes); Linux/X only, None or False elsewhere.

Key presses are read beside OpenCV because its Qt backend keeps only the last one.

OpenCV's Qt `waitKey` dispatches every pending GUI event and remembers one key: presses that
arrive between two frames overwrite each other (12 quick presses of `]` registered 3 under Xvfb).
A second X connection that selects KeyPress on the same window receives every press in order.
Linux/X only; `X11Keys.open` returns None elsewhere and the window falls back to `waitKey`.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import sys
from collections.abc import Iterator

KEY_PRESS = 2  # X event type
KEY_PRESS_MASK = 1
STRUCTURE_NOTIFY_MASK = 1 << 17
KEYSYMS = {0xFF1B: 27, 0xFF0D: 13, 0xFF09: 9, 0xFF08: 8}  # Escape, Return, Tab, BackSpace
MAX_DEPTH = 6


class _XEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("pad", ctypes.c_long * 24)]


def _load() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("X11")
    if name is None:
        return None
    try:
        x = ctypes.cdll.LoadLibrary(name)
    except OSError:
        return None
    vp, ul = ctypes.c_void_p, ctypes.c_ulong
    x.XOpenDisplay.restype = vp
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XCloseDisplay.argtypes = [vp]
    x.XDefaultScreenOfDisplay.restype = vp
    x.XDefaultScreenOfDisplay.argtypes = [vp]
    x.XWidthOfScreen.argtypes = x.XHeightOfScreen.argtypes = [vp]
    x.XDefaultRootWindow.restype = ul
    x.XDefaultRootWindow.argtypes = [vp]
    x.XQueryTree.argtypes = [vp, ul, ctypes.POINTER(ul), ctypes.POINTER(ul),
                             ctypes.POINTER(ctypes.POINTER(ul)), ctypes.POINTER(ctypes.c_uint)]
    x.XFetchName.argtypes = [vp, ul, ctypes.POINTER(ctypes.c_char_p)]
    x.XFree.argtypes = [vp]
    x.XInternAtom.restype = ul
    x.XInternAtom.argtypes = [vp, ctypes.c_char_p, ctypes.c_int]
    x.XGetWindowProperty.argtypes = [vp, ul, ul, ctypes.c_long, ctypes.c_long, ctypes.c_int, ul,
                                     ctypes.POINTER(ul), ctypes.POINTER(ctypes.c_int),
                                     ctypes.POINTER(ul), ctypes.POINTER(ul),
                                     ctypes.POINTER(ctypes.c_void_p)]
    x.XSelectInput.argtypes = [vp, ul, ctypes.c_long]
    x.XPending.argtypes = [vp]
    x.XNextEvent.argtypes = [vp, ctypes.POINTER(_XEvent)]
    x.XLookupKeysym.restype = ul
    x.XLookupKeysym.argtypes = [ctypes.POINTER(_XEvent), ctypes.c_int]
    return x


@contextlib.contextmanager
def _connection() -> Iterator[tuple[ctypes.CDLL | None, int | None]]:
    """(libX11, display) for a short query, or (None, None) off X."""
    if not sys.platform.startswith("linux") or not os.environ.get("DISPLAY"):
        yield None, None
        return
    x = _load()
    display = x.XOpenDisplay(None) if x is not None else None
    try:
        yield (x, display) if display else (None, None)
    finally:
        if display and x is not None:
            x.XCloseDisplay(display)


def screen_size() -> tuple[int, int] | None:
    """The default X screen's size in pixels, or None off X."""
    with _connection() as (x, display):
        if x is None:
            return None
        screen = x.XDefaultScreenOfDisplay(display)
        return int(x.XWidthOfScreen(screen)), int(x.XHeightOfScreen(screen))


def window_manager_running() -> bool:
    """Whether an EWMH window manager (one that honours fullscreen requests) runs on the display."""
    with _connection() as (x, display):
        if x is None or display is None:  # both are, or neither
            return False
        atom = x.XInternAtom(display, b"_NET_SUPPORTING_WM_CHECK", 1)
        return bool(atom) and _property(x, display, x.XDefaultRootWindow(display), atom) is not None


def _property(x: ctypes.CDLL, display: int, window: int, atom: int) -> int | None:
    """The first 32-bit value of a window property, or None when it is not set."""
    kind, fmt = ctypes.c_ulong(), ctypes.c_int()
    count, after = ctypes.c_ulong(), ctypes.c_ulong()
    data = ctypes.c_void_p()
    status = x.XGetWindowProperty(display, window, atom, 0, 1, 0, 0, ctypes.byref(kind),
                                  ctypes.byref(fmt), ctypes.byref(count), ctypes.byref(after),
                                  ctypes.byref(data))
    if status != 0 or not data.value:
        return None
    try:
        return int(ctypes.cast(data, ctypes.POINTER(ctypes.c_long))[0]) if count.value else None
    finally:
        x.XFree(data)


class X11Keys:
    """Every key pressed in this process's window of a given title, in order."""

    def __init__(self, x: ctypes.CDLL, display: int, title: str) -> None:
        self._x = x
        self._display = display
        self._title = title.encode()
        self._window: int | None = None
        self._pid_atom = x.XInternAtom(display, b"_NET_WM_PID", 0)

    @staticmethod
    def open(title: str) -> X11Keys | None:
        """A reader for the window `title` of this process; None off X or without libX11."""
        if not sys.platform.startswith("linux") or not os.environ.get("DISPLAY"):
            return None
        x = _load()
        if x is None:
            return None
        display = x.XOpenDisplay(None)
        return X11Keys(x, display, title) if display else None

    @property
    def attached(self) -> bool:
        """Whether the window was found and keys are being read from it."""
        return self._window is not None

    def attach(self) -> bool:
        """Finds the window (once it exists) and asks the server for its key presses."""
        if self._window is None:
            window = self._find(self._x.XDefaultRootWindow(self._display), 0)
            if window is not None:
                self._x.XSelectInput(self._display, window, KEY_PRESS_MASK)
                self._window = window
        return self._window is not None

    def poll(self) -> list[int]:
        """The keys pressed since the last call, as OpenCV would code them (ASCII, Esc = 27)."""
        keys: list[int] = []
        if not self.attach():
            return keys
        event = _XEvent()
        while self._x.XPending(self._display):
            self._x.XNextEvent(self._display, ctypes.byref(event))
            if event.type != KEY_PRESS:
                continue
            sym = int(self._x.XLookupKeysym(ctypes.byref(event), 0))
            code = sym if sym < 256 else KEYSYMS.get(sym)
            if code is not None:
                keys.append(code)
        return keys

    def close(self) -> None:
        """Drops the X connection."""
        if self._display:
            self._x.XCloseDisplay(self._display)
            self._display = 0

    def _find(self, window: int, depth: int) -> int | None:
        name = ctypes.c_char_p()
        if self._x.XFetchName(self._display, window, ctypes.byref(name)) and name.value:
            match = name.value == self._title
            self._x.XFree(name)
            if match and _property(self._x, self._display, window, self._pid_atom) == os.getpid():
                return window
        if depth >= MAX_DEPTH:
            return None
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children = ctypes.POINTER(ctypes.c_ulong)()
        n = ctypes.c_uint()
        if not self._x.XQueryTree(self._display, window, ctypes.byref(root), ctypes.byref(parent),
                                  ctypes.byref(children), ctypes.byref(n)):
            return None
        try:
            kids = [children[i] for i in range(n.value)]
        finally:
            if children:
                self._x.XFree(children)
        for child in kids:
            found = self._find(child, depth + 1)
            if found is not None:
                return found
        return None
