"""The real live window under Xvfb (with and without a window manager), read back pixel by pixel.

Fails on a toolbar or status bar (the picture would not sit 1:1 at the window's origin), on a
fullscreen that is not the screen's size, on lost key presses and on overlapping text boxes.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from tongue_mirror.io.live_feed import bundled_samples

HERE = Path(__file__).resolve().parent
TOOLS = ("Xvfb", "xdotool", "xwininfo", "import")
CANVAS = (1280, 720)

pytestmark = [pytest.mark.display, pytest.mark.slow]


@contextlib.contextmanager
def x_screen(size: tuple[int, int], window_manager: bool = True):
    """An Xvfb screen (and openbox on it); yields the environment to run clients with."""
    missing = [t for t in (*TOOLS, "openbox") if not shutil.which(t)]
    if missing or (not window_manager and missing == ["openbox"]):
        pytest.skip(f"needs {', '.join(missing)}")
    procs: list[subprocess.Popen] = []
    try:
        for n in range(80, 120):
            if os.path.exists(f"/tmp/.X11-unix/X{n}") or os.path.exists(f"/tmp/.X{n}-lock"):
                continue
            xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", f"{size[0]}x{size[1]}x24",
                                     "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
            if xvfb.poll() is None:
                procs.append(xvfb)
                break
        else:
            pytest.skip("no free X display number")
        env = {**os.environ, "DISPLAY": f":{n}"}
        if window_manager:
            procs.append(subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
            time.sleep(1.0)
        yield env
    finally:
        for proc in reversed(procs):
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)


class LiveRun:
    """The live driver in a subprocess on the X screen, with xdotool to press keys."""

    def __init__(self, env: dict, tmp: Path, fullscreen: bool = False) -> None:
        self.env = {**env, "PYTHONPATH": os.pathsep.join(sys.path)}
        self.tmp = tmp
        self.report = tmp / "report.json"
        args = [sys.executable, str(HERE / "live_driver.py"), str(bundled_samples()[0]),
                str(tmp / "out"), str(self.report)]
        self.proc = subprocess.Popen(args + (["--fullscreen"] if fullscreen else []), env=self.env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.window = self._wait_for_window()

    def _x(self, *args: str, timeout: float = 20) -> str:
        return subprocess.run(list(args), env=self.env, capture_output=True, text=True,
                              timeout=timeout).stdout

    def _wait_for_window(self) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.proc.communicate()[1][-2000:]
            ids = self._x("xdotool", "search", "--name", "^tongue-mirror$").split()
            if ids:
                time.sleep(4.0)  # frames flowing, fullscreen settled
                return ids[0]
            time.sleep(0.5)
        raise AssertionError("the live window never appeared")

    def geometry(self) -> tuple[int, int, int, int]:
        """(x, y, w, h) of the window's client area on the screen."""
        info = self._x("xwininfo", "-id", self.window)
        fields = {}
        for line in info.splitlines():
            key, _, value = line.strip().partition(":")
            fields[key] = value.strip()
        return (int(fields["Absolute upper-left X"]), int(fields["Absolute upper-left Y"]),
                int(fields["Width"]), int(fields["Height"]))

    def capture(self) -> np.ndarray:
        """The window's pixels as the X server has them."""
        path = self.tmp / f"capture-{time.monotonic_ns()}.png"
        self._x("import", "-window", self.window, str(path))
        img = cv2.imread(str(path))
        assert img is not None, "import could not read the window"
        return img

    def keys(self, *names: str, delay_ms: int = 10) -> None:
        self._x("xdotool", "windowfocus", "--sync", self.window)
        self._x("xdotool", "key", "--delay", str(delay_ms), *names)

    def snapshot(self) -> np.ndarray:
        """Pauses and saves a snapshot (the audience picture of the frozen frame)."""
        self.keys("space")
        time.sleep(1.0)
        self.keys("s")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            shots = sorted((self.tmp / "out").glob("tongue-mirror-snapshot-*.png"))
            if shots:
                time.sleep(0.3)
                return cv2.imread(str(shots[-1]))
            time.sleep(0.2)
        raise AssertionError("no snapshot saved")

    def quit(self) -> dict:
        self.keys("q")
        try:
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        assert self.proc.returncode == 0, self.proc.communicate()[1][-2000:]
        return json.loads(self.report.read_text())

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def camera_region_diff(capture: np.ndarray, snapshot: np.ndarray) -> float:
    """Mean difference of the camera panel (no operator text there) between screen and snapshot."""
    if capture.shape[:2] != snapshot.shape[:2]:
        capture = cv2.resize(capture, (snapshot.shape[1], snapshot.shape[0]),
                             interpolation=cv2.INTER_AREA)
    cam = (slice(0, 480), slice(0, 640))
    return float(np.abs(capture[cam].astype(int) - snapshot[cam].astype(int)).mean())


def test_default_window_shows_the_canvas_one_to_one_without_chrome(tmp_path):
    with x_screen((1440, 900)) as env:
        run = LiveRun(env, tmp_path)
        try:
            _x, _y, w, h = run.geometry()
            assert (w, h) == CANVAS  # a toolbar or status bar would add to it or shrink the picture
            snap = run.snapshot()
            capture = run.capture()
            assert capture.shape[:2] == (CANVAS[1], CANVAS[0])
            assert camera_region_diff(capture, snap) < 2.0  # the picture at the origin, 1:1
            run.keys("space")  # play on, then visit every screen state once
            for key in ("r", "h", "h", "o", "o", "b"):
                run.keys(key)
                time.sleep(0.8)
            run.keys(*["bracketright"] * 12, delay_ms=5)  # quick presses, none lost
            time.sleep(1.5)
            run.keys("r")
            time.sleep(0.8)
            report = run.quit()
        finally:
            run.kill()
    assert report["overlaps"] == []
    assert report["max_boxes"] >= 5  # the boxes were really recorded
    assert report["inhibition"] == pytest.approx(0.2 + 12 * 0.1)


@pytest.mark.parametrize("window_manager", [True, False], ids=["openbox", "no-wm"])
def test_fullscreen_fills_a_1080p_screen(tmp_path, window_manager):
    with x_screen((1920, 1080), window_manager) as env:
        run = LiveRun(env, tmp_path, fullscreen=True)
        try:
            assert run.geometry() == (0, 0, 1920, 1080)
            snap = run.snapshot()
            capture = run.capture()
            assert capture.shape[:2] == (1080, 1920)
            assert camera_region_diff(capture, snap) < 6.0  # the whole canvas, scaled 1.5x
            report = run.quit()
        finally:
            run.kill()
    assert report["overlaps"] == []
