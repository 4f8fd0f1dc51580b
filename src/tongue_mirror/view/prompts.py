"""Tells the person in front of the camera what would help: come closer, more light, face the baby."""

from __future__ import annotations

import math

import numpy as np

from tongue_mirror.values import FrameResult
from tongue_mirror.view.steady import Steady

MIN_FACE_FRACTION = 0.12  # face narrower than this share of the frame width: too far to read
MIN_MOUTH_LUMA = 50.0  # mean 0..255 grey level around the mouth below which colours are unreliable
LIGHT_ENOUGH_LUMA = 58.0  # once asked for light, ask until the mouth is this bright (hysteresis)
MAX_YAW_DEG = 35.0
LUMA_SMOOTHING_S = 0.5  # time constant of the mouth brightness the light prompt reads
SETTLE_S = 0.6  # a new prompt (or its end) must hold this long before the screen changes
HOLD_S = 2.5  # a prompt shown stays at least this long, so it never flickers


def mouth_luma(result: FrameResult) -> float | None:
    """Mean grey level of the lower third of the face box; None without a face."""
    face = result.face
    if face is None:
        return None
    x0, y0, x1, y1 = (int(v) for v in face.bbox)
    image = result.frame.image
    h, w = image.shape[:2]
    my0 = max(0, (y0 + 2 * y1) // 3)
    roi = image[my0:min(h, y1), max(0, x0):min(w, x1):4]
    return float(np.mean(roi)) if roi.size else None


def stage_prompt(result: FrameResult, dim_below: float = MIN_MOUTH_LUMA,
                 luma: float | None = None) -> str | None:
    """One short instruction for this frame alone, or None when the view is good (or nobody is
    there)."""
    face = result.face
    if face is None:
        return None
    width, _ = face.image_size
    if face.width < MIN_FACE_FRACTION * width:
        return "come closer to the camera"
    if abs(math.degrees(face.yaw)) > MAX_YAW_DEG:
        return "turn your face towards the baby"
    luma = mouth_luma(result) if luma is None else luma
    if luma is not None and luma < dim_below:
        return "more light on your face, please"
    return None


class StagePrompter:
    """`stage_prompt` made steady: smoothed light with hysteresis, a settle time before a change,
    a minimum hold."""

    def __init__(self, settle_s: float = SETTLE_S, hold_s: float = HOLD_S) -> None:
        self.settle_s = settle_s
        self.hold_s = hold_s
        self.clear()

    def clear(self) -> None:
        """Next person: nothing shown, nothing pending."""
        self._shown: Steady[str | None] = Steady(None, self.settle_s, self.hold_s)
        self._luma: float | None = None
        self._luma_t = -math.inf

    def update(self, result: FrameResult) -> str | None:
        """The prompt to show for this frame (its time is the frame's)."""
        t = result.frame.t
        dim_below = LIGHT_ENOUGH_LUMA if self._shown.value == "more light on your face, please" \
            else MIN_MOUTH_LUMA
        luma = mouth_luma(result)
        if luma is not None:
            if self._luma is None or not math.isfinite(self._luma_t):
                self._luma = luma
            else:
                k = 1.0 - math.exp(-max(0.0, t - self._luma_t) / LUMA_SMOOTHING_S)
                self._luma += k * (luma - self._luma)
            self._luma_t = t
        return self._shown.update(stage_prompt(result, dim_below, self._luma), t)
