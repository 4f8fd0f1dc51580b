"""Mouth-region features for the tongue detector, invariant to where the face is and how it is lit.

The mouth region (lips down past the chin, corner to corner plus a margin) is warped to a small
canonical patch with a similarity transform from the landmarks, so scale, roll and position drop
out. Colours are compared in CIELAB with the same face's cheek skin and its upper lip, so lighting
and skin tone largely cancel; the tongue is then "redder than skin and at least as red as the lips,
outside the lips' own band". Lip geometry and MediaPipe's mouth blendshapes complete the vector.
Everything is vectorised over a 64×64 patch, so one frame costs well under a millisecond.

Why one module of ~580 lines: the features share one canonical grid and a dozen intermediate
masks computed once per frame; split, they would pass those arrays between modules for no gain,
and the shipped trees depend on bit-exact output (pinned by tests/unit/test_feature_regression.py).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, cached_property

import cv2
import numpy as np

from tongue_mirror import landmarks as lm
from tongue_mirror.values import FaceObservation

REGIONS = ("open", "lowlip", "below", "chin", "side_l", "side_r")
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
    extension: float  # 0..1 reach of tongue-coloured (red or magenta-ward) pixels past the lip
    patch: np.ndarray  # canonical mouth patch, BGR uint8 (for the camera panel)

    def as_dict(self) -> dict[str, float]:
        """Named features for logs."""
        return {k: float(v) for k, v in zip(FEATURE_NAMES, self.vector, strict=True)}


def _index(idx: tuple[int, ...]) -> np.ndarray:
    """Read-only landmark index array (fancy indexing with a list converts it on every call)."""
    a = np.array(idx, dtype=np.intp)
    a.flags.writeable = False
    return a


_FRAME_IDX = _index((lm.EYE_OUTER_LEFT, lm.EYE_OUTER_RIGHT, lm.MOUTH_CORNER_LEFT,
                     lm.MOUTH_CORNER_RIGHT))
_CHEEKS = _index(lm.CHEEK_LEFT + lm.CHEEK_RIGHT)  # 8 + 8 landmarks
_LOWER_IN = _index(lm.LOWER_LIP_INNER)
_LOWER_OUT = _index(lm.LOWER_LIP_OUTER)
_CHIN = _index(lm.CHIN)
# The four lip contours (11 landmarks each) in the order _region_masks' boundary curves take.
_LIPS = _index(lm.UPPER_LIP_INNER + lm.LOWER_LIP_INNER + lm.UPPER_LIP_OUTER + lm.LOWER_LIP_OUTER)
_OVAL = _index(lm.FACE_OVAL)
# Landmark pairs of the geometry distances: opening height and width, mouth width, lower-lip
# thickness, lower lip to chin.
_DIST_A = _index((lm.UPPER_LIP_INNER_MID, lm.INNER_CORNER_LEFT, lm.MOUTH_CORNER_LEFT,
                  lm.LOWER_LIP_INNER_MID, lm.LOWER_LIP_BOTTOM))
_DIST_B = _index((lm.LOWER_LIP_INNER_MID, lm.INNER_CORNER_RIGHT, lm.MOUTH_CORNER_RIGHT,
                  lm.LOWER_LIP_BOTTOM, lm.CHIN_TIP))
_FOUR = _index((0, 1, 2, 3))[:, None]
_MASKS = (*REGIONS, "uplip")  # order of the planes of _region_masks' stack
_DEFAULT_SKIN = (60.0, 12.0, 15.0)  # Lab, when neither cheek is in the frame


def _face_frame(pts: np.ndarray) -> tuple[float, float, float, float, float, float, float]:
    """face_frame as plain floats (mcx, mcy, ux, uy, vx, vy, d): numpy scalars cost more than the
    arithmetic; the operations and their order are face_frame's, so the values are identical."""
    q = pts[_FRAME_IDX, :2]
    (elx, ely), (erx, ery) = q[:2].tolist()
    mcx, mcy = (q[2] + q[3]).tolist()  # summed in the landmarks' own dtype, as before
    mcx, mcy = mcx / 2, mcy / 2
    exx, exy = erx - elx, ery - ely
    de = float(np.hypot(exx, exy))
    dv = float(np.hypot(mcx - (elx + erx) / 2, mcy - (ely + ery) / 2)) / lm.EYE_TO_MOUTH_RATIO
    d = 0.5 * (de + dv)
    ux, uy = (exx / de, exy / de) if de > 1e-6 else (1.0, 0.0)
    return mcx, mcy, ux, uy, -uy, ux, max(d, 1e-6)


