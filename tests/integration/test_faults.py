"""Faults a workshop meets: a camera unplugged and back, a disk that refuses, no network at all."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import cv2
import numpy as np

from tongue_mirror.app.config import RunConfig
from tongue_mirror.app.live import LiveApp, LiveConfig
from tongue_mirror.app.process import ProcessOutputs, run_process
from tongue_mirror.errors import UserError
from tongue_mirror.io import live_feed
from tongue_mirror.io.camera import CameraSource
from tongue_mirror.io.live_feed import LiveFeed, bundled_samples
from tongue_mirror.io.video_file import VideoFileSource


class FlakyCamera:
    """A capture that shows a face, dies after `frames` reads, and reopens on the next factory call."""

    def __init__(self, image: np.ndarray, frames: int) -> None:
        self.image, self.frames, self.delivered = image, frames, 0

    def isOpened(self) -> bool:
        return True

    def set(self, prop: int, value: float) -> bool:
        return True

    def get(self, prop: int) -> float:
        return 30.0 if prop == cv2.CAP_PROP_FPS else 0.0

    def read(self):
        if self.delivered >= self.frames:
            time.sleep(0.005)
            return False, None
        time.sleep(1 / 60)
        self.delivered += 1
        return True, self.image.copy()

    def release(self) -> None:
        pass


class CountingDisplay:
    def __init__(self, quit_after: int) -> None:
        self.quit_after, self.calls, self.shown = quit_after, 0, []

    def show(self, canvas, wait_ms=1):
        self.calls += 1
        self.shown.append(canvas)
        return ord("q") if self.calls >= self.quit_after else None

    def toggle_fullscreen(self) -> None:
        pass

    def is_open(self) -> bool:
        return True


def test_unplugged_camera_is_announced_and_reconnected(monkeypatch, astronaut_bgr):
    monkeypatch.setattr(live_feed, "STALL_S", 0.2)
    monkeypatch.setattr(live_feed, "RECONNECT_EVERY_S", 0.1)
    image = cv2.resize(astronaut_bgr, (640, 480))
    opened: list[FlakyCamera] = []

    def factory(index: int) -> FlakyCamera:
        cam = FlakyCamera(image, frames=8)
        opened.append(cam)
        return cam

    feed = LiveFeed(CameraSource(0, capture_factory=factory))
    problems: list[str | None] = []
    display = CountingDisplay(quit_after=10_000)
    with feed:
        app = LiveApp(LiveConfig(), feed, display)
        original = app.step

        def step(pipeline):
            original(pipeline)
            problems.append(feed.problem)
            if len(opened) >= 3 and app.frames >= 16:
                app.quit = True

        app.step = step
        assert app.run() == 0
    assert len(opened) >= 2, "no reconnect was attempted"
    assert any(p and "camera lost" in p for p in problems)
    assert app.frames >= 16  # frames flowed again after the reconnect


def test_disk_refusing_mid_recording_stops_it_and_keeps_the_show(tmp_path, monkeypatch):
    sample = bundled_samples()[0]
    display = CountingDisplay(quit_after=30)
    with LiveFeed(VideoFileSource(sample)) as feed:
        app = LiveApp(LiveConfig(out_dir=tmp_path), feed, display)
        app.start_recording(tmp_path / "r.mp4")
        calls = {"n": 0}
        real_write = app.recorder.write

        def failing_write(image, t):
            calls["n"] += 1
            if calls["n"] > 10:
                raise UserError("recording to r.mp4 failed: No space left on device")
            real_write(image, t)

        app.recorder.write = failing_write
        assert app.run() == 0
    assert app.frames == 30 and app.recorder is None
    assert "No space left" in (app.message[0] if app.message else "")


def test_the_pipeline_never_touches_the_network(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    sample = bundled_samples()[0]
    out = ProcessOutputs(video=tmp_path / "o.mp4", events=tmp_path / "e.jsonl",
                         frames=tmp_path / "f.csv")
    summary = run_process(sample, out, RunConfig(), show_progress=False)
    assert summary.frames > 0 and Path(out.video).stat().st_size > 0


def test_grayscale_and_tiny_faces_are_handled(astronaut_bgr):
    from tongue_mirror.app.build import build_pipeline
    from tongue_mirror.io.face_tracker import FaceTracker
    from tongue_mirror.values import Frame

    gray = cv2.cvtColor(astronaut_bgr, cv2.COLOR_BGR2GRAY)
    tiny = np.full((1080, 1920, 3), 120, np.uint8)
    tiny[380:700, 800:1120] = cv2.resize(astronaut_bgr, (320, 320))  # a ~60 px face: too small
    with FaceTracker() as tracker:
        pipeline = build_pipeline(RunConfig(), tracker)
        assert pipeline.step(Frame(gray, 0.0, 0)).face is not None
        results = [pipeline.step(Frame(tiny, 1.0 + i / 30, 1 + i)) for i in range(3)]
    assert all(r.reading.probability == 0.0 or r.face is not None for r in results)


def test_a_distant_face_is_asked_to_come_closer():
    """A found face that is too narrow a share of the frame to read the mouth."""
    from tongue_mirror.values import (
        NO_TONGUE,
        AvatarPose,
        FaceObservation,
        Frame,
        FrameResult,
        NeuralState,
        TongueState,
    )
    from tongue_mirror.view.prompts import stage_prompt

    def result(face_width: float) -> FrameResult:
        frame = Frame(np.full((1080, 1920, 3), 160, np.uint8), 0.0, 0)
        face = FaceObservation(landmarks=np.zeros((478, 3), np.float32), blendshapes={},
                               yaw=0.0, pitch=0.0, roll=0.0,
                               bbox=(900.0, 400.0, 900.0 + face_width, 400.0 + face_width),
                               image_size=(1920, 1080))
        neural = NeuralState(t=0.0, channels=("tongue",), rates={}, spikes={}, movement={},
                             attribution="none", inhibition=0.2)
        return FrameResult(frame=frame, face=face, reading=NO_TONGUE, tongue=TongueState(),
                           neural=neural, pose=AvatarPose(), attract=False, events=())

    assert stage_prompt(result(150.0)) == "come closer to the camera"
    assert stage_prompt(result(500.0)) is None


def test_ctrl_c_during_process_finalises_outputs(tmp_path, monkeypatch):
    from tongue_mirror.app import process as headless

    sample = bundled_samples()[0]
    real_step = headless.build_pipeline

    def build(config, tracker):
        pipeline = real_step(config, tracker)
        original = tracker.track_prepared
        count = {"n": 0}

        def track_prepared(prepared):  # Ctrl-C arrives on the main thread, which tracks
            count["n"] += 1
            if count["n"] == 20:
                raise KeyboardInterrupt
            return original(prepared)

        tracker.track_prepared = track_prepared
        return pipeline

    monkeypatch.setattr(headless, "build_pipeline", build)
    out = ProcessOutputs(video=tmp_path / "o.mp4", events=tmp_path / "e.jsonl",
                         frames=tmp_path / "f.csv")
    summary = run_process(sample, out, RunConfig(), show_progress=False)
    assert summary.interrupted and summary.frames == 19
    import av

    with av.open(str(out.video)) as c:
        assert sum(1 for _ in c.decode(video=0)) == 19
    assert len(out.frames.read_text().splitlines()) == 20  # header + 19 rows
