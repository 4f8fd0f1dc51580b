"""Runs a tongue detector over a dataset's photos and clips through the project's frame sources and
the front of the pipeline (`core.tongue_slice`), so a scored frame is a frame the app would see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tongue_mirror.core.gesture import TONGUE_OUT_START, GestureConfig, GestureTracker
from tongue_mirror.core.pipeline import Detector, Tracker
from tongue_mirror.core.tongue_slice import SliceResult, TongueSlice
from tongue_mirror.errors import UserError
from tongue_mirror.evaluation.dataset import Dataset, ImageItem, VideoItem
from tongue_mirror.io.face_tracker import TrackerConfig, tracker_for
from tongue_mirror.io.frame_source import FrameSource
from tongue_mirror.io.image_source import ImageSource
from tongue_mirror.io.progress import Progress
from tongue_mirror.io.video_file import VideoFileSource
from tongue_mirror.values import GestureEvent, TongueReading

DETECTORS = ("ours", "baseline")


def make_detector(name: str, weights: Path | None = None) -> Detector:
    """The learned detector ("ours", the shipped weights or those at `weights`) or the red-pixel
    baseline, by name."""
    if name == "baseline":
        if weights is not None:
            raise UserError("--weights is for the learned detector, not the baseline")
        from tongue_mirror.core.detector.baseline import BaselineDetector

        return BaselineDetector()
    if name == "ours":
        from tongue_mirror.io.detector_files import load_detector

        if weights is not None and not Path(weights).is_file():
            raise UserError(f"--weights {weights}: no such file")
        return load_detector(model_path=weights)
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
    t: np.ndarray  # Frame.t: seconds from the first frame's presentation time
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


def source_of(item: ImageItem | VideoItem) -> FrameSource:
    """The project's frame source for a dataset file (not opened)."""
    return ImageSource(item.path) if isinstance(item, ImageItem) else VideoFileSource(item.path)


def run_image(item: ImageItem, detector: Detector, gesture_config: GestureConfig,
              tracker_config: TrackerConfig | None = None) -> ImageResult:
    """One photo through its own source and tracker (`tracker_for` decides what a photo needs)."""
    try:
        with source_of(item) as source:
            frame = next(iter(source))
            with tracker_for("images", tracker_config or TrackerConfig()) as tracker:
                result = TongueSlice(tracker, detector, GestureTracker(gesture_config)).step(frame)
    except UserError:
        return ImageResult(item, False, None, "unreadable image")
    return ImageResult(item, result.face is not None, result.reading)


def run_video(item: VideoItem, detector: Detector, gesture_config: GestureConfig,
              tracker_config: TrackerConfig | None = None,
              progress: Progress | None = None, done: int = 0) -> VideoResult:
    """One clip through one tracker and one gesture tracker, frame by frame; `done` frames were
    counted by `progress` before this clip."""
    source = VideoFileSource(item.path)
    try:
        source.open()
    except UserError as exc:
        empty = np.zeros(0)
        return VideoResult(item, empty, empty, empty, empty, np.zeros(0, bool),
                           np.zeros(0, bool), (), 0.0, str(exc))
    try:
        with tracker_for(source.info.kind, tracker_config or TrackerConfig()) as tracker:
            on_frame = None if progress is None else (lambda n: progress.update(done + n))
            result, _rows = _score_source(item, source, tracker, detector, gesture_config,
                                          on_frame)
    finally:
        source.close()
    return result


def score_clip(item: VideoItem, tracker: Tracker, detector: Detector,
               gesture_config: GestureConfig) -> tuple[VideoResult, list[SliceResult]]:
    """One clip's frames through the front of the pipeline with a given face tracker (training
    replays cached landmarks); with every frame's slice result for what a VideoResult drops."""
    source = VideoFileSource(item.path)
    with source:
        return _score_source(item, source, tracker, detector, gesture_config)


def _score_source(item: VideoItem, source: VideoFileSource, tracker: Tracker, detector: Detector,
                  gesture_config: GestureConfig, on_frame: Callable[[int], object] | None = None
                  ) -> tuple[VideoResult, list[SliceResult]]:
    rows: list[SliceResult] = []
    front = TongueSlice(tracker, detector, GestureTracker(gesture_config))
    for frame in source:
        rows.append(front.step(frame))
        if on_frame is not None:
            on_frame(len(rows))
    result = VideoResult(
        item=item, t=np.array([r.frame.t for r in rows], dtype=np.float64),
        index=np.array([r.frame.index for r in rows], dtype=np.int64),
        probability=np.array([r.reading.probability for r in rows], dtype=np.float64),
        smoothed=np.array([r.tongue.probability for r in rows], dtype=np.float64),
        is_out=np.array([r.tongue.is_out for r in rows], dtype=bool),
        face_found=np.array([r.face is not None for r in rows], dtype=bool),
        events=tuple(e for r in rows for e in r.tongue.events), fps=source.info.fps,
        error=source.damage_report(),
    )
    return result, rows


def replay_clip(item: VideoItem, t: np.ndarray, index: np.ndarray, probability: np.ndarray,
                face_found: np.ndarray, gesture_config: GestureConfig, fps: float) -> VideoResult:
    """Per-frame readings already taken (times `t`, decode `index`, with or without a face) through
    a fresh gesture tracker, on the frames' own times: tracker settings or thresholds scored
    without running the detector again."""
    tracker = GestureTracker(gesture_config)
    states = [tracker.update(TongueReading(probability=float(p), logit=0.0 if face else None),
                             float(ti), int(i))
              for ti, i, p, face in zip(np.asarray(t).tolist(), np.asarray(index).tolist(),
                                        np.asarray(probability).tolist(),
                                        np.asarray(face_found).tolist(), strict=True)]
    return VideoResult(
        item=item, t=np.asarray(t, dtype=np.float64), index=np.asarray(index, dtype=np.int64),
        probability=np.asarray(probability, dtype=np.float64),
        smoothed=np.array([s.probability for s in states], dtype=np.float64),
        is_out=np.array([s.is_out for s in states], dtype=bool),
        face_found=np.asarray(face_found, dtype=bool),
        events=tuple(e for s in states for e in s.events), fps=fps)


def frames_in(dataset: Dataset) -> int:
    """Frames a run will score (a photo is one), for the progress bar; unreadable clips count 0."""
    total = len(dataset.images)
    for item in dataset.videos:
        try:
            with VideoFileSource(item.path) as source:
                total += source.info.frame_count or 0
        except UserError:
            pass
    return total


def run_dataset(dataset: Dataset, detector: Detector, gesture_config: GestureConfig,
                show_progress: bool = False) -> tuple[list[ImageResult], list[VideoResult]]:
    """Every photo and every clip of a dataset."""
    progress = Progress(frames_in(dataset), label="eval") if show_progress else None
    images = []
    for photo in dataset.images:
        images.append(run_image(photo, detector, gesture_config))
        if progress is not None:
            progress.update(len(images))
    done = len(images)
    videos = []
    for clip in dataset.videos:
        videos.append(run_video(clip, detector, gesture_config, progress=progress, done=done))
        done += videos[-1].n_frames
    if progress is not None:
        progress.finish()
    return images, videos
