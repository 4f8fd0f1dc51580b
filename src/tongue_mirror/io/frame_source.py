"""The one interface every frame source (camera, video file, images) offers the pipeline."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType

from tongue_mirror.values import Frame

SOURCE_KINDS = ("camera", "video", "image", "images")


@dataclass(frozen=True)
class SourceInfo:
    """What a source is and what it delivers, as far as it knows before the last frame."""

    kind: str  # one of SOURCE_KINDS
    name: str  # path or "camera N", for messages and output names
    width: int  # pixels of the frames it yields (after rotation)
    height: int
    fps: float  # nominal rate; a variable-rate file reports its average
    frame_count: int | None = None  # None where unknown (camera, some files)
    duration: float | None = None  # seconds; None where unknown or unbounded

    def __post_init__(self) -> None:
        if self.kind not in SOURCE_KINDS:
            raise ValueError(f"kind must be one of {SOURCE_KINDS}, got {self.kind!r}")
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"frame size must be positive, got {self.width}x{self.height}")
        if not self.fps > 0:
            raise ValueError(f"fps must be > 0, got {self.fps}")
        if self.frame_count is not None and self.frame_count < 0:
            raise ValueError("frame_count must be >= 0 or None")
        if self.duration is not None and self.duration < 0:
            raise ValueError("duration must be >= 0 or None")

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return self.width, self.height


class FrameSource(ABC):
    """Context manager that opens a device or file on enter and yields `Frame`s when iterated."""

    def __enter__(self) -> FrameSource:
        self.open()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @abstractmethod
    def open(self) -> None:
        """Acquire the device or file; raise UserError when it cannot be used."""

    @abstractmethod
    def close(self) -> None:
        """Release everything; safe to call twice."""

    @property
    @abstractmethod
    def info(self) -> SourceInfo:
        """Description of the opened source (only valid after open)."""

    @abstractmethod
    def __iter__(self) -> Iterator[Frame]:
        """Frames in order, with increasing `t`."""


class DescribedSource(FrameSource):
    """A source that learns its SourceInfo when it opens (camera, video file, images)."""

    _info: SourceInfo | None = None

    @property
    def info(self) -> SourceInfo:
        if self._info is None:
            raise RuntimeError(f"{type(self).__name__}.info is only known after open()")
        return self._info
