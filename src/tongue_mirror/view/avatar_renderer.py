"""Vector-drawn baby avatar: AvatarPose -> image, so the audience sees imitation at any panel size.

Everything is drawn in "baby units": the head is a circle of radius 100 centred at the origin,
y down. One matrix maps baby units to panel pixels, so the drawing is resolution-independent.
Layers that do not change with the pose (background, blanket, shaded head) are rendered once per
panel size into one image; shaded features (cheeks, nose, iris) into small sprites. Each frame
only blits those and draws the moving parts (eyes, brows, mouth, tongue, hair) as solid paths,
because gradients are slow in skia's CPU rasteriser.

Why one module of ~940 lines: it is some 45 small drawing functions (eyes, lids, brows, mouth,
lips, tongue, hands, blanket, sprites) sharing one coordinate frame and one paint cache; split,
each file would re-import the same frame and palette for no gain in reading.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import skia

from tongue_mirror.values import AvatarPose

MIN_SIZE = (160, 160)
MAX_SIZE = (3840, 2160)

# Palette (RGB). The tongue is a saturated rose, far from peach skin, rosy cheeks and muted lips.
SKIN = (255, 219, 192)
SKIN_LIGHT = (255, 234, 214)
SKIN_SHADE = (238, 178, 150)
CHEEK = (255, 120, 135)
LIP = (226, 132, 124)
LIP_DARK = (178, 86, 86)
CAVITY = (92, 26, 40)
CAVITY_DEEP = (52, 12, 22)
TONGUE_RGB = (232, 74, 112)
TONGUE_LIGHT = (250, 132, 160)
TONGUE_DARK = (176, 40, 78)
HAIR = (150, 98, 58)
BROW = (168, 118, 82)
IRIS = (86, 62, 48)
IRIS_LIGHT = (150, 112, 82)
PUPIL = (28, 18, 16)
LASH = (74, 46, 38)
EYE_WHITE = (252, 252, 255)
BLANKET = (128, 78, 170)
BLANKET_LIGHT = (170, 122, 214)
BLANKET_DARK = (82, 44, 118)
BG_TOP = (252, 246, 238)
BG_BOTTOM = (236, 226, 246)
TEXT_INK = (70, 36, 104)

# Face layout in baby units (head radius 100, origin at the head centre, y down).
EYE_X = 37.0
EYE_Y = 8.0
EYE_RX = 15.5
EYE_RY = 17.0
IRIS_R = 13.2
PUPIL_R = 6.6
BROW_Y = -17.0
NOSE_Y = 30.0
MOUTH_Y = 55.0
CHEEK_X = 60.0
CHEEK_Y = 38.0
FACE_DEPTH = 100.0  # radius of the sphere the features sit on, for 2.5-D turning
ROLL_PIVOT = (0.0, 12.0)  # the face rolls about the middle of the (nearly round) head
TONGUE_REACH = 56.0  # baby units the tongue travels at full extension
MAX_YAW = 0.75
MAX_PITCH = 0.5


def _rgb(c: tuple[int, int, int], a: float = 1.0) -> int:
    """skia colour from an RGB triple and alpha 0..1."""
    return skia.Color(c[0], c[1], c[2], max(0, min(255, round(a * 255))))


def _mix(c1: tuple[int, int, int], c2: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    """Linear blend of two RGB colours."""
    (r1, g1, b1), (r2, g2, b2) = c1, c2
    return round(r1 + (r2 - r1) * t), round(g1 + (g2 - g1) * t), round(b1 + (b2 - b1) * t)


def _clip01(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else float(x)


def _smoothstep(e0: float, e1: float, x: float) -> float:
    t = _clip01((x - e0) / (e1 - e0))
    return t * t * (3.0 - 2.0 * t)


def _fill(color: int, shader: skia.Shader | None = None) -> skia.Paint:
    p = skia.Paint(AntiAlias=True, Color=color)
    if shader is not None:
        p.setColor(skia.ColorBLACK)  # paint alpha scales the shader: keep it opaque
        p.setShader(shader)
    return p


def _stroke(color: int, width: float) -> skia.Paint:
    return skia.Paint(AntiAlias=True, Color=color, Style=skia.Paint.kStroke_Style,
                      StrokeWidth=width,
                      StrokeCap=skia.Paint.kRound_Cap, StrokeJoin=skia.Paint.kRound_Join)


def _radial(cx: float, cy: float, r: float, colors: list[int], pos: list[float] | None = None
            ) -> skia.Shader:
    return skia.GradientShader.MakeRadial(skia.Point(cx, cy), max(r, 1e-3), colors, pos)


def _linear(x0: float, y0: float, x1: float, y1: float, colors: list[int],
            pos: list[float] | None = None) -> skia.Shader:
    return skia.GradientShader.MakeLinear([skia.Point(x0, y0), skia.Point(x1, y1)], colors, pos)


def _smooth_closed(points: list[tuple[float, float]]) -> skia.Path:
    """Closed Catmull-Rom curve through the points, as cubic Béziers."""
    n = len(points)
    path = skia.Path()
    path.moveTo(*points[0])
    for i in range(n):
        p0, p1, p2, p3 = points[i - 1], points[i], points[(i + 1) % n], points[(i + 2) % n]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6.0, p1[1] + (p2[1] - p0[1]) / 6.0)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6.0, p2[1] - (p3[1] - p1[1]) / 6.0)
        path.cubicTo(c1[0], c1[1], c2[0], c2[1], p2[0], p2[1])
    path.close()
    return path


def _head_outline() -> skia.Path:
    """A baby's head: big round cranium, chubby cheeks, small soft chin."""
    pts = [(0, -100), (58, -82), (94, -38), (100, 8), (92, 48), (64, 82), (24, 97), (-24, 97),
           (-64, 82), (-92, 48), (-100, 8), (-94, -38), (-58, -82)]
    return _smooth_closed([(float(x), float(y)) for x, y in pts])


@dataclass(frozen=True)
class PanelLayout:
    """Where the baby sits in a panel of a given size, and how big one baby unit is in pixels."""

    width: int
    height: int
    scale: float  # pixels per baby unit
    cx: float  # head centre in pixels
    cy: float

    @staticmethod
    def for_size(width: int, height: int, zoom: float = 1.0) -> PanelLayout:
        """Fit the head so that face and blanket read well in portrait and landscape panels."""
        scale = min(width * 0.30, height * 0.27) / 100.0 * zoom
        # A close-up keeps the face centred; the hair curl always stays inside the panel.
        cy = max(height * 0.41 + (zoom - 1.0) * 20.0 * scale, 140.0 * scale)
        return PanelLayout(width, height, scale, width / 2.0, cy)


