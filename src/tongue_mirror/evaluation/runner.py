"""Runs face tracking, a tongue detector and the gesture tracker over photos and clips."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol, TextIO

import cv2
import numpy as np

from tongue_mirror.core.gesture import TONGUE_OUT_START, GestureConfig, GestureTracker
from tongue_mirror.errors import UserError
from tongue_mirror.evaluation.dataset import Dataset, ImageItem, VideoItem
from tongue_mirror.io.face_tracker import FaceTracker, TrackerConfig
from tongue_mirror.values import FaceObservation, Frame, GestureEvent, TongueReading

DETECTORS = ("ours", "baseline")


class Detector(Protocol):
    """Anything that reads a tongue from a frame and its face."""

    def read(self, image_bgr: np.ndarray, face: FaceObservation | None) -> TongueReading: ...


def make_detector(name: str) -> Detector:
    """The learned detector ("ours") or the red-pixel baseline, by name."""
    if name == "baseline":
        from tongue_mirror.core.detector.baseline import BaselineDetector

        return BaselineDetector()
    if name == "ours":
        try:
            from tongue_mirror.io.detector_files import load_detector
        except ImportError as exc:
            raise UserError(f"the learned detector is not available ({exc}); "
                            "try --detector baseline") from None
        return load_detector()
    raise UserError(f"unknown detector {name!r}: choose one of {', '.join(DETECTORS)}")


@dataclass(frozen=True)
class ImageResult:
    """One photo's reading; `error` set when the file could not be read."""

    item: ImageItem
    face_found: bool
    reading: TongueReading | None
    error: str | None = None


@dataclass(frozen=True, eq=False)
class VideoResult:
    """Per-frame arrays of one clip, and the events the gesture tracker emitted."""

    item: VideoItem
    t: np.ndarray  # presentation time of each frame, seconds from the first frame
    index: np.ndarray  # 0-based decode index
    probability: np.ndarray  # the detector's raw probability
    smoothed: np.ndarray  # what the gesture tracker acted on
    is_out: np.ndarray  # the tracker's state after each frame
    face_found: np.ndarray
    events: tuple[GestureEvent, ...]
    fps: float
    error: str | None = None

    @property
    def n_frames(self) -> int:
        """Frames decoded."""
        return len(self.t)

    @property
    def duration_s(self) -> float:
        """Footage length: frame count over frame rate (the time span when fps is unknown)."""
        if self.n_frames == 0:
            return 0.0
        if self.fps > 0:
            return self.n_frames / self.fps
        return float(self.t[-1] - self.t[0])

    @property
    def starts(self) -> list[tuple[float, int]]:
        """(t, frame) of every tongue_out_start, at the frame where it was emitted."""
        return [(e.t, e.frame) for e in self.events if e.event == TONGUE_OUT_START]


class Progress:
    """One status line on a terminal (overwritten), a plain line per item otherwise."""

    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def item(self, text: str) -> None:
        """Reports the item being started."""
        if not self.enabled:
            return
        if self._tty:
            self.stream.write("\r\x1b[K" + text[:120])
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def update(self, text: str) -> None:
        """Refreshes the line during a long item (terminals only, so logs stay short)."""
        if self.enabled and self._tty:
            self.stream.write("\r\x1b[K" + text[:120])
            self.stream.flush()

    def done(self) -> None:
        """Ends the status line."""
        if self.enabled and self._tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


TrackerFactory = Callable[[], FaceTracker]


def run_images(items: tuple[ImageItem, ...], detector: Detector,
               tracker_factory: TrackerFactory = FaceTracker,
               progress: Progress | None = None) -> list[ImageResult]:
    """Reads every photo with a fresh tracker (VIDEO-mode tracking must not carry across photos)."""
    progress = progress or Progress(enabled=False)
    results = []
    for i, item in enumerate(items, start=1):
        progress.item(f"images {i}/{len(items)}  {item.name}")
        image = cv2.imread(str(item.path), cv2.IMREAD_COLOR)
        if image is None:
            results.append(ImageResult(item, False, None, "unreadable image"))
            continue
        with tracker_factory() as tracker:
            face = tracker.track(Frame(image, 0.0, 0))
        results.append(ImageResult(item, face is not None, detector.read(image, face)))
    progress.done()
    return results


