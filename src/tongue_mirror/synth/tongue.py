"""Draws a synthetic tongue (and the mouth cavity it comes out of) into a photo of any face.

Everything drawn here is synthetic; images made with it are never real recordings.

Why one module of ~570 lines: it is many small drawing functions (cavity, teeth, tongue body,
shading, lips over it) around one public `render_tongue`, sharing the face's own frame.

Public API (kept stable: the detector's training script calls it on many real faces):

    render_tongue(image_bgr, landmarks, extension, direction=(0.0, 1.0), rng=None, style=None,
                  open_mouth=True) -> TongueRender(image, mask, tip_past_lip)

- image_bgr: H×W×3 uint8 BGR; not modified.
- landmarks: 478×3 (or 468×3) MediaPipe face landmarks in PIXELS of that image (x, y, z), e.g.
  FaceTracker().track(frame).landmarks.
- extension: 0..1, how far the tongue is out. 0 draws nothing (image returned unchanged, empty
  mask, tip_past_lip False). About 0.3 puts the tip at the lips; 1 is a full protrusion of
  ~0.6-0.95 mouth widths past the lower lip.
- direction: (dx, dy) in IMAGE coordinates (x right, y down), normalised internally: (0, 1) is the
  usual straight-out-and-down tongue ("center"/"down"), (±1, 0.3) towards a mouth corner as seen
  in the image ("left"/"right"), (0, -1) up over the upper lip ("up"). On a tilted head use
  face_direction(landmarks, "left") to get the vector in the face's own frame; DIRECTIONS maps
  the data's direction labels to face-frame vectors.
- rng: numpy Generator or int seed (None = seed 0): picks colour, width, length, gloss, texture.
- style: a TongueStyle to fix those instead (TongueStyle.sample(rng) draws one).
- open_mouth: when the lips are closer than the tongue is thick, first drop the jaw with a mesh
  warp and paint a dark mouth cavity with a hint of teeth, so closed-mouth photos work too.

Returns TongueRender(image, mask, tip_past_lip): the new BGR image, a uint8 mask (255 = tongue
fully visible, after lip occlusion), and whether the tongue TIP lies outside the inner-lip opening
of the (possibly opened) mouth, i.e. past the inner edge of the lip it exits over -- the lower lip
for every direction except up. That bool is the ground truth "tongue out" of the labels: exact by
construction, because it is tested on the very outline that was drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, NamedTuple

import cv2
import numpy as np

from tongue_mirror import landmarks as lmk
from tongue_mirror.synth import expressions as ex
from tongue_mirror.synth.face_warp import FaceMesh, warp
from tongue_mirror.values import TONGUE_DIRECTIONS

# Tongue directions in the FACE's own frame (x along the eye line towards the image's right,
# y towards the chin), by the data's direction labels (left/right as seen in the image).
DIRECTIONS: Final = {
    "center": (0.0, 1.0),
    "down": (0.0, 1.0),
    "left": (-1.0, 0.3),
    "right": (1.0, 0.3),
    "up": (0.0, -1.0),
}
assert set(DIRECTIONS) == set(TONGUE_DIRECTIONS), "one vector per direction label"


def face_direction(landmarks: np.ndarray,
                   direction: str | tuple[float, float]) -> tuple[float, float]:
    """A direction label or face-frame vector → the image-coordinate unit vector render_tongue
    takes, so "center" on a tilted head still points down the face, not down the picture."""
    vec = DIRECTIONS[direction] if isinstance(direction, str) else direction
    f = ex.FaceFrame.of(np.asarray(landmarks, dtype=np.float64))
    v = vec[0] * f.x_axis + vec[1] * f.y_axis
    v = v / max(float(np.linalg.norm(v)), 1e-9)
    return float(v[0]), float(v[1])


class TongueRender(NamedTuple):
    """What render_tongue made."""

    image: np.ndarray  # H×W×3 uint8 BGR
    mask: np.ndarray  # H×W uint8, 255 where the tongue is visible
    tip_past_lip: bool  # the tongue tip is outside the inner-lip opening: "tongue out"


@dataclass(frozen=True)
class TongueStyle:
    """The look of one person's tongue; relative sizes are in mouth widths."""

    lightness: float = 58.0  # CIE L* under the light a typical cheek (L*=65) is in
    redness: float = 34.0  # a*
    yellowness: float = 16.0  # b*
    width: float = 0.34  # half width at the widest
    length: float = 0.6  # how far the tip reaches past the lower lip at extension 1
    thickness: float = 0.3  # lip gap the tongue needs
    groove: float = 1.0  # depth of the midline groove, 0..2
    gloss: float = 1.0  # strength of the wet highlight, 0..2
    texture: float = 1.0  # papillae noise, 0..2

    def __post_init__(self) -> None:
        checks = {
            "lightness": (25.0, 85.0), "redness": (10.0, 60.0), "yellowness": (0.0, 35.0),
            "width": (0.2, 0.5), "length": (0.3, 1.2), "thickness": (0.15, 0.5),
            "groove": (0.0, 2.0), "gloss": (0.0, 2.0), "texture": (0.0, 2.0),
        }
        for name, (lo, hi) in checks.items():
            v = getattr(self, name)
            if not lo <= v <= hi:
                raise ValueError(f"TongueStyle.{name} must be in {lo}..{hi}, got {v}")

    @classmethod
    def sample(cls, rng: np.random.Generator) -> TongueStyle:
        """A random but realistic tongue: pale pink to deep red, narrow to broad."""
        return cls(
            lightness=float(rng.uniform(55.0, 68.0)),
            redness=float(rng.uniform(26.0, 38.0)),
            yellowness=float(rng.uniform(10.0, 20.0)),
            width=float(rng.uniform(0.3, 0.37)),
            length=float(rng.uniform(0.45, 0.75)),
            thickness=float(rng.uniform(0.26, 0.34)),
            groove=float(rng.uniform(0.6, 1.4)),
            gloss=float(rng.uniform(0.6, 1.4)),
            texture=float(rng.uniform(0.6, 1.4)),
        )


