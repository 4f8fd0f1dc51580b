"""Webcam capture on its own thread keeping only the newest frame, so latency stays one frame.

The one thread loop outside `io/workers`, on purpose: a device read blocks for up to a frame
period and must keep draining the driver whether or not the loop wants a frame, and the hand-over
is newest-wins. `BackgroundWorker` is the opposite shape: a FIFO that makes its producer wait
(here the driver would queue stale frames), and a `close` that waits for its consumer without
limit, where a driver stuck in `read()` is left behind after 2 s here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import cv2
import numpy as np

from tongue_mirror.errors import UserError
from tongue_mirror.io.frame_source import DescribedSource, SourceInfo
from tongue_mirror.values import Frame

# A capture that fails this many reads in a row is considered unplugged.
_FAILED_READS_UNTIL_LOST = 10
_FAILED_READ_PAUSE = 0.02  # seconds between failing reads: an unplugged camera returns at once


class Capture(Protocol):
    """The part of cv2.VideoCapture we use, so tests can inject a fake camera."""

    def isOpened(self) -> bool: ...
    def read(self) -> tuple[bool, np.ndarray | None]: ...
    def set(self, prop: int, value: float) -> bool: ...
    def get(self, prop: int) -> float: ...
    def release(self) -> None: ...


CaptureFactory = Callable[[int], Capture]


def opencv_capture(index: int) -> Capture:
    """The real camera through OpenCV's default backend, without its probing chatter on stderr."""
    previous = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        return cv2.VideoCapture(index)
    finally:
        cv2.utils.logging.setLogLevel(previous)


