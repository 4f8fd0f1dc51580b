"""Dev-set access for training: manifest, person groups, labels and a landmark cache in /tmp.

Landmarking every dev image and video frame takes minutes; features take milliseconds. So the
landmarks (and blendshapes, head pose) are cached per file under /tmp, never in the repository,
and the training script re-reads pixels from /work/shared/data when it computes features.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from tongue_mirror.evaluation.runner import open_video, timeline
from tongue_mirror.io.face_tracker import FaceTracker, TrackerConfig
from tongue_mirror.values import FaceObservation, Frame

CACHE_VERSION = "v1"
DEFAULT_CACHE = Path("/tmp/tongue_mirror_detector_cache")

# The avc clip has another detector's box and text drawn near the mouth while the tongue is out.
# We never let it reach the features: the training script paints over it (see overlay_mask).
OVERLAY_CLIP = "Tongue-Detection-Classif__avc_classification_s.mp4"


@dataclass(frozen=True)
class Item:
    """One manifest row with the person group it belongs to for leave-people-out validation."""

    path: str  # relative to the dev dir
    kind: str  # image | video
    label: str  # tongue_out | no_tongue | mixed_video
    direction: str
    source_repo: str
    group: str


def person_group(row: dict) -> str:
    """Who is in a file, as well as the manifest lets us tell: the unit held out in validation.

    - HariharaBharathy IMG_2018*, img_0* : the one man of that repo (all his sessions together);
    - HariharaBharathy web photos (Freepik, Getty, portraits): one person per file;
    - dronefreak 9.jpg and 3d.jpg: the same frame of one man; image.jpg: one woman;
    - muxspace (LFW-derived): the person's name in the file name;
    - HelloMeme xzy1/2/3: one man; every other clip: its own person;
    - LivePortrait dNN.jpg and dNN.mp4 share a number only by accident: each file its own person.
    """
    name = Path(row["path"]).name
    repo = row["source_repo"]
    stem = name.split("__", 1)[-1].rsplit(".", 1)[0]
    if repo.startswith("HariharaBharathy"):
        if stem.startswith("IMG_2018") or re.fullmatch(r"img_\d+", stem):
            return "harihara_man"
        return f"web:{stem}"
    if repo.startswith("dronefreak"):
        return "dronefreak_man" if stem in ("9", "3d") else f"dronefreak:{stem}"
    if repo.startswith("muxspace"):
        return "lfw:" + re.sub(r"_\d+$", "", stem.split("expressions__")[-1])
    if repo.startswith("HelloVision"):
        return "hellomeme_xzy" if stem.startswith("xzy") else f"hellomeme:{stem}"
    if repo.startswith("KwaiVGI"):
        return f"liveportrait:{name}"
    if repo.startswith("Muneeb"):
        return f"yawn:{stem}"
    if repo.startswith("Hamed"):
        return "avc_man"
    return f"other:{stem}"


def read_manifest(dev: Path) -> list[Item]:
    """Manifest rows as Items."""
    with (dev / "manifest.csv").open(newline="") as fh:
        return [Item(r["path"], r["kind"], r["label"], r.get("direction", ""), r["source_repo"],
                     person_group(r)) for r in csv.DictReader(fh)]


def read_intervals(dev: Path, item: Item) -> list[tuple[int, int, str]]:
    """(start_frame, end_frame, confidence) rows of a mixed clip's labels."""
    path = dev / "labels" / (Path(item.path).stem + ".csv")
    if not path.is_file():
        return []
    with path.open(newline="") as fh:
        return [(int(r["start_frame"]), int(r["end_frame"]), r["confidence"])
                for r in csv.DictReader(fh)]


def frame_labels(n: int, intervals: list[tuple[int, int, str]]) -> np.ndarray:
    """Per frame: 1 tongue out (sure), 0 not out, -1 ambiguous (scored neither way)."""
    y = np.zeros(n, dtype=np.int8)
    for a, b, conf in intervals:
        y[a:b + 1] = 1 if conf == "sure" else -1
    return y


def read_image(path: Path) -> np.ndarray | None:
    """BGR image, or None where OpenCV cannot read it."""
    return cv2.imread(str(path), cv2.IMREAD_COLOR)


