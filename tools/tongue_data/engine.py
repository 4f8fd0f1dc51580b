"""Makes tongue-out positives and hard negatives in the canonical mouth frame of real faces.

Everything happens in the canonical mouth patch (`features.PatchConfig`, 64×64, the patch `live`
reads), where every face's mouth sits in the same place at the same scale, so a tongue cut from
one face lines up with another's mouth. A tongue is cut from a real tongue-out patch by colour
against that face's own skin and lips; it is recoloured to the target face's skin, rotated to a
direction, pushed out to an extension, laid under the target's upper lip with the lower lip pushed
down and a shadow in the opening. Hard negatives come from the same cut-outs kept inside an open
mouth, and from marks drawn near the lips. Degradations imitate a workshop webcam.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from tongue_mirror import landmarks as lm

SIZE = 64
UP_IN = np.array(lm.UPPER_LIP_INNER, np.intp)
LO_IN = np.array(lm.LOWER_LIP_INNER, np.intp)
UP_OUT = np.array(lm.UPPER_LIP_OUTER, np.intp)
LO_OUT = np.array(lm.LOWER_LIP_OUTER, np.intp)
XS = np.arange(SIZE, dtype=np.float64) + 0.5
DIRECTION_ANGLES = {"center": 0.0, "left": 60.0, "right": -60.0}  # degrees, rotation in patch


def to_lab(bgr: np.ndarray) -> np.ndarray:
    """CIELAB float32 as the features use it (L 0..100, a/b ±127)."""
    return cv2.cvtColor(bgr.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)


def from_lab(lab: np.ndarray) -> np.ndarray:
    """Lab float32 → BGR uint8."""
    return np.clip(cv2.cvtColor(lab.astype(np.float32), cv2.COLOR_Lab2BGR) * 255.0 + 0.5, 0,
                   255).astype(np.uint8)


def curve(px: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """A lip contour as y per patch column."""
    p = px[idx]
    o = np.argsort(p[:, 0])
    return np.interp(XS, p[o, 0], p[o, 1])


@dataclass(frozen=True)
class Mouth:
    """Where a face's mouth is in the patch."""

    up_in: np.ndarray  # (64,) y of the upper lip's inner edge per column
    lo_in: np.ndarray
    up_out: np.ndarray
    lo_out: np.ndarray
    left: float  # x of the mouth corners
    right: float
    cx: float  # centre of the opening
    cy: float
    open_px: float  # opening height at the middle

    @property
    def width(self) -> float:
        """Corner to corner, patch pixels."""
        return self.right - self.left


def mouth_of(px: np.ndarray) -> Mouth:
    """The mouth geometry from landmarks in patch pixels."""
    up, lo = px[lm.UPPER_LIP_INNER_MID], px[lm.LOWER_LIP_INNER_MID]
    return Mouth(curve(px, UP_IN), curve(px, LO_IN), curve(px, UP_OUT), curve(px, LO_OUT),
                 float(px[lm.MOUTH_CORNER_LEFT, 0]), float(px[lm.MOUTH_CORNER_RIGHT, 0]),
                 float((up[0] + lo[0]) / 2), float(up[1]), float(lo[1] - up[1]))


@dataclass(frozen=True)
class Tongue:
    """A tongue cut from a real tongue-out patch, relative to its root (the opening's centre)."""

    bgr: np.ndarray  # 64×64, the source patch
    alpha: np.ndarray  # 64×64 float32 0..1
    root: tuple[float, float]  # patch pixels
    mouth_width: float
    skin: np.ndarray  # Lab of the source face's skin
    reach: float  # pixels from the root to the farthest tongue pixel
    group: str
    direction: str


