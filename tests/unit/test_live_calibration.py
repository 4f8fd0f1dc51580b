"""Calibration inside `live` runs on the frames' clock, as the `calibrate` command does."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from tongue_mirror.app.config import RunConfig
from tongue_mirror.app.live import LiveApp, LiveConfig
from tongue_mirror.io.detector_files import load_profile
from tongue_mirror.values import Frame, TongueReading

SIZE = (320, 240)
FPS = 10.0
T0 = 5000.0  # frame time far from any wall clock


class VideoTimeFeed:
    """Frames 0.1 s apart in their own time, handed over as fast as the loop asks."""

    info = SimpleNamespace(fps=FPS)
    problem = note = None
    ended = False

    def __init__(self) -> None:
        self.index = 0

    def next_frame(self) -> Frame:
        frame = Frame(np.zeros((SIZE[1], SIZE[0], 3), np.uint8), T0 + self.index / FPS, self.index)
        self.index += 1
        return frame


class LogitPipeline:
    """Reads a resting face for the first 3 s of frame time, a tongue after."""

    circuit = None

    def __init__(self) -> None:
        self.calibrations: list = []

    def step(self, frame: Frame):
        logit = -3.0 if frame.t < T0 + 3.0 else 3.0
        return SimpleNamespace(frame=frame, reading=TongueReading(0.5, logit=logit))

    def calibrate(self, calibration) -> None:
        self.calibrations.append(calibration)


class Shown:
    picture = SimpleNamespace(screen=np.zeros((SIZE[1], SIZE[0], 3), np.uint8),
                              audience=np.zeros((SIZE[1], SIZE[0], 3), np.uint8), boxes=())

    def __init__(self) -> None:
        self.prompts: list[str | None] = []

    def render_layers(self, result, hud, options):
        self.prompts.append(hud.prompt)
        return self.picture

    def show(self, canvas, wait_ms: int = 1) -> None:
        return None

    def is_open(self) -> bool:
        return True


def test_live_calibration_counts_frame_time_not_the_wall_clock(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    shown = Shown()
    config = LiveConfig(run=RunConfig(canvas_size=SIZE, layout="avatar", profile="ada"), out_dir=tmp_path)
    app = LiveApp(config, VideoTimeFeed(), shown)
    app.presenter = shown
    app.prompter = SimpleNamespace(update=lambda result: None, clear=lambda: None)
    pipeline = LogitPipeline()
    app.handle_key(ord("c"))
    try:
        for _ in range(70):  # 7 s of video, analysed in a small fraction of that
            app.step(pipeline)
    finally:
        app._replay_worker.close()
        app.wait_for_saves()
    # 1.5 s into the 3 s neutral phase by the frames' clock: two whole seconds left
    assert shown.prompts[15].endswith(": 2")
    assert shown.prompts[35].startswith("Stick your tongue out")
    assert app.calibration is None and len(pipeline.calibrations) == 1
    saved = load_profile("ada")
    assert saved is not None and saved.n_neutral >= 5 and saved.n_tongue >= 5
    assert saved.shift > -3.0  # the boundary sits above the resting face's logits
