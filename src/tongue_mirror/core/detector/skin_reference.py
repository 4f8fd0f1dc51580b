"""Colour in CIELAB against this face's own skin, so lighting and skin tone largely cancel.

The references are the cheeks (median of two small samples) and the skin between the nose and
the upper lip, where no tongue goes.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from tongue_mirror import landmarks as lm
from tongue_mirror.core.detector.mouth_patch import (
    PatchConfig,
    centre_span,
    clamp,
    landmark_index,
    patch_grid,
)

_CHEEKS = landmark_index(lm.CHEEK_LEFT + lm.CHEEK_RIGHT)  # 8 + 8 landmarks
DEFAULT_SKIN = (60.0, 12.0, 15.0)  # Lab, when neither cheek is in the frame


def median_rows(x: np.ndarray) -> np.ndarray:
    """np.median(x, axis=0) of a float32 (n, 3) array, exactly, without np.median's overhead."""
    n = len(x)
    h = n // 2
    if n % 2:
        return np.partition(x, h, axis=0)[h]
    part = np.partition(x, (h - 1, h), axis=0)
    return (part[h - 1] + part[h]) / x.dtype.type(2)


def to_lab(bgr: np.ndarray) -> np.ndarray:
    """CIELAB float32 (L 0..100, a/b ±127)."""
    rgb = np.multiply(bgr, np.float32(1.0 / 255.0), dtype=np.float32)
    return cv2.cvtColor(rgb, cv2.COLOR_BGR2Lab, dst=rgb)  # in place: pixel by pixel, same values


def cheek_pixels(image: np.ndarray, pts: np.ndarray, d: float, cfg: PatchConfig) -> list[np.ndarray]:
    """BGR pixels (n×3) of the cheek samples inside the image (at most 6×6 each)."""
    h, w = image.shape[:2]
    half = max(1, round(cfg.cheek_size * d / 2))
    samples = []
    for cx, cy in pts[_CHEEKS, :2].reshape(2, -1, 2).mean(axis=1):  # each cheek's centre
        x0, x1 = clamp(int(cx - half), 0, w - 1), clamp(int(cx + half + 1), 1, w)
        y0, y1 = clamp(int(cy - half), 0, h - 1), clamp(int(cy + half + 1), 1, h)
        if x1 <= x0 or y1 <= y0:
            continue
        crop = image[y0:y1, x0:x1]
        if crop.shape[0] > 6:
            crop = cv2.resize(crop, (6, 6), interpolation=cv2.INTER_AREA)
        samples.append(crop.reshape(-1, 3))
    return samples


def cheek_lab(image: np.ndarray, pts: np.ndarray, d: float, cfg: PatchConfig) -> np.ndarray:
    """Median Lab colour of both cheek samples: this face's own skin under this light."""
    samples = cheek_pixels(image, pts, d, cfg)
    if not samples:
        return np.array(DEFAULT_SKIN, np.float32)
    return median_rows(to_lab(np.concatenate(samples)[None])[0])


def perioral(lab: np.ndarray, px: np.ndarray, cfg: PatchConfig) -> np.ndarray | None:
    """Median Lab of the skin between the nose and the upper lip (the middle of the band, the
    middle half of the mouth's width), or None where fewer than 6 patch pixels of it show."""
    (xn, yn), (xu, yu) = px[[lm.NOSE_BOTTOM, lm.UPPER_LIP_TOP]].tolist()
    gap = yu - yn
    if not (math.isfinite(gap) and gap > 0.0):
        return None
    half = 0.25 * abs(float(px[lm.MOUTH_CORNER_RIGHT, 0] - px[lm.MOUTH_CORNER_LEFT, 0]))
    g = patch_grid(cfg)
    rows = centre_span(g.y_centres, yn + 0.35 * gap, yu - 0.2 * gap)
    cols = centre_span(g.x_centres, (xn + xu) / 2.0 - half, (xn + xu) / 2.0 + half)
    if (rows.stop - rows.start) * (cols.stop - cols.start) < 6:
        return None
    band = lab.reshape(cfg.height, cfg.width, 3)[rows, cols].reshape(-1, 3)
    return median_rows(band).astype(np.float64)
