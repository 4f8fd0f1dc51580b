"""Where live frames come from: a camera that may vanish and come back, or a file played as a camera."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

from tongue_mirror.errors import UserError
from tongue_mirror.io.assets import assets_dir
from tongue_mirror.io.camera import CameraSource
from tongue_mirror.io.frame_source import FrameSource, SourceInfo
from tongue_mirror.io.sources import PacedSource
from tongue_mirror.io.video_file import VideoFileSource
from tongue_mirror.values import Frame

RECONNECT_EVERY_S = 2.0
STALL_S = 2.0


def bundled_samples() -> list[Path]:
    """The demo clips shipped in assets/samples, synthetic-performer clips first."""
    folder = assets_dir() / "samples"
    clips = sorted(folder.glob("*.mp4"))
    return sorted(clips, key=lambda p: ("zoom" in p.name, p.name))


class LiveFeed:
    """Gives the live loop its next frame, or None with a reason while the camera is away."""

    def __init__(self, source: FrameSource, note: str | None = None) -> None:
        self.source = source
        self.note = note  # shown on screen, e.g. "no camera: playing a synthetic sample"
        self.problem: str | None = None  # e.g. "camera lost: reconnecting…"
        self._iter: Iterator[Frame] | None = None
        self.ended = False  # a file feed ran out (a camera never ends: it reconnects)
        self._next_reconnect = 0.0

    @property
    def is_camera(self) -> bool:
        return isinstance(self.source, CameraSource)

    @property
    def info(self) -> SourceInfo:
        return self.source.info

    def __enter__(self) -> LiveFeed:
        self.source.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.source.close()

    def next_frame(self) -> Frame | None:
        """The newest frame; None when none came in time (camera stalled or lost)."""
        if self.is_camera:
            return self._camera_frame()
        if self._iter is None:
            self._iter = iter(self.source)
        frame = next(self._iter, None)
        self.ended = frame is None
        return frame

    def _camera_frame(self) -> Frame | None:
        cam: CameraSource = self.source  # type: ignore[assignment]
        frame = cam.read(timeout=0.25) if cam.is_alive else None
        if frame is not None:
            self.problem = None
            return frame
        if not cam.is_alive or cam.stalled > STALL_S:
            self.problem = "camera lost: reconnecting... (check the cable)"
            now = time.monotonic()
            if now >= self._next_reconnect:
                self._next_reconnect = now + RECONNECT_EVERY_S
                with contextlib.suppress(UserError):
                    cam.reconnect()
        return None


def open_feed(camera: int | None, source: Path | None,
              resolution: tuple[int, int] | None) -> LiveFeed:
    """An explicit camera or file as asked; with neither, camera 0, else the bundled sample."""
    if source is not None:
        if not source.exists():
            raise UserError(f"no such file: {source}")
        return LiveFeed(PacedSource(VideoFileSource(source, loop=True)))
    if camera is not None:
        return LiveFeed(CameraSource(camera, resolution=resolution))
    cam = CameraSource(0, resolution=resolution)
    try:
        cam.open()  # kept open: LiveFeed's own open() is then a no-op
        return LiveFeed(cam)
    except UserError:
        samples = bundled_samples()
        if not samples:
            raise UserError("no camera found and no bundled sample: pass --source VIDEO") from None
        synthetic = "zoom" not in samples[0].name
        what = "a synthetic sample clip" if synthetic else "a sample clip"
        return LiveFeed(PacedSource(VideoFileSource(samples[0], loop=True)),
                        note=f"no camera found: playing {what}")
