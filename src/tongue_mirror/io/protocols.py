"""What the programs call on io's objects, as protocols: the app is typed against these, not the
classes, so mypy checks every call across the seam and a test's fake needs only what is listed.

The app still constructs the classes (`LiveFeed`, `Window`, `VideoRecorder`, `ReplayBuffer`,
`BackgroundWorker`, the face trackers): it is the layer that wires; it holds and calls them
through these.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from tongue_mirror.io.face_tracker import TrackerInput
from tongue_mirror.io.frame_source import SourceInfo
from tongue_mirror.io.replay_buffer import EncodedFrame
from tongue_mirror.values import FaceObservation, Frame

T_contra = TypeVar("T_contra", contravariant=True)


class Feed(Protocol):
    """Live frames (`io.live_feed.LiveFeed`): the newest frame, or None with a reason."""

    @property
    def info(self) -> SourceInfo: ...
    @property
    def note(self) -> str | None: ...
    @property
    def problem(self) -> str | None: ...
    @property
    def ended(self) -> bool: ...
    def next_frame(self) -> Frame | None: ...


class StagedTracker(Protocol):
    """A face tracker in two steps (`io.face_tracker.FaceTracker`, `PhotoTracker`): `prepare`
    reads only the configuration, so a worker may run it ahead; `track_prepared` runs in frame
    order on one thread. `track(frame)` is the two in turn."""

    def prepare(self, frame: Frame) -> TrackerInput: ...
    def track_prepared(self, prepared: TrackerInput) -> FaceObservation | None: ...


class Display(Protocol):
    """A window (`io.window.Window`): shows a canvas, returns a key."""

    def show(self, canvas: np.ndarray, wait_ms: int = 1) -> int | None: ...
    def toggle_fullscreen(self) -> None: ...
    def is_open(self) -> bool: ...


class Recorder(Protocol):
    """A video file being written (`io.recorder.VideoRecorder`)."""

    @property
    def path(self) -> Path: ...
    @property
    def frames_written(self) -> int: ...
    def open(self) -> None: ...
    def write(self, image: np.ndarray, t: float) -> None: ...
    def close(self) -> None: ...


class ReplayStore(Protocol):
    """The last seconds of pictures (`io.replay_buffer.ReplayBuffer`), saved on demand."""

    def push(self, image: np.ndarray, t: float) -> None: ...
    def snapshot(self) -> tuple[EncodedFrame, ...]: ...
    def save(self, path: Path, frames: tuple[EncodedFrame, ...] | None = None) -> int: ...


class Worker(Protocol[T_contra]):
    """Items consumed in order on another thread (`io.workers.BackgroundWorker`)."""

    @property
    def pending(self) -> int: ...
    def submit(self, item: T_contra) -> None: ...
    def try_submit(self, item: T_contra) -> bool: ...
    def flush(self) -> None: ...
    def close(self) -> None: ...

