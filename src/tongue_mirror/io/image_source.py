"""Still images, one file or a sorted folder, as a frame source for tests and photo sets."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from tongue_mirror.errors import UserError
from tongue_mirror.io.frame_source import DescribedSource, SourceInfo
from tongue_mirror.values import Frame

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"})


def read_image(path: Path) -> np.ndarray | None:
    """BGR uint8 image or None; reads through numpy so non-ASCII paths work on Windows too."""
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError:
        return None
    if data.size == 0:
        return None
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)  # grey and alpha both become BGR
    return image


class ImageSource(DescribedSource):
    """A single image or every image in a folder (name order); frame i is shown at t = i / fps."""

    def __init__(self, path: str | Path, fps: float = 1.0) -> None:
        if not fps > 0:
            raise ValueError(f"fps must be > 0, got {fps}")
        self.path = Path(path)
        self.fps = float(fps)
        self.errors: list[str] = []  # unreadable files in a folder, skipped
        self._files: list[Path] = []
        self._first: np.ndarray | None = None
        self._info: SourceInfo | None = None

    def open(self) -> None:
        if not self.path.exists():
            raise UserError(f"image path not found: {self.path}")
        if self.path.is_dir():
            files = sorted(p for p in self.path.iterdir()
                           if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            if not files:
                raise UserError(f"no images ({', '.join(sorted(IMAGE_SUFFIXES))}) in {self.path}")
        else:
            files = [self.path]
        first = None
        while files and first is None:
            first = read_image(files[0])
            if first is None:
                self.errors.append(f"not a readable image: {files[0]}")
                files = files[1:]
        if first is None:
            raise UserError(f"not a readable image: {self.path}" if not self.path.is_dir()
                            else f"none of the images in {self.path} could be read")
        self._files, self._first = files, first
        h, w = first.shape[:2]
        self._info = SourceInfo(kind="images" if self.path.is_dir() else "image",
                                name=str(self.path), width=w, height=h, fps=self.fps,
                                frame_count=len(files), duration=len(files) / self.fps)

    def close(self) -> None:
        self._first = None

    def __iter__(self) -> Iterator[Frame]:
        if self._info is None:
            raise RuntimeError("open the ImageSource (use it in a with-block) before iterating")
        index = 0
        for i, path in enumerate(self._files):
            image = self._first if i == 0 and self._first is not None else read_image(path)
            if image is None:
                self.errors.append(f"not a readable image: {path}")
                continue
            yield Frame(image=image, t=index / self.fps, index=index,
                        capture_time=time.perf_counter())
            index += 1
