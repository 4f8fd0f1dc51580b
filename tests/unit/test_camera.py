"""The camera thread with a fake capture: newest frame only, clean stop, unplug, reconnect."""

from __future__ import annotations

import itertools
import threading
import time

import cv2
import numpy as np
import pytest

from tongue_mirror.errors import UserError
from tongue_mirror.io.camera import CameraSource, list_cameras


class FakeCapture:
    """Delivers `frames` numbered frames at `rate` per second, then reads fail (unplugged)."""

    def __init__(self, rate: float = 200.0, frames: int | None = None,
                 size: tuple[int, int] = (32, 24), opens: bool = True) -> None:
        self.rate, self.frames, self.size, self.opens = rate, frames, size, opens
        self.delivered = 0
        self.released = False
        self.requested: dict[int, float] = {}
        self.reads_after_unplug = 0

    def isOpened(self) -> bool:
        return self.opens

    def set(self, prop: int, value: float) -> bool:
        self.requested[prop] = value
        return True

    def get(self, prop: int) -> float:
        return 25.0 if prop == cv2.CAP_PROP_FPS else 0.0

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.frames is not None and self.delivered >= self.frames:
            self.reads_after_unplug += 1
            return False, None
        time.sleep(1.0 / self.rate)
        image = np.zeros((self.size[1], self.size[0], 3), np.uint8)
        image[0, 0, 0] = self.delivered % 256
        self.delivered += 1
        return True, image

    def release(self) -> None:
        self.released = True


def test_slow_reader_gets_only_the_newest_frames() -> None:
    fake = FakeCapture(rate=200.0)
    with CameraSource(0, capture_factory=lambda i: fake) as cam:
        frames = []
        for frame in cam:
            frames.append(frame)
            time.sleep(0.03)  # a consumer far slower than the camera
            if len(frames) == 8:
                break
        captured = cam.captured
    indices = [f.index for f in frames]
    assert indices == sorted(set(indices))  # never an old or repeated frame
    assert len(frames) < captured  # frames were skipped rather than queued
    assert max(b - a for a, b in itertools.pairwise(indices)) > 1
    # the pixel stamped by the fake matches the index: the image belongs to that capture
    assert all(f.image[0, 0, 0] == f.index % 256 for f in frames)
    times = [f.t for f in frames]
    assert all(b > a for a, b in itertools.pairwise(times))
    assert all(f.capture_time is not None for f in frames)
    assert cam.measured_fps is not None and cam.measured_fps > 0


def test_fast_reader_waits_and_never_sees_a_frame_twice() -> None:
    fake = FakeCapture(rate=100.0, frames=20)
    with CameraSource(0, capture_factory=lambda i: fake) as cam:
        indices = [f.index for f in cam]  # ends when the fake stops delivering
    assert indices == sorted(set(indices))
    assert indices[-1] <= 19


def test_close_stops_and_joins_the_thread() -> None:
    fake = FakeCapture(rate=200.0)
    cam = CameraSource(0, capture_factory=lambda i: fake)
    cam.open()
    assert cam.read(timeout=2.0) is not None
    thread = cam._thread
    cam.close()
    assert thread is not None and not thread.is_alive()
    assert fake.released
    assert cam.read(timeout=0.1) is None
    cam.close()  # twice is fine


def test_unplug_is_detected_and_reported() -> None:
    fake = FakeCapture(rate=200.0, frames=5)
    with CameraSource(0, capture_factory=lambda i: fake) as cam:
        list(cam)  # returns once the camera is lost
        assert not cam.is_alive
        time.sleep(0.05)
        assert cam.stalled > 0.04
        assert cam.read(timeout=0.1) is None


def test_reconnect_continues_with_increasing_time() -> None:
    fakes = iter([FakeCapture(rate=200.0, frames=4), FakeCapture(rate=200.0, frames=4)])
    with CameraSource(0, capture_factory=lambda i: next(fakes)) as cam:
        first = list(cam)
        cam.reconnect()
        assert cam.is_alive or cam.captured > len(first)
        second = list(cam)
    assert first and second
    assert second[0].t > first[-1].t
    assert second[0].index > first[-1].index


def test_requested_size_is_asked_for_and_actual_size_reported() -> None:
    fake = FakeCapture(size=(40, 30))  # ignores the request, as many drivers do
    with CameraSource(3, resolution=(1280, 720), fps=60, capture_factory=lambda i: fake) as cam:
        info = cam.info
    assert fake.requested[cv2.CAP_PROP_FRAME_WIDTH] == 1280
    assert fake.requested[cv2.CAP_PROP_FRAME_HEIGHT] == 720
    assert fake.requested[cv2.CAP_PROP_FPS] == 60
    assert (info.kind, info.name, info.size, info.fps) == ("camera", "camera 3", (40, 30), 25.0)
    assert fake.requested[cv2.CAP_PROP_FOURCC] == cv2.VideoWriter_fourcc(*"MJPG")


def test_camera_that_does_not_open_is_a_user_error() -> None:
    fake = FakeCapture(opens=False)
    with pytest.raises(UserError, match="camera 1 did not open"):
        CameraSource(1, capture_factory=lambda i: fake).open()
    assert fake.released


def test_camera_without_frames_is_a_user_error() -> None:
    with pytest.raises(UserError, match="no frames"):
        CameraSource(0, capture_factory=lambda i: FakeCapture(frames=0)).open()


def test_list_cameras_reports_those_that_open() -> None:
    def factory(index: int) -> FakeCapture:
        return FakeCapture(size=(64 * (index + 1), 48), opens=index in (0, 2))

    found = list_cameras(max_index=4, capture_factory=factory)
    assert [(c.name, c.size) for c in found] == [("camera 0", (64, 48)), ("camera 2", (192, 48))]


def test_reader_and_capture_threads_do_not_deadlock_under_contention() -> None:
    fake = FakeCapture(rate=1000.0, frames=300)
    with CameraSource(0, capture_factory=lambda i: fake) as cam:
        got: list[int] = []
        readers = [threading.Thread(target=lambda: got.extend(f.index for f in cam))
                   for _ in range(2)]
        for r in readers:
            r.start()
        for r in readers:
            r.join(timeout=10)
        assert not any(r.is_alive() for r in readers)
    assert len(got) == len(set(got))  # each frame went to one reader at most


def test_a_driver_exception_is_a_user_error() -> None:
    def factory(index: int) -> FakeCapture:
        raise cv2.error("OpenCV(4.x) error: (-2:Unspecified error) backend failed")

    with pytest.raises(UserError, match="camera 0 failed"):
        CameraSource(0, capture_factory=factory).open()
