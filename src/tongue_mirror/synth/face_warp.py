"""Piecewise-affine warp of a photo along a triangulated landmark mesh, so a still face can move.

Synthetic-performer code: the clips it helps make are synthetic, never real recordings.
The warp is an inverse map: every output pixel inside a moved triangle is sent back through that
triangle's affine transform, so the result is continuous across triangle edges and only the
triangles that actually moved are rasterised.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tongue_mirror import landmarks as lmk


def delaunay(points: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Delaunay triangles (T×3 indices) of 2-D points inside an image of `size` (width, height)."""
    w, h = size
    pts = np.asarray(points, dtype=np.float64)[:, :2]
    lo = pts.min(axis=0) - 2.0
    hi = pts.max(axis=0) + 2.0
    subdiv = cv2.Subdiv2D((int(np.floor(lo[0])), int(np.floor(lo[1])),
                           int(np.ceil(hi[0] - lo[0])) + 2, int(np.ceil(hi[1] - lo[1])) + 2))
    lookup: dict[tuple[float, float], int] = {}
    for i, (x, y) in enumerate(pts):
        key = (float(np.float32(x)), float(np.float32(y)))
        if key in lookup:
            continue
        lookup[key] = i
        subdiv.insert((float(x), float(y)))
    tris = []
    for t in subdiv.getTriangleList():
        idx = []
        for k in range(3):
            key = (float(np.float32(t[2 * k])), float(np.float32(t[2 * k + 1])))
            if key not in lookup:
                break
            idx.append(lookup[key])
        if len(idx) == 3:
            tris.append(idx)
    del w, h
    return np.asarray(tris, dtype=np.int32).reshape(-1, 3)


def frame_anchors(size: tuple[int, int], per_side: int = 6) -> np.ndarray:
    """Fixed points along the image border so the triangulation covers the whole frame."""
    w, h = size
    xs = np.linspace(0, w - 1, per_side + 1)
    ys = np.linspace(0, h - 1, per_side + 1)
    pts = [(x, 0.0) for x in xs] + [(x, h - 1.0) for x in xs]
    pts += [(0.0, y) for y in ys[1:-1]] + [(w - 1.0, y) for y in ys[1:-1]]
    return np.asarray(pts, dtype=np.float32)


def face_ring(landmarks: np.ndarray, scale: float = 1.45) -> np.ndarray:
    """The face oval blown up around its centre: a soft border where face motion fades out."""
    oval = np.asarray(landmarks, dtype=np.float32)[list(lmk.FACE_OVAL), :2]
    c = oval.mean(axis=0)
    return c + (oval - c) * scale


@dataclass(frozen=True, eq=False)
class FaceMesh:
    """A portrait's warp mesh: its control points (face landmarks, ring, border) and triangles."""

    points: np.ndarray  # P×2 float32 control points in the source photo
    triangles: np.ndarray  # T×3 int32
    n_face: int  # the first n_face points are the mesh landmarks (without irises)
    n_ring: int  # then n_ring ring points, then the border anchors
    size: tuple[int, int]  # width, height of the photo

    @classmethod
    def build(cls, landmarks: np.ndarray, size: tuple[int, int],
              ring_scale: float = 1.45) -> FaceMesh:
        """Triangulates a photo's landmarks with a ring and border anchors around them."""
        face = np.asarray(landmarks, dtype=np.float32)[: lmk.N_MESH, :2]
        w, h = size
        ring = np.clip(face_ring(landmarks, ring_scale), [1, 1], [w - 2, h - 2])
        border = frame_anchors(size)
        pts = np.concatenate([face, ring, border]).astype(np.float32)
        return cls(points=pts, triangles=delaunay(pts, size), n_face=len(face),
                   n_ring=len(ring), size=size)

    def control_points(self, face_points: np.ndarray, ring_follow: float = 0.5) -> np.ndarray:
        """Destination control points for moved face landmarks; the ring follows the mean motion."""
        face = np.asarray(face_points, dtype=np.float32)[: self.n_face, :2]
        dst = self.points.copy()
        dst[: self.n_face] = face
        shift = (face - self.points[: self.n_face]).mean(axis=0)
        ring = slice(self.n_face, self.n_face + self.n_ring)
        dst[ring] = self.points[ring] + ring_follow * shift
        return dst