def iter_video(path: Path) -> Iterator[tuple[int, float, np.ndarray]]:
    """(index, t seconds from the first frame, BGR frame) for every frame of a clip, decoded and
    timed as `tongue-mirror eval` does it."""
    frames, fps, close = open_video(path)
    try:
        yield from timeline(frames, fps)
    finally:
        close()


def video_fps(path: Path) -> float:
    """The clip's average frame rate (30 where the container does not say)."""
    _frames, fps, close = open_video(path)
    close()
    return fps or 30.0


@dataclass(frozen=True)
class CachedFaces:
    """Landmarks of every frame of one file; found[i] False where no face was seen."""

    found: np.ndarray  # (n,) bool
    landmarks: np.ndarray  # (n, 478, 3) float32
    blendshapes: np.ndarray  # (n, B) float32
    blendshape_names: tuple[str, ...]
    yaw_pitch_roll: np.ndarray  # (n, 3)

    def observation(self, i: int, image_size: tuple[int, int]) -> FaceObservation | None:
        """The cached face of frame i as the detector receives it live."""
        if not self.found[i]:
            return None
        pts = self.landmarks[i]
        x0, y0 = pts[:, :2].min(axis=0)
        x1, y1 = pts[:, :2].max(axis=0)
        yaw, pitch, roll = (float(v) for v in self.yaw_pitch_roll[i])
        return FaceObservation(
            landmarks=pts, blendshapes=dict(zip(self.blendshape_names, self.blendshapes[i].tolist(),
                                                strict=True)),
            transform=np.eye(4, dtype=np.float32), yaw=yaw, pitch=pitch, roll=roll,
            bbox=(float(x0), float(y0), float(x1), float(y1)), image_size=image_size)


def _pack(faces: list[FaceObservation | None]) -> dict:
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


def landmark_image(image: np.ndarray) -> FaceObservation | None:
    """A fresh tracker per still image, so no tracking state leaks from one photo to the next."""
    with FaceTracker(TrackerConfig()) as tracker:
        return tracker.track(Frame(image, 0.0, 0))


class StillLandmarker:
    """One tracker for many unrelated stills of similar framing (face-centred crops).

    Creating a tracker per image costs about a second; instead each still is shown twice, a
    second apart, so a stale tracking region from the previous still is refined or re-detected
    before the answer is taken.
    """

    def __init__(self) -> None:
        self._tracker = FaceTracker(TrackerConfig())
        self._t = 0.0
        self._i = 0

    def __enter__(self) -> StillLandmarker:
        self._tracker.open()
        return self

    def __exit__(self, *exc) -> None:
        self._tracker.close()

    def __call__(self, image: np.ndarray) -> FaceObservation | None:
        face = None
        for _ in range(2):
            self._t += 1.0
            self._i += 1
            face = self._tracker.track(Frame(image, self._t, self._i))
        return face


def cached_faces(dev: Path, item: Item, cache: Path = DEFAULT_CACHE) -> CachedFaces:
    """Landmarks for one manifest file, computed once and kept in /tmp."""
    cache.mkdir(parents=True, exist_ok=True)
    target = _cache_file(cache, item.path)
    if not target.is_file():
        src = dev / item.path
        if item.kind == "image":
            img = read_image(src)
            faces = [landmark_image(img) if img is not None else None]
        else:
            faces = []
            with FaceTracker(TrackerConfig()) as tracker:
                for i, t, img in iter_video(src):
                    faces.append(tracker.track(Frame(img, t, i)))
        tmp = target.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, **_pack(faces))
        tmp.replace(target)
    z = np.load(target, allow_pickle=True)
    return CachedFaces(z["found"], z["landmarks"], z["blendshapes"],
                       tuple(str(s) for s in z["names"]), z["ypr"])


def main() -> None:
    """Fills the cache for the whole dev set (run once; the training script reuses it)."""
    import argparse
    import time

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data/dev"))
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args()
    items = read_manifest(args.data)
    items.sort(key=lambda it: it.kind != "image")
    for it in items:
        t0 = time.perf_counter()
        c = cached_faces(args.data, it, args.cache)
        print(f"{it.path}: {int(c.found.sum())}/{len(c.found)} faces "
              f"{time.perf_counter() - t0:.1f}s [{it.group}]", flush=True)


if __name__ == "__main__":
    main()
