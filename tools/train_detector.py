"""Trains the tongue-out detector's shipped model and reports leave-people-out validation.

    nice -n 10 python -m tools.train_detector --data ../shared/data/dev --out assets/detector/

Run from the repository root as a module (it imports the tongue-data engine as `tools.tongue_data`);
needs the `train` extra (scikit-learn, scipy): bad paths or a missing extra stop it with one line
before any work.

Reproducible (fixed seed). The dev set is read by `tongue-mirror eval`'s reader
(evaluation.dataset) and its frames through the project's sources; landmarks of every dev image and
video frame are cached under --cache (evaluation.training_data, which also turns any stored
landmarker output back into the face the detector sees); synthetic tongues are rendered on the
real negative faces (synth.painted_tongue) and, like augmented copies of the real photos,
re-landmarked by our FaceTracker, so their blendshapes are what MediaPipe really says about them.
Validation holds out whole people (who is who from the manifest's person column, named as
tools/tongue_data/collect.training_people says) and scores only real items; the operating
threshold is the one that maximises F1 on those held-out predictions, and it is
baked into the model so that it sits at probability 0.5. Held-out F1 and its bootstrap interval
come from evaluation.metrics, as `tongue-mirror eval`'s do; held-out clips are scored by eval's
runner (`score_clip` on every frame, `replay_clip` for the strided readings, on each frame's own
time) and its report.

The shipped model is gradient-boosted trees (scikit-learn here; exported as padded arrays that
tongue_detector.TreeEnsemble walks in numpy), chosen over logistic regression and a small MLP on
held-out strangers: see TREE_DEPTH. `--model logistic` reproduces the earlier model. With the
tongue-data engine's samples, one tree model is fitted per engine draw (`--engine-draws`) in every
fold and in the shipped fit, and their trees are averaged into one ensemble (`fit_draws`).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib
import inspect
import json
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

import tongue_mirror
from tongue_mirror import landmarks as lm
from tongue_mirror.app.config import RunConfig
from tongue_mirror.core.detector import features as mf
from tongue_mirror.core.detector import mouth_patch
from tongue_mirror.core.detector.detector import TongueDetector
from tongue_mirror.core.detector.weights import DetectorModel, TreeEnsemble, direction_inputs
from tongue_mirror.errors import UserError
from tongue_mirror.evaluation.dataset import ImageItem, VideoItem, load_dataset
from tongue_mirror.evaluation.metrics import (
    bootstrap_ci,
    f1_score,
    match_events,
    people_weights,
    per_minute,
    weighted_rates,
    weighted_roc_auc,
)
from tongue_mirror.evaluation.report import negatives_section, video_section
from tongue_mirror.evaluation.runner import VideoResult, replay_clip, score_clip
from tongue_mirror.evaluation.training_data import (
    DEFAULT_CACHE,
    StillLandmarker,
    cached_faces,
    cached_observation,
    clip_fps,
    clip_frames,
    frame_labels,
    read_image,
)
from tongue_mirror.io.detector_files import load_detector
from tongue_mirror.synth.painted_tongue import augment, render_tongue
from tongue_mirror.values import FaceObservation

if not __package__:  # run as a file: `tools.tongue_data` below would not import
    raise SystemExit("error: run it as a module from the repository root: "
                     "python -m tools.train_detector --data DIR ...")

from tools.tongue_data import collect, fullframe
from tools.tongue_data import pool as engine_pool

SEED = 20261126
PACKAGE = Path(tongue_mirror.__file__).resolve().parent
TOOLS = Path(__file__).resolve().parent
# What training needs beyond the package (the `train` extra), checked before any work.
TRAIN_EXTRA = ("sklearn", "scipy")

# The avc clip has another detector's box and text drawn near the mouth while the tongue is out.
# We never let it reach the features: the training script paints over it (see remove_overlay).
OVERLAY_CLIP = "Tongue-Detection-Classif__avc_classification_s.mp4"

Item = ImageItem | VideoItem


def group_of(item: Item) -> str:
    """The person the item belongs to (the unit held out in validation), as named by
    `collect.training_people`, which main applies to the items as it reads them."""
    return item.person


def label_of(item: Item) -> str:
    """tongue_out | no_tongue | mixed_video, as the manifest says."""
    if isinstance(item, ImageItem):
        return "tongue_out" if item.tongue_out else "no_tongue"
    return "mixed_video" if item.mixed else "no_tongue"


@dataclass
class Samples:
    """Feature rows with everything validation needs to group, weight and score them."""

    x: list = field(default_factory=list)
    y: list = field(default_factory=list)
    group: list = field(default_factory=list)
    source: list = field(default_factory=list)  # item path (the scoring unit's file)
    kind: list = field(default_factory=list)  # image | frame | synth | aug
    direction: list = field(default_factory=list)
    weight: list = field(default_factory=list)
    centroid: list = field(default_factory=list)  # (dx, dy) of the tongue mass, image coords
    donor: list = field(default_factory=list)  # person whose tongue an engine row carries, or ""
    t: list = field(default_factory=list)  # a clip frame's own time (Frame.t); 0 for a still

    def add(self, feats: mf.MouthFeatures, y: int, group: str, source: str, kind: str,
            direction: str, weight: float, donor: str = "", t: float = 0.0) -> None:
        self.x.append(feats.vector)
        self.donor.append(donor)
        self.t.append(t)
        self.y.append(y)
        self.group.append(group)
        self.source.append(source)
        self.kind.append(kind)
        self.direction.append(direction)
        self.weight.append(weight)
        self.centroid.append(feats.direction if feats.direction else (0.0, 0.0))

    def arrays(self) -> dict:
        return {"x": np.array(self.x, np.float64), "y": np.array(self.y, np.int64),
                "group": np.array(self.group), "source": np.array(self.source),
                "kind": np.array(self.kind), "direction": np.array(self.direction),
                "weight": np.array(self.weight, np.float64),
                "centroid": np.array(self.centroid, np.float64).reshape(-1, 2),
                "donor": np.array(self.donor, dtype=str), "t": np.array(self.t, np.float64)}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- overlay in the avc clip
def remove_overlay(img: np.ndarray, face: FaceObservation) -> np.ndarray:
    """Paints out the thin box and label text another detector drew around the mouth (v2).

    Only near this face's mouth region: pixels of long straight 1–2 px horizontal/vertical lines
    (unlike the pixels 2 px either side) and a band above the box's top edge where its label sits
    are inpainted from their surroundings, so no trace of the overlay reaches the features.
    """
    pts = face.landmarks[:, :2]
    mc, _u, _v, d = mouth_patch.face_frame(face.landmarks)
    h, w = img.shape[:2]
    x0 = int(max(0, mc[0] - 1.0 * d))
    x1 = int(min(w, mc[0] + 1.0 * d))
    y0 = int(max(0, pts[:, 1].min() + 0.3 * (mc[1] - pts[:, 1].min())))
    y1 = int(min(h, mc[1] + 1.3 * d))
    roi = img[y0:y1, x0:x1]
    if roi.shape[0] < 12 or roi.shape[1] < 12:
        return img
    g = cv2.cvtColor(roi, cv2.COLOR_BGR2GRAY).astype(np.int16)
    rh, rw = g.shape
    dv = np.minimum(np.abs(g[2:-2] - g[:-4]), np.abs(g[2:-2] - g[4:]))
    hl = cv2.morphologyEx((dv > 6).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((1, 5), np.uint8))
    hl = cv2.morphologyEx(hl, cv2.MORPH_OPEN, np.ones((1, 31), np.uint8))
    dh = np.minimum(np.abs(g[:, 2:-2] - g[:, :-4]), np.abs(g[:, 2:-2] - g[:, 4:]))
    vl = cv2.morphologyEx((dh > 6).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((5, 1), np.uint8))
    vl = cv2.morphologyEx(vl, cv2.MORPH_OPEN, np.ones((31, 1), np.uint8))
    mask = np.zeros((rh, rw), np.uint8)
    mask[2:-2] |= hl
    mask[:, 2:-2] |= vl
    if not mask.any():
        return img
    vys, vxs = np.nonzero(vl)
    if len(vys):
        top = int(vys.min())
        left = int(vxs.min())
        right = int(vxs.max()) + 4
        mask[max(0, top - 26):top + 3, max(0, left - 6):min(rw, max(right, left + 170))] = 1
    mask = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    out = img.copy()
    out[y0:y1, x0:x1] = cv2.inpaint(roi, mask, 3, cv2.INPAINT_TELEA)
    return out


# ---------------------------------------------------------------- real data
def _code_hash(*extra: str) -> str:
    """Features depend on these sources: a change to any of them invalidates cached features."""
    h = hashlib.sha1()
    for rel in ("core/detector/features.py", "landmarks.py", "evaluation/training_data.py",
                "io/video_file.py"):
        h.update((PACKAGE / rel).read_bytes())
    h.update(remove_overlay.__doc__.encode())
    for e in extra:
        h.update(e.encode())
    return h.hexdigest()[:16]


# MediaPipe's lips on a face it has not seen: a full lower lip drawn too thin (its outer contour
# up to a tenth of the face size too high, so lip pixels fall "below" it), inner edges and corners
# a little off. Every real row gets a copy with its lip landmarks moved so (kind "jit"): a pink
# band hugging a misplaced lip must not read as a tongue, and a tongue must read as one anyway.
JITTER = {"lower_outer": (-0.10, 0.03), "lower_inner": (-0.03, 0.03),
          "upper_outer": (-0.03, 0.04), "corner": 0.03}


def jitter_face(face: FaceObservation, rng: np.random.Generator) -> FaceObservation:
    """The face with its lip landmarks moved as MediaPipe misplaces them (JITTER, face units)."""
    pts = np.array(face.landmarks, np.float64)
    _mc, u, v, d = mouth_patch.face_frame(pts)
    xl = pts[lm.MOUTH_CORNER_LEFT, :2] @ u
    xr = pts[lm.MOUTH_CORNER_RIGHT, :2] @ u
    half = max(abs(xr - xl) / 2.0, 1e-6)
    mid = (xl + xr) / 2.0
    for name, idx in (("lower_outer", lm.LOWER_LIP_OUTER), ("lower_inner", lm.LOWER_LIP_INNER),
                      ("upper_outer", lm.UPPER_LIP_OUTER)):
        lo, hi = JITTER[name]
        shift = float(rng.uniform(lo, hi)) * d
        ii = np.array(idx[1:-1], np.intp)  # the corners move on their own
        bump = np.clip(1.0 - ((pts[ii, :2] @ u - mid) / half) ** 2, 0.3, 1.0)
        pts[ii, :2] += (shift * bump)[:, None] * v[None, :]
    for c in (lm.MOUTH_CORNER_LEFT, lm.MOUTH_CORNER_RIGHT):
        pts[c, :2] += rng.normal(0.0, JITTER["corner"] / 2.0, 2) * d
    # the lower contours keep their order: the inner edge never below the outer one
    lo_in, lo_out = np.array(lm.LOWER_LIP_INNER, np.intp), np.array(lm.LOWER_LIP_OUTER, np.intp)
    over = np.maximum(pts[lo_in, :2] @ v - pts[lo_out, :2] @ v, 0.0)
    pts[lo_out, :2] += over[:, None] * v[None, :]
    return dataclasses.replace(face, landmarks=pts.astype(np.float32))


def real_samples(dev: Path, items: list[Item], video_stride: int, cache: Path) -> dict:
    """Real features (and their lip-jittered copies), cached in /tmp under a hash of the feature
    code and of the jitter."""
    jit = inspect.getsource(jitter_face) + repr(JITTER)
    target = cache / f"real_{_code_hash(str(dev), str(video_stride), jit, 'rows keep t')}.npz"
    if target.is_file():
        z = np.load(target, allow_pickle=True)
        return {k: z[k] for k in z.files}
    arrays = _real_samples(items, video_stride, cache).arrays()
    np.savez(target, **arrays)
    return arrays


def _real_samples(items: list[Item], video_stride: int, cache: Path) -> Samples:
    """Every real image with a face, and video frames (all of the mixed clip, strided negatives)."""
    s = Samples()
    for it in items:
        faces = cached_faces(it, cache)
        if isinstance(it, ImageItem):
            img = read_image(it.path)
            face = faces.observation(0, (img.shape[1], img.shape[0])) if img is not None else None
            if face is None:
                continue
            s.add(mf.extract(img, face), int(it.tongue_out), group_of(it), it.name,
                  "image", it.direction or "", 1.0)
            rng = np.random.default_rng([SEED, zlib.crc32(it.name.encode())])
            s.add(mf.extract(img, jitter_face(face, rng)), int(it.tongue_out), group_of(it),
                  it.name, "jit", it.direction or "", 1.0)
            continue
        labels = frame_labels(it, len(faces.found)) if it.mixed else None
        stride = 1 if labels is not None else video_stride
        n_used = len(range(0, len(faces.found), stride))
        w_frame = 30.0 / max(n_used, 1)  # each clip weighs like 30 photos
        for frame in clip_frames(it.path):
            i, img = frame.index, frame.image
            if i % stride or i >= len(faces.found):
                continue
            y = 0 if labels is None else int(labels[i])
            if y < 0:
                continue  # ambiguous: neither out nor in
            face = faces.observation(i, (img.shape[1], img.shape[0]))
            if face is None:
                continue
            # Scored as recorded (as `tongue-mirror eval` sees it); trained on only with the
            # other detector's overlay painted out, as kind "clean".
            t = frame.t
            s.add(mf.extract(img, face), y, group_of(it), f"{it.name}#{i}", "frame", "", w_frame,
                  t=t)
            if it.path.name == OVERLAY_CLIP:
                img = remove_overlay(img, face)
                s.add(mf.extract(img, face), y, group_of(it), f"{it.name}#{i}", "clean", "",
                      w_frame, t=t)
            rng = np.random.default_rng([SEED, zlib.crc32(it.name.encode()), i])
            s.add(mf.extract(img, jitter_face(face, rng)), y, group_of(it), f"{it.name}#{i}",
                  "jit", "", w_frame, t=t)
    return s


# ---------------------------------------------------------------- synthetic data
def _face_crop(img: np.ndarray, face: FaceObservation, max_side: int = 720):
    """Crop around the face (1.8× its box) and downscale, so rendering and landmarking are cheap."""
    x0, y0, x1, y1 = face.bbox
    cx, cy, half = (x0 + x1) / 2, (y0 + y1) / 2, 0.9 * max(x1 - x0, y1 - y0)
    h, w = img.shape[:2]
    a0, b0 = int(max(0, cx - half)), int(max(0, cy - half))
    a1, b1 = int(min(w, cx + half)), int(min(h, cy + half))
    crop = img[b0:b1, a0:a1]
    f = min(1.0, max_side / max(crop.shape[:2]))
    if f < 1.0:
        crop = cv2.resize(crop, (round(crop.shape[1] * f), round(crop.shape[0] * f)),
                          interpolation=cv2.INTER_AREA)
    pts = face.landmarks.copy()
    pts[:, 0] = (pts[:, 0] - a0) * f
    pts[:, 1] = (pts[:, 1] - b0) * f
    pts[:, 2] *= f
    return crop, pts


def _is_gray(img: np.ndarray) -> bool:
    small = cv2.resize(img, (32, 32), interpolation=cv2.INTER_AREA).astype(np.int16)
    return int(np.abs(small[..., 0] - small[..., 2]).max()) <= 6


def synth_bases(items: list[Item], frame_stride: int, cache: Path):
    """(group, source, image, face) of real negative faces (colour only) to paint tongues on,
    and real positive photos to augment."""
    for it in items:
        if label_of(it) == "mixed_video":
            continue
        faces = cached_faces(it, cache)
        if isinstance(it, ImageItem):
            img = read_image(it.path)
            if img is None or not faces.found[0]:
                continue
            yield it, it.name, img, faces.observation(0, (img.shape[1], img.shape[0]))
        else:
            for frame in clip_frames(it.path):
                i, img = frame.index, frame.image
                if i % frame_stride or i >= len(faces.found) or not faces.found[i]:
                    continue
                yield it, f"{it.name}#{i}", img, faces.observation(i, (img.shape[1], img.shape[0]))


def _synth_cache_key(source: str, variant: str) -> str:
    code = (PACKAGE / "synth/painted_tongue.py").read_bytes()
    if variant.startswith("synth2"):
        code += (PACKAGE / "synth/tongue.py").read_bytes()
    h = hashlib.sha1(code + f"{SEED}:{source}:{variant}".encode()).hexdigest()[:16]
    return h


def synthetic_samples(items: list[Item], frame_stride: int, per_base: int,
                      cache: Path, per_base2: int = 0) -> Samples:
    """Tongues painted on real negatives, augmented copies of negatives and of real positives.

    Every synthetic image is landmarked afresh; images and landmarks are cached in /tmp.
    """
    s = Samples()
    sdir = cache / "synth"
    sdir.mkdir(parents=True, exist_ok=True)
    dirs = ("center", "center", "left", "right", "center", "up", "left", "right")
    t0 = time.perf_counter()
    with StillLandmarker() as landmark:
        _synthesise(s, sdir, synth_bases(items, frame_stride, cache), per_base, landmark, dirs, t0,
                    per_base2)
    return s


def _render_synth2(crop: np.ndarray, pts: np.ndarray, rng: np.random.Generator,
                   direction: str) -> tuple[np.ndarray, int]:
    """The synthetic performer's renderer (opens the jaw first; its label is exact): sometimes
    the tongue stays inside the mouth, which makes a hard negative."""
    from tongue_mirror.synth.tongue import face_direction
    from tongue_mirror.synth.tongue import render_tongue as render_performer_tongue

    ext = float(rng.uniform(0.15, 1.0))
    vec = face_direction(pts, direction)
    r = render_performer_tongue(crop, pts, ext, vec, rng=rng)
    return r.image, int(bool(r.tip_past_lip))


def _synthesise(s, sdir, bases, per_base, landmark, dirs, t0, per_base2) -> None:
    n_done = 0
    for it, source, img, face in bases:
        if _is_gray(img):
            continue  # LFW crops: a pink tongue on a grey face teaches nothing true
        crop, pts = _face_crop(img, face)
        variants = []
        if label_of(it) == "tongue_out":
            variants = [("aug", k, it.direction or "") for k in range(2)]
        else:
            for k in range(per_base):
                variants.append(("synth", k, None))
            for k in range(per_base2):
                variants.append(("synth2", k, None))
            variants.append(("aug", 0, ""))
        for kind, k, direction in variants:
            key = _synth_cache_key(source, f"{kind}{k}")
            img_path, lm_path = sdir / f"{key}.png", sdir / f"{key}.npz"
            rng = np.random.default_rng(int(key[:8], 16))
            if kind in ("synth", "synth2"):
                direction = dirs[int(rng.integers(0, len(dirs)))]
            if not lm_path.is_file():
                label = 1 if (kind == "synth" or label_of(it) == "tongue_out") else 0
                if kind == "synth":
                    out = render_tongue(crop, pts, rng, direction)
                elif kind == "synth2":
                    out, label = _render_synth2(crop, pts, rng, direction)
                else:
                    out = crop
                out = augment(out, rng)
                f = landmark(out)
                cv2.imwrite(str(img_path), out)
                np.savez(lm_path, found=f is not None, label=label,
                         landmarks=f.landmarks if f is not None else np.zeros((478, 3)),
                         names=np.array(sorted(f.blendshapes) if f else [], dtype=object),
                         bs=np.array([f.blendshape(n) for n in sorted(f.blendshapes)]
                                     if f else []),
                         ypr=np.array([f.yaw, f.pitch, f.roll] if f else [0, 0, 0]))
            z = np.load(lm_path, allow_pickle=True)
            if not bool(z["found"]):
                continue
            out = cv2.imread(str(img_path))
            f = cached_observation(z["landmarks"], z["names"], z["bs"], z["ypr"],
                                   (out.shape[1], out.shape[0]))
            y = int(z["label"]) if "label" in z.files else int(
                kind == "synth" or label_of(it) == "tongue_out")
            s.add(mf.extract(out, f), y, group_of(it), source, kind, direction or "", 1.0)
            n_done += 1
            if n_done % 100 == 0:
                log(f"  synthetic/augmented: {n_done} ({time.perf_counter() - t0:.0f}s)")


def donors_known(meta: Path, known: set[str]) -> bool:
    """Whether a cached base face's engine rows carry only tongues of people known by those
    names today: rows made before a person was renamed (or left the set) are made again, so a
    fold that holds that person out also drops their tongue."""
    with np.load(meta) as z:
        return {str(d) for d in z["donor"]} <= known | {""}


def engine_donors(dev: Path) -> list:
    """Real tongues cut from every dev positive by the tongue-data engine (tools/tongue_data)."""
    items, data = collect.load(dev)
    return engine_pool.cut_donors(collect.tongue_rows(items, data), stride=3)


def engine_samples(dev: Path, items: list[Item], frame_stride: int, n_out: int,
                   cache: Path, seed: int = SEED, draw: int = 0) -> Samples:
    """The tongue-data engine's samples as whole frames (tools/tongue_data/fullframe.py): real
    tongues of other people laid into real negative faces, tongues kept inside open mouths and
    marks near the lips, each landmarked afresh; rows remember whose tongue they carry, so a
    fold drops them when it holds out that person too. Each base face's random draw is seeded by
    (seed, draw, face, n_out) alone, so `draw` k is the same samples however the engine's code
    is laid out; the cache is keyed by the code as well, so a changed engine re-renders them."""
    donors = engine_donors(dev)
    known = {t.group for t in donors}
    log(f"engine: {len(donors)} tongues from {len(known)} people")
    code = b"".join((TOOLS / "tongue_data" / f).read_bytes()
                    for f in ("engine.py", "fullframe.py", "pool.py"))
    sdir = cache / "engine"
    sdir.mkdir(parents=True, exist_ok=True)
    s = Samples()
    t0 = time.perf_counter()
    with StillLandmarker() as landmark:
        for it, source, img, face in synth_bases(items, frame_stride, cache):
            if label_of(it) == "tongue_out" or _is_gray(img):
                continue
            what = f"{seed}:{draw}:{source}:{n_out}".encode()
            key = hashlib.sha1(code + what).hexdigest()[:16]
            meta = sdir / f"{key}.npz"
            if not meta.is_file() or not donors_known(meta, known):
                crop, pts = _face_crop(img, face)
                base = cached_observation(pts, sorted(face.blendshapes),
                                          [face.blendshape(n) for n in sorted(face.blendshapes)],
                                          (face.yaw, face.pitch, face.roll),
                                          (crop.shape[1], crop.shape[0]))
                rng = np.random.default_rng(int(hashlib.sha1(what).hexdigest()[:8], 16))
                got = fullframe.samples(crop, base, group_of(it), donors, rng, n_out)
                rec: dict[str, list] = {k: [] for k in ("found", "label", "kind", "direction",
                                                        "donor", "landmarks", "bs", "ypr")}
                names: list[str] = []
                for j, smp in enumerate(got):
                    f = landmark(smp.image)
                    cv2.imwrite(str(sdir / f"{key}_{j}.png"), smp.image)
                    names = sorted(f.blendshapes) if f is not None else names
                    rec["found"].append(f is not None)
                    rec["label"].append(smp.label)
                    rec["kind"].append(smp.kind)
                    rec["direction"].append(smp.direction)
                    rec["donor"].append(smp.donor)
                    rec["landmarks"].append(f.landmarks if f is not None else np.zeros((478, 3)))
                    rec["bs"].append([f.blendshape(n) for n in lm.DETECTOR_BLENDSHAPES]
                                     if f is not None else [0.0] * len(lm.DETECTOR_BLENDSHAPES))
                    rec["ypr"].append([f.yaw, f.pitch, f.roll] if f is not None else [0, 0, 0])
                np.savez(meta, **{k: np.array(v) for k, v in rec.items()})
            z = np.load(meta)
            for j in range(len(z["found"])):
                if not bool(z["found"][j]):
                    continue
                out = cv2.imread(str(sdir / f"{key}_{j}.png"))
                f = cached_observation(z["landmarks"][j], lm.DETECTOR_BLENDSHAPES, z["bs"][j],
                                       z["ypr"][j], (out.shape[1], out.shape[0]))
                s.add(mf.extract(out, f), int(z["label"][j]), group_of(it), source, "engine",
                      str(z["direction"][j]), 1.0, donor=str(z["donor"][j]))
            if len(s.y) and len(s.y) % 200 < 4:
                log(f"  engine: {len(s.y)} rows ({time.perf_counter() - t0:.0f}s)")
    return s


# ---------------------------------------------------------------- models
# Features that carry no tongue evidence, only a side (the direction model uses them): logged,
# but the probability model gives them weight 0.
NOT_EVIDENCE = ("yaw_signed",)


def cap_person_weight(data: dict, cap: float, jit_share: float = 0.5) -> np.ndarray:
    """Each real person weighs `cap` photo-equivalents per class (less if they have fewer rows,
    counting a clip's frames by their row count): the man with 61 tongue photos must not outvote
    the one webcam clip of another man, nor a 3-clip singer the single-clip children. Their
    lip-jittered copies weigh `jit_share` of that again."""
    w = data["weight"].copy()
    real = np.isin(data["kind"], ("image", "frame", "clean", "jit"))
    for g in np.unique(data["group"][real]):
        for label in (0, 1):
            for kinds, share in ((("image", "frame"), 1.0), (("image", "clean"), 1.0),
                                 (("jit",), jit_share)):
                sel = real & (data["group"] == g) & (data["y"] == label) & np.isin(data["kind"],
                                                                                   kinds)
                n = int(sel.sum())
                if n == 0 or w[sel].sum() <= 0:
                    continue
                w[sel] *= share * min(float(n), cap) / w[sel].sum()
    return w


# Boosted trees held out best of the families we tried (trees, logistic, tanh MLP) on the two
# honest stranger figures: the avc man's clip with him held out (F1 0.96 against 0.77 for the
# logistic, 0.50 for the MLP) and the child clip d11 (false-positive frames 0.07 against 0.48).
# Of depth 2/3/4 and 100/200/300 rounds, depth 3 with 200 held out best on photos and clips
# together; depth 4 fitted the one man's photos and lost on the held-out ones.
TREE_DEPTH = 3
TREE_COUNT = 200


def padded_trees(clf) -> TreeEnsemble:
    """scikit-learn's HistGradientBoosting trees as complete binary trees for numpy inference."""
    depth = TREE_DEPTH
    n_inner = 2 ** depth - 1
    preds = [p[0] for p in clf._predictors]
    feature = np.zeros((len(preds), n_inner), np.int64)
    threshold = np.full((len(preds), n_inner), 1e300)
    leaf = np.zeros((len(preds), n_inner + 1))
    for t, pred in enumerate(preds):
        nodes = pred.nodes

        def fill(src: int, dst: int, level: int, t: int = t, nodes=nodes) -> None:
            node = nodes[src]
            if level == depth:
                if not node["is_leaf"]:
                    raise ValueError("a tree is deeper than TREE_DEPTH")
                leaf[t, dst - n_inner] = node["value"]
                return
            if node["is_leaf"]:  # padded: never go right; both subtrees carry the leaf value
                fill(src, 2 * dst + 1, level + 1)
                fill(src, 2 * dst + 2, level + 1)
                return
            if node["is_categorical"]:
                raise ValueError("categorical splits are not supported")
            feature[t, dst] = int(node["feature_idx"])
            threshold[t, dst] = float(node["num_threshold"])
            fill(int(node["left"]), 2 * dst + 1, level + 1)
            fill(int(node["right"]), 2 * dst + 2, level + 1)

        fill(0, 0, 0)
    return TreeEnsemble(feature, threshold, leaf, float(np.ravel(clf._baseline_prediction)[0]))


def evidence_only(x: np.ndarray) -> np.ndarray:
    """A copy of the rows with the NOT_EVIDENCE columns set to 0."""
    x = x.copy()
    x[:, [mf.FEATURE_NAMES.index(n) for n in NOT_EVIDENCE]] = 0.0
    return x


def standardisation(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale of training rows already passed through `evidence_only`."""
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return x.mean(axis=0), scale


def fit_model(x, y, w, kind: str, seed: int, c: float = 0.1,
              standard: tuple[np.ndarray, np.ndarray] | None = None):
    """Standardise (by `standard` if given), then fit (sklearn only here, at training time);
    NOT_EVIDENCE get weight 0."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    x = evidence_only(x)
    mean, scale = standard if standard is not None else standardisation(x)
    z = (x - mean) / scale
    pos = w[y == 1].sum()
    neg = w[y == 0].sum()
    ww = np.where(y == 1, w * (0.5 / pos), w * (0.5 / neg)) * len(y)
    if kind == "trees":
        from sklearn.ensemble import HistGradientBoostingClassifier

        clf = HistGradientBoostingClassifier(max_depth=TREE_DEPTH, max_iter=TREE_COUNT,
                                             learning_rate=0.1, l2_regularization=1.0,
                                             random_state=seed)
        clf.fit(z, y, sample_weight=ww / ww.mean())
        model = padded_trees(clf).to_dict()
    elif kind == "logistic":
        clf = LogisticRegression(C=c, max_iter=3000)
        clf.fit(z, y, sample_weight=ww)
        model = {"type": "logistic", "coef": clf.coef_[0].tolist(),
                 "intercept": float(clf.intercept_[0])}
    else:
        # MLPClassifier has no sample weights: resample rows in proportion to their weight.
        rng = np.random.default_rng(seed)
        idx = rng.choice(len(y), size=min(20000, 4 * len(y)), p=ww / ww.sum())
        clf = MLPClassifier(hidden_layer_sizes=(16,), activation="tanh", alpha=1e-1,
                            max_iter=600, random_state=seed, early_stopping=False)
        clf.fit(z[idx], y[idx])
        model = {"type": "mlp", "W1": clf.coefs_[0].tolist(), "b1": clf.intercepts_[0].tolist(),
                 "w2": clf.coefs_[1][:, 0].tolist(), "b2": float(clf.intercepts_[1][0])}
    return {"mean": mean.tolist(), "scale": scale.tolist(), "model": model}


def fit_draws(x, y, w, draw: np.ndarray, kind: str, seed: int, c: float = 0.1) -> dict:
    """One model per engine draw (rows with draw −1 are in every one, draw k's engine rows in
    the k-th), their trees merged into one ensemble that averages their decision values.

    A single draw's false activations on held-out people moved between 1.0 and 3.0 per minute
    over three trainings that differed mainly in the draw: averaging keeps what draws agree on."""
    draws = sorted({int(k) for k in draw if k >= 0})
    if len(draws) <= 1:
        return fit_model(x, y, w, kind, seed, c)
    if kind != "trees":
        raise ValueError("several engine draws are averaged only for --model trees")
    standard = standardisation(evidence_only(x))
    fits = [fit_model(x[sel], y[sel], w[sel], kind, seed, c, standard)
            for sel in ((draw < 0) | (draw == k) for k in draws)]
    trees = [TreeEnsemble.from_dict(f["model"]) for f in fits]
    merged = TreeEnsemble(np.concatenate([t.feature for t in trees]),
                          np.concatenate([t.threshold for t in trees]),
                          np.concatenate([t.leaf for t in trees]) / len(trees),
                          float(np.mean([t.base for t in trees])))
    return {"mean": standard[0].tolist(), "scale": standard[1].tolist(),
            "model": merged.to_dict()}


SIDES = ("center", "left", "right")
MIRROR = {"center": "center", "left": "right", "right": "left"}


def fit_direction(x: np.ndarray, labels: np.ndarray, weight: np.ndarray | None = None) -> dict:
    """Multinomial logistic center/left/right on mirror-odd inputs, trained with mirrored copies."""
    from sklearn.linear_model import LogisticRegression

    g = direction_inputs(x)
    g = np.concatenate([g, -g])
    lab = np.concatenate([labels, [MIRROR[v] for v in labels]])
    w = np.ones(len(labels)) if weight is None else np.asarray(weight, np.float64)
    w = np.concatenate([w, w])
    scale = np.sqrt((g ** 2).mean(axis=0))
    scale[scale < 1e-6] = 1.0
    clf = LogisticRegression(C=2.0, max_iter=3000)
    clf.fit(g / scale, lab, sample_weight=w / w.mean())
    order = [list(clf.classes_).index(c) for c in SIDES]
    return {"scale": scale.tolist(), "coef": clf.coef_[order].tolist(),
            "intercept": clf.intercept_[order].tolist(), "classes": list(SIDES)}


def predict_direction(params: dict, x: np.ndarray) -> np.ndarray:
    z = direction_inputs(x) / np.asarray(params["scale"])
    s = z @ np.asarray(params["coef"]).T + np.asarray(params["intercept"])
    return np.array(params["classes"])[s.argmax(axis=1)]


# The engine's sideways tongues on many faces teach the direction model what one man's photos
# cannot; together they weigh 0.3 of the real photos (leave-person-out accuracy 0.65 / 0.73 /
# 0.73 / 0.78 / 0.71 / 0.67 at 0.03 / 0.1 / 0.2 / 0.3 / 1 / 3; real photos alone: 0.33).
ENGINE_DIRECTION_SHARE = 0.3


def direction_rows(data: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(real labelled photos, engine positives with a side, weights): the direction model's
    training rows."""
    side = (data["y"] == 1) & np.isin(data["direction"], SIDES)
    real = side & (data["kind"] == "image")
    eng = side & (data["kind"] == "engine")
    w = np.ones(len(data["y"]))
    if eng.any():
        w[eng] = ENGINE_DIRECTION_SHARE * real.sum() / eng.sum()
    return real, eng, w


def direction_by_person(data: dict) -> dict:
    """Each labelled photo's side from a direction model that never saw its person: their real
    photos and every engine sample built on their face or with their tongue left out."""
    real, eng, w = direction_rows(data)
    ridx = np.nonzero(real)[0]
    labels, groups = data["direction"][ridx], data["group"][ridx]
    pred = np.empty(len(ridx), dtype=object)
    for g in np.unique(groups):
        train = (real & (data["group"] != g)) | (eng & (data["group"] != g)
                                                  & (data["donor"] != g))
        params = fit_direction(data["x"][train], data["direction"][train], w[train])
        pred[groups == g] = predict_direction(params, data["x"][ridx[groups == g]])
    conf = {t: {p: int(((labels == t) & (pred == p)).sum()) for p in SIDES} for t in SIDES}
    return {"accuracy": float((pred == labels).mean()), "n": len(labels), "confusion": conf,
            "engine_rows": int(eng.sum())}


def direction_validation(x: np.ndarray, labels: np.ndarray) -> dict:
    """Leave-one-photo-out accuracy of the sideways model (the labelled photos are one man)."""
    pred = []
    for i in range(len(labels)):
        keep = np.arange(len(labels)) != i
        pred.append(predict_direction(fit_direction(x[keep], labels[keep]), x[i:i + 1])[0])
    pred = np.array(pred)
    conf = {t: {p: int(((labels == t) & (pred == p)).sum()) for p in SIDES} for t in SIDES}
    return {"accuracy": float((pred == labels).mean()), "n": len(labels), "confusion": conf}


def predict_logit(params: dict, x: np.ndarray) -> np.ndarray:
    """Raw decision values (no offset, no gain) from the shipped detector's own evaluation."""
    model = DetectorModel.from_dict({"feature_names": list(mf.FEATURE_NAMES), **params},
                                    "a training fold")
    return model.logit(x)


# ---------------------------------------------------------------- validation
SMALL_FOLDS = 5  # the folds the many one- and two-photo people share


def make_folds(groups: np.ndarray, real: np.ndarray, seed: int,
               n_small_folds: int = SMALL_FOLDS):
    """Each big person group is a fold of its own; the many one-photo people share the last
    `n_small_folds` folds."""
    uniq, counts = np.unique(groups[real], return_counts=True)
    big = [g for g, c in zip(uniq, counts, strict=True) if c >= 40 or g == "avc_man"
           or g.endswith("_man")]
    small = sorted(set(uniq) - set(big))
    rng = np.random.default_rng(seed)
    rng.shuffle(small)
    folds = [[g] for g in sorted(big)]
    folds += [small[i::n_small_folds] for i in range(n_small_folds)]
    return folds


def regroup(items: list[Item], sources: np.ndarray) -> np.ndarray:
    """Each row's person: `group_of` the item it came from (cached rows keep
    the grouping they were built with; a synthetic row is its base face's person)."""
    by_name = {it.name: group_of(it) for it in items}
    return np.array([by_name[str(s).split("#")[0]] for s in sources])


def family(group: str) -> str:
    """Reporting family: big groups by name, single-photo people pooled by where they came from."""
    return group.split(":")[0] if ":" in group else group


def fit_gain(y, z, w) -> float:
    """Slope a of p = sigmoid(a·z) on held-out decision values z (threshold at z = 0), by
    weighted log loss: Platt scaling with the operating point kept at p = 0.5."""
    from scipy.optimize import minimize_scalar

    def loss(a: float) -> float:
        s = a * z
        return float(np.sum(w * (np.logaddexp(0.0, s) - y * s)))

    return float(minimize_scalar(loss, bounds=(0.1, 10.0), method="bounded").x)


def best_threshold(y, logit, w) -> float:
    """The logit threshold that maximises weighted F1 on held-out predictions (midpoint of ties)."""
    cands = np.unique(np.round(logit, 3))
    best, best_t = -1.0, 0.0
    scores = []
    for t in cands:
        p = logit >= t
        tp = w[(p) & (y == 1)].sum()
        fp = w[(p) & (y == 0)].sum()
        fn = w[(~p) & (y == 1)].sum()
        f = 2 * tp / max(2 * tp + fp + fn, 1e-9)
        scores.append(f)
        if f > best + 1e-12:
            best, best_t = f, t
    scores = np.array(scores)
    near = cands[scores >= best - 1e-9]
    return float(0.5 * (near.min() + near.max())) if len(near) else best_t


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (see the module doc); every path is checked by `check_args`."""
    ap = argparse.ArgumentParser(description="Train the tongue-out detector (see module doc).")
    ap.add_argument("--data", type=Path,
                    help="the labelled dataset to train on: a folder with manifest.csv (required)")
    ap.add_argument("--out", type=Path, default=Path("assets/detector"))
    ap.add_argument("--cache", type=Path, default=None,
                    help="an existing folder for the landmark, feature and synthetic-image caches"
                    f" (default {DEFAULT_CACHE}, created)")
    ap.add_argument("--model", choices=("trees", "logistic", "mlp"), default="trees")
    ap.add_argument("--video-stride", type=int, default=2)
    ap.add_argument("--synth-stride", type=int, default=15)
    ap.add_argument("--synth-per-face", type=int, default=2,
                    help="tongues per base face from synth.painted_tongue")
    ap.add_argument("--synth2-per-face", type=int, default=2,
                    help="tongues per base face from the synthetic performer's renderer")
    ap.add_argument("--engine-per-face", type=int, default=2,
                    help="tongue-outs per base face from the tongue-data engine, pasted into the"
                    " whole frame (0 = no engine samples; each face also gets a tongue-inside and"
                    " sometimes a marked-lips hard negative)")
    ap.add_argument("--engine-draws", type=int, default=3,
                    help="independent draws of the engine's samples; one tree model is fitted per"
                    " draw and their trees averaged into the shipped model")
    ap.add_argument("--engine-stride", type=int, default=15,
                    help="every n-th frame of a negative clip is an engine base face")
    ap.add_argument("--no-synth", action="store_true")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--skip-overlay-clip", action="store_true",
                    help="never train on the avc clip (by default its frames train with the "
                    "other detector's overlay painted out; its raw frames are only scored)")
    ap.add_argument("--clip-weight", type=float, default=30.0,
                    help="a whole clip's frames together weigh as much as this many photos")
    ap.add_argument("--person-cap", type=float, default=30.0,
                    help="each real person's rows of one class weigh this many photos at most "
                    "(0 = off: a photo 1, a clip --clip-weight)")
    ap.add_argument("--C", type=float, default=0.01,
                    help="inverse L2 strength (--model logistic only); 0.01 had the best leave-people-out "
                    "figures of 0.01/0.03/0.1")
    ap.add_argument("--no-video-check", action="store_true",
                    help="skip running the shipped model over every frame of every clip")
    ap.add_argument("--heldout-readings", type=Path, metavar="OUT.npz",
                    help="also save every clip's held-out per-frame readings here (dev-derived: keep"
                    " it in /tmp), to replay gesture rules on strangers without refitting")
    ap.add_argument("--threshold-weights", choices=("people", "rows"), default="people",
                    help="how held-out rows weigh when the operating threshold and the probability"
                    " slope are chosen: each person once per class (people, since issue 21), or as"
                    " in training, a photo 1 and a clip 30 (rows)")
    ap.add_argument("--synth-weight", type=float, default=0.5,
                    help="weight of each synthetic/augmented row relative to a real photo")
    ap.add_argument("--screen", action="store_true",
                    help="a quick look at a recipe change: hold out only the shared folds (the "
                    "people with one or two photos, most of the people), print people-weighted "
                    "figures on their photos; writes no model")
    return ap.parse_args(argv)


def check_args(args: argparse.Namespace) -> None:
    """Every setting, path and the `train` extra checked before any work: a UserError in one line
    instead of a traceback minutes in."""
    if args.engine_draws < 1:
        raise UserError("--engine-draws must be at least 1 (--engine-per-face 0 turns the engine "
                        "off)")
    if args.model != "trees" and args.engine_draws > 1 and args.engine_per_face > 0:
        raise UserError(f"only trees average engine draws; --model {args.model} needs "
                        "--engine-draws 1")
    if args.data is None:
        raise UserError("--data DIR is required: the labelled dataset to train on (a folder "
                        "with manifest.csv)")
    if not (args.data / "manifest.csv").is_file():
        raise UserError(f"--data {args.data}: no manifest.csv there, nothing to train on")
    if args.cache is not None and not args.cache.is_dir():
        raise UserError(f"--cache {args.cache}: no such folder (create it, or leave --cache out "
                        f"for {DEFAULT_CACHE})")
    if args.out.exists() and not args.out.is_dir():
        raise UserError(f"--out {args.out}: not a folder")
    if args.screen and args.heldout_readings is not None:
        raise UserError("--screen scores photos only and writes nothing: leave out "
                        "--heldout-readings")
    if args.heldout_readings is not None and args.heldout_readings.is_dir():
        raise UserError(f"--heldout-readings {args.heldout_readings}: a folder, expected a file")
    for module in TRAIN_EXTRA:
        try:
            importlib.import_module(module)
        except ImportError:
            raise UserError(f"training needs {module} (scikit-learn and scipy, the `train` "
                            "extra): pip install -e '.[train]'") from None


def gather_samples(args: argparse.Namespace, items: list[Item], cache: Path, t0: float) -> dict:
    """Every feature row: the real items, then (unless --no-synth) painted, augmented and
    engine rows, each with its engine draw (-1: in every draw's fit)."""
    real = real_samples(args.data, items, args.video_stride, cache)
    log(f"real samples: {len(real['y'])} ({time.perf_counter() - t0:.0f}s)")
    if args.no_synth:
        syn = Samples().arrays()
    else:
        syn = synthetic_samples(items, args.synth_stride, args.synth_per_face,
                                cache, args.synth2_per_face).arrays()
    syn["draw"] = np.full(len(syn["y"]), -1)
    if args.engine_per_face > 0 and not args.no_synth:
        for k in range(args.engine_draws):
            eng = engine_samples(args.data, items, args.engine_stride, args.engine_per_face,
                                 cache, args.seed, k).arrays()
            eng["draw"] = np.full(len(eng["y"]), k)
            syn = {key: np.concatenate([syn[key], eng[key]]) for key in syn}
    log(f"synthetic+augmented samples: {len(syn['y'])} ({time.perf_counter() - t0:.0f}s)")
    real["draw"] = np.full(len(real["y"]), -1)
    data = {k: np.concatenate([real[k], syn[k]]) if len(syn["y"]) else real[k] for k in real}
    data["group"] = regroup(items, data["source"])
    return data


def weigh_rows(data: dict, args: argparse.Namespace) -> np.ndarray:
    """Sets each row's training weight (synthetic share, clip weight, person cap); returns the
    rows training may use (never the avc clip's raw frames; none of it with
    --skip-overlay-clip)."""
    data["weight"] = np.where(np.isin(data["kind"], ("synth", "synth2", "aug", "engine")),
                              data["weight"] * args.synth_weight, data["weight"])
    data["weight"] = np.where(np.isin(data["kind"], ("frame", "clean")),
                              data["weight"] * (args.clip_weight / 30.0), data["weight"])
    if args.person_cap > 0:
        data["weight"] = cap_person_weight(data, args.person_cap)
    overlay_rows = np.char.startswith(data["source"].astype(str), "videos/" + OVERLAY_CLIP)
    trainable = ~(overlay_rows & (data["kind"] == "frame"))
    if args.skip_overlay_clip:
        trainable &= ~overlay_rows
    return trainable


@dataclass(frozen=True, eq=False)
class HeldOut:
    """Leave-people-out predictions: each real row's decision value from the fold that held its
    person out, and each person's fold model."""

    oof: np.ndarray  # NaN where not scored
    scored: np.ndarray  # real rows with a held-out value
    fold_params: dict[str, dict]


def cross_validate(data: dict, is_real: np.ndarray, trainable: np.ndarray,
                   args: argparse.Namespace, t0: float) -> HeldOut:
    """One fit per fold without its people (nor engine rows carrying their tongues); their real
    rows scored by it. With --screen only the shared folds (the people with few items)."""
    folds = make_folds(data["group"], is_real, args.seed)
    if args.screen:
        folds = folds[-SMALL_FOLDS:]
    oof = np.full(len(data["y"]), np.nan)
    fold_params: dict[str, dict] = {}
    for k, fold in enumerate(folds):
        test = np.isin(data["group"], fold)
        train = ~test & trainable & ~np.isin(data["donor"], fold)  # no held-out tongue either
        params = fit_draws(data["x"][train], data["y"][train], data["weight"][train],
                           data["draw"][train], args.model, args.seed, args.C)
        fold_params.update(dict.fromkeys(fold, params))
        log(f"fold {k + 1}/{len(folds)} ({', '.join(fold)[:60]}) ({time.perf_counter() - t0:.0f}s)")
        sel = test & is_real
        oof[sel] = predict_logit(params, data["x"][sel])
    return HeldOut(oof, is_real & ~np.isnan(oof), fold_params)


def operating_point(data: dict, held: HeldOut, weighing: str = "people") -> tuple[float, float]:
    """(logit threshold of max held-out F1, probability slope). By default each person weighs
    once per class (issue 21): the man with 61 tongue photos is one positive person, as is a
    child's one photo or a clip's frames; `rows` weighs them as in training (a photo 1, a clip 30)."""
    s = held.scored
    w = (people_weights(data["group"][s], data["y"][s]) if weighing == "people"
         else data["weight"][s])
    t_logit = best_threshold(data["y"][s], held.oof[s], w)
    gain = fit_gain(data["y"][s], held.oof[s] - t_logit, w)
    log(f"probability slope fitted on held-out predictions: {gain:.2f}")
    return t_logit, gain


def heldout_report(items: list[Item], data: dict, held: HeldOut, t_logit: float, gain: float,
                   args: argparse.Namespace, cache: Path, t0: float) -> tuple[dict, dict]:
    """(per-family figures with the strided clips' gestures, per-person figures with every frame
    of their clips through eval's runner) on held-out predictions."""
    oof, scored = held.oof, held.scored
    report = validation_report(data, oof, scored, t_logit, args.seed)
    report["overall"]["person_recall_macro"] = person_macro(data, oof, scored, t_logit)
    report["gestures"] = heldout_gestures(items, data, oof, scored, t_logit, gain, cache)
    people = person_report(items, data, oof, scored, t_logit, gain, held.fold_params, args.seed,
                           cache, args.heldout_readings)
    log(f"held-out clips scored through the gesture tracker ({time.perf_counter() - t0:.0f}s)")
    log(f"held-out person-macro recall {report['overall']['person_recall_macro']:.3f}")
    return report, people


def fit_directions(data: dict) -> tuple[dict, dict, dict, np.ndarray]:
    """(the shipped direction model, its leave-one-photo-out and leave-person-out checks, the
    labelled real photos' rows)."""
    dreal, deng, dweight = direction_rows(data)
    dtrain = dreal | deng
    direction = fit_direction(data["x"][dtrain], data["direction"][dtrain], dweight[dtrain])
    dir_report = direction_validation(data["x"][dreal], data["direction"][dreal])
    return direction, dir_report, direction_by_person(data), dreal


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        check_args(args)
        items = collect.training_people(load_dataset(args.data).items)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    cache = args.cache or DEFAULT_CACHE
    cache.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    data = gather_samples(args, items, cache, t0)
    is_real = np.isin(data["kind"], ("image", "frame"))
    trainable = weigh_rows(data, args)
    held = cross_validate(data, is_real, trainable, args, t0)
    if args.screen:
        print_screen(screen_figures(data, held))
        return 0
    t_logit, gain = operating_point(data, held, args.threshold_weights)
    report, people = heldout_report(items, data, held, t_logit, gain, args, cache, t0)

    final = fit_draws(data["x"][trainable], data["y"][trainable], data["weight"][trainable],
                      data["draw"][trainable], args.model, args.seed, args.C)
    fit_report = fit_summary(data, predict_logit(final, data["x"]), is_real, t_logit)
    direction, dir_report, dir_person, dreal = fit_directions(data)

    model_path = write_model(args.out, {
        "feature_names": list(mf.FEATURE_NAMES),
        **final,
        "offset": t_logit,
        "gain": gain,
        "direction": direction,
        "info": {"seed": args.seed, "model": args.model, "engine_draws": args.engine_draws,
                 "threshold_rule":
                 f"max F1 on leave-people-out predictions of real items ({args.threshold_weights}"
                 " weighted)",
                 "n_real": int(is_real.sum()), "n_synthetic": int((~is_real).sum()),
                 "heldout": report["overall"], "heldout_gestures": report["gestures"],
                 "heldout_people": people,
                 "fit": fit_report,
                 "direction_loo": dir_report, "direction_by_person": dir_person},
    })
    print_tables(report, fit_report, t_logit)
    print_people(people)
    print_directions(model_path, data["x"][dreal], data["direction"][dreal], dir_report,
                     dir_person)
    print_video_check([] if args.no_video_check else video_check(items, model_path, cache))
    return 0


def screen_figures(data: dict, held: HeldOut) -> dict:
    """People-weighted figures on the held-out photos of a screen: ROC AUC, the best F1 over
    thresholds chosen on these photos themselves (comparable between recipes, optimistic as a
    figure) with its recall and false-alarm rate, and recall at false alarms of at most 5 %."""
    s = held.scored & (data["kind"] == "image")
    y, z = data["y"][s] == 1, held.oof[s]
    w = people_weights(data["group"][s], y)
    rates = [weighted_rates(y, z >= t, w) for t in np.unique(np.round(z, 3))]
    best = max(rates, key=lambda r: r.f1)
    recall5 = max((r.recall for r in rates if r.false_alarm_rate <= 0.05), default=0.0)
    return {"photos": int(s.sum()), "people_pos": best.positives,  # weighted by person,
            "people_neg": best.negatives, "auc": weighted_roc_auc(y, z, w),  # they count people
            "f1": best.f1, "recall": best.recall, "false_alarms": best.false_alarm_rate,
            "recall_at_fa5": recall5}


def print_screen(f: dict) -> None:
    """The screen's one table (people-weighted: each person once per class)."""
    print(f"\nSCREEN: held-out photos of the shared folds ({f['photos']} photos; "
          f"{f['people_pos']} people with a tongue out, {f['people_neg']} without), by person")
    print(f"  ROC AUC {f['auc']:.3f}; best F1 {f['f1']:.3f} (tongue-outs caught {f['recall']:.3f},"
          f" false alarms {f['false_alarms']:.3f}); caught at <= 5 % false alarms "
          f"{f['recall_at_fa5']:.3f}")


def write_model(out: Path, payload: dict) -> Path:
    """model.json in `out` (compact JSON, as the detector loads it)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "model.json"
    path.write_text(json.dumps(payload, separators=(",", ":")))
    log(f"wrote {path} ({path.stat().st_size} bytes)")
    return path


def print_directions(model_path: Path, x: np.ndarray, labels: np.ndarray, dir_report: dict,
                     dir_person: dict) -> None:
    """The direction model's checks, and the shipped model's fit on the labelled photos."""
    shipped = load_detector(model_path=model_path)
    fit_dir = []
    for vec, lab in zip(x, labels, strict=True):
        feats = mf.MouthFeatures(vec.astype(np.float32), None, 0.0, np.zeros((1, 1, 3), np.uint8))
        fit_dir.append(shipped.direction_of(feats)[1] == lab)
    print(f"\nDIRECTION (center/left/right) on {dir_report['n']} labelled real photos")
    print(f"  leave-one-photo-out accuracy {dir_report['accuracy']:.3f}; shipped-model fit "
          f"{np.mean(fit_dir):.3f}")
    print("  confusion (rows true, cols predicted):", json.dumps(dir_report["confusion"]))
    print(f"  leave-person-out accuracy {dir_person['accuracy']:.3f} (each photo's person, their"
          f" real photos and every engine row built on them held out; {dir_person['engine_rows']}"
          " engine rows with a side in training)")
    print("  confusion (rows true, cols predicted):", json.dumps(dir_person["confusion"]))


def print_video_check(checks: list[tuple]) -> None:
    """`video_check`'s rows, one per clip."""
    print("\nSHIPPED MODEL ON EVERY FRAME OF EVERY CLIP (as recorded; fit, not held out)")
    print("  starts and frame F1 from the gesture tracker with its defaults")
    print(f"{'clip':52s} {'frames':>6s} {'p>=0.5':>7s} {'max p':>6s} {'starts':>12s}"
          f" {'frame F1':>8s}")
    for name, n, frac, mx, runs, f1 in checks:
        f1s = f"{f1:8.3f}" if f1 is not None else f"{'':8s}"
        print(f"{name[:52]:52s} {n:6d} {frac:7.3f} {mx:6.3f} {runs:12d} {f1s}")


def validation_report(data, oof, scored, t_logit, seed) -> dict:
    """Per-family held-out figures with bootstrap CIs (eval's bootstrap: evaluation.metrics), on
    real images and video frames."""
    rows = {}
    y_all = data["y"]
    pred = (oof >= t_logit).astype(int)
    img = scored & (data["kind"] == "image")
    for fam in sorted({family(g) for g in data["group"][img]}):
        sel = img & np.array([family(g) == fam for g in data["group"]])
        y, p = y_all[sel], pred[sel]
        f1, tp, fp, fn = f1_score(y, p)
        row = {"n": int(sel.sum()), "pos": int(y.sum()), "tp": tp, "fp": fp, "fn": fn}
        if y.sum():
            row["f1"] = f1
            row["f1_ci"] = bootstrap_ci(lambda a, b: f1_score(a, b)[0], y, p, seed=seed)
        else:
            row["fpr"] = fp / max(len(y), 1)
            row["fpr_ci"] = bootstrap_ci(lambda a, b: float((b == 1).mean()), y, p, seed=seed)
        rows[f"images/{fam}"] = row
    frames = scored & (data["kind"] == "frame")
    for src in sorted({s.split("#")[0] for s in data["source"][frames]}):
        sel = frames & np.char.startswith(data["source"].astype(str), src + "#")
        y, p = y_all[sel], pred[sel]
        f1, tp, fp, fn = f1_score(y, p)
        row = {"n": int(sel.sum()), "pos": int(y.sum()), "tp": tp, "fp": fp, "fn": fn}
        if y.sum():
            row["f1"] = f1
        else:
            row["fpr"] = fp / max(len(y), 1)
        rows[f"frames/{Path(src).name}"] = row
    y, p = y_all[img], pred[img]
    f1, tp, fp, fn = f1_score(y, p)
    ci = bootstrap_ci(lambda a, b: f1_score(a, b)[0], y, p, seed=seed)
    overall = {"image_f1": f1, "image_f1_ci": ci, "tp": tp, "fp": fp, "fn": fn, "n": len(y)}
    return {"rows": rows, "overall": overall}


def person_macro(data, oof, scored, t_logit) -> float:
    """Mean over positive-holding people of their held-out recall at the threshold (for tuning)."""
    out = []
    for g in np.unique(data["group"][scored & (data["y"] == 1)]):
        sel = scored & (data["group"] == g) & (data["y"] == 1)
        out.append(float((oof[sel] >= t_logit).mean()))
    return float(np.mean(out))


def clip_gestures(result: VideoResult, seconds: float) -> dict:
    """One clip's starts from the gesture tracker (`result`, from eval's runner) scored as
    `tongue-mirror eval` scores them: false activations per minute on a negative clip; hits,
    false and duplicate starts and onset latency in source frames against the labelled
    intervals on a mixed one."""
    starts = result.starts
    row: dict = {"fps": result.fps, "seconds": seconds, "starts": [f for _t, f in starts]}
    item = result.item
    if not item.mixed:
        row.update(false=len(starts), per_minute=per_minute(len(starts), seconds))
        return row
    m = match_events(starts, [iv.labelled() for iv in item.sure_intervals],
                     ambiguous=[iv.labelled() for iv in item.intervals if not iv.sure])
    row.update(events=len(m.hits) + len(m.missed), hits=len(m.hits),
               false=len(m.false_events), duplicates=len(m.duplicate_events),
               latency_frames=m.latencies_frames.tolist())
    return row


def heldout_gestures(items: list[Item], data, oof, scored, t_logit: float,
                     gain: float, cache: Path) -> dict:
    """Each clip's held-out probabilities through the gesture tracker on the frames' own times
    (`replay_clip`), scored by `clip_gestures`: the events a stranger would trigger. Negative
    clips are seen at the training stride."""
    src = data["source"].astype(str)
    frames = scored & (data["kind"] == "frame")
    by_path = {it.name: it for it in items}
    out = {}
    for path in sorted({s.split("#")[0] for s in src[frames]}):
        it = by_path[path]
        rows = np.nonzero(frames & np.char.startswith(src, path + "#"))[0]
        index = np.array([int(src[r].rsplit("#", 1)[1]) for r in rows])
        order = np.argsort(index)
        rows, index = rows[order], index[order]
        fps = clip_fps(it.path)
        prob = 1.0 / (1.0 + np.exp(-gain * (oof[rows] - t_logit)))
        seconds = len(cached_faces(it, cache).found) / fps
        # every scored row has a face: its reading carries a logit, so the baseline takes part
        result = replay_clip(it, data["t"][rows], index, prob, np.ones(len(rows), bool),
                             RunConfig().gesture, fps)
        out[Path(path).name] = clip_gestures(result, seconds)
    return out


def heldout_clip(item: VideoItem, params: dict, t_logit: float, gain: float, cache: Path
                 ) -> tuple[VideoResult, np.ndarray]:
    """Every frame of one clip through eval's runner (cached landmarks → a detector that never
    saw this person, at the pooled operating point → the gesture tracker with
    `RunConfig().gesture`), as `tongue-mirror eval` runs it; with the per-frame extension."""
    model = DetectorModel.from_dict({"feature_names": list(mf.FEATURE_NAMES), **params,
                                     "offset": t_logit, "gain": gain}, "a training fold")
    result, rows = score_clip(item, cached_faces(item, cache), TongueDetector(model),
                              RunConfig().gesture)
    return result, np.array([r.reading.extension for r in rows], np.float64)


def person_report(items: list[Item], data, oof, scored, t_logit: float, gain: float,
                  fold_params: dict[str, dict], seed: int, cache: Path,
                  readings: Path | None = None) -> dict:
    """Per held-out person: photo F1 with its bootstrap interval (or the false-positive count of a
    person with no tongue-out photo), and their clips scored by `eval`'s own scorer
    (`video_section`, `negatives_section`) on every frame; then the clips pooled over people."""
    pred = (oof >= t_logit).astype(int)
    img = scored & (data["kind"] == "image")
    people: dict[str, dict] = {}
    for g in sorted({group_of(it) for it in items}):
        sel = img & (data["group"] == g)
        row: dict = {"photos": int(sel.sum()), "photo_pos": int(data["y"][sel].sum())}
        if sel.any():
            y, p = data["y"][sel], pred[sel]
            f1, tp, fp, fn = f1_score(y, p)
            row.update(tp=tp, fp=fp, fn=fn)
            if y.sum():
                row["photo_f1"] = f1
                row["photo_f1_ci"] = bootstrap_ci(lambda a, b: f1_score(a, b)[0], y, p,
                                                  seed=seed)
        people[g] = row
    mixed: list[VideoResult] = []
    negative: list[VideoResult] = []
    kept: dict[str, tuple[VideoResult, np.ndarray]] = {}
    for it in items:
        if not isinstance(it, VideoItem) or group_of(it) not in fold_params:
            continue
        r, extension = heldout_clip(it, fold_params[group_of(it)], t_logit, gain, cache)
        (mixed if it.mixed else negative).append(r)
        kept[it.name] = (r, extension)
        clips = people[group_of(it)].setdefault("clips", {})
        clips[it.path.name] = video_section([r]) if it.mixed else negatives_section([r])
    for g, row in people.items():
        mine = [r for r in mixed if group_of(r.item) == g]
        neg = [r for r in negative if group_of(r.item) == g]
        if mine:
            row["mixed"] = video_section(mine)
        if neg:
            row["negatives"] = negatives_section(neg)
    if readings is not None:
        save_readings(kept, readings, {
            "oof": oof[scored], "t_logit": np.array(t_logit),
            **{f"row_{k}": data[k][scored] for k in ("y", "group", "kind", "source", "weight")}})
    return {"people": people, "mixed": video_section(mixed),
            "negatives": negatives_section(negative)}


def save_readings(kept: dict[str, tuple[VideoResult, np.ndarray]], path: Path,
                  rows: dict[str, np.ndarray]) -> None:
    """Held-out per-frame readings of every clip (name, t, index, probability, extension,
    face_found), so gesture rules can be replayed on strangers without refitting; and every
    scored real row's held-out decision value with its label, person, kind, source and weight,
    so threshold rules can be compared the same way."""
    arrays: dict[str, np.ndarray] = {"names": np.array(list(kept)), **rows}
    for k, (r, extension) in enumerate(kept.values()):
        arrays.update({f"t{k}": r.t, f"index{k}": r.index, f"p{k}": r.probability,
                       f"ext{k}": extension, f"face{k}": r.face_found, f"fps{k}": np.array(r.fps)})
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)


def fit_summary(data, logit, is_real, t_logit) -> dict:
    """Training fit of the shipped model on the real items (not a generalisation figure)."""
    img = is_real & (data["kind"] == "image")
    f1, tp, fp, fn = f1_score(data["y"][img], (logit[img] >= t_logit).astype(int))
    fr = is_real & (data["kind"] == "frame")
    out = {"image_f1": f1, "tp": tp, "fp": fp, "fn": fn}
    for src in sorted({s.split("#")[0] for s in data["source"][fr]}):
        sel = fr & np.char.startswith(data["source"].astype(str), src + "#")
        y, p = data["y"][sel], (logit[sel] >= t_logit).astype(int)
        key = Path(src).name
        out[key] = f1_score(y, p)[0] if y.sum() else float(p.mean())
    return out


def video_check(items: list[Item], model_path: Path, cache: Path) -> list[tuple]:
    """The shipped model over every frame of every clip, as recorded (overlay included).

    Runs eval's runner (`score_clip`: cached landmarks → detector → gesture tracker with its
    defaults, on the source's frame times), as `tongue-mirror eval` does; starts and the frame F1
    of the mixed clip (ambiguous frames excluded) come from it. On negative clips every start is
    a false activation.
    """
    det = load_detector(model_path=model_path)
    rows = []
    for it in items:
        if not isinstance(it, VideoItem):
            continue
        r, _slices = score_clip(it, cached_faces(it, cache), det, RunConfig().gesture)
        p = r.probability
        f1 = None
        if it.mixed:
            y = frame_labels(it, len(p))
            keep = y >= 0
            f1 = f1_score(y[keep], r.is_out[keep].astype(int))[0]
        rows.append((it.path.name, len(p), float((p >= 0.5).mean()), float(p.max()),
                     len(r.starts), f1))
    return rows


def print_tables(report, fit, t_logit) -> None:
    print(f"\noperating threshold (logit, max held-out F1): {t_logit:+.3f}  -> probability 0.5")
    print("\nLEAVE-PEOPLE-OUT (held-out real items only)")
    print(f"{'group':44s} {'n':>5s} {'pos':>4s} {'tp':>4s} {'fp':>4s} {'fn':>4s}  figure [95% CI]")
    for name, r in report["rows"].items():
        if "f1" in r:
            ci = r.get("f1_ci")
            fig = f"F1 {r['f1']:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")
        else:
            ci = r.get("fpr_ci")
            fig = f"FP rate {r['fpr']:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")
        print(f"{name[:44]:44s} {r['n']:5d} {r['pos']:4d} {r['tp']:4d} {r['fp']:4d} {r['fn']:4d}"
              f"  {fig}")
    o = report["overall"]
    print(f"{'OVERALL images':44s} {o['n']:5d} {'':4s} {o['tp']:4d} {o['fp']:4d} {o['fn']:4d}"
          f"  F1 {o['image_f1']:.3f} [{o['image_f1_ci'][0]:.3f}, {o['image_f1_ci'][1]:.3f}]")
    print_heldout_gestures(report["gestures"])
    print("\nFIT OF THE SHIPPED MODEL (trained on everything; not a generalisation figure)")
    print(f"  images F1 {fit['image_f1']:.3f} (tp {fit['tp']} fp {fit['fp']} fn {fit['fn']})")
    for k, v in fit.items():
        if k.endswith((".mp4", ".avi")):
            what = "frame F1" if k == OVERLAY_CLIP else "frames above threshold"
            print(f"  {k[:50]:50s} {what} {v:.3f}")


def print_people(report: dict) -> None:
    """The leave-people-out table per person: photos, and their clips through the tracker."""
    print("\nLEAVE-PEOPLE-OUT PER PERSON (each person scored by models that never saw them; clips"
          " on every frame through the gesture tracker with RunConfig().gesture, scored as"
          " `tongue-mirror eval` scores them)")
    print(f"{'person':40s} {'photos':>6s} {'out':>4s} {'fp':>3s} {'fn':>3s}  {'photo F1 [95% CI]':22s}"
          f" {'frame F1':>8s} {'events':>7s} {'false':>5s} {'onset ms':>9s} {'neg min':>7s}"
          f" {'FA/min':>6s}")
    quiet: dict[str, list[int]] = {}
    for g, r in report["people"].items():
        if not r.get("photo_pos") and "mixed" not in r and "negatives" not in r:
            fam = quiet.setdefault(family(g), [0, 0])
            fam[0] += r["photos"]
            fam[1] += r.get("fp", 0)
            continue
        ci = r.get("photo_f1_ci")
        photo = (f"{r['photo_f1']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]" if "photo_f1" in r else "")
        m, n = r.get("mixed"), r.get("negatives")
        clip = (f" {m['frame_f1']:8.3f} {m['events_hit']:3d}/{m['events_total']:<3d}"
                f" {m['false_events']:5d} {m['onset_latency_ms_median']:9.0f}" if m
                else f" {'':8s} {'':7s} {'':5s} {'':9s}")
        neg = f" {n['minutes']:7.2f} {n['per_minute']:6.2f}" if n else ""
        print(f"{g[:40]:40s} {r['photos']:6d} {r['photo_pos']:4d} {r.get('fp', 0):3d}"
              f" {r.get('fn', 0):3d}  {photo:22s}{clip}{neg}")
    for fam, (n, fp) in sorted(quiet.items()):
        print(f"{fam + ' (no tongue-out photo, no clip)':40s} {n:6d} {0:4d} {fp:3d}")
    m, n = report["mixed"], report["negatives"]
    print(f"POOLED over the {m['n']} clips with tongue-outs: frame F1 {m['frame_f1']:.3f}"
          f" (P {m['frame_precision']:.3f} / R {m['frame_recall']:.3f}), events"
          f" {m['events_hit']}/{m['events_total']} caught ({m['events_missed']} missed),"
          f" {m['false_events']} false starts, onset median {m['onset_latency_ms_median']:.0f} ms"
          f" (p90 {m['onset_latency_ms_p90']:.0f})")
    print(f"POOLED over the {n['n']} negative clips: {n['false_activations']} false activations"
          f" in {n['minutes']:.2f} min ({n['per_minute']:.2f}/min)")


def print_heldout_gestures(rows: dict) -> None:
    """Events from the gesture tracker on held-out probabilities, one line per clip."""
    print("\nLEAVE-PEOPLE-OUT GESTURES (tracker defaults on each clip's held-out probabilities;"
          " negative clips at the training stride)")
    minutes = sum(r["seconds"] for r in rows.values() if "per_minute" in r) / 60.0
    false = sum(r["false"] for r in rows.values() if "per_minute" in r)
    for name, r in rows.items():
        if "per_minute" in r:
            fig = f"false activations {r['false']} ({r['per_minute']:.2f}/min)"
        else:
            lat = r["latency_frames"]
            fig = (f"events {r['hits']}/{r['events']} hit, {r['false']} false, "
                   f"{r['duplicates']} duplicate; onset latency "
                   + (", ".join(f"{v:.0f}" for v in lat) or "-") + " frames")
        print(f"  {name[:50]:50s} {fig}")
    rate = false / minutes if minutes > 0 else float("nan")
    print(f"  {'all negative clips':50s} false activations {false} in {minutes:.2f} min"
          f" ({rate:.2f}/min)")


if __name__ == "__main__":
    raise SystemExit(main())
