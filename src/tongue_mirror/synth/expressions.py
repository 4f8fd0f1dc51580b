"""Moves a neutral face's landmarks into an expression, so a still photo can be warped to act.

Synthetic-performer code: it fakes motion on a still photo; the clips it helps make are synthetic.
All displacements are measured in the face's own frame (eye line = x, chin direction = y) and scaled
by its mouth width, so they work for any face size, position and roll.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tongue_mirror import landmarks as lmk


@dataclass(frozen=True)
class Expression:
    """One frame's face action: amounts 0..1, angles in radians, shifts in pixels."""

    jaw: float = 0.0  # lower jaw drop; 1 = a full yawn
    smile: float = 0.0
    pucker: float = 0.0
    stretch: float = 0.0  # lips pulled sideways (the "ee" of talking)
    blink_left: float = 0.0  # image-left eye
    blink_right: float = 0.0
    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0
    dx: float = 0.0
    dy: float = 0.0
    scale: float = 1.0

    def __post_init__(self) -> None:
        for name in ("jaw", "smile", "pucker", "stretch", "blink_left", "blink_right"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"Expression.{name} must be in 0..1, got {getattr(self, name)}")
        for name in ("yaw", "pitch", "roll"):
            if abs(getattr(self, name)) > 0.6:
                raise ValueError(f"Expression.{name} must be within ±0.6 rad")
        if not 0.5 <= self.scale <= 2.0:
            raise ValueError("Expression.scale must be in 0.5..2")


NEUTRAL = Expression()


@dataclass(frozen=True, eq=False)
class FaceFrame:
    """A face's own axes and sizes, measured once on its neutral landmarks."""

    mouth: np.ndarray  # mouth centre (x, y)
    x_axis: np.ndarray  # unit vector along the eye line, image-left to image-right eye
    y_axis: np.ndarray  # unit vector towards the chin
    mouth_width: float  # outer corner to outer corner, pixels
    face_half_width: float
    centre: np.ndarray  # centre of the face oval (x, y, z)

    @classmethod
    def of(cls, landmarks: np.ndarray) -> FaceFrame:
        """Measures the frame of a 478×3 landmark array (pixels)."""
        p = np.asarray(landmarks, dtype=np.float64)
        eye_l = p[list(lmk.EYE_LEFT_CORNERS), :2].mean(axis=0)
        eye_r = p[list(lmk.EYE_RIGHT_CORNERS), :2].mean(axis=0)
        x_axis = eye_r - eye_l
        x_axis /= max(np.linalg.norm(x_axis), 1e-6)
        y_axis = np.array([-x_axis[1], x_axis[0]])
        mouth = (p[lmk.UPPER_LIP_INNER_MID, :2] + p[lmk.LOWER_LIP_INNER_MID, :2]) / 2.0
        mw = float(np.linalg.norm(p[lmk.MOUTH_CORNER_LEFT, :2] - p[lmk.MOUTH_CORNER_RIGHT, :2]))
        oval = p[list(lmk.FACE_OVAL)]
        xs = (oval[:, :2] - mouth) @ x_axis
        return cls(mouth=mouth, x_axis=x_axis, y_axis=y_axis, mouth_width=max(mw, 1.0),
                   face_half_width=max(float(xs.max() - xs.min()) / 2.0, 1.0),
                   centre=oval.mean(axis=0))

    def local(self, points: np.ndarray) -> np.ndarray:
        """Image points → (X along the eye line, Y towards the chin) relative to the mouth."""
        d = np.asarray(points, dtype=np.float64)[:, :2] - self.mouth
        return np.stack([d @ self.x_axis, d @ self.y_axis], axis=1)

    def to_image(self, local_delta: np.ndarray) -> np.ndarray:
        """A displacement in the face frame → the same displacement in image pixels."""
        return local_delta[:, :1] * self.x_axis + local_delta[:, 1:2] * self.y_axis


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def jaw_weights(landmarks: np.ndarray, frame: FaceFrame | None = None) -> np.ndarray:
    """How much each landmark follows the lower jaw (0 = skull, 1 = chin), from a neutral face."""
    p = np.asarray(landmarks, dtype=np.float64)
    f = frame or FaceFrame.of(p)
    q = f.local(p)
    up = f.local(p[list(lmk.UPPER_LIP_INNER)])
    lo = f.local(p[list(lmk.LOWER_LIP_INNER)])
    seam = (up + lo) / 2.0
    order = np.argsort(seam[:, 0])
    seam_y = np.interp(q[:, 0], seam[order, 0], seam[order, 1])
    yrel = q[:, 1] - seam_y
    half = max(abs(seam[order[-1], 0] - seam[order[0], 0]) / 2.0, 1.0)
    lat = np.abs(q[:, 0]) / half
    sigma = np.maximum(0.5, 0.5 * f.mouth_width * np.maximum(lat - 1.0, 0.0))
    below = _smoothstep(0.5 + yrel / (2.0 * sigma))
    below[list(lmk.UPPER_LIP_INNER[1:-1])] = 0.0
    below[list(lmk.LOWER_LIP_INNER[1:-1])] = 1.0
    below[[lmk.INNER_CORNER_LEFT, lmk.INNER_CORNER_RIGHT]] = 0.5
    below[[lmk.MOUTH_CORNER_LEFT, lmk.MOUTH_CORNER_RIGHT]] = 0.5
    f_lat = np.clip(1.0 - 0.55 * (q[:, 0] / f.face_half_width) ** 2, 0.1, 1.0)
    near = np.clip(1.0 - np.maximum(yrel, 0.0) / (0.7 * f.mouth_width), 0.0, 1.0)
    curve = 1.0 - 0.5 * np.clip(lat, 0.0, 1.0) ** 2
    w = below * f_lat * (near * curve + (1.0 - near))
    w[lmk.N_MESH:] = 0.0  # irises never follow the jaw
    return w


