"""Dev-set access for training: frames through the project's sources, and a landmark cache in /tmp.

Landmarking every dev image and video frame takes minutes; features take milliseconds. So the
landmarks (and blendshapes, head pose) are cached per file under /tmp, never in the repository,
and the training script re-reads pixels through the same sources when it computes features.
Photos are tracked as `eval` tracks them (`PhotoTracker`), clips through `VideoFileSource`
(upright, times from the first frame), so a frame index means the same image in both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tongue_mirror.evaluation.dataset import ImageItem, VideoItem
from tongue_mirror.io.face_tracker import FaceTracker, PhotoTracker, TrackerConfig, tracker_for
from tongue_mirror.io.image_source import read_image
from tongue_mirror.io.video_file import VideoFileSource
from tongue_mirror.values import FaceObservation, Frame

# v2: clips decoded by VideoFileSource (display matrix applied) instead of a private decoder.
CACHE_VERSION = "v2"
DEFAULT_CACHE = Path("/tmp/tongue_mirror_detector_cache")

__all__ = ["DEFAULT_CACHE", "CachedFaces", "StillLandmarker", "cached_faces", "cached_observation",
           "clip_fps", "clip_frames", "frame_labels", "read_image"]


def frame_labels(item: VideoItem, n: int) -> np.ndarray:
    """Per frame: 1 tongue out (sure), 0 not out, -1 ambiguous (scored neither way)."""
    truth = item.frame_truth(n)
    return np.array([-1 if v is None else int(v) for v in truth], dtype=np.int8)


def clip_frames(path: Path) -> Iterator[Frame]:
    """Every frame of a clip as `process` and `eval` see it."""
    with VideoFileSource(path) as source:
        yield from source


def clip_fps(path: Path) -> float:
    """The clip's average frame rate as its source reports it."""
    with VideoFileSource(path) as source:
        return source.info.fps


@dataclass(frozen=True)
class CachedFaces:
    """Landmarks of every frame of one file; found[i] False where no face was seen."""

    found: np.ndarray  # (n,) bool
    landmarks: np.ndarray  # (n, 478, 3) float32
    blendshapes: np.ndarray  # (n, B) float32
    blendshape_names: tuple[str, ...]
    yaw_pitch_roll: np.ndarray  # (n, 3)

    def observation(self, i: int, image_size: tuple[int, int]) -> FaceObservation | None:
        """The cached face of frame i as the detector receives it live (None past the end)."""
        if i >= len(self.found) or not self.found[i]:
            return None
        return cached_observation(self.landmarks[i], self.blendshape_names,
                                  self.blendshapes[i], self.yaw_pitch_roll[i], image_size)

    def track(self, frame: Frame) -> FaceObservation | None:
        """A tracker that replays the cache, so `TongueSlice` can run on cached landmarks."""
        return self.observation(frame.index, frame.size)

    def forget_face(self) -> None:
        """Nothing to forget: every frame's face is already known."""


def cached_observation(landmarks: np.ndarray, blendshape_names: Sequence[str],
                       blendshapes: np.ndarray | Sequence[float],
                       yaw_pitch_roll: np.ndarray | Sequence[float],
                       image_size: tuple[int, int]) -> FaceObservation:
    """A face as the detector receives it live, from a landmarker's stored output (landmarks,
    blendshape scores, head pose); its box is the landmarks' extent."""
    pts = np.asarray(landmarks, np.float32)
    x0, y0 = pts[:, :2].min(axis=0)
    x1, y1 = pts[:, :2].max(axis=0)
    yaw, pitch, roll = (float(v) for v in yaw_pitch_roll)
    return FaceObservation(
        landmarks=pts, blendshapes=dict(zip([str(n) for n in blendshape_names],
                                            np.asarray(blendshapes).tolist(), strict=True)),
        yaw=yaw, pitch=pitch, roll=roll,
        bbox=(float(x0), float(y0), float(x1), float(y1)), image_size=image_size)


def _pack(faces: list[FaceObservation | None]) -> dict[str, np.ndarray]:
    names: tuple[str, ...] = ()
    for f in faces:
        if f is not None:
            names = tuple(sorted(f.blendshapes))
            break
    n = len(faces)
    found = np.array([f is not None for f in faces], dtype=bool)
    lms = np.zeros((n, 478, 3), np.float32)
    bs = np.zeros((n, len(names)), np.float32)
    ypr = np.zeros((n, 3), np.float32)
    for i, f in enumerate(faces):
        if f is None:
            continue
        lms[i] = f.landmarks
        bs[i] = [f.blendshape(k) for k in names]
        ypr[i] = (f.yaw, f.pitch, f.roll)
    return {"found": found, "landmarks": lms, "blendshapes": bs,
            "names": np.array(names, dtype=object), "ypr": ypr}


def _cache_file(cache: Path, rel: str) -> Path:
    key = hashlib.sha1(f"{CACHE_VERSION}:{rel}".encode()).hexdigest()[:16]
    return cache / f"{key}.npz"


class StillLandmarker:
    """One tracker for many synthetic stills of similar framing (face-centred crops).

    Training only, for speed: a fresh tracker per image (`PhotoTracker`, what real photos get)
    costs about a second; instead each still is shown twice, a second apart, so a stale tracking
    region from the previous still is refined or re-detected before the answer is taken.
    """

    def __init__(self) -> None:
        self._tracker = FaceTracker(TrackerConfig())
        self._t = 0.0
        self._i = 0

    def __enter__(self) -> StillLandmarker:
        self._tracker.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self._tracker.close()

    def __call__(self, image: np.ndarray) -> FaceObservation | None:
        face = None
        for _ in range(2):
            self._t += 1.0
            self._i += 1
            face = self._tracker.track(Frame(image, self._t, self._i))
        return face


def cached_faces(item: ImageItem | VideoItem, cache: Path = DEFAULT_CACHE) -> CachedFaces:
    """Landmarks for one dataset file, computed once and kept in /tmp."""
    cache.mkdir(parents=True, exist_ok=True)
    target = _cache_file(cache, item.name)
    if not target.is_file():
        if isinstance(item, ImageItem):
            img = read_image(item.path)
            faces = [PhotoTracker().track(Frame(img, 0.0, 0)) if img is not None else None]
        else:
            with VideoFileSource(item.path) as source, \
                    tracker_for(source.info.kind, TrackerConfig()) as tracker:
                faces = [tracker.track(frame) for frame in source]
        tmp = target.with_suffix(".tmp.npz")
        # numpy's stub checks **arrays against its allow_pickle: bool keyword as well.
        np.savez_compressed(tmp, **_pack(faces))  # type: ignore[arg-type]
        tmp.replace(target)
    z = np.load(target, allow_pickle=True)
    return CachedFaces(z["found"], z["landmarks"], z["blendshapes"],
                       tuple(str(s) for s in z["names"]), z["ypr"])