def face_frame(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Mouth-corner midpoint, face x and y unit vectors in the image, and face size D in pixels."""
    mcx, mcy, ux, uy, vx, vy, d = _face_frame(pts)
    return np.array([mcx, mcy]), np.array([ux, uy]), np.array([vx, vy]), d


def patch_affine(pts: np.ndarray, cfg: PatchConfig = PatchConfig()) -> np.ndarray:
    """The image → patch affine `extract` warps with, from a face's landmarks (training tools
    paste into and sample from the same patch)."""
    mc, u, v, d = face_frame(np.asarray(pts, dtype=np.float64))
    return _patch_matrix(mc, u, v, d, cfg)


def _patch_matrix(mc: np.ndarray, u: np.ndarray, v: np.ndarray, d: float,
                  cfg: PatchConfig) -> np.ndarray:
    """2×3 affine: image pixels → patch pixels."""
    px, py = cfg.px_per_unit
    sx, sy = px / d, py / d
    cx = -cfg.x_range[0] * px
    cy = -cfg.y_range[0] * py
    u0, u1 = u.tolist()
    v0, v1 = v.tolist()
    return np.array([[sx * u0, sx * u1, cx - sx * float(u @ mc)],
                     [sy * v0, sy * v1, cy - sy * float(v @ mc)]], dtype=np.float64)


def warp_patch(image: np.ndarray, m: np.ndarray, cfg: PatchConfig) -> np.ndarray:
    """Warps the mouth region; large faces are first area-downscaled so the samples do not alias."""
    scale = math.sqrt(abs(float(m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0])))
    if scale < 0.5:
        inv = cv2.invertAffineTransform(m)
        cx, cy = zip(*(_grid(cfg).corners1 @ inv.T).tolist(), strict=True)
        h, w = image.shape[:2]
        x0 = _clamp(math.floor(min(cx)) - 2, 0, w - 1)
        y0 = _clamp(math.floor(min(cy)) - 2, 0, h - 1)
        x1 = _clamp(math.ceil(max(cx)) + 2, x0 + 1, w)
        y1 = _clamp(math.ceil(max(cy)) + 2, y0 + 1, h)
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
_COLS.flags.writeable = False


@dataclass(frozen=True, eq=False)
class _Grid:
    """Per-config constant arrays, built once instead of on every frame."""

    xs: np.ndarray  # (W,) column centres
    ys: np.ndarray  # (H,) row centres
    xx: np.ndarray  # (H, W) column centre of every pixel
    yy: np.ndarray  # (H, W) row centre of every pixel
    rows: np.ndarray  # (1, H, 1) row index, to expand per-column row ranges into masks
    cols: np.ndarray  # (1, W) column index, to expand per-row column ranges into masks
    corners: np.ndarray  # (4, 2) patch corners
    corners1: np.ndarray  # (4, 3) patch corners, homogeneous
    x_centres: tuple[float, ...]  # xs as floats, for bisect
    y_centres: tuple[float, ...]


@cache
def _grid(cfg: PatchConfig) -> _Grid:
    """The constant arrays of one patch geometry (PatchConfig is frozen, so hashable)."""
    w, h = cfg.width, cfg.height
    yy, xx = np.broadcast_arrays(_COLS[:h, None], _COLS[None, :w])
    corners1 = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], np.float64)
    arrays = (_COLS[:w].copy(), _COLS[:h].copy(), xx.copy(), yy.copy(),
              np.arange(h, dtype=np.int16).reshape(1, h, 1), np.arange(w, dtype=np.int16)[None],
              corners1[:, :2].copy(), corners1)
    for a in arrays:
        a.flags.writeable = False
    return _Grid(*arrays, tuple(arrays[0].tolist()), tuple(arrays[1].tolist()))


def _clamp(v: int, lo: int, hi: int) -> int:
    return lo if v < lo else hi if v > hi else v


def _mass_weight(excess: np.ndarray, where: np.ndarray, lowlip: np.ndarray) -> np.ndarray:
    """Per-pixel tongue weight: the excess over a colour bar, capped at 30, in `where`; the lower
    lip is coloured too, so it counts half and a tongue lying over it still registers."""
    weight = np.minimum(np.maximum(excess, 0.0), 30.0) * where
    np.multiply(weight, 0.5, out=weight, where=lowlip)
    return weight


def _reach(weight: np.ndarray, g: _Grid, yl_in: np.ndarray, xl: float, xr: float, ux: float,
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


def _median_rows(x: np.ndarray) -> np.ndarray:
    """np.median(x, axis=0) of a float32 (n, 3) array, exactly, without np.median's overhead."""
    n = len(x)
    h = n // 2
    if n % 2:
        return np.partition(x, h, axis=0)[h]
    part = np.partition(x, (h - 1, h), axis=0)
    return (part[h - 1] + part[h]) / x.dtype.type(2)


