"""Writes the performer's synthetic frames as H.264: the project's VideoRecorder when present.

Until `tongue_mirror.io.recorder` lands in this branch, a minimal private PyAV libx264 yuv420p writer
with the same `with ...: write(image_bgr, t)` interface stands in; swapping is the import below.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import numpy as np

from tongue_mirror.errors import UserError


class _PyAvWriter:
    """Fallback: constant-rate H.264 MP4, pts = round(t * fps)."""

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], crf: int = 23) -> None:
        if size[0] % 2 or size[1] % 2:
            raise ValueError("frame width and height must be even for yuv420p")
        self.path, self.fps, self.size, self.crf = Path(path), float(fps), size, crf
        self._container = None
        self._stream = None

    def __enter__(self) -> _PyAvWriter:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._container = av.open(str(self.path), mode="w",
                                      options={"movflags": "+faststart"})
        except (OSError, av.FFmpegError) as exc:
            raise UserError(f"cannot write {self.path}: {exc}") from None
        stream = self._container.add_stream(
            "libx264", rate=Fraction(self.fps).limit_denominator(1001))
        stream.width, stream.height = self.size
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(self.crf), "preset": "medium"}
        self._stream = stream
        return self

    def write(self, image: np.ndarray, t: float) -> None:
        """Appends one BGR frame presented at `t` seconds."""
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="bgr24")
        frame.pts = round(t * self.fps)
        frame.time_base = Fraction(1) / self._stream.codec_context.framerate
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._container is None:
            return
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()
        self._container = None


def open_video_writer(path: str | Path, fps: float, size: tuple[int, int], crf: int = 23):
    """A context-managed H.264 writer with `write(image_bgr, t)`."""
    try:
        from tongue_mirror.io.recorder import VideoRecorder
    except ImportError:
        return _PyAvWriter(path, fps, size, crf)
    return VideoRecorder(path, fps, size, crf=crf, preset="medium")
