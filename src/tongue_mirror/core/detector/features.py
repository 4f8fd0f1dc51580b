"""Mouth-region features for the tongue detector, invariant to where the face is and how it is lit.

The mouth region is warped to the canonical patch (mouth_patch), split into regions (mouth_regions)
and its colours compared in CIELAB with the same face's cheek skin, the skin above the lip
(skin_reference) and its upper lip, so lighting and skin tone largely cancel; the tongue is then
"redder than skin and at least as red as the lips, outside the lips' own band". Lip geometry and
MediaPipe's mouth blendshapes complete the vector. Everything is vectorised over a 64×64 patch,
so one frame costs well under a millisecond.

The per-pixel maps stay in one function: a dozen intermediate masks computed once per frame feed
several statistics each, and the shipped trees depend on bit-exact output (pinned by
tests/unit/test_feature_regression.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from tongue_mirror import landmarks as lm
from tongue_mirror.core.detector.mouth_patch import (
    DEFAULT_PATCH,
    PatchConfig,
    PatchGrid,
    face_frame_floats,
    inside_image,
    landmark_index,
    patch_grid,
    patch_matrix,
    warp_patch,
)
from tongue_mirror.core.detector.mouth_regions import MASKS, REGIONS, region_masks
from tongue_mirror.core.detector.skin_reference import (
    DEFAULT_SKIN,
    cheek_pixels,
    median_rows,
    perioral,
    to_lab,
)
from tongue_mirror.values import FaceObservation

PRIOR_PIXELS = 15.0
REGION_STATS = ("dl", "da", "db", "lstd", "red", "pink", "redlip", "dark", "teeth", "pinkhue",
                "dhue", "redperi", "hueperi")
REFERENCE_FEATURES = ("lip_dl", "lip_da", "lip_db", "skin_chroma", "below_red_rel", "open_red_rel",
                      "peri_dl", "peri_da", "peri_db")
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


@dataclass(frozen=True, eq=False)
class MouthFeatures:
    """One frame's feature vector (in FEATURE_NAMES order) plus what the avatar and UI need."""

    vector: np.ndarray  # float32, len(FEATURE_NAMES)
    direction: tuple[float, float] | None  # unit vector, image coordinates (x right, y down)
    extension: float  # 0..1 reach of tongue-coloured (red or magenta-ward) pixels past the lip
    patch: np.ndarray  # canonical mouth patch, BGR uint8 (for the camera panel)

    def as_dict(self) -> dict[str, float]:
        """Named features for logs."""
        return {k: float(v) for k, v in zip(FEATURE_NAMES, self.vector, strict=True)}


_LOWER_IN = landmark_index(lm.LOWER_LIP_INNER)
_LOWER_OUT = landmark_index(lm.LOWER_LIP_OUTER)
# Landmark pairs of the geometry distances: opening height and width, mouth width, lower-lip
# thickness, lower lip to chin.
_DIST_A = landmark_index((lm.UPPER_LIP_INNER_MID, lm.INNER_CORNER_LEFT, lm.MOUTH_CORNER_LEFT,
                          lm.LOWER_LIP_INNER_MID, lm.LOWER_LIP_BOTTOM))
_DIST_B = landmark_index((lm.LOWER_LIP_INNER_MID, lm.INNER_CORNER_RIGHT, lm.MOUTH_CORNER_RIGHT,
                          lm.LOWER_LIP_BOTTOM, lm.CHIN_TIP))


def _mass_weight(excess: np.ndarray, where: np.ndarray, lowlip: np.ndarray) -> np.ndarray:
    """Per-pixel tongue weight: the excess over a colour bar, capped at 30, in `where`; the lower
    lip is coloured too, so it counts half and a tongue lying over it still registers."""
    weight = np.minimum(np.maximum(excess, 0.0), 30.0) * where
    np.multiply(weight, 0.5, out=weight, where=lowlip)
    return weight


def _reach(weight: np.ndarray, g: PatchGrid, yl_in: np.ndarray, xl: float, xr: float, ux: float,
           uy: float) -> float:
    """How far the weighted mass reaches below the lower lip or beside a corner, 0..1."""
    r, c = np.nonzero(weight > 5.0)
    if not len(r):
        return 0.0
    # The percentile of v / u is the percentile of v divided by u, bit for bit: rounding is
    # monotonic. So the arrays are not divided, only the two percentiles.
    below_by = _p90(g.ys[r] - yl_in[c]) / uy
    x = g.xs[c]
    beside = _p90(np.maximum(xl - x, x - xr)) / ux
    return min(1.0, max(0.0, below_by / 0.45, beside / 0.25))


