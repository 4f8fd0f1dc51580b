"""Engine samples as whole frames: the engine's mouth patch pasted back into the real frame.

The engine (`engine.py`) works in the 64×64 canonical mouth patch. The trees read more than the
patch: the cheeks beside it, MediaPipe's landmarks and its blendshapes. So each engine sample is
pasted back into the frame it came from (only where the engine changed pixels, feathered), lit,
mirrored and degraded as a whole frame (a colour cast on the cheeks too, a small face, blur,
noise, JPEG), and then landmarked afresh by the caller, so its features are what the detector
would really compute on such a frame: a real face, a real tongue's pixels, MediaPipe's own
answer about the mouth.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tongue_mirror.core.detector import mouth_patch
from tongue_mirror.values import FaceObservation
from tools.tongue_data import collect, engine

CFG = mouth_patch.PatchConfig()
SIDES = ("center", "left", "right")
MIRRORED = {"center": "center", "left": "right", "right": "left", "": ""}


@dataclass(frozen=True)
class Sample:
    """One whole-frame sample before landmarking."""

    image: np.ndarray  # BGR uint8
    label: int  # 1 tongue out, 0 not
    kind: str  # out | tip | inside | marks
    direction: str  # as seen in the image ("" for negatives)
    donor: str  # person group of the tongue ("" none)


def target_of(image: np.ndarray, face: FaceObservation) -> tuple[np.ndarray, np.ndarray,
                                                                 np.ndarray, np.ndarray]:
    """(patch, landmarks in patch pixels, cheek skin Lab, image → patch affine) of one face."""
    px, skin, m = collect.patch_geometry(image, face)
    return mouth_patch.warp_patch(image, m, CFG), px, skin, m


def paste(image: np.ndarray, m: np.ndarray, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """`image` with the patch pixels the engine changed (old → new) warped back into it."""
    changed = (np.abs(new.astype(np.int16) - old.astype(np.int16)).max(axis=2) > 2)
    if not changed.any():
        return image
    mask = cv2.dilate(changed.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(np.float32)
    mask = cv2.GaussianBlur(mask, (5, 5), 1.0)
    h, w = image.shape[:2]
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    big = cv2.warpAffine(new, m, (w, h), flags=flags, borderMode=cv2.BORDER_REPLICATE)
    alpha = cv2.warpAffine(mask, m, (w, h), flags=flags, borderValue=0.0)[..., None]
    out = image.astype(np.float32) * (1.0 - alpha) + big.astype(np.float32) * alpha
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def webcam(image: np.ndarray, face_px: float, rng: np.random.Generator) -> np.ndarray:
    """A whole frame as a workshop webcam gives it: colour cast or dim warm light on everything,
    often a 150–250 px face, motion blur, sensor noise, JPEG."""
    out = image
    if rng.random() < 0.7:
        out = engine.random_light(rng).apply(out)
    if rng.random() < 0.5 and face_px > 160:
        f = float(rng.uniform(150, 250)) / face_px
        if f < 1.0:
            h, w = out.shape[:2]
            out = cv2.resize(out, (max(32, round(w * f)), max(32, round(h * f))),
                             interpolation=cv2.INTER_AREA)
    if rng.random() < 0.3:
        out = engine.motion_blur(out, rng, max_len=7)
    if rng.random() < 0.5:
        out = engine.sensor_noise(out, rng, max_sigma=6)
    if rng.random() < 0.6:
        out = engine.jpeg(out, rng, quality=(25, 90))
    return out


def samples(image: np.ndarray, face: FaceObservation, group: str, donors: list[engine.Tongue],
            rng: np.random.Generator, n_out: int = 2) -> list[Sample]:
    """Positives (straight out, corners, tips, odd colours) and hard negatives (the tongue kept
    inside an open mouth, marks drawn near the lips) on one real negative face, none of whose
    tongues come from its own person."""
    others = [t for t in donors if t.group != group]
    if not others:
        return []
    patch, px, skin, m = target_of(image, face)
    mouth = engine.mouth_of(px)
    face_px = float(face.width)
    out: list[Sample] = []
    jobs: list[tuple[str, str, float]] = []
    for _ in range(n_out):
        tip = rng.random() < 0.3
        d = str(rng.choice(SIDES, p=[0.5, 0.25, 0.25]))
        jobs.append(("tip" if tip else "out", d,
                     float(rng.uniform(0.02, 0.3) if tip else rng.uniform(0.3, 1.0))))
    if mouth.open_px >= 4.0:
        jobs.append(("inside", "", 0.0))
    if rng.random() < 0.5:
        jobs.append(("marks", "", 0.0))
    for kind, d, ext in jobs:
        t = others[int(rng.integers(len(others)))]
        if kind == "marks":
            new: np.ndarray | None = engine.draw_marks(patch, px, rng)
        else:
            new = engine.transplant(patch, px, skin, t, rng, d or "center", ext,
                                    inside=kind == "inside", unusual=rng.random() < 0.2)
        if new is None:
            continue
        if kind in ("out", "tip") and rng.random() < 0.2:
            new = engine.draw_marks(new, px, rng)  # marks on positives too: no mark decides
        img = paste(image, m, patch, new)
        direction = d
        if rng.random() < 0.5:
            img = img[:, ::-1].copy()
            direction = MIRRORED[d]
        img = webcam(img, face_px, rng)
        out.append(Sample(img, int(kind in ("out", "tip")), kind, direction,
                          t.group if kind != "marks" else ""))
    return out

