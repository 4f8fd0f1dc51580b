"""Landmarks every dev photo and clip frame once and keeps what the engine needs, under /tmp.

    nice -n 10 python -m tools.tongue_data.collect ../shared/data/dev

Per item: the canonical mouth patch exactly as `features.extract` warps it for `live`, the
detector's feature vector (for the trees), the landmarks in patch pixels, the cheek skin (Lab),
the label and the person group. Nothing here is committed: it is dev data.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from tongue_mirror.core.detector import features as mf
from tongue_mirror.core.detector import mouth_patch, skin_reference
from tongue_mirror.evaluation.dataset import ImageItem, VideoItem, load_dataset, person_group, read_labels
from tongue_mirror.evaluation.training_data import clip_fps, clip_frames
from tongue_mirror.io.face_tracker import FaceTracker, PhotoTracker
from tongue_mirror.values import TONGUE_DIRECTIONS, FaceObservation, Frame

DatasetItem = ImageItem | VideoItem
CACHE = Path("/tmp/tongue_data_cache")
VERSION = "v1"
CFG = mouth_patch.PatchConfig()
DIRECTIONS = TONGUE_DIRECTIONS


@dataclass(frozen=True)
class Item:
    """A manifest row with its person group (the unit left out in validation)."""

    path: str
    kind: str
    label: str
    direction: str
    group: str


def training_people(items: Sequence[DatasetItem]) -> list[DatasetItem]:
    """The items with `person` set to the name the training tools give that person.

    Who is who comes from the manifest's `person` column (`person_group`'s rules where it has
    none). The name is the rules' name for the person's first file, with the person appended
    where the rules lump several people into one group: on a manifest where the two agree (the
    development set: 430 people both ways) every name is the rules' own, so fold draws and
    cached engine rows keep the names they were made with.
    """
    rule = {it.name: person_group(it.name, it.source) for it in items}
    people_of_rule: dict[str, set[str]] = {}
    for it in items:
        people_of_rule.setdefault(rule[it.name], set()).add(it.person)
    name_of: dict[str, str] = {}
    for it in sorted(items, key=lambda item: item.name):
        r = rule[it.name]
        name_of.setdefault(it.person, r if len(people_of_rule[r]) == 1 else f"{r}|{it.person}")
    return [dataclasses.replace(it, person=name_of[it.person]) for it in items]


def read_manifest(dev: Path) -> list[Item]:
    """The manifest's items through the project's one reader, with their person groups."""
    items = []
    for it in training_people(load_dataset(dev).items):
        if isinstance(it, ImageItem):
            items.append(Item(it.name, "image", "tongue_out" if it.tongue_out else "no_tongue",
                              it.direction or "", it.person))
        else:
            items.append(Item(it.name, "video", "mixed_video" if it.mixed else "no_tongue", "",
                              it.person))
    return items


def patch_geometry(image: np.ndarray, face: FaceObservation
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(landmarks in patch pixels, cheek skin Lab, image → patch affine) of one face: where the
    engine lays a tongue, and against which skin."""
    pts = np.asarray(face.landmarks, dtype=np.float64)
    m = mouth_patch.patch_affine(pts, CFG)
    d = mouth_patch.face_frame(pts)[3]
    px = (pts[:, :2] @ m[:, :2].T + m[:, 2]).astype(np.float32)
    return px, skin_reference.cheek_lab(image, pts, d, CFG).astype(np.float32), m


def describe(image: np.ndarray, face: FaceObservation) -> dict:
    """What the engine keeps of one face in one frame."""
    feats = mf.extract(image, face, CFG)
    px, skin, _m = patch_geometry(image, face)
    return {"patch": feats.patch, "x": feats.vector, "px": px, "skin": skin,
            "face_px": np.float32(face.width)}


def _key(item: Item) -> Path:
    h = hashlib.sha1(f"{VERSION}:{item.path}".encode()).hexdigest()[:16]
    return CACHE / f"{h}.npz"


def collect_item(dev: Path, item: Item) -> dict | None:
    """Rows of one manifest item (one per photo, one per clip frame with a face)."""
    rows: list[dict] = []
    labels: list[int] = []
    if item.kind == "image":
        image = cv2.imread(str(dev / item.path), cv2.IMREAD_COLOR)
        if image is None:
            return None
        with PhotoTracker() as photos:  # the one rule for unrelated photos
            face = photos.track(Frame(image, 0.0, 0))
        if face is not None:
            r = describe(image, face)
            r.update(y=int(item.label == "tongue_out"), frame=0, t=0.0)
            rows.append(r)
        fps = 0.0
    else:
        lab_path = dev / "labels" / (Path(item.path).stem + ".csv")
        intervals = read_labels(lab_path) if lab_path.is_file() else ()
        fps = clip_fps(dev / item.path)
        # One frame path: the clip's frames exactly as `live` and `eval` see them.
        with FaceTracker() as tracker:
            for frame in clip_frames(dev / item.path):
                i, t, image = frame.index, frame.t, frame.image
                face = tracker.track(frame)
                y = 0
                for iv in intervals:
                    if iv.start_frame <= i <= iv.end_frame:
                        y = 1 if iv.sure else -1
                        break
                labels.append(y)
                if face is None:
                    continue
                r = describe(image, face)
                r.update(y=y, frame=i, t=t)
                rows.append(r)
    out = {k: np.stack([r[k] for r in rows]) if rows else np.zeros(0)
           for k in ("patch", "x", "px", "skin", "face_px", "y", "frame", "t")}
    out["all_labels"] = np.array(labels, np.int8)  # every frame's label, face or not
    out["fps"] = np.float64(fps)
    return out


def load(dev: Path) -> tuple[list[Item], dict[str, dict]]:
    """Items and their cached rows (collecting what is missing)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    items = read_manifest(dev)
    data: dict[str, dict] = {}
    for n, item in enumerate(items, 1):
        key = _key(item)
        if not key.is_file():
            t0 = time.perf_counter()
            got = collect_item(dev, item)
            if got is None:
                continue
            np.savez(key, **got)
            if item.kind == "video":
                print(f"[{n}/{len(items)}] {item.path}: {len(got['y'])} faces "
                      f"{time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
        with np.load(key) as z:
            data[item.path] = {k: z[k] for k in z.files}
    return items, data


def tongue_rows(items: list[Item], data: dict[str, dict]) -> list[tuple]:
    """Every sure tongue-out face, in item then frame order, as `pool.cut_donors` takes them:
    (patch, landmarks in patch pixels, skin Lab, person group, direction, is a photo)."""
    rows = []
    for it in items:
        d = data.get(it.path)
        if d is None or d["y"].size == 0:
            continue
        for i in np.nonzero(d["y"] == 1)[0]:
            rows.append((d["patch"][i], d["px"][i], d["skin"][i], it.group, it.direction,
                         it.kind == "image"))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dev", type=Path)
    args = ap.parse_args()
    if not (args.dev / "manifest.csv").is_file():
        print(f"no dev data at {args.dev}: nothing to collect")
        return 0
    _items, data = load(args.dev)
    n = sum(len(d["y"]) for d in data.values())
    print(f"{len(data)} items, {n} faces cached in {CACHE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