def _p90(x: np.ndarray) -> float:
    """90th percentile by partition (np.percentile is slow for a per-frame hot path)."""
    k = min(len(x) - 1, int(0.9 * (len(x) - 1) + 0.5))
    return float(np.partition(x, k)[k])


def _parabola_residual(p: np.ndarray, scale: float) -> float:
    """RMS distance of a contour from its best parabola: a tongue pushes the lip out of shape."""
    xs, ys = p.T.tolist()
    span = max(xs) - min(xs)
    if len(xs) < 4 or span < 1e-6:
        return 0.0
    mx = sum(xs) / len(xs)
    x = [(v - mx) / span for v in xs]
    # Normal equations of y ≈ c2·x² + c1·x + c0, solved in closed form (11 points: plain
    # Python beats numpy's per-call overhead here).
    x2 = [v * v for v in x]
    s0 = float(len(x))
    s1 = sum(x)
    s2 = sum(x2)
    s3 = sum([v ** 3 for v in x])
    s4 = sum([v ** 4 for v in x])
    t0 = sum(ys)
    t1 = sum([v * w for v, w in zip(x, ys, strict=True)])
    t2 = sum([v2 * w for v2, w in zip(x2, ys, strict=True)])
    sol = _solve3([[s4, s3, s2, t2], [s3, s2, s1, t1], [s2, s1, s0, t0]])
    if sol is None:
        return 0.0
    c2, c1, c0 = sol
    sq = sum([(c2 * v * v + c1 * v + c0 - w) ** 2 for v, w in zip(x, ys, strict=True)])
    return math.sqrt(sq / len(x)) / scale


def _solve3(a: list[list[float]]) -> tuple[float, float, float] | None:
    """3×3 system (augmented rows) by Gaussian elimination with partial pivoting, as LAPACK's
    gesv does, without np.linalg.solve's ~20 µs of call overhead; None when singular."""
    for k in range(2):
        p = k
        for i in range(k + 1, 3):
            if abs(a[i][k]) > abs(a[p][k]):  # the first largest, as LAPACK's idamax
                p = i
        a[k], a[p] = a[p], a[k]
        pivot = a[k]
        if pivot[k] == 0.0:
            return None
        for i in range(k + 1, 3):
            row = a[i]
            f = row[k] / pivot[k]
            for j in range(k + 1, 4):
                row[j] -= f * pivot[j]
    if a[2][2] == 0.0:
        return None
    c0 = a[2][3] / a[2][2]
    c1 = (a[1][3] - a[1][2] * c0) / a[1][1]
    c2 = (a[0][3] - a[0][1] * c1 - a[0][2] * c0) / a[0][0]
    return c2, c1, c0


