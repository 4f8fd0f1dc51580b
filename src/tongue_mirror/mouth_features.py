"""Mouth-region features for the tongue detector, invariant to where the face is and how it is lit.

The mouth region (lips down past the chin, corner to corner plus a margin) is warped to a small
canonical patch with a similarity transform from the landmarks, so scale, roll and position drop
out. Colours are compared in CIELAB with the same face's cheek skin and its upper lip, so lighting
and skin tone largely cancel; the tongue is then "redder than skin and at least as red as the lips,
outside the lips' own band". Lip geometry and MediaPipe's mouth blendshapes complete the vector.
Everything is vectorised over a 64×64 patch, so one frame costs well under a millisecond.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from tongue_mirror import landmarks as lm
from tongue_mirror.values import FaceObservation

REGIONS = ("open", "lowlip", "below", "chin", "side_l", "side_r")
PRIOR_PIXELS = 15.0
REGION_STATS = ("dl", "da", "db", "lstd", "red", "pink", "redlip", "dark", "teeth", "pinkhue",
                "dhue")
REFERENCE_FEATURES = ("lip_dl", "lip_da", "lip_db", "skin_chroma", "below_red_rel", "open_red_rel")
GEOMETRY_FEATURES = ("open_h", "open_w", "mouth_w", "open_ratio", "lowlip_thick", "lip_chin",
                     "lowlip_drop", "lowlip_resid", "lowlip_asym", "lowlip_inner_resid",
                     "abs_yaw", "abs_pitch")
TONGUE_FEATURES = ("tongue_mass", "tongue_dx", "tongue_dy", "tongue_ext",
                   "pink_cx", "pink_cy", "corner_mid_x", "yaw_signed")
FEATURE_NAMES: tuple[str, ...] = (
    tuple(f"{r}_{s}" for r in REGIONS for s in REGION_STATS)
    + REFERENCE_FEATURES + GEOMETRY_FEATURES + TONGUE_FEATURES
    + tuple(f"bs_{n}" for n in lm.DETECTOR_BLENDSHAPES)
)


@dataclass(frozen=True)
class PatchConfig:
    """Geometry of the canonical mouth patch, in face units (D ≈ outer eye-corner distance)."""

    width: int = 64
    height: int = 64
    x_range: tuple[float, float] = (-0.65, 0.65)  # left..right of the mouth-corner midpoint
    y_range: tuple[float, float] = (-0.30, 1.00)  # above..below it (the chin is ≈ 0.55 below)
    cheek_size: float = 0.14  # side of each cheek sample
    below_depth: float = 0.30  # "below the lip" band; further down is "chin"
    side_width: float = 0.28  # beside the mouth corners (sideways tongues)

    def __post_init__(self) -> None:
        if not (16 <= self.width <= 256 and 16 <= self.height <= 256):
            raise ValueError("patch width and height must be in 16..256 pixels")
        if not (self.x_range[0] < 0 < self.x_range[1] and self.y_range[0] < 0 < self.y_range[1]):
            raise ValueError("patch x_range and y_range must each straddle 0 (the mouth centre)")
        for name in ("cheek_size", "below_depth", "side_width"):
            if not 0.0 < getattr(self, name) < 1.0:
                raise ValueError(f"{name} must be in (0, 1) face units")

    @cached_property
    def px_per_unit(self) -> tuple[float, float]:
        """Patch pixels per face unit along x and y."""
        return (self.width / (self.x_range[1] - self.x_range[0]),
                self.height / (self.y_range[1] - self.y_range[0]))


@dataclass(frozen=True, eq=False)
class MouthFeatures:
    """One frame's feature vector (in FEATURE_NAMES order) plus what the avatar and UI need."""

    vector: np.ndarray  # float32, len(FEATURE_NAMES)
    direction: tuple[float, float] | None  # unit vector, image coordinates (x right, y down)
    extension: float  # 0..1 geometric extent of tongue-coloured pixels beyond the lower lip
    patch: np.ndarray  # canonical mouth patch, BGR uint8 (for the camera panel)

    def as_dict(self) -> dict[str, float]:
        """Named features for logs."""
        return {k: float(v) for k, v in zip(FEATURE_NAMES, self.vector, strict=True)}