class CameraSource(DescribedSource):
    """Camera `index`: a loop that must keep drawing calls `read(timeout)` and checks `stalled`.

    Iterating also works but waits as long as the camera is silent without being declared lost.
    """

    def __init__(self, index: int = 0, resolution: tuple[int, int] | None = None,
                 fps: float | None = None, capture_factory: CaptureFactory | None = None,
                 fourcc: str | None = "MJPG") -> None:
        if index < 0:
            raise ValueError(f"camera index must be >= 0, got {index}")
        if resolution is not None and (len(resolution) != 2 or min(resolution) <= 0):
            raise ValueError(f"resolution must be (width, height) > 0, got {resolution}")
        if fps is not None and not fps > 0:
            raise ValueError(f"fps must be > 0, got {fps}")
        self.index = index
        self.resolution = resolution
        self.requested_fps = fps
        if fourcc is not None and len(fourcc) != 4:
            raise ValueError(f"fourcc must be 4 characters, got {fourcc!r}")
        # USB webcams often reach 30 fps at 720p only with MJPG; drivers that lack it ignore it.
        self.fourcc = fourcc
        self._interval = 0.0  # smoothed seconds between captured frames
        self._factory = capture_factory or opencv_capture
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._latest: tuple[np.ndarray, float, float] | None = None  # image, t, perf_counter
        self._seq = 0  # frames captured since open (the Frame index)
        self._seen = 0  # seq of the last frame a reader took
        self._lost = False
        self._info: SourceInfo | None = None
        self._t0 = 0.0  # time.monotonic() at first open; t stays monotonic across reconnects
        self._last_frame_at = 0.0

    # -- lifecycle -------------------------------------------------------------------------
    def open(self) -> None:
        if self._thread is not None:
            return
        self._t0 = time.monotonic()
        self._start()

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None:
            # The thread releases the capture itself; a driver stuck in read() is left to it
            # rather than released under its feet (the thread is a daemon).
            self._thread.join(timeout=2.0)
            self._thread = None

    def reconnect(self) -> None:
        """Reopen the device after it was lost; raises UserError if it does not come back."""
        self.close()
        self._start()

    def _start(self) -> None:
        try:
            self._start_capture()
        except cv2.error as exc:
            raise UserError(f"camera {self.index} failed: {str(exc).strip().splitlines()[-1]}"
                            ) from None

    def _start_capture(self) -> None:
        cap = self._factory(self.index)
        if cap is None or not cap.isOpened():
            if cap is not None:
                cap.release()
            raise UserError(f"camera {self.index} did not open (is it connected and not in use?)")
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1.0)  # where supported, no stale frames in the driver
        if self.fourcc is not None:
            cap.set(cv2.CAP_PROP_FOURCC, float(cv2.VideoWriter.fourcc(*self.fourcc)))
        if self.resolution is not None:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, float(self.resolution[0]))
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, float(self.resolution[1]))
        if self.requested_fps is not None:
            cap.set(cv2.CAP_PROP_FPS, float(self.requested_fps))
        for _ in range(_FAILED_READS_UNTIL_LOST):  # some drivers need a moment after opening
            ok, image = cap.read()  # the first frame tells the true size, whatever get() says
            if ok and image is not None:
                break
            time.sleep(_FAILED_READ_PAUSE * 5)
        if not ok or image is None:
            cap.release()
            raise UserError(f"camera {self.index} opened but gives no frames")
        height, width = image.shape[:2]
        reported_fps = cap.get(cv2.CAP_PROP_FPS)
        self._info = SourceInfo(kind="camera", name=f"camera {self.index}", width=width,
                                height=height, fps=reported_fps if reported_fps > 0 else 30.0)
        self._stop = threading.Event()
        self._lost = False
        self._publish(_as_bgr(image))
        self._thread = threading.Thread(target=self._run, args=(cap, self._stop),
                                        name=f"camera-{self.index}", daemon=True)
        self._thread.start()

    # -- capture thread --------------------------------------------------------------------
    def _publish(self, image: np.ndarray) -> None:
        now = time.monotonic()
        with self._cond:
            if self._last_frame_at and self._seq:
                gap = now - self._last_frame_at
                self._interval = gap if not self._interval else 0.9 * self._interval + 0.1 * gap
            self._seq += 1
            self._latest = (image, now - self._t0, time.perf_counter())
            self._last_frame_at = now
            self._cond.notify_all()

    def _run(self, cap: Capture, stop: threading.Event) -> None:
        failures = 0
        try:
            while not stop.is_set():
                ok, image = cap.read()
                if ok and image is not None:
                    failures = 0
                    self._publish(_as_bgr(image))
                    continue
                failures += 1
                if failures >= _FAILED_READS_UNTIL_LOST:
                    break
                stop.wait(_FAILED_READ_PAUSE)
        except cv2.error:
            pass  # a driver error ends the capture like an unplug; the app sees it as lost
        finally:
            cap.release()
            with self._cond:
                self._lost = not stop.is_set()
                self._cond.notify_all()

    # -- reading ---------------------------------------------------------------------------
    @property
    def is_alive(self) -> bool:
        """True while the capture thread runs and the camera has not been declared lost."""
        return self._thread is not None and self._thread.is_alive() and not self._lost

    @property
    def stalled(self) -> float:
        """Seconds since the camera last delivered a frame (0 before open)."""
        if self._last_frame_at == 0.0:
            return 0.0
        return time.monotonic() - self._last_frame_at

    @property
    def measured_fps(self) -> float | None:
        """Frame rate the camera actually delivers (smoothed); None until two frames came."""
        return 1.0 / self._interval if self._interval > 0 else None

    @property
    def captured(self) -> int:
        """Frames the camera delivered since open; readers that lag skip some of them."""
        return self._seq

    def read(self, timeout: float | None = 1.0) -> Frame | None:
        """The newest frame not yet returned; None on timeout, once closed or the camera is lost."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._seq == self._seen or self._stop.is_set():
                if self._stop.is_set() or self._lost or self._thread is None:
                    return None
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self._cond.wait(remaining)
            assert self._latest is not None
            image, t, captured_at = self._latest
            self._seen = self._seq
            return Frame(image=image, t=t, index=self._seq - 1, capture_time=captured_at)

    def __iter__(self) -> Iterator[Frame]:
        """Newest frames until closed or the camera is lost (then `reconnect()`, iterate again)."""
        while True:
            frame = self.read(timeout=0.5)
            if frame is not None:
                yield frame
            elif self._stop.is_set() or self._lost or self._thread is None:
                return


def _as_bgr(image: Any) -> np.ndarray:
    """Some drivers deliver grey or BGRA frames; the pipeline wants BGR uint8."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def list_cameras(max_index: int = 6,
                 capture_factory: CaptureFactory | None = None) -> list[SourceInfo]:
    """Cameras 0..max_index-1 that open and deliver a frame, with the size they deliver."""
    factory = capture_factory or opencv_capture
    found = []
    previous = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # probing spams warnings
    try:
        for index in range(max_index):
            cap = factory(index)
            try:
                if cap is None or not cap.isOpened():
                    continue
                ok, image = cap.read()
                if not ok or image is None:
                    continue
                fps = cap.get(cv2.CAP_PROP_FPS)
                h, w = np.asarray(image).shape[:2]
                found.append(SourceInfo(kind="camera", name=f"camera {index}", width=w, height=h,
                                        fps=fps if fps > 0 else 30.0))
            finally:
                if cap is not None:
                    cap.release()
    finally:
        cv2.utils.logging.setLogLevel(previous)
    return found
