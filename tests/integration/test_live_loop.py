"""The live loop driven by scripted key presses on a fake window, and for real under Xvfb."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import av
import numpy as np
import pytest

from tongue_mirror.app.config import RunConfig
from tongue_mirror.app.live import LiveApp, LiveConfig
from tongue_mirror.io.live_feed import LiveFeed, bundled_samples
from tongue_mirror.io.video_file import VideoFileSource

REPO = Path(__file__).resolve().parents[2]


class ScriptedDisplay:
    """Records what is shown and presses keys on given show() calls."""

    def __init__(self, keys: dict[int, str]) -> None:
        self.keys = keys
        self.shown: list[np.ndarray] = []
        self.fullscreen = False

    def show(self, canvas: np.ndarray, wait_ms: int = 1) -> int | None:
        self.shown.append(canvas)
        key = self.keys.get(len(self.shown))
        return None if key is None else (27 if key == "esc" else ord(key))

    def toggle_fullscreen(self) -> None:
        self.fullscreen = not self.fullscreen

    def is_open(self) -> bool:
        return True


def frames_in(path: Path) -> int:
    with av.open(str(path)) as c:
        return sum(1 for _ in c.decode(video=0))


@pytest.fixture
def sample() -> Path:
    return bundled_samples()[0]


def test_keys_record_snapshot_replay_and_toggle(sample, tmp_path):
    keys = {3: "r", 10: "s", 12: "b", 20: "r", 21: "m", 22: "o", 23: "h", 24: "f", 25: "i",
            26: "]", 27: "n", 28: " ", 31: " ", 40: "q"}
    display = ScriptedDisplay(keys)
    config = LiveConfig(run=RunConfig(), out_dir=tmp_path)
    with LiveFeed(VideoFileSource(sample)) as feed:
        app = LiveApp(config, feed, display)
        assert app.run() == 0
    recordings = sorted(tmp_path.glob("tongue-mirror-recording-*.mp4"))
    snapshots = sorted(tmp_path.glob("tongue-mirror-snapshot-*.png"))
    replays = sorted(tmp_path.glob("tongue-mirror-replay-*.mp4"))
    assert len(recordings) == 1 and len(snapshots) == 1 and len(replays) == 1
    assert frames_in(recordings[0]) == 17  # frames shown from key 3 up to key 20
    assert frames_in(replays[0]) == 12
    assert display.fullscreen and not app.mirror and not app.overlay and app.help_open
    # "i" switched to the adult preset (inhibition 1.0), "]" nudged it up by 0.1.
    assert app.pipeline.circuit.inhibition == pytest.approx(1.1)
    assert app._hud(None).status.startswith("adult")  # the mode word survives the nudge
    # Paused from the key on show 28 to the one on show 31: shows 29-31 analysed no frame.
    assert app.frames == 40 - 3


def test_recording_indicator_shows_while_recording(sample, tmp_path):
    display = ScriptedDisplay({2: "r", 8: "q"})
    with LiveFeed(VideoFileSource(sample)) as feed:
        LiveApp(LiveConfig(out_dir=tmp_path), feed, display).run()
    def red_pixels(img):
        return int(((img[..., 2] > 200) & (img[..., 1] < 60) & (img[..., 0] < 60)).sum())
    assert red_pixels(display.shown[5]) > red_pixels(display.shown[0]) + 50


def test_unwritable_out_dir_keeps_the_show_running(sample, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    display = ScriptedDisplay({2: "r", 3: "s", 4: "b", 10: "q"})
    with LiveFeed(VideoFileSource(sample)) as feed:
        app = LiveApp(LiveConfig(out_dir=blocker / "out"), feed, display)
        assert app.run() == 0
    assert app.frames == 10


def _xvfb_display():
    """Starts Xvfb on a free display number; None where it is not installed."""
    if not shutil.which("Xvfb"):
        return None, None
    for n in range(90, 110):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x800x24"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
            if proc.poll() is None:
                return proc, f":{n}"
    return None, None


@pytest.mark.display
def test_live_window_under_xvfb_shows_frames_and_quits_on_q(sample, tmp_path):
    if not (shutil.which("xdotool") and shutil.which("import")):
        pytest.skip("xdotool and ImageMagick's import are needed to drive and read the window")
    xvfb, display = _xvfb_display()
    if xvfb is None:
        pytest.skip("Xvfb is not installed")
    env = {**os.environ, "DISPLAY": display}
    live = None
    try:
        live = subprocess.Popen([sys.executable, "-m", "tongue_mirror", "live", "--source",
                                 str(sample), "--out-dir", str(tmp_path)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 90.0  # a loaded 2-core CI box can take a while to start
        while time.monotonic() < deadline:
            assert live.poll() is None, live.communicate()[1][-2000:]
            found = subprocess.run(["xdotool", "search", "--name", "tongue-mirror"], env=env,
                                   capture_output=True, text=True, timeout=20)
            if found.stdout.strip():
                break
            time.sleep(0.5)
        else:
            pytest.fail("the live window never appeared")
        import cv2

        # The window is mapped before its first frame is drawn; on a loaded 2-core box that
        # frame can take seconds, so the screen is read until it shows a picture (or 60 s pass).
        shot = tmp_path / "screen.png"
        img = None
        deadline = time.monotonic() + 60.0
        while time.monotonic() < deadline:
            assert live.poll() is None, live.communicate()[1][-2000:]
            subprocess.run(["import", "-window", "root", str(shot)], env=env, timeout=30,
                           check=True)
            img = cv2.imread(str(shot))
            if img is not None and img.std() > 20:
                break
            time.sleep(1.0)
        # Under load a q pressed right after the screen was read has been lost (ImageMagick's
        # `import` may still hold the X server): press it again every few seconds until the app
        # quits; once is enough when the window is listening.
        deadline = time.monotonic() + 60.0
        while live.poll() is None and time.monotonic() < deadline:
            subprocess.run(["xdotool", "search", "--name", "tongue-mirror", "windowfocus",
                            "--sync", "key", "q"], env=env, timeout=30)
            with contextlib.suppress(subprocess.TimeoutExpired):
                live.wait(timeout=5)
        assert live.wait(timeout=10) == 0  # q quits cleanly
        assert img is not None and img.std() > 20  # the window shows a real picture
    finally:
        if live is not None and live.poll() is None:
            live.kill()
        xvfb.terminate()
        xvfb.wait(timeout=10)
        xvfb.terminate()


class AudienceWatcher(ScriptedDisplay):
    """Also keeps the audience picture and the text boxes of every shown frame."""

    def __init__(self, keys: dict[int, str]) -> None:
        super().__init__(keys)
        self.app: LiveApp | None = None
        self.audience: list[np.ndarray] = []
        self.boxes: list[tuple] = []

    def show(self, canvas: np.ndarray, wait_ms: int = 1) -> int | None:
        self.audience.append(self.app.last_audience)
        self.boxes.append(self.app.last_text_boxes)
        return super().show(canvas, wait_ms)


def test_recording_carries_the_audience_view_and_overlay_off_reflows(sample, tmp_path):
    from tongue_mirror.view.text import overlapping

    display = AudienceWatcher({2: "r", 6: "h", 9: "h", 12: "o", 16: "r", 18: "i", 22: "q"})
    with LiveFeed(VideoFileSource(sample)) as feed:
        app = LiveApp(LiveConfig(out_dir=tmp_path, title="a title"), feed, display)
        display.app = app
        app.run()
    (recording,) = tmp_path.glob("tongue-mirror-recording-*.mp4")
    with av.open(str(recording)) as c:
        recorded = [f.to_ndarray(format="bgr24") for f in c.decode(video=0)]
    assert len(recorded) == 14  # frames shown from the key on show 2 up to the one on show 16
    for i, frame in enumerate(recorded):
        shown = 2 + i  # the recorder received frame i on the show after the "r" press
        audience, screen = display.audience[shown], display.shown[shown]
        err_audience = np.abs(frame.astype(int) - audience.astype(int)).mean()
        err_screen = np.abs(frame.astype(int) - screen.astype(int)).mean()
        assert err_audience < 3.0 and err_screen > err_audience + 0.3  # no REC, keys, counters
    # Overlay off (show 12 on): the camera fills the left column, no black hole below it.
    left_bottom = display.shown[14][500:700, 20:620]
    assert (left_bottom.max(axis=2) < 15).mean() < 0.5
    assert all(overlapping(list(b)) == [] for b in display.boxes)
