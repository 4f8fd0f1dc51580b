"""The canonical mouth patch: where it sits on a face, and the image warped into it.

The mouth region (lips down past the chin, corner to corner plus a margin) is mapped to a small
patch by a similarity transform from the landmarks, so scale, roll and position drop out; the
feature maps, the region masks and the CNN all work on that one grid.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, cached_property

import cv2
import numpy as np

from tongue_mirror import landmarks as lm


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


DEFAULT_PATCH = PatchConfig()  # the geometry the shipped models were trained on


def landmark_index(idx: tuple[int, ...]) -> np.ndarray:
    """Read-only landmark index array (fancy indexing with a list converts it on every call)."""
    a = np.array(idx, dtype=np.intp)
    a.flags.writeable = False
    return a


_FRAME_IDX = landmark_index((lm.EYE_OUTER_LEFT, lm.EYE_OUTER_RIGHT, lm.MOUTH_CORNER_LEFT,
                              lm.MOUTH_CORNER_RIGHT))


def face_frame_floats(pts: np.ndarray) -> tuple[float, float, float, float, float, float, float]:
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
    mcx, mcy, ux, uy, vx, vy, d = face_frame_floats(pts)
    return np.array([mcx, mcy]), np.array([ux, uy]), np.array([vx, vy]), d


def patch_affine(pts: np.ndarray, cfg: PatchConfig = DEFAULT_PATCH) -> np.ndarray:
    """The image → patch affine `extract` warps with, from a face's landmarks (training tools
    paste into and sample from the same patch)."""
    mc, u, v, d = face_frame(np.asarray(pts, dtype=np.float64))
    return patch_matrix(mc, u, v, d, cfg)


def patch_matrix(mc: np.ndarray, u: np.ndarray, v: np.ndarray, d: float,
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
        cx, cy = zip(*(patch_grid(cfg).corners1 @ inv.T).tolist(), strict=True)
        h, w = image.shape[:2]
        x0 = clamp(math.floor(min(cx)) - 2, 0, w - 1)
        y0 = clamp(math.floor(min(cy)) - 2, 0, h - 1)
        x1 = clamp(math.ceil(max(cx)) + 2, x0 + 1, w)
        y1 = clamp(math.ceil(max(cy)) + 2, y0 + 1, h)
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
class PatchGrid:
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
def patch_grid(cfg: PatchConfig) -> PatchGrid:
    """The constant arrays of one patch geometry (PatchConfig is frozen, so hashable)."""
    w, h = cfg.width, cfg.height
    yy, xx = np.broadcast_arrays(_COLS[:h, None], _COLS[None, :w])
    corners1 = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], np.float64)
    arrays = (_COLS[:w].copy(), _COLS[:h].copy(), xx.copy(), yy.copy(),
              np.arange(h, dtype=np.int16).reshape(1, h, 1), np.arange(w, dtype=np.int16)[None],
              corners1[:, :2].copy(), corners1)
    for a in arrays:
        a.flags.writeable = False
    return PatchGrid(*arrays, tuple(arrays[0].tolist()), tuple(arrays[1].tolist()))


def clamp(v: int, lo: int, hi: int) -> int:
    return lo if v < lo else hi if v > hi else v


def inside_image(m: np.ndarray, shape: tuple[int, int], cfg: PatchConfig) -> np.ndarray | None:
    """Patch pixels whose source lies inside the image; None when all of them do."""
    inv = cv2.invertAffineTransform(m)
    h, w = shape
    g = patch_grid(cfg)
    cx, cy = zip(*(g.corners @ inv[:, :2].T + inv[:, 2]).tolist(), strict=True)
    if min(cx) >= 0 and min(cy) >= 0 and max(cx) <= w and max(cy) <= h:
        return None
    xs = g.xs[None, :]
    ys = g.ys[:, None]
    sx = inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]
    sy = inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]
    return (sx >= 0) & (sx <= w - 1) & (sy >= 0) & (sy <= h - 1)


def centre_span(centres: tuple[float, ...], lo: float, hi: float, lo_strict: bool = False,
                hi_strict: bool = False) -> slice:
    """The pixel centres c with lo ≤ c ≤ hi (< where strict) as a slice: the same comparisons as
    testing each centre, by bisection; NaN bounds match nothing, as those comparisons would."""
    if math.isnan(lo) or math.isnan(hi):
        return slice(0, 0)
    first = (bisect_right if lo_strict else bisect_left)(centres, lo)
    stop = (bisect_left if hi_strict else bisect_right)(centres, hi)
    return slice(first, max(first, stop))