def extract(image_bgr: np.ndarray, face: FaceObservation,
            cfg: PatchConfig = DEFAULT_PATCH) -> MouthFeatures:
    """Features of the tongue-out question for one face in one frame."""
    image = image_bgr
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    g = patch_grid(cfg)
    hw = cfg.height * cfg.width
    pts = np.asarray(face.landmarks, dtype=np.float64)
    mcx, mcy, u0, u1, v0, v1, d = face_frame_floats(pts)
    m = patch_matrix(np.array([mcx, mcy]), np.array([u0, u1]), np.array([v0, v1]), d, cfg)
    patch = warp_patch(image, m, cfg)
    # One Lab conversion for the patch and the cheek samples together (it works pixel by pixel).
    cheeks = cheek_pixels(image, pts, d, cfg)
    lab_all = to_lab(np.concatenate([patch.reshape(-1, 3), *cheeks])[None])[0]
    lab = lab_all[:hw]
    skin = median_rows(lab_all[hw:]) if cheeks else np.array(DEFAULT_SKIN, np.float32)
    px = pts[:, :2] @ m[:, :2].T + m[:, 2]
    masks, yl_in = region_masks(px, cfg)
    inside = inside_image(m, image.shape[:2], cfg)
    if inside is not None:  # never take statistics of the padding beyond the frame's edge
        masks &= inside
    ux, uy = cfg.px_per_unit

    big_l, a, b = cv2.split(lab.reshape(cfg.height, cfg.width, 3))
    ls = max(float(skin[0]), 5.0)
    cs = float(np.hypot(skin[1], skin[2]))
    up = masks[MASKS.index("uplip")].reshape(-1)
    if np.count_nonzero(up) >= 3:
        lip = median_rows(lab[up]).astype(np.float64)
    else:
        lip = skin + np.array([-5.0, 6.0, 0.0])
    lip_da = float(lip[1] - skin[1])
    peri = perioral(lab, px, cfg)
    if peri is None:
        peri = skin.astype(np.float64)
    # The per-pixel maps keep their scalar operands' types (Python float, float32, float64):
    # numpy's promotion rules make those decide the precision of each comparison.
    # Each statistic's map is computed into its own contiguous plane, then interleaved by one
    # cv2.merge: the H×W×11 layout (and so the matrix product's summation order) is unchanged.
    planes = np.empty((len(REGION_STATS), cfg.height, cfg.width), np.float32)
    dl, da, db, dl2, red, pink, redlip, dark, teeth, pinkhue, dhue, redperi, hueperi = planes
    np.subtract(a, skin[1], out=da)
    np.subtract(b, skin[2], out=db)
    np.divide(big_l - ls, ls, out=dl)
    np.multiply(dl, dl, out=dl2)
    not_dark = big_l > 0.55 * ls
    red_thr = max(5.0, 0.5 * lip_da)
    np.logical_and(da > red_thr, not_dark, out=red)
    np.logical_and(red, big_l > lip[0] + 3.0, out=pink)
    np.logical_and(da > max(lip_da, 0.0) + 3.0, not_dark, out=redlip)
    np.logical_not(not_dark, out=dark)
    chroma = np.hypot(a, b)
    np.logical_and(big_l > 0.85 * ls, chroma < 0.5 * cs + 3.0, out=teeth)
    # Hue relative to the skin's: tongue and lips turn towards magenta from the skin's orange,
    # and that survives a warm light or flushed cheeks better than redness does.
    hue = np.arctan2(b, a)
    hue *= np.float32(180.0 / math.pi)
    skin_hue = np.float32(math.degrees(math.atan2(float(skin[2]), float(skin[1]))))
    hue -= skin_hue
    # Both angles are within ±180 (arctan2's within 180.00002 in float32): one wrap each way
    # suffices, and none is needed towards the side the skin's own hue is more than 1° from.
    if skin_hue < 1.0:
        np.subtract(hue, 360.0, out=hue, where=hue > 180.0)
    if skin_hue > -1.0:
        np.add(hue, 360.0, out=hue, where=hue < -180.0)
    coloured = (chroma > 0.5 * cs) & not_dark
    np.logical_and(coloured, hue < -12.0, out=pinkhue)
    # The same turn towards magenta, from the hue of the skin above the upper lip.
    shift = skin_hue - math.degrees(math.atan2(float(peri[2]), float(peri[1])))
    shift = (shift + 180.0) % 360.0 - 180.0
    turn = hue + np.float32(shift)
    np.subtract(turn, 360.0, out=turn, where=turn > 180.0)
    np.add(turn, 360.0, out=turn, where=turn < -180.0)
    np.logical_and(coloured, turn < -12.0, out=hueperi)
    np.clip(hue, -60.0, 60.0, out=hue)
    np.multiply(hue, coloured, out=dhue)  # 0 (or -0.0, which adds nothing) where not coloured
    # Redder than the skin right above the upper lip, where no tongue goes: a child's or a
    # flushed face's pink around the mouth is its skin, not a tongue, however pale the cheeks.
    peri_red = max(5.0, 0.5 * float(lip[1] - peri[1]))
    np.logical_and(a > float(peri[1]) + peri_red, not_dark, out=redperi)
    channels = cv2.merge(list(planes)).reshape(-1, len(REGION_STATS))
    mstack = masks[:len(REGIONS)].reshape(len(REGIONS), -1).astype(np.float32)
    counts = mstack.sum(axis=1)
    sums = mstack @ channels
    # A pseudo-count of PRIOR_PIXELS pixels at the skin colour (all zeros): a sliver of a region
    # (a closed mouth's "opening") gives weak evidence, not a fraction of 1 from two pixels.
    means = sums / (counts + PRIOR_PIXELS)[:, None]
    var = np.maximum(means[:, 3] - means[:, 0] ** 2, 0.0)
    stats = means
    stats[:, 3] = np.sqrt(var)
    stats[counts < 1] = 0.0

    # Where the tongue-coloured mass is, relative to the mouth centre.
    lowlip = masks[1]
    cand = masks[1:len(REGIONS)].any(axis=0)
    weight = _mass_weight(da - red_thr, cand & not_dark, lowlip)
    wsum = float(weight.sum())
    mass = wsum / (30.0 * max(float(np.count_nonzero(cand)), 1.0))
    (ul_x, ul_y), (ll_x, ll_y) = px[[lm.UPPER_LIP_INNER_MID, lm.LOWER_LIP_INNER_MID]].tolist()
    centre_x, centre_y = (ul_x + ll_x) / 2.0, (ul_y + ll_y) / 2.0
    (xl, yl), (xr, yr) = px[[lm.MOUTH_CORNER_LEFT, lm.MOUTH_CORNER_RIGHT]].tolist()
    direction = None
    tdx = tdy = ext = 0.0
    if wsum > 1e-3:
        tdx = float((weight * g.xx).sum() / wsum - centre_x) / ux
        tdy = float((weight * g.yy).sum() / wsum - centre_y) / uy
        ext = _reach(weight, g, yl_in, xl, xr, ux, uy)
        vx, vy = tdx * u0 + tdy * v0, tdx * u1 + tdy * v1
        norm = float(np.hypot(vx, vy))
        if norm > 1e-6:
            direction = (vx / norm, vy / norm)

    # In a dim or warm light the tongue can be less red than the skin (a webcam clip in the dev
    # set: redness reach 0 with the tongue far out), yet it still turns from the skin's orange
    # towards magenta: the reach of that hue shift stands in for how far out it is. Not a model
    # input: as one it helped held-out photos and that clip but added false positives elsewhere.
    hue_ext = _reach(_mass_weight(-hue - 12.0, cand & coloured, lowlip), g, yl_in, xl, xr, ux,
                     uy)

    # Sideways cues, against the face's midline (below the nose), not the mouth landmarks, which
    # a sideways tongue drags along: where the pinker-than-lips mass sits, and the mouth corners.
    mid_x = float(px[lm.NOSE_BOTTOM, 0])
    pinkw = np.logical_and(pink, cand | masks[0])  # anywhere in the regions
    psum = float(np.count_nonzero(pinkw))
    if psum >= 1.0:  # pixel counts times pixel centres: exact in float64 whatever the order
        pink_cx = (float(np.count_nonzero(pinkw, axis=0) @ g.xs) / psum - mid_x) / ux
        pink_cy = (float(np.count_nonzero(pinkw, axis=1) @ g.ys) / psum - centre_y) / uy
    else:
        pink_cx = pink_cy = 0.0
    corner_mid_x = ((xl + xr) / 2 - mid_x) / ux
    lip_red = max(lip_da, 2.0)
    refs = [float(lip[0] - ls) / ls, lip_da, float(lip[2] - skin[2]), cs,
            float(stats[REGIONS.index("below"), 1]) / lip_red,
            float(stats[REGIONS.index("open"), 1]) / lip_red,
            float(peri[0] - ls) / ls, float(peri[1] - skin[1]), float(peri[2] - skin[2])]

    p = pts[:, :2]
    diff = p[_DIST_A] - p[_DIST_B]
    open_h, open_w, mouth_w, lowlip_thick, lip_chin = (
        h / d for h in np.hypot(diff[:, 0], diff[:, 1]).tolist())
    corner_y = (yl + yr) / 2
    low = px[_LOWER_OUT]
    n = len(low)
    geom = [open_h, open_w, mouth_w, open_h / max(open_w, 1e-3), lowlip_thick, lip_chin,
            (float(px[lm.LOWER_LIP_BOTTOM, 1]) - corner_y) / uy,
            _parabola_residual(low, uy),
            float(low[n // 4, 1] - low[n - 1 - n // 4, 1]) / uy,
            _parabola_residual(px[_LOWER_IN], uy),
            abs(face.yaw), abs(face.pitch)]
    bs = [face.blendshape(k) for k in lm.DETECTOR_BLENDSHAPES]
    vector = np.array(stats.reshape(-1).tolist() + refs + geom
                      + [mass, tdx, tdy, ext, pink_cx, pink_cy, corner_mid_x, face.yaw] + bs,
                      dtype=np.float32)
    if not np.isfinite(vector).all():
        vector = np.nan_to_num(vector, nan=0.0, posinf=0.0, neginf=0.0)
    return MouthFeatures(vector=vector, direction=direction, extension=max(ext, hue_ext),
                         patch=patch)