@dataclass(frozen=True)
class AvatarGeometry:
    """Where the pose put the key parts, in panel pixels: lets tests and overlays find them."""

    mouth_center: tuple[float, float]
    upper_lip_y: float  # inner edge of the upper lip at the mouth centre line
    lower_lip_y: float  # outer (bottom) edge of the lower lip at the mouth centre line
    mouth_aperture: float  # inner lip gap in pixels
    mouth_width: float  # corner to corner in pixels
    tongue_tip: tuple[float, float] | None  # None when the tongue is in
    eye_centers: tuple[tuple[float, float], tuple[float, float]]  # screen-left, screen-right
    eye_apertures: tuple[float, float]  # visible eye height in pixels, screen-left and right
    head_center: tuple[float, float]
    scale: float  # pixels per baby unit


@dataclass(frozen=True)
class _Face:
    """The pose resolved into baby-unit shapes: shared by drawing and by geometry()."""

    yaw: float
    pitch: float
    eye_l: tuple[float, float, float]  # x, y, horizontal foreshortening
    eye_r: tuple[float, float, float]
    nose: tuple[float, float, float]
    mouth: tuple[float, float, float]
    cheek_l: tuple[float, float, float]
    cheek_r: tuple[float, float, float]
    half_width: float
    corner_lift: float
    opening: float  # inner lip gap, baby units
    lip_thick: float
    pucker: float
    upper_bulge: float
    tongue_weights: tuple[float, float, float]  # how much the tongue points down / up / sideways
    tongue: list[tuple[float, float, float]] | None  # centre line: x, y, half width


def _project(x: float, y: float, yaw: float, pitch: float) -> tuple[float, float, float]:
    """Rotate a point on the face sphere: features slide and foreshorten as the head turns."""
    r = FACE_DEPTH
    z = math.sqrt(max(r * r - x * x - y * y, 1.0))
    x1 = x * math.cos(yaw) + z * math.sin(yaw)
    z1 = -x * math.sin(yaw) + z * math.cos(yaw)
    y1 = y * math.cos(pitch) - z1 * math.sin(pitch)
    theta = math.asin(max(-0.99, min(0.99, x / r)))
    fx = math.cos(theta + yaw) / max(math.cos(theta), 1e-3)
    return x1, y1, max(0.35, min(1.15, fx))


_DEFAULT_POSE = AvatarPose()


def _sanitize(pose: AvatarPose) -> AvatarPose:
    """Replace non-finite numbers by the resting pose's, so bad upstream values never crash us."""
    # Field name -> the resting pose's value for it: names come from fields(), so no static type
    # ties them to replace()'s keywords; each value is that field's own default.
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(AvatarPose):
        v = getattr(pose, f.name)
        d = getattr(_DEFAULT_POSE, f.name)
        if isinstance(d, tuple):
            try:
                ok = len(v) == 2 and all(math.isfinite(float(x)) for x in v)
            except (TypeError, ValueError):
                ok = False
            if not ok:
                changes[f.name] = d
        else:
            try:
                ok = math.isfinite(float(v))
            except (TypeError, ValueError):
                ok = False
            if not ok:
                changes[f.name] = d
    return dataclasses.replace(pose, **changes) if changes else pose


def _resolve(pose: AvatarPose) -> _Face:
    yaw = max(-MAX_YAW, min(MAX_YAW, pose.head_yaw))
    pitch = max(-MAX_PITCH, min(MAX_PITCH, pose.head_pitch))
    jaw = _clip01(pose.jaw_open)
    smile = _clip01(pose.smile)
    pucker = _clip01(pose.lip_protrusion)
    ext = _clip01(pose.tongue_extension)
    # The lips part to let the tongue through even when the jaw is closed.
    dx, dy = (float(v) for v in pose.tongue_direction)
    norm = math.hypot(dx, dy)
    dx, dy = (dx / norm, dy / norm) if math.isfinite(norm) and norm > 1e-6 else (0.0, 1.0)
    wd, wu, ws = max(dy, 0.0) ** 2, max(-dy, 0.0) ** 2, dx * dx  # down / up / side weights, sum 1
    # The lips part to let the tongue through even when the jaw is closed: wide for a tongue
    # hanging down, little for one poking out of a corner.
    open_frac = max(jaw, _smoothstep(0.0, 0.35, ext) * (0.55 * wd + 0.3 * ws + 0.5 * wu))
    mouth = _project(0.0, MOUTH_Y, yaw, pitch)
    fx = mouth[2]
    tongue_open = _smoothstep(0.0, 0.35, ext)
    half_width = ((17.0 + 7.0 * smile + 4.0 * open_frac + 5.0 * tongue_open) * (1.0 - pucker)
                  + (7.0 + 5.0 * open_frac + 6.0 * tongue_open) * pucker)
    half_width *= fx
    corner_lift = 8.0 * smile * (1.0 - pucker) - 2.5 * open_frac * (1.0 - smile)
    opening = (1.2 + 30.0 * open_frac * (1.0 - 0.35 * pucker) + 3.0 * pucker
               + 7.0 * smile * (1.0 - pucker) * (1.0 - open_frac))
    lip_thick = 5.0 + 6.0 * pucker
    upper_bulge = 2.0 + 4.0 * pucker + 5.0 * open_frac
    tongue = None
    if ext > 0.02:
        tongue = _tongue_centreline(mouth[0], mouth[1], opening, half_width, ext, (dx, dy),
                                    (wd, wu, ws), fx, _project(0.0, NOSE_Y, yaw, pitch)[1])
    return _Face(yaw, pitch,
                 _project(-EYE_X, EYE_Y, yaw, pitch), _project(EYE_X, EYE_Y, yaw, pitch),
                 _project(0.0, NOSE_Y, yaw, pitch), mouth,
                 _project(-CHEEK_X, CHEEK_Y, yaw, pitch), _project(CHEEK_X, CHEEK_Y, yaw, pitch),
                 half_width, corner_lift, opening, lip_thick, pucker, upper_bulge, (wd, wu, ws),
                 tongue)


