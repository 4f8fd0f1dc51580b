"""The last N seconds of the live view as JPEGs: `b` saves a replay without keeping raw frames.

Why JPEG and not H.264 packets, measured at 1280×720 on the shared 2-core box
(benchmarks/recorder_cost.py): cv2.imencode at quality 85 costs ~2 ms median and ~90 KB per
frame, so 20 s at 30 fps is ~55 MB; x264 `veryfast` costs ~10 ms median (p95 15–25 ms under
load) in the caller, a third of a 33 ms frame budget, and would run twice whenever a recording
is also on. JPEG frames need no keyframe bookkeeping either: the buffer can be cut at any
frame. Saving decodes them and goes through the same VideoRecorder as every other video.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from tongue_mirror.io.recorder import VideoRecorder


@dataclass(frozen=True)
class ReplayConfig:
    """How much the buffer keeps and how well."""

    seconds: float = 20.0
    jpeg_quality: int = 85
    max_bytes: int = 190_000_000  # hard cap whatever the content: under 200 MB with overhead

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise ValueError(f"seconds must be > 0, got {self.seconds}")
        if not 1 <= self.jpeg_quality <= 100:
            raise ValueError(f"jpeg_quality must be in 1..100, got {self.jpeg_quality}")
        if self.max_bytes < 1:
            raise ValueError("max_bytes must be >= 1")


@dataclass(frozen=True)
class EncodedFrame:
    """One JPEG with the source time it was shown at."""

    t: float
    jpeg: bytes


class ReplayBuffer:
    """`push(image, t)` each shown frame; `save(path)` writes the last `seconds` as an MP4."""

    def __init__(self, seconds: float = 20.0, fps: float = 30.0,
                 size: tuple[int, int] | None = None, jpeg_quality: int = 85,
                 max_bytes: int = 190_000_000) -> None:
        self.config = ReplayConfig(seconds=seconds, jpeg_quality=jpeg_quality,
                                   max_bytes=max_bytes)
        if not fps > 0:
            raise ValueError(f"fps must be > 0, got {fps}")
        self.fps = float(fps)
        self.size = size  # (w, h) every pushed frame must have; None = taken from the first push
        self._frames: deque[EncodedFrame] = deque()
        self._bytes = 0
        self._lock = threading.Lock()  # push (live loop) and save (a helper thread) may overlap

    def push(self, image: np.ndarray, t: float) -> None:
        """Encode and keep one frame, dropping frames older than `seconds` before `t`."""
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"image must be H×W×3 uint8 BGR, got {image.shape} {image.dtype}")
        size = (image.shape[1], image.shape[0])
        if self.size is None:
            self.size = size
        elif size != self.size:
            raise ValueError(f"image is {size[0]}x{size[1]}, the buffer holds "
                             f"{self.size[0]}x{self.size[1]}")
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.config.jpeg_quality])
        if not ok:
            raise ValueError("JPEG encoding failed")
        item = EncodedFrame(t=float(t), jpeg=data.tobytes())
        with self._lock:
            if self._frames and item.t < self._frames[-1].t:
                self._clear_locked()  # the source restarted: an older replay would be confusing
            self._frames.append(item)
            self._bytes += len(item.jpeg)
            oldest_allowed = item.t - self.config.seconds
            while self._frames and (self._frames[0].t < oldest_allowed
                                    or self._bytes > self.config.max_bytes):
                self._bytes -= len(self._frames.popleft().jpeg)

    def clear(self) -> None:
        with self._lock:
            self._clear_locked()

    def _clear_locked(self) -> None:
        self._frames.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def nbytes(self) -> int:
        """Bytes held by the encoded frames."""
        return self._bytes

    @property
    def span(self) -> float:
        """Seconds between the oldest and newest frame held."""
        with self._lock:
            return self._frames[-1].t - self._frames[0].t if self._frames else 0.0

    def snapshot(self) -> tuple[EncodedFrame, ...]:
        """The frames held now, safe to save while pushing continues."""
        with self._lock:
            return tuple(self._frames)

    def save(self, path: str | Path, frames: tuple[EncodedFrame, ...] | None = None) -> int:
        """Write the held frames (or a snapshot) as a constant-rate H.264 MP4; frames written.

        Takes seconds for a full buffer and runs entirely on the calling thread (JPEG decode
        and x264 both release the GIL): the live loop snapshot()s at the key press and hands
        this to a low-priority worker. Frames missing from the buffer hold the previous picture.
        """
        frames = self.snapshot() if frames is None else frames
        if not frames or self.size is None:
            return 0
        # One x264 thread: a save uses at most one core, the other stays free for the live loop.
        with VideoRecorder(path, fps=self.fps, size=self.size, threads=1) as recorder:
            for item in frames:
                image = cv2.imdecode(np.frombuffer(item.jpeg, np.uint8), cv2.IMREAD_COLOR)
                if image is not None:  # a JPEG we wrote ourselves; never None in practice
                    recorder.write(image, item.t)
        return recorder.frames_written
