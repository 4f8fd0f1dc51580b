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