def _inside_image(m: np.ndarray, shape: tuple[int, int], cfg: PatchConfig) -> np.ndarray | None:
    """Patch pixels whose source lies inside the image; None when all of them do."""
    inv = cv2.invertAffineTransform(m)
    h, w = shape
    g = _grid(cfg)
    cx, cy = zip(*(g.corners @ inv[:, :2].T + inv[:, 2]).tolist(), strict=True)
    if min(cx) >= 0 and min(cy) >= 0 and max(cx) <= w and max(cy) <= h:
        return None
    xs = g.xs[None, :]
    ys = g.ys[:, None]
    sx = inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]
    sy = inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]
    return (sx >= 0) & (sx <= w - 1) & (sy >= 0) & (sy <= h - 1)


def _to_lab(bgr: np.ndarray) -> np.ndarray:
    """CIELAB float32 (L 0..100, a/b ±127)."""
    rgb = np.multiply(bgr, np.float32(1.0 / 255.0), dtype=np.float32)
    return cv2.cvtColor(rgb, cv2.COLOR_BGR2Lab, dst=rgb)  # in place: pixel by pixel, same values


def _cheek_pixels(image: np.ndarray, pts: np.ndarray, d: float, cfg: PatchConfig) -> list[np.ndarray]:
    """BGR pixels (n×3) of the cheek samples inside the image (at most 6×6 each)."""
    h, w = image.shape[:2]
    half = max(1, round(cfg.cheek_size * d / 2))
    samples = []
    for cx, cy in pts[_CHEEKS, :2].reshape(2, -1, 2).mean(axis=1):  # each cheek's centre
        x0, x1 = _clamp(int(cx - half), 0, w - 1), _clamp(int(cx + half + 1), 1, w)
        y0, y1 = _clamp(int(cy - half), 0, h - 1), _clamp(int(cy + half + 1), 1, h)
        if x1 <= x0 or y1 <= y0:
            continue
        crop = image[y0:y1, x0:x1]
        if crop.shape[0] > 6:
            crop = cv2.resize(crop, (6, 6), interpolation=cv2.INTER_AREA)
        samples.append(crop.reshape(-1, 3))
    return samples


def cheek_lab(image: np.ndarray, pts: np.ndarray, d: float, cfg: PatchConfig) -> np.ndarray:
    """Median Lab colour of both cheek samples: this face's own skin under this light."""
    samples = _cheek_pixels(image, pts, d, cfg)
    if not samples:
        return np.array(_DEFAULT_SKIN, np.float32)
    return _median_rows(_to_lab(np.concatenate(samples)[None])[0])