def tongue_mask(patch: np.ndarray, px: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Tongue pixels of a tongue-out patch: redder and more magenta than the skin, below the upper
    lip, not as dark as the mouth's inside, the blob that touches the opening."""
    m = mouth_of(px)
    lab = to_lab(patch)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE] + 0.5
    up_band = (yy > m.up_out[None, :]) & (yy < m.up_in[None, :] + 0.5)
    lip = lab[up_band] if up_band.sum() >= 3 else lab.reshape(-1, 3)
    lip_l = float(np.median(lip[:, 0]))
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    skin_chroma = float(np.hypot(skin[1], skin[2]))
    hue = np.degrees(np.arctan2(lab[..., 2], lab[..., 1]))
    skin_hue = math.degrees(math.atan2(float(skin[2]), float(skin[1])))
    rel = (hue - skin_hue + 180.0) % 360.0 - 180.0
    # magenta-ward of the skin's orange, coloured, and not the mouth's dark inside
    red = (rel < -9.0) & (rel > -120.0) & (chroma > 0.45 * skin_chroma + 2.0)
    red &= lab[..., 0] > max(0.45 * max(float(skin[0]), 5.0), lip_l - 12.0)
    margin = 0.35 * m.width
    region = (yy > m.up_in[None, :] + 0.5) & (xx > m.left - margin) & (xx < m.right + margin)
    region &= yy < m.lo_out[None, :] + 1.3 * m.width
    mask = (red & region).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (5, 5)))
    n, lab_cc, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return np.zeros((SIZE, SIZE), bool)
    # the component nearest the opening's centre among the large ones
    best, best_d = 0, 1e9
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] < 12:
            continue
        ys, xs = np.nonzero(lab_cc == i)
        d = float(np.min(np.hypot(xs + 0.5 - m.cx, ys + 0.5 - (m.cy + m.open_px / 2))))
        if d < best_d:
            best, best_d = i, d
    if best == 0 or best_d > 6.0:
        return np.zeros((SIZE, SIZE), bool)
    out = lab_cc == best
    return cv2.morphologyEx(out.astype(np.uint8), cv2.MORPH_CLOSE,
                            np.ones((3, 3), np.uint8)).astype(bool)


def cut_tongue(patch: np.ndarray, px: np.ndarray, skin: np.ndarray, group: str,
               direction: str = "") -> Tongue | None:
    """The tongue of one real positive, or None where the mask shows no tongue past the lip."""
    mask = tongue_mask(patch, px, skin)
    m = mouth_of(px)
    past = mask & (np.arange(SIZE)[:, None] + 0.5 > m.lo_out[None, :])
    # leaks into the neck or a shirt: no clean cut-out from this frame
    if past.sum() < 8 or mask.sum() > 0.22 * SIZE * SIZE or mask[-3:].any():
        return None
    ys, xs = np.nonzero(mask)
    if mask.sum() < 30 or xs.max() - xs.min() < 0.3 * m.width:  # slivers, not tongues
        return None
    reach = float(np.max(np.hypot(xs + 0.5 - m.cx, ys + 0.5 - m.cy)))
    alpha = cv2.GaussianBlur(mask.astype(np.float32), (3, 3), 0.7)
    return Tongue(patch, alpha, (m.cx, m.cy), m.width, skin, reach, group, direction)


def recolour(bgr: np.ndarray, src_skin: np.ndarray, dst_skin: np.ndarray,
             rng: np.random.Generator, unusual: bool) -> np.ndarray:
    """Carries the tongue from the donor's light to the target's: skins also differ by melanin,
    which a tongue does not share (a dark-skinned person's tongue is pink, not brown)."""
    lab = to_lab(bgr)
    light = float(rng.uniform(0.25, 0.75))  # the unknown part of the skins' difference that is light
    ratio = float(np.clip(float(dst_skin[0]) / max(float(src_skin[0]), 5.0), 0.6, 1.6))
    lab[..., 0] *= ratio ** light
    lab[..., 1] += light * float(dst_skin[1] - src_skin[1])
    lab[..., 2] += light * float(dst_skin[2] - src_skin[2])
    if unusual:  # pale, purple, dark or orange tongues
        lab[..., 0] *= rng.uniform(0.75, 1.2)
        lab[..., 1] = dst_skin[1] + (lab[..., 1] - dst_skin[1]) * rng.uniform(0.4, 1.3)
        lab[..., 2] += rng.uniform(-12, 8)
    lab[..., 0] = np.clip(lab[..., 0], 0, 100)
    return from_lab(lab)


def _root_affine(t: Tongue, dst: Mouth, angle: float, scale: float, push: float,
                 dxy: tuple[float, float]) -> np.ndarray:
    """Tongue patch → target patch: about the tongue's root, rotated, scaled, pushed out along
    its own direction by `push` pixels (negative: drawn back in)."""
    a = math.radians(angle)
    # The tongue points down (+y) at angle 0 and along (-sin a, cos a) at `angle`: positive turns
    # it towards the image's left. OpenCV's positive angle turns counter-clockwise on screen
    # (down towards the right), hence the minus: rotation and push agree.
    m = cv2.getRotationMatrix2D(t.root, -angle, scale)
    ox = dst.cx - t.root[0] + dxy[0] - push * math.sin(a)
    oy = dst.cy - t.root[1] + dxy[1] + push * math.cos(a)
    m[0, 2] += ox
    m[1, 2] += oy
    return m


