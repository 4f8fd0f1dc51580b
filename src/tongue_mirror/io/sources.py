"""Every frame source in one import, real-time pacing,, choosing a source from a CLI argument."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tongue_mirror.errors import UserError
from tongue_mirror.io.camera import CameraSource, list_cameras
from tongue_mirror.io.frame_source import FrameSource, SourceInfo
from tongue_mirror.io.image_source import IMAGE_SUFFIXES, ImageSource
from tongue_mirror.io.video_file import VideoFileSource
from tongue_mirror.values import Frame

__all__ = [
    "CameraSource", "Frame", "FrameSource", "ImageSource", "PacedSource", "SourceInfo",
    "VideoFileSource", "list_cameras", "open_source",
]


class PacedSource(FrameSource):
    """Releases another source's frames in real time at `fps`, like a camera: for demos and latency.

    `t` is the release slot (k / fps, a monotonic clock from the first frame). With
    `drop_late`, a consumer slower than `fps` gets the frame due now, as from a real camera,
    and the skipped ones are counted in `dropped`.
    """

    def __init__(self, inner: FrameSource, fps: float | None = None, drop_late: bool = True,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if fps is not None and not fps > 0:
            raise ValueError(f"fps must be > 0, got {fps}")
        self.inner = inner
        self._fps = fps
        self.drop_late = drop_late
        self.dropped = 0
        self._clock = clock
        self._sleep = sleep

    def open(self) -> None:
        self.inner.open()

    def close(self) -> None:
        self.inner.close()

    @property
    def fps(self) -> float:
        return self._fps if self._fps is not None else self.inner.info.fps

    @property
    def info(self) -> SourceInfo:
        inner = self.inner.info
        return SourceInfo(kind=inner.kind, name=inner.name, width=inner.width,
                          height=inner.height, fps=self.fps, frame_count=inner.frame_count,
                          duration=None if inner.frame_count is None
                          else inner.frame_count / self.fps)

    def __iter__(self) -> Iterator[Frame]:
        period = 1.0 / self.fps
        frames = iter(self.inner)
        start: float | None = None
        slot = 0
        for frame in frames:  # `frame` is the candidate for release slot `slot`
            now = self._clock()
            if start is None:
                start = now
            if self.drop_late:  # the consumer fell behind: skip the frames a camera would
                while int((now - start) / period) > slot:
                    newer = next(frames, None)
                    if newer is None:
                        return
                    frame = newer
                    slot += 1
                    self.dropped += 1
            due = start + slot * period
            if due > now:
                self._sleep(due - now)
            # A camera captured this slot's frame when it was due, even if we take it late.
            late = max(0.0, self._clock() - due)
            yield Frame(image=frame.image, t=slot * period, index=slot,
                        capture_time=time.perf_counter() - late)
            slot += 1


def open_source(spec: str | int, loop: bool = False, resolution: tuple[int, int] | None = None,
                fps: float | None = None) -> FrameSource:
    """A camera for an integer ("0"), an image or image folder, else a video file (not opened)."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.strip().isdigit()):
        return CameraSource(int(spec), resolution=resolution, fps=fps)
    path = Path(spec).expanduser()
    if not path.exists():
        raise UserError(f"no such file or folder: {path}")
    if path.is_dir() or path.suffix.lower() in IMAGE_SUFFIXES:
        return ImageSource(path, fps=fps or 1.0)
    return VideoFileSource(path, loop=loop)