def _curve(px: np.ndarray, idx: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """A lip contour as y(x) over the patch columns (clamped beyond its ends)."""
    p = px[idx]
    order = np.argsort(p[:, 0])
    return np.interp(xs, p[order, 0], p[order, 1])


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


def _span(centres: tuple[float, ...], lo: float, hi: float, lo_strict: bool = False,
          hi_strict: bool = False) -> slice:
    """The pixel centres c with lo ≤ c ≤ hi (< where strict) as a slice: the same comparisons as
    testing each centre, by bisection; NaN bounds match nothing, as those comparisons would."""
    if math.isnan(lo) or math.isnan(hi):
        return slice(0, 0)
    first = (bisect_right if lo_strict else bisect_left)(centres, lo)
    stop = (bisect_left if hi_strict else bisect_right)(centres, hi)
    return slice(first, max(first, stop))


def _region_masks(px: np.ndarray, cfg: PatchConfig) -> tuple[np.ndarray, np.ndarray]:
    """Boolean (7, H, W) stack of the region masks in _MASKS order, from the landmarks in patch
    coordinates, and the inner lower-lip curve y(x) over the columns.

    Every region is a range of rows in a range of columns (the face's outline aside), so the masks
    come from bisecting the boundaries in the pixel centres and two comparisons over the whole
    stack: the same comparisons as testing each pixel, with a tenth of the numpy calls.
    """
    g = _grid(cfg)
    xs, ys = g.xs, g.ys
    ux, uy = cfg.px_per_unit
    # Boundary curves y(x): 0 upper lip inner, 1 lower lip inner, 2 upper lip outer, 3 lower lip
    # outer (never above the inner one), 4 end of the "below" band, 5 the jaw line.
    curves = np.empty((6, len(xs)))
    lips = px[_LIPS].reshape(4, -1, 2)
    lips = lips[_FOUR, np.argsort(lips[..., 0], axis=1)]  # each contour by x
    for k in range(4):
        curves[k] = np.interp(xs, lips[k, :, 0], lips[k, :, 1])
    np.maximum(curves[3], curves[1], out=curves[3])
    np.add(curves[3], cfg.below_depth * uy, out=curves[4])
    # Never below the jaw line nor beyond the cheek outline: a pink shirt, a red scarf or the
    # background beside a turned head is not a tongue.
    np.add(_curve(px, _CHIN, xs), 0.04 * uy, out=curves[5])
    # Per column, the first row with y > t (searchsorted right) or y ≥ t (left); the same indices
    # end the rows with y ≤ t and y < t, except that NaN sorts last and must end them at once.
    after = np.searchsorted(ys, curves, side="right").astype(np.int16)
    from_ = np.searchsorted(ys, curves, side="left").astype(np.int16)
    after_end, from_end = after, from_
    nan = np.isnan(curves)
    if nan.any():
        after_end, from_end = np.where(nan, 0, after), np.where(nan, 0, from_)
    jaw_end = after_end[5]

    (xl, yl), (xr, yr) = px[[lm.MOUTH_CORNER_LEFT, lm.MOUTH_CORNER_RIGHT]].tolist()
    xil, xir = px[[lm.INNER_CORNER_LEFT, lm.INNER_CORNER_RIGHT], 0].tolist()
    cx, cy = g.x_centres, g.y_centres
    left, right = min(xl, xr), max(xl, xr)
    margin = 0.08 * ux
    sw = cfg.side_width * ux
    in_mouth = _span(cx, left, right)
    in_inner = _span(cx, min(xil, xir), max(xil, xir))
    wide = _span(cx, left - margin, right + margin)
    side_rows = _span(cy, min(yl, yr) - 0.08 * uy, max(yl, yr) + 0.18 * uy)

    start = np.empty((len(_MASKS), len(xs)), np.int16)
    end = np.zeros_like(start)  # 0 outside each region's columns
    start[0], end[0, in_inner] = after[0], from_end[1, in_inner]  # open: yu_in < y < yl_in
    start[1], end[1, in_mouth] = from_[1], after_end[3, in_mouth]  # lowlip: yl_in ≤ y ≤ yl_out
    # below: yl_out < y ≤ below_end; chin: below_end < y; sides: beside the corners; all four
    # above the jaw.
    start[2], end[2, wide] = after[3], np.minimum(after_end[4, wide], jaw_end[wide])
    start[3], end[3, wide] = after[4], jaw_end[wide]
    start[4:6] = side_rows.start
    for k, cols in ((4, _span(cx, left - sw, left, hi_strict=True)),
                    (5, _span(cx, right, right + sw, lo_strict=True))):
        end[k, cols] = np.minimum(jaw_end[cols], side_rows.stop)
    start[6], end[6, in_mouth] = from_[2], after_end[0, in_mouth]  # uplip: yu_out ≤ y ≤ yu_in
    masks = (g.rows >= start[:, None, :]) & (g.rows < end[:, None, :])

    oval = px[_OVAL]
    oval = oval[oval[:, 1] >= px[lm.NOSE_BOTTOM, 1] - 0.3 * uy]  # cheekbone to chin only
    mid = px[lm.NOSE_BOTTOM, 0]
    outline = None
    for side, x_side in (("left", oval[oval[:, 0] < mid]), ("right", oval[oval[:, 0] >= mid])):
        if len(x_side) < 2:
            continue
        o = np.argsort(x_side[:, 1])
        edge = np.interp(ys, x_side[o, 1], x_side[o, 0])
        if side == "left":  # x ≥ the left outline
            inside = g.cols >= np.searchsorted(xs, edge, side="left").astype(np.int16)[:, None]
        else:  # x ≤ the right outline
            stop = np.where(np.isnan(edge), 0, np.searchsorted(xs, edge, side="right"))
            inside = g.cols < stop.astype(np.int16)[:, None]
        outline = inside if outline is None else outline & inside
    if outline is not None:
        masks[2:6] &= outline
    return masks, curves[1]


def _perioral(lab: np.ndarray, px: np.ndarray, cfg: PatchConfig) -> np.ndarray | None:
    """Median Lab of the skin between the nose and the upper lip (the middle of the band, the
    middle half of the mouth's width), or None where fewer than 6 patch pixels of it show."""
    (xn, yn), (xu, yu) = px[[lm.NOSE_BOTTOM, lm.UPPER_LIP_TOP]].tolist()
    gap = yu - yn
    if not (math.isfinite(gap) and gap > 0.0):
        return None
    half = 0.25 * abs(float(px[lm.MOUTH_CORNER_RIGHT, 0] - px[lm.MOUTH_CORNER_LEFT, 0]))
    g = _grid(cfg)
    rows = _span(g.y_centres, yn + 0.35 * gap, yu - 0.2 * gap)
    cols = _span(g.x_centres, (xn + xu) / 2.0 - half, (xn + xu) / 2.0 + half)
    if (rows.stop - rows.start) * (cols.stop - cols.start) < 6:
        return None
    band = lab.reshape(cfg.height, cfg.width, 3)[rows, cols].reshape(-1, 3)
    return _median_rows(band).astype(np.float64)


def extract(image_bgr: np.ndarray, face: FaceObservation,
            cfg: PatchConfig = PatchConfig()) -> MouthFeatures:
    """Features of the tongue-out question for one face in one frame."""
    image = image_bgr
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    g = _grid(cfg)
    hw = cfg.height * cfg.width
    pts = np.asarray(face.landmarks, dtype=np.float64)
    mcx, mcy, u0, u1, v0, v1, d = _face_frame(pts)
    m = _patch_matrix(np.array([mcx, mcy]), np.array([u0, u1]), np.array([v0, v1]), d, cfg)
    patch = warp_patch(image, m, cfg)
    # One Lab conversion for the patch and the cheek samples together (it works pixel by pixel).
    cheeks = _cheek_pixels(image, pts, d, cfg)
    lab_all = _to_lab(np.concatenate([patch.reshape(-1, 3), *cheeks])[None])[0]
    lab = lab_all[:hw]
    skin = _median_rows(lab_all[hw:]) if cheeks else np.array(_DEFAULT_SKIN, np.float32)
    px = pts[:, :2] @ m[:, :2].T + m[:, 2]
    masks, yl_in = _region_masks(px, cfg)
    inside = _inside_image(m, image.shape[:2], cfg)
    if inside is not None:  # never take statistics of the padding beyond the frame's edge
        masks &= inside
    ux, uy = cfg.px_per_unit

    big_l, a, b = cv2.split(lab.reshape(cfg.height, cfg.width, 3))
    ls = max(float(skin[0]), 5.0)
    cs = float(np.hypot(skin[1], skin[2]))
    up = masks[_MASKS.index("uplip")].reshape(-1)
    if np.count_nonzero(up) >= 3:
        lip = _median_rows(lab[up]).astype(np.float64)
    else:
        lip = skin + np.array([-5.0, 6.0, 0.0])
    lip_da = float(lip[1] - skin[1])
    peri = _perioral(lab, px, cfg)
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