def _gauss(q: np.ndarray, centre: np.ndarray, sigma: float) -> np.ndarray:
    d2 = ((q - centre) ** 2).sum(axis=1)
    return np.exp(-d2 / (2.0 * sigma * sigma))


def _lids(p: np.ndarray, amount: float, upper: tuple[int, ...], lower: tuple[int, ...],
          crease: tuple[int, ...]) -> None:
    """Closes one eye in place: the upper lid slides down to meet the lower one."""
    if amount <= 0.0:
        return
    up = p[list(upper), :2].copy()
    lo = p[list(lower), :2].copy()
    gap = lo - up
    p[list(upper), :2] = up + gap * 0.85 * amount
    p[list(lower), :2] = lo - gap * 0.1 * amount
    p[list(crease), :2] += gap * 0.45 * amount


def _rotate_head(p: np.ndarray, f: FaceFrame, e: Expression) -> None:
    """Small 3-D head rotation about the face centre, projected orthographically, in place."""
    if not (e.yaw or e.pitch or e.roll):
        return
    cy, sy = math.cos(e.yaw), math.sin(e.yaw)
    cp, sp = math.cos(e.pitch), math.sin(e.pitch)
    cr, sr = math.cos(e.roll), math.sin(e.roll)
    r_yaw = np.array([[cy, 0.0, -sy], [0.0, 1.0, 0.0], [sy, 0.0, cy]])
    r_pitch = np.array([[1.0, 0.0, 0.0], [0.0, cp, sp], [0.0, -sp, cp]])
    r_roll = np.array([[cr, -sr, 0.0], [sr, cr, 0.0], [0.0, 0.0, 1.0]])
    c = f.centre
    p[:] = (p - c) @ (r_roll @ r_pitch @ r_yaw).T + c


def pose(neutral: np.ndarray, e: Expression, frame: FaceFrame | None = None,
         weights: np.ndarray | None = None) -> np.ndarray:
    """Landmarks (478×3 pixels) of the neutral face performing `e`."""
    p = np.asarray(neutral, dtype=np.float64).copy()
    f = frame or FaceFrame.of(p)
    mw = f.mouth_width
    q = f.local(p)
    delta = np.zeros_like(q)
    if e.jaw > 0.0:
        w = weights if weights is not None else jaw_weights(p, f)
        drop = e.jaw * 0.95 * mw
        delta[:, 1] += w * drop
        # the mouth narrows a little as it opens; the upper lip lifts on a wide yawn
        delta[:, 0] -= w * np.clip(q[:, 0] / (0.5 * mw), -1.0, 1.0) * 0.06 * drop
        upper = (1.0 - np.clip(w * 2.0, 0.0, 1.0)) * _gauss(q, np.array([0.0, -0.1 * mw]),
                                                            0.35 * mw)
        delta[:, 1] -= upper * 0.08 * drop * e.jaw
    if e.smile > 0.0 or e.stretch > 0.0:
        for side in (-1.0, 1.0):
            corner = np.array([side * 0.5 * mw, 0.0])
            g = _gauss(q, corner, 0.32 * mw)
            delta[:, 0] += g * side * mw * (0.13 * e.smile + 0.1 * e.stretch)
            delta[:, 1] -= g * mw * 0.11 * e.smile
            cheek = _gauss(q, np.array([side * 0.65 * mw, -0.45 * mw]), 0.4 * mw)
            delta[:, 1] -= cheek * mw * 0.06 * e.smile
    if e.pucker > 0.0:
        g = _gauss(q, np.zeros(2), 0.42 * mw)
        delta[:, 0] -= g * q[:, 0] * 0.5 * e.pucker
        delta[:, 1] -= g * q[:, 1] * 0.15 * e.pucker
    delta[lmk.N_MESH:] = 0.0
    p[:, :2] += f.to_image(delta)
    _lids(p, e.blink_left, lmk.EYE_LEFT_UPPER_LID, lmk.EYE_LEFT_LOWER_LID, lmk.EYE_LEFT_CREASE)
    _lids(p, e.blink_right, lmk.EYE_RIGHT_UPPER_LID, lmk.EYE_RIGHT_LOWER_LID,
          lmk.EYE_RIGHT_CREASE)
    _rotate_head(p, f, e)
    if e.scale != 1.0:
        p[:, :2] = (p[:, :2] - f.centre[:2]) * e.scale + f.centre[:2]
    p[:, 0] += e.dx
    p[:, 1] += e.dy
    return p


def mouth_gap(landmarks: np.ndarray) -> float:
    """Distance between the inner lips at the middle, in pixels."""
    p = np.asarray(landmarks, dtype=np.float64)
    return float(np.linalg.norm(p[lmk.UPPER_LIP_INNER_MID, :2] - p[lmk.LOWER_LIP_INNER_MID, :2]))
