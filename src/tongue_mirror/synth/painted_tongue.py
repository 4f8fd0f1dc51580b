"""Training-only: paints a plausible protruding tongue on a real face, and augments images.

Synthetic positives widen the few real ones (mostly one man) to many faces, skin tones, beards and
lights. They may train the detector, never score it. The tongue is drawn in the face's own frame
(from the landmarks): a rounded, slightly tapering body from between the lips over the lower lip,
a dark mouth gap at its root, a median groove, shading, specular glints and a soft edge; its colour
is a tongue pink adapted to the face's lighting (cheek lightness and white balance).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from tongue_mirror import landmarks as lm
from tongue_mirror.core.detector.mouth_patch import PatchConfig, face_frame
from tongue_mirror.core.detector.skin_reference import cheek_lab

DIRECTIONS = ("center", "left", "right", "up")


def _lab_to_bgr(lab: np.ndarray) -> np.ndarray:
    px = np.asarray(lab, np.float32).reshape(1, 1, 3)
    return cv2.cvtColor(px, cv2.COLOR_Lab2BGR).reshape(3) * 255.0


def render_tongue(image: np.ndarray, pts: np.ndarray, rng: np.random.Generator,
                  direction: str = "center") -> np.ndarray:
    """A copy of `image` with a tongue out in `direction` (as seen in the image)."""
    out = image.astype(np.float32)
    h, w = image.shape[:2]
    _mc, u, v, d = face_frame(pts)
    top = pts[lm.UPPER_LIP_INNER_MID, :2].astype(np.float64)
    mouth_w = float(np.hypot(*(pts[lm.MOUTH_CORNER_RIGHT, :2] - pts[lm.MOUTH_CORNER_LEFT, :2])))
    root = top + v * 0.02 * d
    if direction == "center":
        ang = rng.normal(0.0, 10.0)
        length = rng.uniform(0.22, 0.60) * d
    elif direction in ("left", "right"):
        ang = rng.uniform(35.0, 80.0) * (-1 if direction == "left" else 1)
        length = rng.uniform(0.22, 0.45) * d
    else:  # up: tongue tip over the upper lip
        ang = rng.uniform(150.0, 210.0)
        length = rng.uniform(0.12, 0.22) * d
    a = math.radians(ang)
    axis = math.sin(a) * u + math.cos(a) * v  # 0° = straight down the face
    side = np.array([-axis[1], axis[0]])
    width = rng.uniform(0.55, 0.85) * mouth_w
    if direction in ("left", "right"):
        width *= rng.uniform(0.6, 0.85)
    # Outline: tapering body with a rounded tip, in (along, across) then image coordinates.
    t = np.linspace(0, 1, 24)
    half = 0.5 * width * (1.0 - 0.25 * t ** 2)
    tip_len = 0.5 * half[-1]
    body_len = max(length - tip_len, 0.3 * length)
    left = np.stack([t * body_len, -half], axis=1)
    right = np.stack([t * body_len, half], axis=1)[::-1]
    th = np.linspace(-math.pi / 2, math.pi / 2, 16)
    tip = np.stack([body_len + tip_len * np.cos(th), half[-1] * np.sin(th)], axis=1)
    outline = np.concatenate([left, tip, right])
    poly = root + outline[:, :1] * axis + outline[:, 1:] * side

    # Mouth gap (dark) at the root, a little wider than the tongue.
    mask_gap: np.ndarray = np.zeros((h, w), np.float32)
    gap_c = root + axis * 0.02 * d
    cv2.ellipse(mask_gap, (round(gap_c[0]), round(gap_c[1])),
                (max(1, round(0.5 * width * 1.15)), max(1, round(0.05 * d))),
                math.degrees(math.atan2(side[1], side[0])), 0, 360, 1.0, -1, cv2.LINE_AA)

    mask: np.ndarray = np.zeros((h, w), np.float32)
    cv2.fillPoly(mask, [np.round(poly * 16).astype(np.int32)], 1.0, cv2.LINE_AA, shift=4)
    feather = max(0.6, 0.008 * d)
    mask = cv2.GaussianBlur(mask, (0, 0), feather)
    mask_gap = cv2.GaussianBlur(mask_gap, (0, 0), feather * 1.5)

    skin = cheek_lab(image, pts, d, _cfg())
    light = float(np.clip(skin[0] / 65.0, 0.3, 1.4))
    base = np.array([rng.uniform(52, 72) * light, rng.uniform(20, 36), rng.uniform(4, 18)])
    base[2] += 0.4 * (skin[2] - 15.0)  # follow the scene's white balance
    base[1] *= float(np.clip(0.6 + 0.4 * light, 0.5, 1.0))
    colour = _lab_to_bgr(base)

    # Shading: along/across coordinates of every pixel for groove, root shadow and glints.
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    rel_x, rel_y = xs - root[0], ys - root[1]
    along = (rel_x * axis[0] + rel_y * axis[1]) / max(length, 1)
    across = (rel_x * side[0] + rel_y * side[1]) / max(0.5 * width, 1)
    shade = 1.0 - 0.25 * np.exp(-(along / 0.18) ** 2)  # shadow under the upper lip
    shade *= 1.0 - rng.uniform(0.05, 0.2) * np.exp(-(across / 0.12) ** 2)  # median groove
    shade *= 1.0 - 0.18 * np.clip(np.abs(across), 0, 1) ** 3  # rounder at the edges
    noise = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0),
                             max(0.8, 0.01 * d))
    shade *= 1.0 + 0.04 * noise / max(float(noise.std()), 1e-6)
    tongue = colour[None, None, :] * shade[..., None]
    for _ in range(rng.integers(0, 4)):
        ga = rng.uniform(0.2, 0.9)
        gc = rng.uniform(-0.6, 0.6)
        spot = np.exp(-((along - ga) / 0.05) ** 2 - ((across - gc) / 0.12) ** 2)
        tongue += (255.0 - tongue) * (rng.uniform(0.2, 0.6) * spot)[..., None]

    gap_colour = np.array([20, 18, 28], np.float32) * light
    out = out * (1 - mask_gap[..., None]) + gap_colour * mask_gap[..., None]
    out = out * (1 - mask[..., None]) + tongue * mask[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def _cfg() -> PatchConfig:
    return PatchConfig()


def augment(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Colour cast, gamma, brightness, blur, downscale and JPEG: the ways webcams differ."""
    img = image.astype(np.float32) / 255.0
    gains = rng.uniform(0.8, 1.2, 3).astype(np.float32)
    img = img * gains[None, None, :] * rng.uniform(0.55, 1.25)
    img = np.clip(img, 0, 1) ** rng.uniform(0.7, 1.4)
    out = (img * 255.0).astype(np.uint8)
    h, w = out.shape[:2]
    scale = rng.uniform(0.35, 1.0) if max(h, w) > 400 else rng.uniform(0.7, 1.0)
    if max(h, w) * scale > 1280:
        scale = 1280 / max(h, w)
    if scale < 0.98:
        out = cv2.resize(out, (max(32, round(w * scale)), max(32, round(h * scale))),
                         interpolation=cv2.INTER_AREA)
    if rng.random() < 0.5:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.4, 1.6))
    if rng.random() < 0.3:
        out = np.clip(out + rng.normal(0, rng.uniform(2, 8), out.shape), 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 92))])
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else None
    return out if decoded is None else decoded
