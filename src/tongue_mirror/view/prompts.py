"""Tells the person in front of the camera what would help: come closer, more light, face the baby."""

from __future__ import annotations

import math

import numpy as np

from tongue_mirror.values import FrameResult

MIN_FACE_FRACTION = 0.12  # face narrower than this share of the frame width: too far to read
MIN_MOUTH_LUMA = 50.0  # mean 0..255 grey level around the mouth below which colours are unreliable
MAX_YAW_DEG = 35.0


def stage_prompt(result: FrameResult) -> str | None:
    """One short instruction, or None when the view is good (or nobody is there)."""
    face = result.face
    if face is None:
        return None
    width, _ = face.image_size
    if face.width < MIN_FACE_FRACTION * width:
        return "come closer to the camera"
    if abs(math.degrees(face.yaw)) > MAX_YAW_DEG:
        return "turn your face towards the baby"
    x0, y0, x1, y1 = (int(v) for v in face.bbox)
    image = result.frame.image
    h, w = image.shape[:2]
    my0 = max(0, (y0 + 2 * y1) // 3)
    roi = image[my0:min(h, y1), max(0, x0):min(w, x1):4]
    if roi.size and float(np.mean(roi)) < MIN_MOUTH_LUMA:
        return "more light on your face, please"
    return None