def _tongue_centreline(mx: float, my: float, opening: float, half_width: float, ext: float,
                       direction: tuple[float, float], weights: tuple[float, float, float],
                       fx: float, nose_y: float) -> list[tuple[float, float, float]]:
    """Centre line of the tongue from its root in the mouth to the tip, with droop and taper.

    Narrower than the mouth, so the lips show either side of it; it narrows towards the tip the
    further it is pushed out (a protruded tongue is long and pointed, a resting one broad).
    """
    dx, dy = direction
    wd, wu, ws = weights
    w0 = (12.0 + 4.0 * _smoothstep(0.0, 0.6, ext)) * (0.75 + 0.25 * fx) * (1 - 0.3 * wu - 0.15 * ws)
    w0 = min(w0, half_width * 0.62)
    root = (mx + dx * half_width * 0.55, my + opening * (0.1 + 0.15 * wu))
    # Reach depends on direction: down hangs over the chin, sideways reaches the cheek, up just
    # touches the tip of the nose.
    up_reach = max(0.0, root[1] - (nose_y + w0 * 0.9))
    length = ext * (TONGUE_REACH * (0.12 + 0.5 * wd + 0.42 * ws) + up_reach * wu)
    droop = 5.0 * ext * ws  # a sideways tongue sags under its own weight
    tip = (root[0] + dx * length, root[1] + dy * length + droop)
    ctrl = (root[0] + dx * length * 0.55, root[1] + dy * length * 0.55 - droop * 0.3)
    taper = 0.1 + 0.35 * _smoothstep(0.2, 1.0, ext)
    pts = []
    n = 9
    for i in range(n + 1):
        s = i / n
        x = (1 - s) ** 2 * root[0] + 2 * (1 - s) * s * ctrl[0] + s * s * tip[0]
        y = (1 - s) ** 2 * root[1] + 2 * (1 - s) * s * ctrl[1] + s * s * tip[1]
        pts.append((x, y, w0 * (1.0 - taper * s * s)))
    return pts


@dataclass(frozen=True)
class _Sprite:
    """A pre-rendered shaded feature and the pixel offset of its centre."""

    image: skia.Image
    ox: float
    oy: float


class _Sprites:
    """Blits sprites pixel-aligned and unrotated: the fast path of skia's CPU rasteriser."""

    def __init__(self, canvas: skia.Canvas, base: skia.Matrix, pose_matrix: skia.Matrix) -> None:
        self._c = canvas
        self._base = base
        self._m = pose_matrix

    def blit(self, sprite: _Sprite, x: float, y: float, paint: skia.Paint | None = None) -> None:
        p = self._m.mapXY(x, y)
        self._c.save()
        self._c.setMatrix(self._base)
        self._c.drawImage(sprite.image, round(p.x() - sprite.ox), round(p.y() - sprite.oy),
                          skia.SamplingOptions(), paint)
        self._c.restore()