def push_lower_lip(base: np.ndarray, dst: Mouth, amount: float) -> np.ndarray:
    """Opens the jaw: rows below the upper lip move down by `amount` pixels across the mouth,
    fading out beyond the corners and towards the patch bottom."""
    if amount < 0.5:
        return base
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) + 0.5
    half = dst.width / 2 + 4.0
    wx = np.clip(1.0 - np.abs(xx - dst.cx) / half, 0.0, 1.0) ** 0.7
    below = np.clip((yy - dst.up_in[None, :].astype(np.float32)) / 2.0, 0.0, 1.0)
    wy = np.clip(1.0 - (yy - dst.cy) / (SIZE - dst.cy), 0.0, 1.0)
    dy = amount * wx * below * wy
    return cv2.remap(base, xx - 0.5, yy - 0.5 - dy, cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)


def transplant(base: np.ndarray, px: np.ndarray, skin: np.ndarray, t: Tongue,
               rng: np.random.Generator, direction: str, extension: float, inside: bool = False,
               unusual: bool = False) -> np.ndarray | None:
    """A target patch with the tongue laid in: out past the lip, or (inside=True) kept within an
    open mouth, on the lower teeth; None where too little of it shows past the lip."""
    dst = mouth_of(px)
    # turned from where the donor's own tongue points (a sideways donor is not a straight one)
    angle = (DIRECTION_ANGLES[direction] - DIRECTION_ANGLES.get(t.direction, 0.0)
             + rng.normal(0, 8 if direction == "center" else 12))
    scale = dst.width / max(t.mouth_width, 1.0) * rng.uniform(0.8, 1.2)
    reach = t.reach * scale
    lo_mid = float(dst.lo_out[int(np.clip(dst.cx, 0, SIZE - 1))])
    past_lip = max(lo_mid - dst.cy, 1.0)
    if inside:  # the tip stays above the lower lip's inner edge
        push = -(reach - max(dst.open_px - 1.0, 1.0)) - rng.uniform(0, 2)
        open_amount = 0.0
    else:  # the tip reaches `extension` of its length past the lower lip
        tip = past_lip + 1.0 + extension * max(reach - past_lip, 3.0)
        # A tongue shorter than a wide-open mouth (a shout) lies on the lower teeth: its root
        # drops into the opening, at most to 3 px above the lower lip, instead of hanging from
        # the upper lip and never reaching past the lower one.
        drop = max(0.0, dst.open_px - 3.0)
        push = min(tip - reach, drop) + (rng.uniform(0, 3) if extension > 0.9 else 0.0)
        open_amount = rng.uniform(1.0, 4.0) * min(1.0, 0.4 + extension)
    m = _root_affine(t, dst, angle, scale, push, (rng.normal(0, 0.7), rng.normal(0, 0.5)))
    colour = recolour(t.bgr, t.skin, skin, rng, unusual)
    tongue = cv2.warpAffine(colour, m, (SIZE, SIZE), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
    alpha = cv2.warpAffine(t.alpha, m, (SIZE, SIZE), flags=cv2.INTER_LINEAR)
    out = push_lower_lip(base, dst, open_amount).astype(np.float32)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE] + 0.5
    under_upper = np.clip(yy - dst.up_in[None, :], 0.0, 1.0)  # the upper lip stays on top
    alpha = alpha * under_upper
    if inside:  # only what the open lips show
        inner = np.clip(dst.lo_in[None, :] - yy, 0.0, 1.0)
        inner *= (xx > dst.left + 2) & (xx < dst.right - 2)
        alpha = alpha * inner * rng.uniform(0.85, 1.0)
        tongue = (tongue.astype(np.float32) * rng.uniform(0.6, 0.9)).astype(np.uint8)
    else:  # a shadow in the opening beside the tongue's root
        root_cols = alpha[int(np.clip(dst.cy + 3, 0, SIZE - 1))] > 0.3
        if root_cols.any():
            c = np.nonzero(root_cols)[0]
            # within the mouth corners, feathered: a soft shade, not a drawn bar
            x0, x1 = max(c.min() - 2, dst.left + 1), min(c.max() + 3, dst.right - 1)
            band = ((xx > x0) & (xx < x1) & (yy > dst.up_in[None, :]) & (
                yy < dst.up_in[None, :] + 1.5 + open_amount)).astype(np.float32)
            band = cv2.GaussianBlur(band, (5, 5), 1.0)[..., None]
            out *= 1.0 - band * (1.0 - rng.uniform(0.25, 0.6))
    if not inside and (alpha > 0.5)[yy > dst.lo_out[None, :] + 0.5].sum() < 6:
        return None  # nothing visible past the lip: not a tongue-out
    a3 = alpha[..., None]
    return np.clip(out * (1 - a3) + tongue.astype(np.float32) * a3, 0, 255).astype(np.uint8)