def face_frame(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Mouth-corner midpoint, face x and y unit vectors in the image, and face size D in pixels."""
    el = pts[lm.EYE_OUTER_LEFT, :2].astype(np.float64)
    er = pts[lm.EYE_OUTER_RIGHT, :2].astype(np.float64)
    mc = (pts[lm.MOUTH_CORNER_LEFT, :2] + pts[lm.MOUTH_CORNER_RIGHT, :2]).astype(np.float64) / 2
    ex = er - el
    de = float(np.hypot(*ex))
    dv = float(np.hypot(*(mc - (el + er) / 2))) / lm.EYE_TO_MOUTH_RATIO
    d = 0.5 * (de + dv)
    u = ex / de if de > 1e-6 else np.array([1.0, 0.0])
    v = np.array([-u[1], u[0]])
    return mc, u, v, max(d, 1e-6)


def _patch_matrix(mc: np.ndarray, u: np.ndarray, v: np.ndarray, d: float,
                  cfg: PatchConfig) -> np.ndarray:
    """2×3 affine: image pixels → patch pixels."""
    sx, sy = cfg.px_per_unit
    sx, sy = sx / d, sy / d
    cx = -cfg.x_range[0] * cfg.px_per_unit[0]
    cy = -cfg.y_range[0] * cfg.px_per_unit[1]
    return np.array([[sx * u[0], sx * u[1], cx - sx * float(u @ mc)],
                     [sy * v[0], sy * v[1], cy - sy * float(v @ mc)]], dtype=np.float64)


def warp_patch(image: np.ndarray, m: np.ndarray, cfg: PatchConfig) -> np.ndarray:
    """Warps the mouth region; large faces are first area-downscaled so the samples do not alias."""
    scale = math.sqrt(abs(np.linalg.det(m[:, :2])))
    if scale < 0.5:
        inv = cv2.invertAffineTransform(m)
        corners = np.array([[0, 0, 1], [cfg.width, 0, 1], [0, cfg.height, 1],
                            [cfg.width, cfg.height, 1]], np.float64) @ inv.T
        h, w = image.shape[:2]
        x0 = _clamp(math.floor(float(corners[:, 0].min())) - 2, 0, w - 1)
        y0 = _clamp(math.floor(float(corners[:, 1].min())) - 2, 0, h - 1)
        x1 = _clamp(math.ceil(float(corners[:, 0].max())) + 2, x0 + 1, w)
        y1 = _clamp(math.ceil(float(corners[:, 1].max())) + 2, y0 + 1, h)
        f = 2.0 * scale
        crop = image[y0:y1, x0:x1]
        small = cv2.resize(crop, (max(1, round((x1 - x0) * f)), max(1, round((y1 - y0) * f))),
                           interpolation=cv2.INTER_AREA)
        fx = small.shape[1] / (x1 - x0)
        fy = small.shape[0] / (y1 - y0)
        # patch = m · [x; y; 1] with x = x0 + xs / fx
        m = np.array([[m[0, 0] / fx, m[0, 1] / fy, m[0, 0] * x0 + m[0, 1] * y0 + m[0, 2]],
                      [m[1, 0] / fx, m[1, 1] / fy, m[1, 0] * x0 + m[1, 1] * y0 + m[1, 2]]])
        image = small
    return cv2.warpAffine(image, m, (cfg.width, cfg.height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


_COLS = np.arange(256, dtype=np.float64) + 0.5  # pixel-centre coordinates


def _clamp(v: int, lo: int, hi: int) -> int:
    return lo if v < lo else hi if v > hi else v


def _p90(x: np.ndarray) -> float:
    """90th percentile by partition (np.percentile is slow for a per-frame hot path)."""
    k = min(len(x) - 1, int(0.9 * (len(x) - 1) + 0.5))
    return float(np.partition(x, k)[k])


def _inside_image(m: np.ndarray, shape: tuple[int, int], cfg: PatchConfig) -> np.ndarray | None:
    """Patch pixels whose source lies inside the image; None when all of them do."""
    inv = cv2.invertAffineTransform(m)
    h, w = shape
    corners = np.array([[0, 0], [cfg.width, 0], [0, cfg.height], [cfg.width, cfg.height]],
                       np.float64) @ inv[:, :2].T + inv[:, 2]
    if (corners.min(axis=0) >= 0).all() and corners[:, 0].max() <= w and corners[:, 1].max() <= h:
        return None
    xs = _COLS[:cfg.width][None, :]
    ys = _COLS[:cfg.height][:, None]
    sx = inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]
    sy = inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]
    return (sx >= 0) & (sx <= w - 1) & (sy >= 0) & (sy <= h - 1)


def _to_lab(bgr: np.ndarray) -> np.ndarray:
    """CIELAB float32 (L 0..100, a/b ±127)."""
    return cv2.cvtColor(bgr.astype(np.float32) * np.float32(1.0 / 255.0), cv2.COLOR_BGR2Lab)


def cheek_lab(image: np.ndarray, pts: np.ndarray, d: float, cfg: PatchConfig) -> np.ndarray:
    """Median Lab colour of both cheek samples: this face's own skin under this light."""
    h, w = image.shape[:2]
    half = max(1, round(cfg.cheek_size * d / 2))
    samples = []
    for idx in (lm.CHEEK_LEFT, lm.CHEEK_RIGHT):
        cx, cy = pts[list(idx), :2].mean(axis=0)
        x0, x1 = _clamp(int(cx - half), 0, w - 1), _clamp(int(cx + half + 1), 1, w)
        y0, y1 = _clamp(int(cy - half), 0, h - 1), _clamp(int(cy + half + 1), 1, h)
        if x1 <= x0 or y1 <= y0:
            continue
        crop = image[y0:y1, x0:x1]
        if crop.shape[0] > 6:
            crop = cv2.resize(crop, (6, 6), interpolation=cv2.INTER_AREA)
        small = crop
        samples.append(_to_lab(small).reshape(-1, 3))
    if not samples:
        return np.array([60.0, 12.0, 15.0], np.float32)
    return np.median(np.concatenate(samples), axis=0)


def _curve(px: np.ndarray, idx: tuple[int, ...], xs: np.ndarray) -> np.ndarray:
    """A lip contour as y(x) over the patch columns (clamped beyond its ends)."""
    p = px[list(idx)]
    order = np.argsort(p[:, 0])
    return np.interp(xs, p[order, 0], p[order, 1])


def _parabola_residual(p: np.ndarray, scale: float) -> float:
    """RMS distance of a contour from its best parabola: a tongue pushes the lip out of shape."""
    xs = p[:, 0].tolist()
    ys = p[:, 1].tolist()
    span = max(xs) - min(xs)
    if len(xs) < 4 or span < 1e-6:
        return 0.0
    mx = sum(xs) / len(xs)
    x = [(v - mx) / span for v in xs]
    # Normal equations of y ≈ c2·x² + c1·x + c0, solved in closed form (11 points: plain
    # Python beats numpy's per-call overhead here).
    s0 = float(len(x))
    s1 = sum(x)
    s2 = sum(v * v for v in x)
    s3 = sum(v ** 3 for v in x)
    s4 = sum(v ** 4 for v in x)
    t0 = sum(ys)
    t1 = sum(v * w for v, w in zip(x, ys, strict=True))
    t2 = sum(v * v * w for v, w in zip(x, ys, strict=True))
    m = np.array([[s4, s3, s2], [s3, s2, s1], [s2, s1, s0]])
    try:
        c2, c1, c0 = np.linalg.solve(m, np.array([t2, t1, t0]))
    except np.linalg.LinAlgError:
        return 0.0
    sq = sum((c2 * v * v + c1 * v + c0 - w) ** 2 for v, w in zip(x, ys, strict=True))
    return math.sqrt(sq / len(x)) / scale


def region_masks(px: np.ndarray, cfg: PatchConfig) -> dict[str, np.ndarray]:
    """Boolean H×W masks of the named regions, from the landmarks in patch coordinates."""
    xs = np.arange(cfg.width, dtype=np.float64) + 0.5
    ys = (np.arange(cfg.height, dtype=np.float64) + 0.5)[:, None]
    ux, uy = cfg.px_per_unit
    yu_in = _curve(px, lm.UPPER_LIP_INNER, xs)
    yl_in = _curve(px, lm.LOWER_LIP_INNER, xs)
    yu_out = _curve(px, lm.UPPER_LIP_OUTER, xs)
    yl_out = np.maximum(_curve(px, lm.LOWER_LIP_OUTER, xs), yl_in)
    xl, xr = px[lm.MOUTH_CORNER_LEFT, 0], px[lm.MOUTH_CORNER_RIGHT, 0]
    xil, xir = px[lm.INNER_CORNER_LEFT, 0], px[lm.INNER_CORNER_RIGHT, 0]
    in_mouth = (xs >= min(xl, xr)) & (xs <= max(xl, xr))
    in_inner = (xs >= min(xil, xir)) & (xs <= max(xil, xir))
    margin = 0.08 * ux
    wide = (xs >= min(xl, xr) - margin) & (xs <= max(xl, xr) + margin)
    below_end = yl_out + cfg.below_depth * uy
    top_side = min(px[lm.MOUTH_CORNER_LEFT, 1], px[lm.MOUTH_CORNER_RIGHT, 1]) - 0.08 * uy
    bot_side = max(px[lm.MOUTH_CORNER_LEFT, 1], px[lm.MOUTH_CORNER_RIGHT, 1]) + 0.18 * uy
    rows = (ys >= top_side) & (ys <= bot_side)
    sw = cfg.side_width * ux
    # Never below the jaw line nor beyond the cheek outline: a pink shirt, a red scarf or the
    # background beside a turned head is not a tongue.
    face = ys <= _curve(px, lm.CHIN, xs) + 0.04 * uy
    oval = px[list(lm.FACE_OVAL)]
    oval = oval[oval[:, 1] >= px[lm.NOSE_BOTTOM, 1] - 0.3 * uy]  # cheekbone to chin only
    mid = px[lm.NOSE_BOTTOM, 0]
    yrow = ys[:, 0]
    for side, sign in ((oval[oval[:, 0] < mid], 1.0), (oval[oval[:, 0] >= mid], -1.0)):
        if len(side) >= 2:
            o = np.argsort(side[:, 1])
            edge = np.interp(yrow, side[o, 1], side[o, 0])[:, None]
            face = face & (sign * (xs - edge) >= 0.0)
    return {
        "open": in_inner & (ys > yu_in) & (ys < yl_in),
        "lowlip": in_mouth & (ys >= yl_in) & (ys <= yl_out),
        "below": wide & (ys > yl_out) & (ys <= below_end) & face,
        "chin": wide & (ys > below_end) & face,
        "side_l": rows & (xs < min(xl, xr)) & (xs >= min(xl, xr) - sw) & face,
        "side_r": rows & (xs > max(xl, xr)) & (xs <= max(xl, xr) + sw) & face,
        "uplip": in_mouth & (ys >= yu_out) & (ys <= yu_in),
        "_yl_in": np.broadcast_to(yl_in, (cfg.height, cfg.width)),
    }


def extract(image_bgr: np.ndarray, face: FaceObservation,
            cfg: PatchConfig = PatchConfig()) -> MouthFeatures:
    """Features of the tongue-out question for one face in one frame."""
    image = image_bgr
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    pts = np.asarray(face.landmarks, dtype=np.float64)
    mc, u, v, d = face_frame(pts)
    m = _patch_matrix(mc, u, v, d, cfg)
    patch = warp_patch(image, m, cfg)
    lab = _to_lab(patch)
    skin = cheek_lab(image, pts, d, cfg)
    px = pts[:, :2] @ m[:, :2].T + m[:, 2]
    masks = region_masks(px, cfg)
    inside = _inside_image(m, image.shape[:2], cfg)
    if inside is not None:  # never take statistics of the padding beyond the frame's edge
        for key in (*REGIONS, "uplip"):
            masks[key] = masks[key] & inside
    ux, uy = cfg.px_per_unit

    big_l, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
    ls = max(float(skin[0]), 5.0)
    cs = float(np.hypot(skin[1], skin[2]))
    up = masks["uplip"]
    if up.sum() >= 3:
        lip = np.median(lab[up], axis=0).astype(np.float64)
    else:
        lip = skin + np.array([-5.0, 6.0, 0.0])
    lip_da = float(lip[1] - skin[1])
    da = a - skin[1]
    db = b - skin[2]
    dl = (big_l - ls) / ls
    not_dark = big_l > 0.55 * ls
    red_thr = max(5.0, 0.5 * lip_da)
    red = (da > red_thr) & not_dark
    pink = red & (big_l > lip[0] + 3.0)
    redlip = (da > max(lip_da, 0.0) + 3.0) & not_dark
    dark = ~not_dark
    chroma = np.hypot(a, b)
    teeth = (big_l > 0.85 * ls) & (chroma < 0.5 * cs + 3.0)
    # Hue relative to the skin's: tongue and lips turn towards magenta from the skin's orange,
    # and that survives a warm light or flushed cheeks better than redness does.
    dhue = np.arctan2(b, a) * np.float32(180.0 / math.pi) - np.float32(
        math.degrees(math.atan2(float(skin[2]), float(skin[1]))))
    dhue[dhue > 180.0] -= 360.0  # both angles are within ±180: one wrap each way suffices
    dhue[dhue < -180.0] += 360.0
    coloured = (chroma > 0.5 * cs) & not_dark
    pinkhue = coloured & (dhue < -12.0)
    dhue = np.where(coloured, np.clip(dhue, -60.0, 60.0), 0.0)
    channels = np.empty((cfg.height, cfg.width, len(REGION_STATS)), np.float32)
    for k, ch in enumerate((dl, da, db, dl * dl, red, pink, redlip, dark, teeth, pinkhue, dhue)):
        channels[..., k] = ch
    channels = channels.reshape(-1, len(REGION_STATS))
    mstack = np.stack([masks[r] for r in REGIONS]).reshape(len(REGIONS), -1).astype(np.float32)
    counts = mstack.sum(axis=1)
    sums = mstack @ channels
    # A pseudo-count of PRIOR_PIXELS pixels at the skin colour (all zeros): a sliver of a region
    # (a closed mouth's "opening") gives weak evidence, not a fraction of 1 from two pixels.
    means = sums / (counts + PRIOR_PIXELS)[:, None]
    var = np.maximum(means[:, 3] - means[:, 0] ** 2, 0.0)
    stats = means.copy()
    stats[:, 3] = np.sqrt(var)
    stats[counts < 1] = 0.0

    # Where the tongue-coloured mass is, relative to the mouth centre.
    cand = masks["lowlip"] | masks["below"] | masks["chin"] | masks["side_l"] | masks["side_r"]
    # The lower lip is red too: it counts half, so a tongue lying over it still registers.
    weight = np.minimum(np.maximum(da - red_thr, 0.0), 30.0) * (cand & not_dark)
    weight[masks["lowlip"]] *= 0.5
    mass = float(weight.sum()) / (30.0 * max(float(cand.sum()), 1.0))
    centre = (px[lm.UPPER_LIP_INNER_MID] + px[lm.LOWER_LIP_INNER_MID]) / 2.0
    direction = None
    tdx = tdy = ext = 0.0
    wsum = float(weight.sum())
    if wsum > 1e-3:
        yy, xx = np.broadcast_arrays(_COLS[:cfg.height, None], _COLS[None, :cfg.width])
        tdx = float((weight * xx).sum() / wsum - centre[0]) / ux
        tdy = float((weight * yy).sum() / wsum - centre[1]) / uy
        strong = weight > 5.0
        if strong.any():
            below_by = (yy[strong] - masks["_yl_in"][strong]) / uy
            beside = np.maximum(px[lm.MOUTH_CORNER_LEFT, 0] - xx[strong],
                                xx[strong] - px[lm.MOUTH_CORNER_RIGHT, 0]) / ux
            ext = min(1.0, max(0.0, _p90(below_by) / 0.45, _p90(beside) / 0.25))
        vec = tdx * u + tdy * v
        norm = float(np.hypot(*vec))
        if norm > 1e-6:
            direction = (float(vec[0] / norm), float(vec[1] / norm))

    # Sideways cues, against the face's midline (below the nose), not the mouth landmarks, which
    # a sideways tongue drags along: where the pinker-than-lips mass sits, and the mouth corners.
    mid_x = px[lm.NOSE_BOTTOM, 0]
    everywhere = cand | masks["open"]
    pinkw = (pink & everywhere).astype(np.float32)
    psum = float(pinkw.sum())
    if psum >= 1.0:
        pink_cx = (float(pinkw.sum(axis=0) @ _COLS[:cfg.width]) / psum - mid_x) / ux
        pink_cy = (float(pinkw.sum(axis=1) @ _COLS[:cfg.height]) / psum - centre[1]) / uy
    else:
        pink_cx = pink_cy = 0.0
    corner_mid_x = float((px[lm.MOUTH_CORNER_LEFT, 0] + px[lm.MOUTH_CORNER_RIGHT, 0]) / 2
                         - mid_x) / ux
    lip_red = max(lip_da, 2.0)
    refs = [float(lip[0] - ls) / ls, lip_da, float(lip[2] - skin[2]), cs,
            float(stats[REGIONS.index("below"), 1]) / lip_red,
            float(stats[REGIONS.index("open"), 1]) / lip_red]

    p = pts[:, :2]

    def dist(i: int, j: int) -> float:
        return float(np.hypot(*(p[i] - p[j]))) / d

    open_h = dist(lm.UPPER_LIP_INNER_MID, lm.LOWER_LIP_INNER_MID)
    open_w = dist(lm.INNER_CORNER_LEFT, lm.INNER_CORNER_RIGHT)
    corner_y = (px[lm.MOUTH_CORNER_LEFT, 1] + px[lm.MOUTH_CORNER_RIGHT, 1]) / 2
    low = px[list(lm.LOWER_LIP_OUTER)]
    n = len(low)
    geom = [open_h, open_w, dist(lm.MOUTH_CORNER_LEFT, lm.MOUTH_CORNER_RIGHT),
            open_h / max(open_w, 1e-3),
            dist(lm.LOWER_LIP_INNER_MID, lm.LOWER_LIP_BOTTOM),
            dist(lm.LOWER_LIP_BOTTOM, lm.CHIN_TIP),
            float(px[lm.LOWER_LIP_BOTTOM, 1] - corner_y) / uy,
            _parabola_residual(low, uy),
            float(low[n // 4, 1] - low[n - 1 - n // 4, 1]) / uy,
            _parabola_residual(px[list(lm.LOWER_LIP_INNER)], uy),
            abs(face.yaw), abs(face.pitch)]
    bs = [face.blendshape(k) for k in lm.DETECTOR_BLENDSHAPES]
    vector = np.concatenate([stats.reshape(-1), refs, geom,
                             [mass, tdx, tdy, ext, pink_cx, pink_cy, corner_mid_x, face.yaw],
                             bs])
    vector = np.nan_to_num(vector.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    return MouthFeatures(vector=vector, direction=direction, extension=ext, patch=patch)