class AvatarRenderer:
    """Draws AvatarPose values into panels of one size, reusing the static layers between frames."""

    def __init__(self, size: tuple[int, int] = (640, 720), zoom: float = 1.0) -> None:
        if not (math.isfinite(zoom) and 0.5 <= zoom <= 3.0):
            raise ValueError(f"avatar zoom must be in 0.5..3, got {zoom!r}")
        self._zoom = float(zoom)
        self._layout: PanelLayout | None = None
        self._font_cache: dict[int, skia.Font] = {}
        self._copy_paint = skia.Paint(BlendMode=skia.BlendMode.kSrc)
        self._paints = {
            "eye_white": _fill(_rgb(EYE_WHITE)),
            "lid": _fill(_rgb(_mix(SKIN, SKIN_SHADE, 0.35))),
            "lid_shadow": _stroke(_rgb((120, 90, 110), 0.25), 6.0),
            "lash": _stroke(_rgb(LASH), 2.8),
            "lash_thin": _stroke(_rgb(LASH), 2.2),
            "tongue_shadow": _fill(_rgb((150, 70, 70), 0.22)),
            "hair": _stroke(_rgb(HAIR, 0.8), 2.4),
            "curl": _stroke(_rgb(HAIR, 0.95), 3.4),
        }
        self.resize(size)

    # ----------------------------------------------------------------------------------- public
    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the panels this renderer draws."""
        assert self._layout is not None
        return self._layout.width, self._layout.height

    @property
    def layout(self) -> PanelLayout:
        assert self._layout is not None
        return self._layout

    def resize(self, size: tuple[int, int]) -> None:
        """Change the panel size; static layers are rebuilt only when the size really changes."""
        w, h = int(size[0]), int(size[1])
        if not (MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]):
            raise ValueError(f"avatar panel size {w}x{h} outside {MIN_SIZE} .. {MAX_SIZE}")
        if self._layout is not None and (w, h) == self.size:
            return
        self._layout = PanelLayout.for_size(w, h, self._zoom)
        self._pixels = np.zeros((h, w, 4), np.uint8)
        self._surface = skia.Surface(self._pixels, colorType=skia.kBGRA_8888_ColorType,
                                     alphaType=skia.kPremul_AlphaType)
        self._background = self._render_background()
        self._paints["lid"] = _fill(self._skin_near_eyes())
        self._cheek = self._make_sprite(26.0, self._paint_cheek)
        self._nose = self._make_sprite(12.0, self._paint_nose)
        self._iris = self._make_sprite(IRIS_R + 1.0, self._paint_iris)
        self._captions: dict[str, tuple[skia.Image, float, float]] = {}

    def render(self, pose: AvatarPose, overlay_text: str | None = None) -> np.ndarray:
        """The pose as a BGR uint8 image of the panel size (a new array each call)."""
        self.draw(self._surface.getCanvas(), pose, overlay_text)
        return cv2.cvtColor(self._pixels, cv2.COLOR_BGRA2BGR)

    def render_bgra(self, pose: AvatarPose, overlay_text: str | None = None) -> np.ndarray:
        """The pose as BGRA (premultiplied, opaque) for callers that composite themselves."""
        self.draw(self._surface.getCanvas(), pose, overlay_text)
        return self._pixels.copy()

    def draw(self, canvas: skia.Canvas, pose: AvatarPose, overlay_text: str | None = None) -> None:
        """Draw the whole panel onto any skia canvas whose origin is the panel's top-left."""
        pose = _sanitize(pose)
        face = _resolve(pose)
        base = canvas.getTotalMatrix()
        m = self._matrix(pose)
        # Gradients are slow in skia's CPU rasteriser, so everything shaded is pre-rendered: the
        # static layer is one opaque copy, shaded features are pixel-aligned sprites.
        canvas.drawImage(self._background, 0, 0, skia.SamplingOptions(), self._copy_paint)
        canvas.save()
        canvas.concat(m)
        sprites = _Sprites(canvas, base, m)
        self._draw_cheeks(sprites, face, pose)
        self._draw_hair(canvas, face)
        self._draw_eye(canvas, sprites, face.eye_l, pose.eye_open_left, pose, -1)
        self._draw_eye(canvas, sprites, face.eye_r, pose.eye_open_right, pose, 1)
        self._draw_brows(canvas, face, pose)
        sprites.blit(self._nose, face.nose[0], face.nose[1])
        self._draw_mouth(canvas, face, pose)
        canvas.restore()
        if overlay_text:
            self._draw_overlay(canvas, overlay_text)

    def geometry(self, pose: AvatarPose) -> AvatarGeometry:
        """Pixel positions of the mouth, lips, tongue tip and eyes for this pose."""
        pose = _sanitize(pose)
        face = _resolve(pose)
        m = self._matrix(pose)

        def px(x: float, y: float) -> tuple[float, float]:
            p = m.mapXY(x, y)
            return float(p.x()), float(p.y())

        s = self.layout.scale
        mx, my, _ = face.mouth
        upper = my - face.opening / 2.0
        lower = my + face.opening / 2.0 + face.lip_thick
        tip = None
        if face.tongue is not None:
            tx, ty, tw = face.tongue[-1]
            prev = face.tongue[-2]
            d = math.hypot(tx - prev[0], ty - prev[1]) or 1.0
            tip = px(tx + (tx - prev[0]) / d * tw, ty + (ty - prev[1]) / d * tw)
        aper = []
        for _eye, openness in ((face.eye_l, pose.eye_open_left), (face.eye_r, pose.eye_open_right)):
            aper.append(2.0 * EYE_RY * _clip01(openness) * s)
        return AvatarGeometry(
            mouth_center=px(mx, my), upper_lip_y=px(mx, upper)[1], lower_lip_y=px(mx, lower)[1],
            mouth_aperture=max(0.0, face.opening - 1.2) * s, mouth_width=2.0 * face.half_width * s,
            tongue_tip=tip, eye_centers=(px(*face.eye_l[:2]), px(*face.eye_r[:2])),
            eye_apertures=(aper[0], aper[1]), head_center=px(0.0, 0.0), scale=s)

    # ------------------------------------------------------------------------------- internals
    def _matrix(self, pose: AvatarPose) -> skia.Matrix:
        """Baby units -> panel pixels for the face, including its roll."""
        lay = self.layout
        m = skia.Matrix()
        m.setTranslate(lay.cx, lay.cy)
        m.preScale(lay.scale, lay.scale)
        roll = max(-0.6, min(0.6, pose.head_roll))
        m.preRotate(math.degrees(roll), ROLL_PIVOT[0], ROLL_PIVOT[1])
        return m

    def _skin_near_eyes(self) -> int:
        """Eyelid colour: the static head's own skin just above the eyes, a shade darker."""
        lay = self.layout
        pixels = self._background.toarray()  # raw channel order (BGRA or RGBA)
        bgra = self._background.colorType() == skia.kBGRA_8888_ColorType
        order = [2, 1, 0] if bgra else [0, 1, 2]
        samples = []
        for sx in (-EYE_X, EYE_X):
            px = min(max(round(lay.cx + sx * lay.scale), 0), lay.width - 1)
            py = min(max(round(lay.cy + (EYE_Y - EYE_RY * 0.6) * lay.scale), 0), lay.height - 1)
            samples.append(pixels[py, px, order].astype(float))
        rgb = np.mean(samples, axis=0) * 0.985
        return _rgb((int(rgb[0]), int(rgb[1]), int(rgb[2])))

    def _make_sprite(self, radius: float, paint_fn: Callable[[skia.Canvas], None]) -> _Sprite:
        """Render a shaded feature once at panel scale, centred in a square of the given radius."""
        s = self.layout.scale
        half = math.ceil(radius * s) + 2
        surf = skia.Surface(2 * half, 2 * half)
        c = surf.getCanvas()
        c.clear(skia.ColorTRANSPARENT)
        c.translate(half, half)
        c.scale(s, s)
        paint_fn(c)
        return _Sprite(surf.makeImageSnapshot(), float(half), float(half))

    @staticmethod
    def _paint_cheek(c: skia.Canvas) -> None:
        c.scale(1.0, 0.8)
        c.drawCircle(0, 0, 24.0, _fill(0, _radial(0, 0, 24.0, [_rgb(CHEEK), _rgb(CHEEK, 0.0)])))

    @staticmethod
    def _paint_nose(c: skia.Canvas) -> None:
        c.drawOval(skia.Rect.MakeLTRB(-11, -8, 11, 8),
                   _fill(0, _radial(0, 1, 11, [_rgb(SKIN_SHADE, 0.9), _rgb(SKIN_SHADE, 0.0)])))
        c.drawCircle(-2.5, -2.5, 3.0, _fill(_rgb((255, 244, 234), 0.85)))
        nostril = _fill(_rgb((196, 122, 104), 0.8))
        c.drawOval(skia.Rect.MakeLTRB(-6.0, 2.2, -2.4, 4.6), nostril)
        c.drawOval(skia.Rect.MakeLTRB(2.4, 2.2, 6.0, 4.6), nostril)

    @staticmethod
    def _paint_iris(c: skia.Canvas) -> None:
        c.drawCircle(0, 0, IRIS_R, _fill(0, _radial(0, 3, IRIS_R, [_rgb(IRIS_LIGHT), _rgb(IRIS)],
                                                   [0.2, 1.0])))
        c.drawCircle(0, 0, PUPIL_R, _fill(_rgb(PUPIL)))
        c.drawCircle(4.5, -5.0, 4.2, _fill(_rgb((255, 255, 255), 0.95)))
        c.drawCircle(-4.0, 4.5, 1.9, _fill(_rgb((255, 255, 255), 0.8)))

    def _render_background(self) -> skia.Image:
        lay = self.layout
        w, h, s = lay.width, lay.height, lay.scale
        surf = skia.Surface(w, h)
        c = surf.getCanvas()
        c.drawPaint(_fill(0, _linear(0, 0, 0, h, [_rgb(BG_TOP), _rgb(BG_BOTTOM)])))
        c.drawCircle(lay.cx, lay.cy, 190 * s,
                     _fill(0, _radial(lay.cx, lay.cy, 190 * s,
                                      [_rgb((255, 252, 240), 0.9), _rgb((255, 252, 240), 0.0)])))
        # A few soft nursery bokeh dots.
        rng = np.random.default_rng(7)
        for _ in range(14):
            x, y = rng.uniform(0, w), rng.uniform(0, h * 0.75)
            r = rng.uniform(8, 26) * s
            col = [(255, 214, 230), (214, 226, 255), (255, 240, 200)][int(rng.integers(0, 3))]
            c.drawCircle(x, y, r, _fill(0, _radial(x, y, r, [_rgb(col, 0.55), _rgb(col, 0.0)])))
        c.save()
        c.translate(lay.cx, lay.cy)
        c.scale(s, s)
        self._draw_blanket(c, h / s - lay.cy / s)
        self._draw_hands(c)
        self._draw_head_base(c)
        c.restore()
        return surf.makeImageSnapshot()

    def _draw_blanket(self, c: skia.Canvas, bottom: float) -> None:
        """The purple swaddle: a hood behind the head and two wrapped flaps in front of the body."""
        bottom = max(bottom, 160.0) + 10.0
        shadow = skia.Paint(AntiAlias=True, Color=_rgb((60, 30, 90), 0.35),
                            MaskFilter=skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, 9.0))
        hood = _smooth_closed([(0, -128), (92, -108), (140, -40), (152, 50), (150, 140),
                               (0, 150), (-150, 140), (-152, 50), (-140, -40), (-92, -108)])
        c.drawPath(hood, shadow)
        c.drawPath(hood, _fill(0, _radial(0, -20, 170, [_rgb(BLANKET_LIGHT), _rgb(BLANKET),
                                                      _rgb(BLANKET_DARK)], [0.0, 0.6, 1.0])))
        # Inner hood lining, lighter, where the head rests.
        lining = _smooth_closed([(0, -116), (80, -98), (122, -36), (128, 40), (110, 110),
                                 (0, 120), (-110, 110), (-128, 40), (-122, -36), (-80, -98)])
        c.drawPath(lining, _fill(0, _radial(0, 10, 130, [_rgb((196, 160, 226)),
                                                         _rgb((150, 104, 196))], [0.55, 1.0])))
        body = skia.Path()
        body.moveTo(-150, 70)
        body.cubicTo(-120, 95, 120, 95, 150, 70)
        body.cubicTo(190, 130, 215, bottom - 40, 225, bottom)
        body.lineTo(-225, bottom)
        body.cubicTo(-215, bottom - 40, -190, 130, -150, 70)
        body.close()
        c.drawPath(body, shadow)
        c.drawPath(body, _fill(0, _linear(0, 70, 0, bottom, [_rgb(BLANKET), _rgb(BLANKET_DARK)])))
        # Left flap wraps over to the right, right flap over to the left: the swaddle's V.
        for sgn in (1.0, -1.0):
            flap = skia.Path()
            flap.moveTo(-155 * sgn, 75)
            flap.cubicTo(-90 * sgn, 88, 10 * sgn, 105, 60 * sgn, 150)
            flap.cubicTo(95 * sgn, 185, 110 * sgn, bottom - 30, 115 * sgn, bottom)
            flap.lineTo(-230 * sgn, bottom)
            flap.cubicTo(-215 * sgn, 200, -190 * sgn, 120, -155 * sgn, 75)
            flap.close()
            c.drawPath(flap, shadow)
            light = BLANKET_LIGHT if sgn > 0 else _mix(BLANKET_LIGHT, BLANKET, 0.4)
            c.drawPath(flap, _fill(0, _linear(-120 * sgn, 80, 60 * sgn, bottom,
                                              [_rgb(light), _rgb(BLANKET), _rgb(BLANKET_DARK)],
                                              [0.0, 0.55, 1.0])))
            # A soft fold along the flap and a stitched hem along its edge.
            fold = skia.Path()
            fold.moveTo(-120 * sgn, 120)
            fold.cubicTo(-60 * sgn, 150, -20 * sgn, 200, -10 * sgn, bottom)
            c.drawPath(fold, _stroke(_rgb(BLANKET_DARK, 0.35), 7.0))
            hem = skia.Path()
            hem.moveTo(-145 * sgn, 82)
            hem.cubicTo(-82 * sgn, 94, 6 * sgn, 112, 52 * sgn, 156)
            hem.cubicTo(86 * sgn, 190, 100 * sgn, bottom - 30, 104 * sgn, bottom)
            dash = skia.Paint(AntiAlias=True, Color=_rgb((236, 220, 250), 0.8),
                              Style=skia.Paint.kStroke_Style, StrokeWidth=2.2,
                              StrokeCap=skia.Paint.kRound_Cap,
                              PathEffect=skia.DashPathEffect.Make([5.0, 6.0], 0.0))
            c.drawPath(hem, dash)
        # Little stars on the fleece.
        star_paint = _fill(_rgb((236, 214, 252), 0.75))
        rng = np.random.default_rng(3)
        for _ in range(26):
            x, y = rng.uniform(-200, 200), rng.uniform(130, bottom)
            r = rng.uniform(3.5, 6.0)
            c.drawPath(_star(x, y, r, rng.uniform(0, 1.2)), star_paint)

    @staticmethod
    def _draw_hands(c: skia.Canvas) -> None:
        """Two little fists peeking over the blanket's edge, either side of the chin."""
        for sgn in (-1.0, 1.0):
            x, y = sgn * 92.0, 108.0
            c.save()
            c.translate(x, y)
            c.rotate(-sgn * 18.0)
            fist = skia.Rect.MakeLTRB(-17.0, -14.0, 17.0, 14.0)
            c.drawOval(fist, skia.Paint(AntiAlias=True, Color=_rgb((70, 30, 90), 0.3),
                                        MaskFilter=skia.MaskFilter.MakeBlur(
                                            skia.kNormal_BlurStyle, 3.0)))
            c.drawOval(fist, _fill(0, _radial(-4.0, -6.0, 22.0, [_rgb(SKIN_LIGHT), _rgb(SKIN),
                                                                 _rgb(SKIN_SHADE)], [0, 0.5, 1])))
            crease = _stroke(_rgb((214, 150, 124), 0.8), 1.6)
            for k in (-7.0, 0.0, 7.0):
                c.drawLine(k, -13.0, k + 1.0, -6.0, crease)
            thumb = skia.Path()
            thumb.moveTo(-sgn * 12.0, 2.0)
            thumb.quadTo(0.0, 9.0, sgn * 6.0, 3.0)
            c.drawPath(thumb, crease)
            c.restore()
            # The blanket's cuff over the wrist.
            c.save()
            c.translate(x + sgn * 6.0, y + 14.0)
            c.rotate(-sgn * 18.0)
            cuff = skia.Rect.MakeLTRB(-22.0, -6.0, 22.0, 9.0)
            c.drawRoundRect(cuff, 7.0, 7.0, _fill(0, _linear(0, -6, 0, 9, [_rgb(BLANKET_LIGHT),
                                                                         _rgb(BLANKET)])))
            c.restore()

    @staticmethod
    def _draw_head_base(c: skia.Canvas) -> None:
        """Ears, shaded head and its soft shadow on the blanket: static, so drawn once."""
        head = _head_outline()
        shadow = skia.Paint(AntiAlias=True, Color=_rgb((70, 30, 80), 0.35),
                            MaskFilter=skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, 6.0))
        c.save()
        c.translate(0, 9)
        c.drawPath(head, shadow)
        c.restore()
        for sgn in (-1.0, 1.0):
            x, y = sgn * 96.0, 12.0
            rect = skia.Rect.MakeXYWH(x - 14.0, y - 20.0, 28.0, 40.0)
            c.drawOval(rect, _fill(0, _radial(x - sgn * 3, y - 4, 24,
                                              [_rgb(SKIN), _rgb(SKIN_SHADE)])))
            inner = skia.Rect.MakeXYWH(x - 6.0 + sgn * 2, y - 11.0, 12.0, 22.0)
            c.drawOval(inner, _fill(_rgb((230, 150, 140), 0.45)))
        c.drawPath(head, _fill(0, _radial(-28, -40, 165, [_rgb(SKIN_LIGHT), _rgb(SKIN),
                                                        _rgb(SKIN_SHADE)], [0.0, 0.55, 1.0])))
        # A warm bounce of purple light from the blanket under the chin.
        c.save()
        c.clipPath(head, skia.ClipOp.kIntersect, True)
        c.drawCircle(0, 150, 90, _fill(0, _radial(0, 150, 90, [_rgb((210, 140, 170), 0.35),
                                                               _rgb((210, 140, 170), 0.0)])))
        c.restore()
        c.drawPath(head, _stroke(_rgb((214, 150, 124), 0.55), 1.6))

    def _draw_cheeks(self, sprites: _Sprites, f: _Face, pose: AvatarPose) -> None:
        a = 0.42 + 0.25 * _clip01(pose.smile)
        paint = skia.Paint(Alphaf=a)
        for x, y, _ in (f.cheek_l, f.cheek_r):
            sprites.blit(self._cheek, x, y - 3.0 * _clip01(pose.smile), paint)

    def _draw_hair(self, c: skia.Canvas, f: _Face) -> None:
        """A wispy tuft and one curl on the crown; they slide with the head's turn and nod."""
        ox = math.sin(f.yaw) * 34.0
        oy = -math.sin(f.pitch) * 14.0
        tuft = self._paints["hair"]
        for ang, length in ((-0.75, 13.0), (-0.4, 17.0), (0.35, 16.0), (0.7, 12.0), (1.0, 9.0)):
            x0, y0 = ox + 16.0 * math.sin(ang), oy - 98.5 + 3.0 * abs(ang)
            x2 = x0 + length * math.sin(ang * 1.3)
            y2 = y0 - length * math.cos(ang * 1.3)
            p = skia.Path()
            p.moveTo(x0, y0)
            p.quadTo(x0 + (x2 - x0) * 0.2, y0 - length * 0.7, x2, y2)
            c.drawPath(p, tuft)
        cx, cy = ox + 4.0, oy - 119.0
        curl = skia.Path()
        curl.moveTo(ox - 1.0, oy - 98.0)
        curl.quadTo(ox - 7.0, oy - 108.0, cx - 9.0, cy)
        n = 22
        for i in range(1, n + 1):
            a = math.pi + 2.0 * math.pi * 1.05 * i / n
            r = 9.0 - 5.5 * i / n
            curl.lineTo(cx + r * math.cos(a), cy + r * math.sin(a))
        c.drawPath(curl, self._paints["curl"])

    def _draw_eye(self, c: skia.Canvas, sprites: _Sprites, eye: tuple[float, float, float],
                  openness: float, pose: AvatarPose, side: int) -> None:
        x, y, fx = eye
        rx, ry = EYE_RX * fx, EYE_RY
        closure = 1.0 - _clip01(openness)
        # The lids meet on a shallow curve 80% down: the upper lid travels most of the way and the
        # lower lid rises to meet it. Smiling cheeks also push the lower lid up (happy crescent).
        lower = max(0.3 * _clip01(pose.smile), 0.2 * closure)
        if closure < 0.97:
            oval = skia.Rect.MakeLTRB(x - rx, y - ry, x + rx, y + ry)
            c.save()
            clip = skia.Path()
            clip.addOval(oval)
            c.clipPath(clip, skia.ClipOp.kIntersect, True)
            c.drawOval(oval, self._paints["eye_white"])
            gx = max(-1.0, min(1.0, float(pose.gaze[0])))
            gy = max(-1.0, min(1.0, float(pose.gaze[1])))
            sprites.blit(self._iris, x + gx * (rx - IRIS_R * fx * 0.55), y + gy * ry * 0.35 + 1.0)
            # Upper lid: skin comes down along a curve that ends on the lower rim when shut.
            lid = skia.Path()
            pts = self._lid_curve(x, y, rx, ry, 0.8 * closure)
            lid.moveTo(x - rx - 2, y - ry - 4)
            for p in pts:
                lid.lineTo(*p)
            lid.lineTo(x + rx + 2, y - ry - 4)
            lid.close()
            c.drawPath(lid, self._paints["lid"])
            if lower > 0.02:
                bottom = skia.Path()
                bottom.moveTo(x - rx - 2, y + ry + 4)
                for i in range(13):
                    u = -1.0 + i / 6.0
                    rim = ry * math.sqrt(max(0.0, 1 - u * u))
                    bottom.lineTo(x + u * rx, y + rim * (1 - 2 * lower))
                bottom.lineTo(x + rx + 2, y + ry + 4)
                bottom.close()
                c.drawPath(bottom, self._paints["lid"])
            shade = skia.Path()
            shade.moveTo(*pts[0])
            for p in pts[1:]:
                shade.lineTo(p[0], p[1])
            c.drawPath(shade, self._paints["lid_shadow"])
            c.restore()
            line = skia.Path()
            line.moveTo(*pts[0])
            for p in pts[1:]:
                line.lineTo(*p)
            c.drawPath(line, self._paints["lash"])
            outer = pts[-1] if side > 0 else pts[0]
            c.drawLine(outer[0], outer[1], outer[0] + side * 4.0 * fx, outer[1] - 3.5,
                       self._paints["lash_thin"])
        elif pose.smile > 0.5:  # eyes squeezed shut with joy: upward arcs
            line = skia.Path()
            for i in range(13):
                u = -1.0 + i / 6.0
                py_ = y + ry * (0.35 - 0.6 * math.sqrt(max(0.0, 1.0 - u * u)))
                if i == 0:
                    line.moveTo(x + u * rx * 0.9, py_)
                else:
                    line.lineTo(x + u * rx * 0.9, py_)
            c.drawPath(line, self._paints["lash"])
        else:
            pts = self._lid_curve(x, y, rx, ry, 0.8)
            line = skia.Path()
            line.moveTo(*pts[0])
            for p in pts[1:]:
                line.lineTo(*p)
            c.drawPath(line, self._paints["lash"])
            for k in (0.25, 0.5, 0.75):
                px_, py_ = pts[round(k * (len(pts) - 1))]
                c.drawLine(px_, py_, px_ + (k - 0.5) * 6.0 * fx, py_ + 5.0,
                           self._paints["lash_thin"])

    @staticmethod
    def _lid_curve(x: float, y: float, rx: float, ry: float, closure: float
                   ) -> list[tuple[float, float]]:
        pts = []
        n = 12
        for i in range(n + 1):
            u = -1.0 + 2.0 * i / n
            s = math.sqrt(max(0.0, 1.0 - u * u))
            pts.append((x + u * rx, y + ry * s * (2.0 * closure - 1.0)))
        return pts

    def _draw_brows(self, c: skia.Canvas, f: _Face, pose: AvatarPose) -> None:
        raise_ = _clip01(pose.brow_raise)
        paint = _stroke(_rgb(BROW, 0.75), 3.4)
        for (x, _, fx), sgn in ((f.eye_l, -1.0), (f.eye_r, 1.0)):
            y = BROW_Y + (f.eye_l[1] - EYE_Y) - 9.0 * raise_
            p = skia.Path()
            p.moveTo(x - 12.0 * fx, y + 3.0 - sgn * 1.5 * raise_)
            p.quadTo(x, y - 4.0 - 4.0 * raise_, x + 12.0 * fx, y + 3.0 + sgn * 1.5 * raise_)
            c.drawPath(p, paint)

    def _mouth_paths(self, f: _Face) -> tuple[skia.Path, float, float]:
        """The lip opening (inner edges of both lips) and the y of its top and bottom at centre."""
        mx, my, _ = f.mouth
        hw = f.half_width
        cy = my - f.corner_lift
        top = my - f.opening * 0.5 - f.upper_bulge * 0.3
        bot = my + f.opening * 0.5
        # Cubic whose midpoint is at `top` / `bot`: control y = (8*mid - 2*end) / 6.
        ct = (8.0 * top - 2.0 * cy) / 6.0
        cb = (8.0 * bot - 2.0 * cy) / 6.0
        p = skia.Path()
        p.moveTo(mx - hw, cy)
        p.cubicTo(mx - hw * 0.5, ct, mx + hw * 0.5, ct, mx + hw, cy)
        p.cubicTo(mx + hw * 0.55, cb, mx - hw * 0.55, cb, mx - hw, cy)
        p.close()
        return p, top, bot

    def _lip_line(self, f: _Face, upper: bool) -> skia.Path:
        """The inner edge of one lip, corner to corner (the matching half of _mouth_paths)."""
        mx, my, _ = f.mouth
        hw = f.half_width
        cy = my - f.corner_lift
        mid = my - f.opening * 0.5 - f.upper_bulge * 0.3 if upper else my + f.opening * 0.5
        ctl = (8.0 * mid - 2.0 * cy) / 6.0
        k = 0.5 if upper else 0.55
        p = skia.Path()
        p.moveTo(mx - hw, cy)
        p.cubicTo(mx - hw * k, ctl, mx + hw * k, ctl, mx + hw, cy)
        return p

    def _draw_mouth(self, c: skia.Canvas, f: _Face, pose: AvatarPose) -> None:
        mx, _, _ = f.mouth
        opening, top, bot = self._mouth_paths(f)
        hw = f.half_width
        # Lips: a rosy band around the opening, the lower lip fuller.
        c.drawPath(opening, _stroke(_rgb(LIP), f.lip_thick * 1.6))
        c.drawOval(skia.Rect.MakeLTRB(mx - hw * 0.6, bot - 1.0, mx + hw * 0.6, bot + f.lip_thick),
                   _fill(_rgb(LIP)))
        hl = max(hw * 0.3, 3.5) * (1.0 - f.pucker)
        c.drawOval(skia.Rect.MakeLTRB(mx - hl, bot + f.lip_thick * 0.25, mx + hl,
                                      bot + f.lip_thick * 0.6),
                   _fill(_rgb((250, 190, 180), 0.7)))
        # The cavity: dark, deeper at the back, with the resting tongue on its floor.
        c.drawPath(opening, _fill(0, _radial(mx, top, max(bot - top, 2.0) * 1.3,
                                             [_rgb(CAVITY_DEEP), _rgb(CAVITY)])))
        if f.opening > 6.0:
            c.save()
            c.clipPath(opening, skia.ClipOp.kIntersect, True)
            c.drawOval(skia.Rect.MakeLTRB(mx - hw * 0.7, bot - f.opening * 0.35, mx + hw * 0.7,
                                          bot + f.opening * 0.4),
                       _fill(_rgb(_mix(TONGUE_DARK, CAVITY, 0.35))))
            c.restore()
        c.drawPath(opening, _stroke(_rgb(LIP_DARK, 0.8), 1.4))
        if f.tongue is not None:
            # A tongue hanging down comes out from under the upper lip and lies on the lower one,
            # one pointing up from behind the lower lip; one poking out of a corner lies over both.
            # Its root is hidden behind the lip it comes from.
            wd, wu, _ = f.tongue_weights
            behind = max(wd, wu) >= 0.5
            c.save()
            if behind:
                lip_edge = self._lip_line(f, upper=wd >= 0.5)
                hidden = skia.Path(lip_edge)
                far = -400.0 if wd >= 0.5 else 400.0  # the side of the lip the root is on
                hidden.lineTo(mx + hw, far)
                hidden.lineTo(mx - hw, far)
                hidden.close()
                c.clipPath(hidden, skia.ClipOp.kDifference, True)
            self._draw_tongue(c, f.tongue)
            c.restore()
            if behind:
                lip = self._lip_line(f, upper=wd >= 0.5)
                c.drawPath(lip, _stroke(_rgb(LIP), f.lip_thick * 1.6))
                c.drawPath(lip, _stroke(_rgb(LIP_DARK, 0.5), 1.2))

    def _draw_tongue(self, c: skia.Canvas, line: list[tuple[float, float, float]]) -> None:
        left, right, normals = [], [], []
        for i, (x, y, w) in enumerate(line):
            a = line[max(i - 1, 0)]
            b = line[min(i + 1, len(line) - 1)]
            tx, ty = b[0] - a[0], b[1] - a[1]
            d = math.hypot(tx, ty) or 1.0
            nx, ny = -ty / d, tx / d
            normals.append((nx, ny))
            left.append((x + nx * w, y + ny * w))
            right.append((x - nx * w, y - ny * w))
        path = skia.Path()
        path.moveTo(*left[0])
        for p in left[1:]:
            path.lineTo(*p)
        # Rounded tip: half circle around the last centre point.
        tx, ty, tw = line[-1]
        nx, ny = normals[-1]
        base = math.atan2(ny, nx)
        for k in range(1, 12):
            ang = base - math.pi * k / 12.0
            path.lineTo(tx + tw * math.cos(ang), ty + tw * math.sin(ang))
        for p in reversed(right):
            path.lineTo(*p)
        # Rounded root, so the tongue's back end looks like it sits in the mouth.
        rx, ry, rw = line[0]
        nx0, ny0 = normals[0]
        base0 = math.atan2(-ny0, -nx0)
        for k in range(1, 12):
            ang = base0 - math.pi * k / 12.0
            path.lineTo(rx + rw * math.cos(ang), ry + rw * math.sin(ang))
        path.close()
        c.save()
        c.translate(0.8, 2.5)
        c.drawPath(path, self._paints["tongue_shadow"])
        c.restore()
        # Flat, broad tongue: lit in the middle, darker at the rim and towards the tip's underside.
        n = len(line)
        mid = line[int(n * 0.45)]
        w = max(p[2] for p in line)
        c.drawPath(path, _fill(0, _radial(mid[0], mid[1], w * 1.9,
                                          [_rgb(TONGUE_LIGHT), _rgb(TONGUE_RGB), _rgb(TONGUE_DARK)],
                                          [0.0, 0.55, 1.0])))
        # Midline groove from near the root to two thirds of the way out.
        groove = skia.Path()
        groove.moveTo(line[1][0], line[1][1])
        for x, y, _ in line[2:max(3, int(n * 0.7))]:
            groove.lineTo(x, y)
        c.drawPath(groove, _stroke(_rgb(TONGUE_DARK, 0.8), 2.2))
        hx, hy, hw = line[int(n * 0.55)]
        mnx, mny = normals[int(n * 0.55)]
        gx, gy = hx + mnx * hw * 0.45, hy + mny * hw * 0.45
        c.drawCircle(gx, gy, hw * 0.32, _fill(0, _radial(gx, gy, hw * 0.32,
                                                        [_rgb((255, 226, 234), 0.75),
                                                         _rgb((255, 226, 234), 0.0)])))
        c.drawPath(path, _stroke(_rgb(TONGUE_DARK), 1.6))

    def _font(self, size: int) -> skia.Font:
        font = self._font_cache.get(size)
        if font is None:
            font = skia.Font(skia.Typeface('DejaVu Sans', skia.FontStyle.Bold()), size)
            self._font_cache[size] = font
        return font

    def _draw_overlay(self, c: skia.Canvas, text: str) -> None:
        """A readable caption pill at the bottom of the panel (rendered once per text)."""
        cached = self._captions.get(text)
        if cached is None:
            if len(self._captions) > 32:
                self._captions.clear()
            cached = self._render_caption(text)
            self._captions[text] = cached
        image, x, y = cached
        c.drawImage(image, x, y)

    def _render_caption(self, text: str) -> tuple[skia.Image, float, float]:
        lay = self.layout
        size = max(12, round(min(lay.width / 22.0, lay.height / 16.0)))
        font = self._font(size)
        tw = font.measureText(text)
        while tw > lay.width * 0.9 and size > 10:
            size -= 2
            font = self._font(size)
            tw = font.measureText(text)
        pad = size * 0.6
        w = math.ceil(tw + 2 * pad)
        h = math.ceil(size * 1.35 + pad)
        surf = skia.Surface(w, h)
        cc = surf.getCanvas()
        cc.clear(skia.ColorTRANSPARENT)
        cc.drawRoundRect(skia.Rect.MakeWH(w, h), h / 2, h / 2, _fill(_rgb((255, 255, 255), 0.88)))
        cc.drawString(text, pad, h / 2 + size * 0.36, font, _fill(_rgb(TEXT_INK)))
        x, y = round((lay.width - w) / 2), round(lay.height - h - size * 0.6)
        return surf.makeImageSnapshot(), x, y


def _star(x: float, y: float, r: float, rot: float) -> skia.Path:
    """A soft five-point star for the blanket print."""
    pts = []
    for k in range(10):
        a = rot + k * math.pi / 5.0 - math.pi / 2
        rr = r if k % 2 == 0 else r * 0.45
        pts.append(skia.Point(x + rr * math.cos(a), y + rr * math.sin(a)))
    return skia.Path.Polygon(pts, True)
