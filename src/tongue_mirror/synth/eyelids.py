"""Finishes a warped blink: skin over the squeezed eye opening and a lash line, so a closing eye
does not leave slivers of white. Synthetic-performer code."""

from __future__ import annotations

import cv2
import numpy as np

from tongue_mirror import landmarks as lmk

_EYES = ((lmk.EYE_LEFT_UPPER_LID, lmk.EYE_LEFT_LOWER_LID),
         (lmk.EYE_RIGHT_UPPER_LID, lmk.EYE_RIGHT_LOWER_LID))


def close_eyes(image: np.ndarray, landmarks: np.ndarray,
               closure: tuple[float, float]) -> np.ndarray:
    """Covers what is left of each eye opening with surrounding lid skin, by how shut it is."""
    out = image
    h, w = image.shape[:2]
    for (upper, lower), amount in zip(_EYES, closure, strict=True):
        if amount < 0.5:
            continue
        up = np.asarray(landmarks)[list(upper), :2]
        lo = np.asarray(landmarks)[list(lower), :2]
        poly = np.concatenate([up, lo[::-1]])
        x0, y0 = np.floor(poly.min(axis=0)).astype(int) - 6
        x1, y1 = np.ceil(poly.max(axis=0)).astype(int) + 7
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
        if x1 - x0 < 4 or y1 - y0 < 4:
            continue
        if out is image:
            out = image.copy()
        roi = out[y0:y1, x0:x1]
        mask = np.zeros(roi.shape[:2], np.uint8)
        pts = np.round(poly - [x0, y0]).astype(np.int32)
        cv2.fillPoly(mask, [pts], 255)
        cv2.polylines(mask, [pts], True, 255, 2)
        filled = cv2.inpaint(roi, mask, 3, cv2.INPAINT_TELEA)
        weight = float(np.clip((amount - 0.5) / 0.35, 0.0, 1.0))
        blend = (cv2.GaussianBlur(mask, (0, 0), 0.8).astype(np.float32) / 255.0 * weight)[..., None]
        roi[:] = (roi * (1.0 - blend) + filled * blend).astype(np.uint8)
        # the lash line where the lids meet
        lash = np.zeros(roi.shape[:2], np.uint8)
        seam = np.round(((up + lo) / 2.0 - [x0, y0]) * 4).astype(np.int32)
        width = max(1, round(np.linalg.norm(up[-1] - up[0]) / 25.0))
        cv2.polylines(lash, [seam], False, 255, width, lineType=cv2.LINE_AA, shift=2)
        a = (lash.astype(np.float32) / 255.0 * 0.4 * weight)[..., None]
        roi[:] = (roi * (1.0 - a) + roi * 0.35 * a).astype(np.uint8)
    return out
