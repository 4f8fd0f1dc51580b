"""The common open-source tongue detector (red/pink pixels inside the open lips), kept to be beaten.

It fires on red lips, open mouths and warm light; the evaluation runs it beside ours so that the
comparison is made on the same data by the same harness. `live` and `process` never use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from tongue_mirror.core.detector.calibration import Calibration
from tongue_mirror.landmarks import (
    LIPS_INNER,
    LOWER_LIP_INNER_MID,
    MOUTH_CORNER_LEFT,
    MOUTH_CORNER_RIGHT,
    UPPER_LIP_INNER_MID,
)
from tongue_mirror.values import NO_TONGUE, FaceObservation, TongueReading


@dataclass(frozen=True)
class BaselineConfig:
    """HSV thresholds for "tongue-coloured" and the mouth-open gate, as such demos set them."""

    hue_low_max: int = 10  # OpenCV hue is 0..179 and red wraps round 0: [0, low] ∪ [high, 179]
    hue_high_min: int = 160
    sat_min: int = 50
    val_min: int = 60
    red_fraction_at_half: float = 0.3  # red share of the inner mouth that reads as probability 0.5
    open_ratio_min: float = 0.08  # inner-lip gap over mouth width below which the mouth is shut
    direction_deadzone: float = 0.12  # red-centroid offset (in mouth widths) still called centre

    def __post_init__(self) -> None:
        if not (0 <= self.hue_low_max < self.hue_high_min <= 179):
            raise ValueError("need 0 <= hue_low_max < hue_high_min <= 179")
        for name in ("sat_min", "val_min"):
            if not 0 <= getattr(self, name) <= 255:
                raise ValueError(f"{name} must be in 0..255")
        if not 0.0 < self.red_fraction_at_half <= 1.0:
            raise ValueError("red_fraction_at_half must be in (0, 1]")
        if self.open_ratio_min < 0 or self.direction_deadzone < 0:
            raise ValueError("open_ratio_min and direction_deadzone must be >= 0")


class BaselineDetector:
    """Red-pixel fraction inside the inner-lip polygon, gated on the mouth being open."""

    def __init__(self, config: BaselineConfig | None = None) -> None:
        self.config = config or BaselineConfig()
        self._inner = np.array(LIPS_INNER, dtype=np.intp)

    def with_calibration(self, calibration: Calibration | None) -> BaselineDetector:
        """Itself: a fixed red-pixel rule has no per-person boundary to move."""
        return self

    def read_with_patch(self, image_bgr: np.ndarray, face: FaceObservation | None
                        ) -> tuple[TongueReading, np.ndarray | None]:
        """The reading; the baseline warps no mouth patch to show."""
        return self.read(image_bgr, face), None

    def read(self, image_bgr: np.ndarray, face: FaceObservation | None) -> TongueReading:
        """One frame's reading; no face means no tongue."""
        if face is None or image_bgr is None or image_bgr.ndim != 3:
            return NO_TONGUE
        cfg = self.config
        lm = face.landmarks
        width = float(np.linalg.norm(lm[MOUTH_CORNER_RIGHT, :2] - lm[MOUTH_CORNER_LEFT, :2]))
        gap = float(np.linalg.norm(lm[LOWER_LIP_INNER_MID, :2] - lm[UPPER_LIP_INNER_MID, :2]))
        open_ratio = gap / width if width > 1e-6 else 0.0
        poly = lm[self._inner, :2]
        if not np.all(np.isfinite(poly)):
            return NO_TONGUE
        h, w = image_bgr.shape[:2]
        x0 = max(0, math.floor(poly[:, 0].min()))
        y0 = max(0, math.floor(poly[:, 1].min()))
        x1 = min(w, math.ceil(poly[:, 0].max()) + 1)
        y1 = min(h, math.ceil(poly[:, 1].max()) + 1)
        features = {"open_ratio": open_ratio, "red_fraction": 0.0}
        if x1 - x0 < 2 or y1 - y0 < 2:
            return TongueReading(probability=0.0, features=features)
        mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        local = np.round(poly - (x0, y0)).astype(np.int32)
        cv2.fillPoly(mask, [local], 255)
        inside = mask > 0
        n_inside = int(inside.sum())
        if n_inside == 0:
            return TongueReading(probability=0.0, features=features)
        hsv = cv2.cvtColor(image_bgr[y0:y1, x0:x1], cv2.COLOR_BGR2HSV)
        hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
        red = (((hue <= cfg.hue_low_max) | (hue >= cfg.hue_high_min))
               & (sat >= cfg.sat_min) & (val >= cfg.val_min) & inside)
        fraction = float(red.sum()) / n_inside
        features["red_fraction"] = fraction
        if open_ratio < cfg.open_ratio_min:
            return TongueReading(probability=0.0, features=features)
        probability = min(1.0, 0.5 * fraction / cfg.red_fraction_at_half)
        direction, label = self._direction(red, inside, width)
        return TongueReading(probability=probability, extension=min(1.0, fraction),
                             direction=direction, direction_label=label, features=features)

    def _direction(self, red: np.ndarray, inside: np.ndarray, width: float
                   ) -> tuple[tuple[float, float] | None, str | None]:
        """Where the red pixels sit relative to the mouth opening's centre, in mouth widths."""
        ry, rx = np.nonzero(red)
        if rx.size == 0 or width <= 1e-6:
            return None, None
        iy, ix = np.nonzero(inside)
        dx = (rx.mean() - ix.mean()) / width
        dy = (ry.mean() - iy.mean()) / width
        norm = math.hypot(dx, dy)
        if norm < self.config.direction_deadzone:
            return (0.0, 1.0), "center"
        unit = (float(dx / norm), float(dy / norm))
        if abs(dx) >= abs(dy):
            return unit, "right" if dx > 0 else "left"
        return unit, "down" if dy > 0 else "up"
