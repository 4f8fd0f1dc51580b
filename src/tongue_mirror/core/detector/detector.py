"""Tongue-out detector: mouth-patch features → the shipped model, evaluated in plain numpy.

The model's logit is shifted so that the trained operating threshold sits at probability 0.5; a
per-user Calibration moves that boundary (and sharpens it) for one person. The weights are handed
in (`io.detector_files.load_detector` reads the shipped ones); inference never imports training.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from tongue_mirror.core.detector.calibration import Calibration
from tongue_mirror.core.detector.features import FEATURE_NAMES, MouthFeatures, extract
from tongue_mirror.core.detector.mouth_patch import PatchConfig
from tongue_mirror.core.detector.weights import DetectorModel
from tongue_mirror.values import FaceObservation, TongueReading

_IDX = {n: i for i, n in enumerate(FEATURE_NAMES)}


@dataclass(frozen=True)
class DetectorConfig:
    """How to turn the direction vector into a label."""

    patch: PatchConfig = field(default_factory=PatchConfig)
    side_angle_deg: float = 40.0  # |angle from straight down| beyond which the tongue is left/right
    up_angle_deg: float = 120.0  # beyond which it points up
    min_probability_for_direction: float = 0.3  # below this, no direction is reported

    def __post_init__(self) -> None:
        if not 0.0 < self.side_angle_deg < self.up_angle_deg < 180.0:
            raise ValueError("need 0 < side_angle_deg < up_angle_deg < 180")
        if not 0.0 <= self.min_probability_for_direction <= 1.0:
            raise ValueError("min_probability_for_direction must be in 0..1")


def direction_label(direction: tuple[float, float] | None, cfg: DetectorConfig) -> str | None:
    """center/left/right/up as seen in the unmirrored image, from the angle to straight down."""
    if direction is None:
        return None
    dx, dy = direction
    angle = math.degrees(math.atan2(dx, dy))  # 0 = down, +90 = image right, ±180 = up
    if abs(angle) >= cfg.up_angle_deg:
        return "up"
    if angle >= cfg.side_angle_deg:
        return "right"
    if angle <= -cfg.side_angle_deg:
        return "left"
    return "center"


class TongueDetector:
    """Reads a FaceObservation and its frame; says whether, how far and where the tongue is out."""

    def __init__(self, model: DetectorModel, config: DetectorConfig | None = None,
                 calibration: Calibration | None = None) -> None:
        self.config = config or DetectorConfig()
        self.model = model
        self.calibration = calibration or Calibration()

    def with_calibration(self, calibration: Calibration | None) -> TongueDetector:
        """The same weights under another person's calibration (no reload)."""
        return TongueDetector(self.model, self.config, calibration)

    def features(self, image_bgr: np.ndarray, face: FaceObservation) -> MouthFeatures:
        """The feature vector the model reads (also used by calibration and training)."""
        return extract(image_bgr, face, self.config.patch)

    def logit(self, feats: MouthFeatures) -> float:
        """Uncalibrated decision value; 0 is the trained operating threshold."""
        return float(self.model.logit(feats.vector))

    def direction_of(self, feats: MouthFeatures) -> tuple[tuple[float, float] | None, str | None]:
        """Unit vector (image coordinates) and label of where the tongue points.

        Sideways: the trained center/left/right model (dx = P(right) − P(left)); up: the
        tongue-coloured mass above the mouth centre. Without a sideways model, the colour centroid.
        """
        side = self.model.side_probabilities(feats.vector)
        if side is None:
            d = feats.direction
            return d, direction_label(d, self.config)
        v = feats.vector
        up = v[_IDX["tongue_dy"]] < -0.05 and v[_IDX["pink_cy"]] < -0.02
        dx = side.get("right", 0.0) - side.get("left", 0.0)
        dy = -1.0 if up else 1.0
        norm = math.hypot(dx, dy)
        label = "up" if up else max(side, key=lambda k: side[k])
        return (dx / norm, dy / norm), label

    def reading(self, feats: MouthFeatures) -> TongueReading:
        """TongueReading from already-extracted features."""
        logit = self.logit(feats)
        p = self.calibration.apply(logit)
        direction, label = None, None
        if p >= self.config.min_probability_for_direction:
            direction, label = self.direction_of(feats)
        # A confidently seen tongue is drawn at least part-way out; colour extent adds the rest.
        ext = p * float(np.clip(0.4 + 0.6 * feats.extension, 0.0, 1.0))
        return TongueReading(probability=p, extension=ext, direction=direction,
                             direction_label=label, features=feats.as_dict(), logit=logit)

    def read(self, image_bgr: np.ndarray, face: FaceObservation | None) -> TongueReading:
        """One frame's reading; no face means probability 0 (never raises on odd frames)."""
        return self.read_with_patch(image_bgr, face)[0]

    def read_with_patch(self, image_bgr: np.ndarray, face: FaceObservation | None
                        ) -> tuple[TongueReading, np.ndarray | None]:
        """The reading and the canonical mouth patch (BGR) the camera panel shows, or None."""
        if face is None or image_bgr is None or image_bgr.size == 0:
            return TongueReading(probability=0.0), None
        try:
            feats = self.features(image_bgr, face)
        except (cv2_error(), ValueError, FloatingPointError, IndexError):
            return TongueReading(probability=0.0), None
        return self.reading(feats), feats.patch


def cv2_error() -> type[Exception]:
    """OpenCV's exception type (imported lazily to keep this module light to import)."""
    import cv2

    return cv2.error