def _affines(src: np.ndarray, dst: np.ndarray, tris: np.ndarray) -> np.ndarray:
    """Per-triangle 2×3 matrices taking destination pixels to source pixels."""
    d = np.concatenate([dst[tris], np.ones((len(tris), 3, 1))], axis=2)  # T×3×3 rows [x y 1]
    s = src[tris]  # T×3×2
    det = np.linalg.det(d)
    ok = np.abs(det) > 1e-6
    a = np.zeros((len(tris), 2, 3))
    a[:, 0, 0] = 1.0
    a[:, 1, 1] = 1.0
    if ok.any():
        sol = np.linalg.solve(d[ok], s[ok])  # 3×2: [x y 1] @ sol = src
        a[ok] = np.transpose(sol, (0, 2, 1))
    return a


def _upsample2(m: np.ndarray, rh: int, rw: int) -> np.ndarray:
    """A map sampled every 2nd pixel → every pixel, by linear interpolation (exact inside a
    triangle, where the map is affine)."""
    tmp = np.empty((m.shape[0], 2 * m.shape[1] - 1), np.float32)
    tmp[:, 0::2] = m
    tmp[:, 1::2] = 0.5 * (m[:, :-1] + m[:, 1:])
    out = np.empty((2 * m.shape[0] - 1, tmp.shape[1]), np.float32)
    out[0::2] = tmp
    out[1::2] = 0.5 * (tmp[:-1] + tmp[1:])
    return np.ascontiguousarray(out[:rh, :rw])


def warp(image: np.ndarray, src: np.ndarray, dst: np.ndarray, triangles: np.ndarray,
         moved_eps: float = 0.05, step: int = 1) -> np.ndarray:
    """Moves the image content at control points `src` to `dst`; unmoved triangles are copied.

    step=2 computes the inverse map on every 2nd pixel and interpolates it: about 3x faster,
    sub-pixel differences only along triangle edges."""
    if step not in (1, 2):
        raise ValueError("step must be 1 or 2")
    src = np.asarray(src, dtype=np.float64)[:, :2]
    dst = np.asarray(dst, dtype=np.float64)[:, :2]
    h, w = image.shape[:2]
    moved_pt = np.linalg.norm(dst - src, axis=1) > moved_eps
    moved = moved_pt[triangles].any(axis=1)
    if not moved.any():
        return image.copy()
    tris = triangles[moved]
    corners = np.concatenate([dst[tris].reshape(-1, 2), src[tris].reshape(-1, 2)])
    x0, y0 = np.clip(np.floor(corners.min(axis=0)).astype(int) - 1, 0, [w - 1, h - 1])
    x1, y1 = np.clip(np.ceil(corners.max(axis=0)).astype(int) + 2, 1, [w, h])
    rw, rh = x1 - x0, y1 - y0
    ch, cw = (rh, rw) if step == 1 else (rh // 2 + 1, rw // 2 + 1)
    ids = np.zeros((ch, cw), dtype=np.int32)
    origin = np.array([x0, y0], dtype=np.float64)
    polys = np.round((dst[tris] - origin) * (16.0 / step)).astype(np.int32)
    for k in range(len(tris)):
        cv2.fillConvexPoly(ids, polys[k], k + 1, lineType=cv2.LINE_8, shift=4)
    aff = np.concatenate([np.zeros((1, 2, 3)), _affines(src, dst, tris)])
    aff[0, 0, 0] = aff[0, 1, 1] = 1.0  # id 0: outside every moved triangle = identity
    aff = aff.astype(np.float32)
    xs = (x0 + step * np.arange(cw)).astype(np.float32)[None, :]
    ys = (y0 + step * np.arange(ch)).astype(np.float32)[:, None]
    map_x = aff[:, 0, 0][ids] * xs + aff[:, 0, 1][ids] * ys + aff[:, 0, 2][ids]
    map_y = aff[:, 1, 0][ids] * xs + aff[:, 1, 1][ids] * ys + aff[:, 1, 2][ids]
    if step == 2:
        map_x, map_y = _upsample2(map_x, rh, rw), _upsample2(map_y, rh, rw)
    out = image.copy()
    out[y0:y1, x0:x1] = cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_REFLECT101)
    return out