def draw_marks(patch: np.ndarray, px: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Marks another app draws on or near the lips: dots, a thin box, a text label."""
    out = patch.copy()
    m = mouth_of(px)
    colour = tuple(int(c) for c in rng.integers(0, 256, 3))
    kind = rng.integers(0, 3)
    if kind == 0:
        for _ in range(int(rng.integers(3, 12))):
            x = rng.uniform(m.left - 3, m.right + 3)
            y = rng.uniform(m.up_out[int(np.clip(x, 0, SIZE - 1))] - 2, m.cy + m.open_px + 8)
            cv2.circle(out, (int(x), int(y)), int(rng.integers(0, 2)), colour, -1, cv2.LINE_AA)
    elif kind == 1:
        x0, y0 = rng.uniform(m.left - 10, m.left + 2), rng.uniform(m.cy - 14, m.cy - 2)
        x1, y1 = rng.uniform(m.right - 2, m.right + 10), rng.uniform(m.cy + 6, m.cy + 26)
        cv2.rectangle(out, (int(x0), int(y0)), (int(x1), int(y1)), colour, 1)
    else:
        text = str(rng.choice(["tongue", "mouth", "0.87", "face", "smile"]))
        cv2.putText(out, text, (int(rng.uniform(0, 30)), int(rng.uniform(m.cy - 10, SIZE - 4))),
                    cv2.FONT_HERSHEY_SIMPLEX, rng.uniform(0.2, 0.35), colour, 1, cv2.LINE_AA)
    return out


@dataclass(frozen=True)
class Light:
    """One colour degradation (white-balance cast, dim warm light), applied alike to the patch and
    to the skin colour that goes with it."""

    gains: tuple[float, float, float]  # B, G, R
    gamma: float

    def apply(self, bgr: np.ndarray) -> np.ndarray:
        """The lit copy of a BGR image."""
        x = bgr.astype(np.float32) / 255.0 * np.array(self.gains, np.float32)
        return np.clip(np.power(np.clip(x, 0, 1), self.gamma) * 255.0 + 0.5, 0,
                       255).astype(np.uint8)


def random_light(rng: np.random.Generator) -> Light:
    """A cast, sometimes dim and warm."""
    g = rng.uniform(0.85, 1.15, 3)
    if rng.random() < 0.3:  # dim warm
        g = g * rng.uniform(0.45, 0.8) * np.array([0.75, 0.92, 1.1])
    return Light((float(g[0]), float(g[1]), float(g[2])), float(rng.uniform(0.8, 1.25)))


def motion_blur(image: np.ndarray, rng: np.random.Generator, max_len: int) -> np.ndarray:
    """A straight smear 3..max_len pixels long at a random angle: a head moving in one frame."""
    k = int(rng.integers(3, max_len + 1))
    kern = np.zeros((k, k), np.float32)
    kern[k // 2] = 1.0 / k
    rot = cv2.getRotationMatrix2D(((k - 1) / 2, (k - 1) / 2), float(rng.uniform(0, 180)), 1.0)
    kern = cv2.warpAffine(kern, rot, (k, k))
    return cv2.filter2D(image, -1, kern / max(float(kern.sum()), 1e-6))


def sensor_noise(image: np.ndarray, rng: np.random.Generator, max_sigma: float) -> np.ndarray:
    """Gaussian noise of a random strength up to max_sigma grey levels: a small sensor in dim
    light."""
    return np.clip(image.astype(np.float32) + rng.normal(0, rng.uniform(1, max_sigma),
                                                          image.shape), 0, 255).astype(np.uint8)


def jpeg(image: np.ndarray, rng: np.random.Generator, quality: tuple[int, int]) -> np.ndarray:
    """A JPEG round trip at a random quality in [lo, hi): block and ringing artefacts."""
    _ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(*quality))])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def degrade(patch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Small face, motion blur, sensor noise, JPEG: what a workshop webcam does to the mouth."""
    out = patch
    if rng.random() < 0.6:  # a 150–250 px face: fewer pixels than the patch
        f = rng.uniform(0.35, 0.9)
        n = max(8, round(SIZE * f))
        out = cv2.resize(cv2.resize(out, (n, n), interpolation=cv2.INTER_AREA), (SIZE, SIZE),
                         interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.3:
        out = motion_blur(out, rng, max_len=6)
    if rng.random() < 0.6:
        out = sensor_noise(out, rng, max_sigma=7)
    if rng.random() < 0.6:
        out = jpeg(out, rng, quality=(20, 85))
    return out