def open_video(path) -> tuple[Iterator[tuple[np.ndarray, float | None]], float, Callable[[], None]]:
    """BGR frames with their presentation times, the stream's frame rate, and a closer.

    The one decoder of scored footage: the training tools read clips through it too, so a frame
    index means the same image when training and when scoring.
    """
    import av

    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as exc:
        raise UserError(f"cannot open video {path}: {exc}") from None
    if not container.streams.video:
        container.close()
        raise UserError(f"{path} has no video stream")
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    rate = stream.average_rate or stream.guessed_rate
    fps = float(rate) if rate else 0.0

    def frames() -> Iterator[tuple[np.ndarray, float | None]]:
        for frame in container.decode(stream):
            yield frame.to_ndarray(format="bgr24"), frame.time

    return frames(), fps, container.close


def timeline(frames: Iterator[tuple[np.ndarray, float | None]], fps: float
             ) -> Iterator[tuple[int, float, np.ndarray]]:
    """(index, seconds since the first frame, image) from `open_video`'s frames: presentation
    times where the container has them, else index over frame rate."""
    first: float | None = None
    for i, (image, pts) in enumerate(frames):
        if pts is not None and first is None:
            first = pts
        t = (pts - first) if (pts is not None and first is not None) else (
            i / fps if fps > 0 else float(i))
        yield i, t, image


def run_video(item: VideoItem, detector: Detector, gesture_config: GestureConfig,
              tracker_config: TrackerConfig | None = None,
              progress: Progress | None = None) -> VideoResult:
    """One clip through one FaceTracker and one GestureTracker, frame by frame."""
    progress = progress or Progress(enabled=False)
    gesture = GestureTracker(gesture_config)
    reset = getattr(detector, "reset", None)
    if callable(reset):
        reset()  # a detector with temporal state must not carry it from the previous clip
    t_list: list[float] = []
    prob: list[float] = []
    smooth: list[float] = []
    out: list[bool] = []
    faces: list[bool] = []
    events: list[GestureEvent] = []
    error = None
    try:
        frames, fps, close = open_video(item.path)
    except UserError as exc:
        return VideoResult(item, *(np.zeros(0) for _ in range(4)), np.zeros(0, bool),
                           np.zeros(0, bool), (), 0.0, str(exc))
    import av

    try:
        with FaceTracker(tracker_config or TrackerConfig()) as tracker:
            for i, t, image in timeline(frames, fps):
                face = tracker.track(Frame(image, t, i))
                reading = detector.read(image, face)
                state = gesture.update(reading, t, i)
                t_list.append(t)
                prob.append(reading.probability)
                smooth.append(state.probability)
                out.append(state.is_out)
                faces.append(face is not None)
                events.extend(state.events)
                if i % 25 == 0:
                    progress.update(f"  {item.name}  frame {i}")
    except av.FFmpegError as exc:
        error = f"decoding stopped after {len(t_list)} frames: {exc}"
    finally:
        close()
    return VideoResult(
        item=item, t=np.array(t_list, dtype=np.float64), index=np.arange(len(t_list)),
        probability=np.array(prob, dtype=np.float64), smoothed=np.array(smooth, dtype=np.float64),
        is_out=np.array(out, dtype=bool), face_found=np.array(faces, dtype=bool),
        events=tuple(events), fps=fps, error=error,
    )


def run_dataset(dataset: Dataset, detector: Detector, gesture_config: GestureConfig,
                progress: Progress | None = None
                ) -> tuple[list[ImageResult], list[VideoResult]]:
    """Every photo and every clip of a dataset."""
    progress = progress or Progress(enabled=False)
    images = run_images(dataset.images, detector, progress=progress)
    videos = []
    for i, item in enumerate(dataset.videos, start=1):
        progress.item(f"videos {i}/{len(dataset.videos)}  {item.name}")
        videos.append(run_video(item, detector, gesture_config, progress=progress))
    progress.done()
    return images, videos