def _as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(0 if rng is None else int(rng))


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def skin_lab(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Median CIE L*a*b* of the two cheek patches: the light and skin the tongue must match."""
    h, w = image.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    for patch in (lmk.CHEEK_LEFT, lmk.CHEEK_RIGHT):
        pts = np.round(landmarks[list(patch), :2]).astype(np.int32)
        cv2.fillConvexPoly(mask, cv2.convexHull(pts), 255)
    ys, xs = np.nonzero(mask)
    if len(xs) < 10:
        return np.array([65.0, 14.0, 18.0])
    px = image[ys, xs].reshape(-1, 1, 3).astype(np.float32) / 255.0
    lab = cv2.cvtColor(px, cv2.COLOR_BGR2LAB).reshape(-1, 3)
    return np.median(lab, axis=0).astype(np.float64)


def _light_gain(skin: np.ndarray) -> float:
    """How much brighter or darker than a typical cheek (L* 65) this face is lit."""
    return float((max(skin[0], 5.0) / 65.0) ** 0.75)


def _chroma_gain(skin: np.ndarray) -> float:
    """How colourful the photo is, from the cheeks: 0 for a greyscale photo, ~1 for normal skin,
    so a drawn tongue is never the only coloured thing in a black-and-white picture."""
    return float(np.clip(np.hypot(skin[1], skin[2]) / 24.0, 0.0, 1.15))


def lips_lab(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Median CIE L*a*b* of the lips (between the outer and inner lip lines)."""
    h, w = image.shape[:2]
    p = np.asarray(landmarks)
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [np.round(p[list(lmk.LIPS_OUTER), :2]).astype(np.int32)], 255)
    cv2.fillPoly(mask, [np.round(p[list(lmk.LIPS_INNER), :2]).astype(np.int32)], 0)
    ys, xs = np.nonzero(mask)
    if len(xs) < 10:
        s = skin_lab(image, p)
        return np.array([s[0] * 0.85, s[1] + 8.0, s[2]])
    px = image[ys, xs].reshape(-1, 1, 3).astype(np.float32) / 255.0
    lab = cv2.cvtColor(px, cv2.COLOR_BGR2LAB).reshape(-1, 3)
    return np.median(lab, axis=0).astype(np.float64)


def _lab_to_bgr(lab: np.ndarray) -> np.ndarray:
    """Float L*a*b* image → float BGR 0..1."""
    return np.clip(cv2.cvtColor(lab.astype(np.float32), cv2.COLOR_LAB2BGR), 0.0, 1.0)


