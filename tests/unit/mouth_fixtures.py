"""A face drawn in code (lips, cheeks, an optional pink tongue) with landmarks placed to match."""

from __future__ import annotations

import cv2
import numpy as np

from tongue_mirror import landmarks as lm
from tongue_mirror.values import FaceObservation

SKIN = (150, 170, 215)  # BGR, light skin
LIP = (95, 90, 175)
TONGUE = (150, 140, 235)  # pink, lighter and redder than the lips


def _contour(cx, cy, half_w, dy, n, sign):
    """n points of a lip curve from the image-left corner to the right one."""
    xs = np.linspace(cx - half_w, cx + half_w, n)
    ys = cy + sign * dy * (1 - ((xs - cx) / half_w) ** 2)
    return np.stack([xs, ys], axis=1)


def make_face(roll_deg: float = 0.0, scale: float = 1.0, shift=(0.0, 0.0)):
    """A 640×480 face-like image and its landmarks (only the ones the features use are placed)."""
    pts = np.zeros((lm.N_LANDMARKS, 3), np.float32)
    cx, cy = 320.0, 250.0
    pts[:, :2] = (cx, cy - 60)  # everything else: mid-face
    pts[lm.EYE_OUTER_LEFT, :2] = (cx - 100, cy - 120)
    pts[lm.EYE_OUTER_RIGHT, :2] = (cx + 100, cy - 120)
    pts[list(lm.UPPER_LIP_OUTER), :2] = _contour(cx, cy, 55, 18, 11, -1)
    pts[list(lm.UPPER_LIP_INNER), :2] = _contour(cx, cy, 45, 3, 11, -1)
    pts[list(lm.LOWER_LIP_INNER), :2] = _contour(cx, cy, 45, 3, 11, 1)
    pts[list(lm.LOWER_LIP_OUTER), :2] = _contour(cx, cy, 55, 20, 11, 1)
    # Face outline (jaw and chin included) on an ellipse whose bottom is the chin tip.
    n_oval = len(lm.FACE_OVAL)
    for k, i in enumerate(lm.FACE_OVAL):  # starts at the forehead, goes clockwise
        ang = 2 * np.pi * k / n_oval
        pts[i, :2] = (cx + 150 * np.sin(ang), cy - 80 - 190 * np.cos(ang))
    pts[lm.NOSE_BOTTOM, :2] = (cx, cy - 45)
    pts[lm.CHIN_TIP, :2] = (cx, cy + 110)
    for idx, x in ((lm.CHEEK_LEFT, cx - 110), (lm.CHEEK_RIGHT, cx + 110)):
        pts[list(idx), :2] = (x, cy - 50)
    # Similarity transform of the whole face.
    a = np.radians(roll_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    c = np.array([cx, cy])
    pts[:, :2] = (pts[:, :2] - c) @ rot.T * scale + c + np.asarray(shift)
    return pts


def render(pts: np.ndarray, tongue: bool, gain: float = 1.0, cast=(1.0, 1.0, 1.0),
           colours=(SKIN, LIP, TONGUE)):
    """Draws skin, lips (and a tongue hanging over the lower lip) then applies global lighting."""
    skin, lip, tongue_colour = colours
    img = np.zeros((480, 640, 3), np.uint8)
    img[:] = skin
    oval = pts[list(lm.LIPS_OUTER), :2].astype(np.int32)
    cv2.fillPoly(img, [oval], lip, cv2.LINE_AA)
    inner = pts[list(lm.LIPS_INNER), :2].astype(np.int32)
    cv2.fillPoly(img, [inner], (40, 30, 50), cv2.LINE_AA)
    if tongue:
        top = pts[lm.LOWER_LIP_INNER_MID, :2]
        chin = pts[lm.CHIN_TIP, :2]
        centre = top + 0.45 * (chin - top)
        ang = np.degrees(np.arctan2(chin[1] - top[1], chin[0] - top[0])) - 90
        size = float(np.hypot(*(chin - top)))
        cv2.ellipse(img, (int(centre[0]), int(centre[1])), (int(0.35 * size), int(0.5 * size)),
                    ang, 0, 360, tongue_colour, -1, cv2.LINE_AA)
    rng = np.random.default_rng(1)
    noisy = img.astype(np.float32) + rng.normal(0, 2.0, img.shape)
    lit = noisy * gain * np.asarray(cast, np.float32)[None, None, :]
    return np.clip(lit, 0, 255).astype(np.uint8)


def face_of(pts: np.ndarray, blendshapes=None) -> FaceObservation:
    x0, y0 = pts[:, :2].min(axis=0)
    x1, y1 = pts[:, :2].max(axis=0)
    return FaceObservation(pts, blendshapes or {}, 0.0, 0.0, 0.0,
                           (float(x0), float(y0), float(x1), float(y1)), (640, 480))
