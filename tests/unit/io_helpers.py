"""Frames and clips the I/O tests make for themselves (a unique name, unlike conftest)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tongue_mirror.io.recorder import VideoRecorder


def pattern(index: int, size: tuple[int, int] = (64, 48)) -> np.ndarray:
    """A frame whose grey level encodes its index and whose square moves, so frames differ."""
    w, h = size
    image = np.full((h, w, 3), 40 + (index * 7) % 180, np.uint8)
    x = (index * 3) % max(1, w - 8)
    image[4:12, x:x + 8] = (0, 0, 255)
    return image


def write_clip(path: Path, n: int = 30, fps: float = 30.0, size: tuple[int, int] = (64, 48),
               times: list[float] | None = None, **kwargs) -> Path:
    """An H.264 MP4 of `n` pattern frames written through the project's recorder."""
    with VideoRecorder(path, fps=fps, size=size, **kwargs) as rec:
        for i in range(n):
            rec.write(pattern(i, size), times[i] if times is not None else i / fps)
    return path


def write_vfr_clip(path: Path, times: list[float], size: tuple[int, int] = (64, 48)) -> Path:
    """An H.264 MP4 whose frames keep the given times (variable rate, as phones record).

    Written with PyAV directly: the project's recorder always makes constant-rate clips.
    """
    from fractions import Fraction

    import av

    base = Fraction(1, 90000)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        stream.time_base = stream.codec_context.time_base = base
        stream.codec_context.max_b_frames = 0
        for i, t in enumerate(times):
            frame = av.VideoFrame.from_ndarray(pattern(i, size), format="bgr24")
            frame.pts, frame.time_base = round(t / base), base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path