def _inner_polygon(landmarks: np.ndarray) -> np.ndarray:
    return np.asarray(landmarks, dtype=np.float64)[list(lmk.LIPS_INNER), :2]


def _contour_y(frame: ex.FaceFrame, landmarks: np.ndarray, idx: tuple[int, ...],
               x_local: np.ndarray) -> np.ndarray:
    """Face-frame Y of a lip contour at each face-frame X (held flat beyond the corners)."""
    c = frame.local(np.asarray(landmarks)[list(idx)])
    order = np.argsort(c[:, 0])
    return np.interp(x_local, c[order, 0], c[order, 1])


def _roi(points: np.ndarray, margin: float, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    h, w = shape[:2]
    x0, y0 = np.floor(points.min(axis=0) - margin).astype(int)
    x1, y1 = np.ceil(points.max(axis=0) + margin).astype(int)
    return max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)


def _polygon_alpha(shape: tuple[int, int], poly: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """Anti-aliased float mask of a polygon (sub-pixel edges)."""
    m = np.zeros(shape, np.uint8)
    pts = np.round((poly - origin) * 16.0).astype(np.int32)
    cv2.fillPoly(m, [pts], 255, lineType=cv2.LINE_AA, shift=4)
    return m.astype(np.float32) / 255.0


def paint_mouth_interior(image: np.ndarray, landmarks: np.ndarray,
                         rng: np.random.Generator | int | None = None,
                         style: TongueStyle | None = None, tongue_inside: bool = True,
                         skin: np.ndarray | None = None) -> np.ndarray:
    """Fills the inner-lip opening with a dark cavity, teeth and a resting tongue."""
    p = np.asarray(landmarks, dtype=np.float64)
    gap = ex.mouth_gap(p)
    if gap < 1.0:
        return image.copy()
    rng = _as_rng(rng)
    style = style or TongueStyle.sample(rng)
    skin = skin_lab(image, p) if skin is None else skin
    f = ex.FaceFrame.of(p)
    mw = f.mouth_width
    poly = _inner_polygon(p)
    x0, y0, x1, y1 = _roi(poly, 3.0, image.shape)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return image.copy()
    origin = np.array([x0, y0], dtype=np.float64)
    alpha = _polygon_alpha((y1 - y0, x1 - x0), poly, origin)
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    q = f.local(np.stack([xs.ravel(), ys.ravel()], axis=1))
    qx = q[:, 0].reshape(alpha.shape)
    qy = q[:, 1].reshape(alpha.shape)
    top = _contour_y(f, p, lmk.UPPER_LIP_INNER, qx)
    bottom = _contour_y(f, p, lmk.LOWER_LIP_INNER, qx)
    depth = np.clip(np.minimum(qy - top, bottom - qy) / max(0.5 * gap, 1.0), 0.0, 1.0)
    light = _light_gain(skin)
    lab = np.zeros((*alpha.shape, 3), np.float64)
    lab[..., 0] = (22.0 - 14.0 * _smoothstep(depth * 1.6)) * light
    lab[..., 1] = 18.0 - 6.0 * depth
    lab[..., 2] = 8.0 - 3.0 * depth
    # upper teeth: an off-white band under the upper lip, incisors to canines
    half = 0.5 * mw
    t_h = min(0.11 * mw, 0.4 * gap)
    span = np.clip(1.0 - (np.abs(qx) / (0.62 * half)) ** 4, 0.0, 1.0)
    # incisal edges: each tooth a little rounded, the side teeth shorter
    edge = t_h * (1.0 - 0.12 * np.abs(np.sin(np.pi * qx / (0.2 * half)))
                  - 0.35 * np.clip(np.abs(qx) / (0.62 * half), 0.0, 1.0) ** 2)
    upper_t = _smoothstep((top + edge - qy) / 1.2) * span
    # lower teeth appear once the jaw is well open
    l_h = min(0.05 * mw, 0.15 * gap) * _smoothstep(np.array((gap / mw - 0.25) / 0.2))
    lower_t = _smoothstep((qy - (bottom - l_h)) / 1.2) * np.clip(
        1.0 - (np.abs(qx) / (0.5 * half)) ** 4, 0.0, 1.0) * (l_h > 0.5)
    tooth_l = min(82.0, 72.0 * light + 6.0)
    seams = np.ones_like(qx)
    for k in (0.0, 0.2, 0.38, 0.54):
        for sgn in ((1.0,) if k == 0.0 else (-1.0, 1.0)):
            seams -= 0.18 * np.exp(-((qx - sgn * k * half) / max(0.01 * mw, 0.6)) ** 2)
    side_shade = 1.0 - 0.45 * np.clip(np.abs(qx) / (0.62 * half), 0.0, 1.0) ** 2
    tooth_shade = tooth_l * side_shade * np.clip(seams, 0.4, 1.0)
    tooth_shade_up = tooth_shade * (1.0 - 0.25 * _smoothstep((qy - top) / max(t_h, 1.0)))
    for band, shade in ((upper_t, tooth_shade_up), (lower_t, 0.85 * tooth_shade)):
        lab[..., 0] = lab[..., 0] * (1 - band) + shade * band
        lab[..., 1] = lab[..., 1] * (1 - band) + 1.0 * band
        lab[..., 2] = lab[..., 2] * (1 - band) + 9.0 * band
    if tongue_inside and gap > 0.2 * mw:
        # the tongue resting on the floor of the mouth, in shadow
        cy = bottom - 0.04 * gap
        mound = ((qx / (0.4 * mw)) ** 2 + ((qy - cy) / (0.22 * gap)) ** 2)
        m = 0.85 * _smoothstep((1.0 - mound) / 0.4) * (1 - lower_t)
        t_l = style.lightness * light * (0.35 + 0.15 * _smoothstep((qy - cy + 0.2 * gap)
                                                                   / (0.25 * gap)))
        lab[..., 0] = lab[..., 0] * (1 - m) + t_l * m
        lab[..., 1] = lab[..., 1] * (1 - m) + style.redness * 0.8 * m
        lab[..., 2] = lab[..., 2] * (1 - m) + style.yellowness * 0.7 * m
    # shadow of the lips on everything inside
    lab[..., 0] *= 0.55 + 0.45 * _smoothstep(depth * 2.5)
    # the light's colour cast, as the cheeks show it, falls on teeth and cavity too
    lab[..., 1] += 0.5 * (skin[1] - 14.0)
    lab[..., 2] += 0.6 * (skin[2] - 18.0)
    lab[..., 1:] *= _chroma_gain(skin)
    bgr = _lab_to_bgr(lab.astype(np.float32)) * 255.0
    a = cv2.GaussianBlur(alpha, (0, 0), 0.6)[..., None]
    out = image.copy()
    roi = out[y0:y1, x0:x1].astype(np.float32)
    out[y0:y1, x0:x1] = np.clip(roi * (1 - a) + bgr * a, 0, 255).astype(np.uint8)
    return out


def open_mouth_for_tongue(image: np.ndarray, landmarks: np.ndarray, gap_needed: float,
                          rng: np.random.Generator, style: TongueStyle,
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Drops the jaw of a still photo until the lips are `gap_needed` px apart; paints inside."""
    p = np.asarray(landmarks, dtype=np.float64)
    if len(p) < lmk.N_LANDMARKS:
        p = np.concatenate([p, np.repeat(p[:1], lmk.N_LANDMARKS - len(p), axis=0)])
    gap = ex.mouth_gap(p)
    if gap >= gap_needed:
        return image.copy(), p
    f = ex.FaceFrame.of(p)
    jaw = float(np.clip((gap_needed - gap) / (0.95 * f.mouth_width), 0.0, 1.0))
    opened = ex.pose(p, ex.Expression(jaw=jaw), f)
    h, w = image.shape[:2]
    mesh = FaceMesh.build(p, (w, h))
    out = warp(image, mesh.points, mesh.control_points(opened, ring_follow=0.0), mesh.triangles)
    out = paint_mouth_interior(out, opened, rng, style, tongue_inside=False,
                               skin=skin_lab(image, p))
    return out, opened


def _ray_exit(poly: np.ndarray, start: np.ndarray, d: np.ndarray, limit: float) -> float:
    """Distance along a ray from a point to where it leaves a polygon (0 if it starts outside)."""
    contour = poly.astype(np.float32).reshape(-1, 1, 2)
    step = 0.25
    t = 0.0
    while t < limit:
        pt = start + d * t
        if cv2.pointPolygonTest(contour, (float(pt[0]), float(pt[1])), False) < 0:
            return t
        t += step
    return limit


def _bezier(p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, n: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)[:, None]
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2


def _centreline_coords(xs: np.ndarray, ys: np.ndarray, line: np.ndarray,
                       hw_knots: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per pixel of a grid: signed distance to the tongue outline, arc length along it from the
    root (px, running on past both ends), distance from the centreline in half widths, signed
    offset across it (px) and the local half width (px)."""
    px = np.repeat(xs[None, :], len(ys), axis=0).astype(np.float32).reshape(-1, 1)
    py = np.repeat(ys[:, None], len(xs), axis=1).astype(np.float32).reshape(-1, 1)
    seg = np.diff(line, axis=0).astype(np.float32)
    a = line[:-1].astype(np.float32)
    len2 = np.maximum((seg ** 2).sum(axis=1), 1e-9)
    rx = px - a[None, :, 0]
    ry = py - a[None, :, 1]
    t = np.clip((rx * seg[None, :, 0] + ry * seg[None, :, 1]) / len2[None], 0.0, 1.0)
    dx = rx - t * seg[None, :, 0]
    dy = ry - t * seg[None, :, 1]
    dist = np.sqrt(dx * dx + dy * dy)
    hw_k = hw_knots.astype(np.float32)
    hw_all = hw_k[None, :-1] + t * np.diff(hw_k)[None, :]
    shape = (len(ys), len(xs))
    sd = (dist - hw_all).min(axis=1).reshape(shape)  # outline: union of the width discs
    k = np.argmin(dist, axis=1)[:, None]  # the nearest centreline point: smooth coordinates

    def pick(arr: np.ndarray) -> np.ndarray:
        return np.take_along_axis(arr, k, axis=1).reshape(shape)

    n = len(line)
    # past either end the position keeps growing, so textures run on over the rounded caps
    t_free = (rx * seg[None, :, 0] + ry * seg[None, :, 1]) / len2[None]
    t_end = np.where(k == n - 2, np.maximum(pick(t_free).reshape(-1, 1), 0.0),
                     pick(t).reshape(-1, 1))
    t_end = np.where(k == 0, np.minimum(pick(t_free).reshape(-1, 1), 1.0), t_end)
    seg_len = np.sqrt(len2)
    cum = np.concatenate([[0.0], np.cumsum(seg_len)])
    s_px = (cum[k] + t_end * seg_len[k]).reshape(shape)
    hw = np.maximum(pick(hw_all), 1e-6)
    r = np.clip(pick(dist) / hw, 0.0, 1.0)
    cross = pick((seg[:, 0][None] * dy - seg[:, 1][None] * dx) / seg_len[None])
    return (sd.astype(np.float64), s_px.astype(np.float64), r.astype(np.float64),
            cross.astype(np.float64), hw.astype(np.float64))


def _width_profile(s: np.ndarray) -> np.ndarray:
    """Half width along the tongue (1 = widest): squeezed by the lips at the root, tapered tip."""
    grow = 0.88 + 0.12 * np.sin(np.pi / 2 * np.clip(s / 0.45, 0.0, 1.0))
    taper = 1.0 - 0.1 * np.clip((s - 0.6) / 0.4, 0.0, 1.0) ** 2
    return grow * taper


def _surface_noise(rng: np.random.Generator, back: np.ndarray, across: np.ndarray,
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Papillae and mottling fixed to the tongue surface (texels back from the tip, across),
    so a tongue drawn again with the same seed keeps its texture instead of shimmering."""
    fine_tex = cv2.GaussianBlur(rng.standard_normal((128, 96)).astype(np.float32), (0, 0), 0.9)
    coarse_tex = cv2.resize(rng.standard_normal((12, 9)).astype(np.float32), (96, 128),
                            interpolation=cv2.INTER_CUBIC)
    map_x = (np.clip(across, -47.0, 47.0) + 48.0).astype(np.float32)
    map_y = (np.clip(back, -4.0, 120.0) + 4.0).astype(np.float32)
    out = []
    for tex in (fine_tex, coarse_tex):
        tex = (tex - tex.mean()) / max(float(tex.std()), 1e-6)
        out.append(cv2.remap(tex, map_x, map_y, cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_REFLECT101))
    return out[0], out[1]


def render_tongue(image_bgr: np.ndarray, landmarks: np.ndarray, extension: float,
                  direction: tuple[float, float] = (0.0, 1.0),
                  rng: np.random.Generator | int | None = None,
                  style: TongueStyle | None = None, open_mouth: bool = True) -> TongueRender:
    """Draws a tongue sticking out of a face (see the module docstring for the contract)."""
    img = np.asarray(image_bgr)
    if img.ndim != 3 or img.shape[2] != 3 or img.dtype != np.uint8:
        raise ValueError("render_tongue needs an H×W×3 uint8 BGR image")
    p = np.asarray(landmarks, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] < lmk.N_MESH or p.shape[1] < 2:
        raise ValueError("render_tongue needs 478×3 (or 468×3) landmarks in pixels")
    if not 0.0 <= extension <= 1.0:
        raise ValueError(f"extension must be in 0..1, got {extension}")
    d = np.asarray(direction, dtype=np.float64)
    norm = float(np.linalg.norm(d))
    if not np.isfinite(norm) or norm < 1e-6:
        raise ValueError("direction must be a non-zero (dx, dy) vector")
    d = d / norm
    h, w = img.shape[:2]
    empty = np.zeros((h, w), np.uint8)
    if extension <= 0.0:
        return TongueRender(img.copy(), empty, False)
    rng = _as_rng(rng)
    style = style or TongueStyle.sample(rng)
    skin = skin_lab(img, p)
    lips = lips_lab(img, p)
    f0 = ex.FaceFrame.of(p)
    if open_mouth:
        img, p = open_mouth_for_tongue(img, p, style.thickness * f0.mouth_width, rng, style)
    return _draw(img, p, extension, d, rng, style, skin, lips)


def _draw(img: np.ndarray, p: np.ndarray, extension: float, d: np.ndarray,
          rng: np.random.Generator, style: TongueStyle, skin: np.ndarray,
          lips: np.ndarray) -> TongueRender:
    """Draws the tongue into a mouth that is already open enough."""
    h, w = img.shape[:2]
    f = ex.FaceFrame.of(p)
    mw = f.mouth_width
    gap = ex.mouth_gap(p)
    poly = _inner_polygon(p)
    up = p[lmk.UPPER_LIP_INNER_MID, :2]
    lo = p[lmk.LOWER_LIP_INNER_MID, :2]
    centre = (up + lo) / 2.0
    going_up = d[1] < -0.5
    # the root sits inside the mouth, a little back from the lip it will slide over
    root = centre - d * 0.25 * max(gap, 1.0)
    if cv2.pointPolygonTest(poly.astype(np.float32).reshape(-1, 1, 2),
                            (float(root[0]), float(root[1])), False) < 0:
        root = centre.copy()
    exit_at = _ray_exit(poly, root, d, 4.0 * mw)
    # seen from the front a tongue pushed sideways or up looks narrower than one hanging down
    hw_max = style.width * mw * (0.78 + 0.22 * max(float(d @ f.y_axis), 0.0))
    # sideways and upwards the tongue cannot reach as far as straight out and down
    reach_out = style.length * mw * (0.55 + 0.45 * max(float(d @ f.y_axis), 0.0))
    reach = extension * (exit_at + reach_out + 0.2 * hw_max)
    tip = root + d * reach
    end_r = hw_max * float(_width_profile(np.array([1.0]))[0])
    if reach <= end_r:
        scale = max(reach / end_r, 0.05)
        hw_max *= scale
        end_r *= scale
    centre_len = max(reach - end_r, 0.5)
    end = root + d * centre_len
    # lateral tongues droop a little; all bend slightly with gravity
    gravity = f.y_axis
    bend = (gravity - d * float(gravity @ d)) * 0.18 * centre_len * (1.0 - abs(float(d @ gravity)))
    ctrl = (root + end) / 2.0 + bend
    n = 17
    line = _bezier(root, ctrl, end, n)
    seg = np.diff(line, axis=0)
    end_dir = seg[-1] / max(np.linalg.norm(seg[-1]), 1e-9)
    tip = line[-1] + end_dir * end_r
    tip_past_lip = cv2.pointPolygonTest(poly.astype(np.float32).reshape(-1, 1, 2),
                                        (float(tip[0]), float(tip[1])), False) < 0
    x0, y0, x1, y1 = _roi(np.concatenate([line, [tip]]), hw_max + 0.15 * mw + 4.0, img.shape)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return TongueRender(img.copy(), np.zeros((h, w), np.uint8), bool(tip_past_lip))
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    pix = np.stack([xs.ravel(), ys.ravel()], axis=1)
    hw_knots = hw_max * _width_profile(np.linspace(0.0, 1.0, n))
    gx0, gy0, gx1, gy1 = _roi(np.concatenate([line, [tip]]), hw_max + 2.0, img.shape)
    gx0, gy0 = max(gx0, x0), max(gy0, y0)
    gx1, gy1 = min(gx1, x1), min(gy1, y1)
    sd = np.full(ys.shape, 1e3)
    s_px = np.zeros(ys.shape)
    r = np.ones(ys.shape)
    u_px = np.zeros(ys.shape)
    hw = np.ones(ys.shape)
    if gx1 > gx0 and gy1 > gy0:
        sub = (slice(gy0 - y0, gy1 - y0), slice(gx0 - x0, gx1 - x0))
        sd[sub], s_px[sub], r[sub], u_px[sub], hw[sub] = _centreline_coords(
            np.arange(gx0, gx1), np.arange(gy0, gy1), line, hw_knots)
    total = centre_len + end_r
    s = s_px / max(total, 1e-6)  # 0 at the root, 1 at the tip
    u = np.clip(u_px / hw, -1.0, 1.0)
    if going_up:
        u = -u
    # edges as soft as the photo around them (portraits are often upscaled, webcams are soft)
    soft = 0.8 + 0.006 * mw
    alpha = np.clip(0.5 - sd / soft, 0.0, 1.0).astype(np.float32)
    nz = np.sqrt(np.clip(1.0 - r ** 2, 0.0, 1.0))
    along = s_px
    # colour under this light
    light = _light_gain(skin)
    # half a typical tongue under this light, half this person's own lips (same camera, same
    # light, same skin): the tongue belongs to the picture whatever the white balance
    gain = _chroma_gain(skin)
    colourful = min(1.0, 2.0 * gain)  # applied to all tongue chroma at the end: 0 = greyscale
    keep = gain / max(colourful, 1e-6)
    base_l = 0.5 * style.lightness * light + 0.5 * (lips[0] + 5.0 + 0.4 * (style.lightness - 60.0))
    base_a = (0.5 * (style.redness + 0.35 * (skin[1] - 14.0)) * keep
              + 0.5 * (lips[1] + 2.0 + 0.4 * (style.redness - 32.0)))
    base_b = (0.5 * (style.yellowness + 0.45 * (skin[2] - 18.0)) * keep
              + 0.5 * (lips[2] - 2.0 + 0.4 * (style.yellowness - 15.0)))
    # surface normal: round across, tilting from facing up (at the lips) to forward (the tip)
    grown = float(_smoothstep(np.array(reach / (0.6 * mw))))
    across = np.array([-d[1], d[0], 0.0])
    along3 = np.array([d[0], d[1], 0.0])
    tilt = 0.55 * (1.0 - _smoothstep(s / 0.6)) - 0.25 * _smoothstep((s - 0.65) / 0.35)
    nvec = (u[..., None] * across + (tilt * nz)[..., None] * -along3
            + nz[..., None] * np.array([0.0, 0.0, 1.0]))
    nvec /= np.maximum(np.linalg.norm(nvec, axis=2, keepdims=True), 1e-6)
    lamp = np.array([0.3, -0.35, 0.89])
    lamp /= np.linalg.norm(lamp)
    half = lamp + np.array([0.0, 0.0, 1.0])
    half /= np.linalg.norm(half)
    diffuse = np.clip(nvec @ lamp, 0.0, 1.0)
    ndoth = np.clip(nvec @ half, 0.0, 1.0)
    # texture anchored at the tip, in face-scaled texels: it slides out with the tongue
    texel = max(mw / 70.0, 0.6)
    fine, coarse = _surface_noise(rng, (total - s_px) / texel, u_px / texel)
    spec = (1.2 * ndoth ** 40 * (0.6 + 0.4 * np.clip(fine, -1.0, 1.0)) + 0.25 * ndoth ** 8)
    side = 1.0 if d[1] >= 0 else -1.0
    spec += 0.45 * np.exp(-((u - 0.35 * side) / 0.22) ** 2 - ((s - 0.4) / 0.18) ** 2) * nz
    spec *= style.gloss * grown * (0.5 if going_up else 1.0)
    inside_mouth = 0.6 + 0.4 * _smoothstep((along - exit_at + 0.05 * mw) / (0.2 * mw))
    env = _smoothstep(s / 0.12) * (1.0 - _smoothstep((s - 0.5) / 0.35))
    groove = np.exp(-(u / 0.1) ** 2) * env * style.groove * grown
    lab = np.empty((*ys.shape, 3), np.float64)
    coating = np.exp(-(u / 0.55) ** 2) * (1.0 - _smoothstep((s - 0.3) / 0.6))
    lab[..., 0] = (base_l * (0.45 + 0.6 * diffuse) * inside_mouth - 9.0 * groove
                   + 5.0 * coating * grown + style.texture * (0.8 * fine + 0.3 * coarse))
    spec = np.clip(spec * inside_mouth, 0.0, 1.0)
    lab[..., 0] += spec * (100.0 - lab[..., 0]) * 0.55
    chroma = (1.0 - 0.6 * spec) * (1.0 - 0.15 * coating * grown)
    rim = 1.0 - nz
    lab[..., 1] = (base_a + 4.0 * groove + 5.0 * rim + style.texture * 1.5 * coarse) * chroma
    lab[..., 2] = (base_b - 3.0 * rim) * chroma
    if going_up:
        lab[..., 2] -= 5.0  # the underside is bluer
    lab[..., 0] = np.clip(lab[..., 0], 0.0, 100.0)
    lab[..., 1:] *= colourful
    tongue = _lab_to_bgr(lab.astype(np.float32)) * 255.0
    # the lip it slides under hides its root
    qx = f.local(pix)[:, 0].reshape(ys.shape)
    qy = f.local(pix)[:, 1].reshape(ys.shape)
    if going_up:
        lip = _contour_y(f, p, lmk.LOWER_LIP_INNER, qx)
        hidden = _smoothstep((qy - lip) / 1.5 + 0.5)
    else:
        lip = _contour_y(f, p, lmk.UPPER_LIP_INNER, qx)
        hidden = _smoothstep((lip - qy) / 1.5 + 0.5)
    # the lip it slides under also shades it, just below the contact line
    lip_shadow = 0.35 * np.exp(-np.abs(qy - lip) / max(0.05 * mw, 1.0))
    tongue *= (1.0 - lip_shadow)[..., None]
    # until it has slid past the lips, the tongue is seen only through the mouth opening
    opening = _polygon_alpha(ys.shape, poly, np.array([x0, y0], dtype=np.float64))
    out_part = _smoothstep((along - exit_at) / 1.0 + 0.5).astype(np.float32)
    out_part = np.maximum(out_part, np.float32(_smoothstep(np.array((reach - exit_at)
                                                                    / (0.12 * mw)))))
    hidden = np.maximum(hidden, 1.0 - np.maximum(opening, out_part))
    visible = alpha * (1.0 - hidden.astype(np.float32))
    # soft shadow the tongue casts on the lip and chin below it
    light_dir = f.y_axis * 0.06 * mw
    m = np.array([[1, 0, light_dir[0]], [0, 1, light_dir[1]]], np.float32)
    cast = cv2.warpAffine(alpha, m, (x1 - x0, y1 - y0))
    cast = cv2.GaussianBlur(cast, (0, 0), max(0.05 * mw, 1.0))
    shadow = np.clip(cast - alpha, 0.0, 1.0) * 0.5
    contact = cv2.GaussianBlur(alpha, (0, 0), max(0.02 * mw, 0.7))
    shadow = np.maximum(shadow, np.clip(contact - alpha, 0.0, 1.0) * 0.6)
    shadow *= 1.0 - hidden.astype(np.float32)
    out = img.copy()
    roi = out[y0:y1, x0:x1].astype(np.float32)
    roi *= (1.0 - shadow)[..., None]
    va = visible[..., None]
    roi = roi * (1.0 - va) + tongue.astype(np.float32) * va
    out[y0:y1, x0:x1] = np.clip(roi, 0, 255).astype(np.uint8)
    mask = np.zeros((h, w), np.uint8)
    mask[y0:y1, x0:x1] = np.round(visible * 255.0).astype(np.uint8)
    return TongueRender(out, mask, bool(tip_past_lip))
