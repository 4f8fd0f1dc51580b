"""Every overlay's text, drawn with skia: one glyph path filled and stroked, so no ghost, any size.

OpenCV's Hershey fonts widen with the stroke weight, so an outline drawn as a heavier putText
drifts off the letters. Here the outline is the same glyph outline stroked, under its fill, and a
line can sit on a translucent plate instead. Sizes come from the canvas height (`TypeScale`), and a
`TextLayer` records every box it drew so a frame's text can be checked for overlap.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, replace

import cv2
import numpy as np
import skia

BGR = tuple[int, int, int]
FAMILY = "DejaVu Sans"
ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class TextStyle:
    """How one line looks: size in pixels (the em), colours as BGR, outline or a backing plate."""

    size_px: int
    color: BGR = (255, 255, 255)
    bold: bool = False
    outline: BGR | None = (0, 0, 0)  # stroked glyph outline under the fill; None: none
    plate: BGR | None = None  # a rounded backing plate behind the line; None: none
    plate_alpha: float = 0.72

    @property
    def outline_px(self) -> float:
        """Stroke half-width: heavy enough to read on a projector, light enough to keep counters."""
        return max(1.0, self.size_px * 0.09) if self.outline is not None else 0.0

    @property
    def pad_px(self) -> int:
        """Room around the glyphs for the outline or the plate's margin."""
        if self.plate is not None:
            return max(3, round(self.size_px * 0.35))
        return math.ceil(self.outline_px) + 1


@dataclass(frozen=True)
class Box:
    """A drawn line's rectangle on its image, outline or plate included."""

    x: int
    y: int
    w: int
    h: int
    text: str = ""

    def overlaps(self, other: Box) -> bool:
        """True when the two rectangles share any pixel."""
        return (self.x < other.x + other.w and other.x < self.x + self.w
                and self.y < other.y + other.h and other.y < self.y + self.h)

    def offset(self, dx: int, dy: int) -> Box:
        """The same box moved, e.g. from a panel's coordinates to the canvas's."""
        return Box(self.x + dx, self.y + dy, self.w, self.h, self.text)

    def inside(self, rect: tuple[int, int, int, int]) -> bool:
        """Whether the box lies entirely within (x, y, w, h)."""
        x, y, w, h = rect
        return self.x >= x and self.y >= y and self.x + self.w <= x + w and self.y + self.h <= y + h


class TypeScale:
    """Text sizes as shares of the canvas height: nothing the audience reads below 2.5 %."""

    MIN_SHARE = 0.025

    def __init__(self, canvas_h: int) -> None:
        self.canvas_h = canvas_h

    def px(self, share: float) -> int:
        """Pixel size for a share of the canvas height (never below 10 px)."""
        return max(10, round(self.canvas_h * share))

    @property
    def headline(self) -> int:
        """PAUSED and the like."""
        return self.px(0.09)

    @property
    def prompt(self) -> int:
        """What the audience is asked to do."""
        return self.px(0.045)

    @property
    def body(self) -> int:
        """Labels, messages and the help list."""
        return self.px(0.034)

    @property
    def small(self) -> int:
        """The least the audience still reads: the key bar, counters, secondary labels."""
        return self.px(self.MIN_SHARE)


class TextRenderer:
    """Measures and draws lines of text onto BGR images; sprites are cached per text and style."""

    def __init__(self, family: str = FAMILY, cache_size: int = 256) -> None:
        self._faces = {False: skia.Typeface(family, skia.FontStyle.Normal()),
                       True: skia.Typeface(family, skia.FontStyle.Bold())}
        self._fonts: dict[tuple[int, bool], skia.Font] = {}
        self._sprites: OrderedDict[tuple[str, TextStyle], Sprite] = OrderedDict()
        self._sizes: dict[tuple[str, TextStyle], tuple[int, int]] = {}
        self._cache_size = cache_size

    def font(self, size_px: int, bold: bool = False) -> skia.Font:
        """The skia font for a size, anti-aliased with sub-pixel positioning."""
        key = (size_px, bold)
        font = self._fonts.get(key)
        if font is None:
            font = skia.Font(self._faces[bold], size_px)
            font.setEdging(skia.Font.Edging.kAntiAlias)
            font.setSubpixel(True)
            self._fonts[key] = font
        return font

    def measure(self, text: str, style: TextStyle) -> tuple[int, int]:
        """(width, height) of the line's box, padding for outline or plate included."""
        key = (text, style)
        size = self._sizes.get(key)
        if size is None:
            font = self.font(style.size_px, style.bold)
            metrics = font.getMetrics()
            pad = style.pad_px
            size = (math.ceil(font.measureText(text)) + 2 * pad,
                    math.ceil(metrics.fDescent - metrics.fAscent) + 2 * pad)
            if len(self._sizes) > 4 * self._cache_size:
                self._sizes.clear()
            self._sizes[key] = size
        return size

    def baseline(self, style: TextStyle) -> int:
        """Distance from the box's top to the baseline."""
        metrics = self.font(style.size_px, style.bold).getMetrics()
        return round(-metrics.fAscent) + style.pad_px

    def fit(self, text: str, style: TextStyle, max_w: int, min_px: int | None = None
            ) -> tuple[str, TextStyle]:
        """Shrinks the style down to `min_px`, then elides the middle, until the line fits."""
        min_px = min_px or max(10, round(style.size_px * 0.8))
        while self.measure(text, style)[0] > max_w and style.size_px > min_px:
            style = replace(style, size_px=style.size_px - 1)
        if self.measure(text, style)[0] <= max_w:
            return text, style
        lo, hi = 0, len(text)
        best = ELLIPSIS
        while lo <= hi:  # longest middle-elided form that fits (keeps a path's file name)
            keep = (lo + hi) // 2
            head = text[:(keep + 1) // 2]
            tail = text[len(text) - keep // 2:] if keep // 2 else ""
            cand = head + ELLIPSIS + tail
            if self.measure(cand, style)[0] <= max_w:
                best, lo = cand, keep + 1
            else:
                hi = keep - 1
        return best, style

    def wrap(self, text: str, style: TextStyle, max_w: int, max_lines: int = 3) -> list[str]:
        """Word wrap to `max_w` with lines of even length (no lone last word); a word too long
        for a line (a path) is middle-elided."""
        lines = self._greedy(text, style, max_w, max_lines)
        if len(lines) > 1:  # the narrowest width that needs no more lines evens them out
            # never narrower than the widest word, or evening would elide a word that fits
            widest = max(self.measure(word, style)[0] for word in text.split())
            lo, hi = min(max(max_w // len(lines), widest), max_w), max_w
            while lo < hi:
                mid = (lo + hi) // 2
                if len(self._greedy(text, style, mid, max_lines + 1)) <= len(lines):
                    hi = mid
                else:
                    lo = mid + 1
            lines = self._greedy(text, style, hi, max_lines)
        return lines

    def _greedy(self, text: str, style: TextStyle, max_w: int, max_lines: int) -> list[str]:
        lines: list[str] = []
        for word in text.split():
            if lines and self.measure(f"{lines[-1]} {word}", style)[0] <= max_w:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word if self.measure(word, style)[0] <= max_w
                             else self.fit(word, style, max_w, style.size_px)[0])
        if len(lines) > max_lines:
            rest = " ".join(lines[max_lines - 1:])
            lines = [*lines[:max_lines - 1], self.fit(rest, style, max_w, style.size_px)[0]]
        return lines

    def sprite(self, text: str, style: TextStyle) -> Sprite:
        """The line as a premultiplied sprite of exactly `measure()` size."""
        key = (text, style)
        cached = self._sprites.get(key)
        if cached is not None:
            self._sprites.move_to_end(key)
            return cached
        w, h = self.measure(text, style)
        surface = skia.Surface(w, h)
        canvas = surface.getCanvas()
        canvas.clear(skia.ColorTRANSPARENT)
        font = self.font(style.size_px, style.bold)
        pad = style.pad_px
        base = self.baseline(style)
        if style.plate is not None:
            b, g, r = style.plate
            plate = skia.Paint(AntiAlias=True,
                               Color=skia.Color(r, g, b, round(255 * style.plate_alpha)))
            radius = min(h / 2, style.size_px * 0.35)
            canvas.drawRoundRect(skia.Rect.MakeWH(w, h), radius, radius, plate)
        blob = skia.TextBlob.MakeFromString(text, font) if text else None
        if blob is not None:
            if style.outline is not None:
                b, g, r = style.outline
                stroke = skia.Paint(AntiAlias=True, Color=skia.Color(r, g, b),
                                    Style=skia.Paint.kStroke_Style,
                                    StrokeWidth=2 * style.outline_px,
                                    StrokeJoin=skia.Paint.kRound_Join)
                canvas.drawTextBlob(blob, pad, base, stroke)
            b, g, r = style.color
            canvas.drawTextBlob(blob, pad, base, skia.Paint(AntiAlias=True, Color=skia.Color(r, g, b)))
        img = surface.toarray()  # BGRA, premultiplied: the surface's native order on this platform
        sprite = Sprite(np.ascontiguousarray(img[..., :3]),
                        cv2.merge([255 - img[..., 3]] * 3))
        self._sprites[key] = sprite
        if len(self._sprites) > self._cache_size:
            self._sprites.popitem(last=False)
        return sprite

    def place(self, text: str, style: TextStyle, at: tuple[int, int], anchor: str = "lt") -> Box:
        """The box the line would take with its `anchor` point at `at`.

        anchor: horizontal l/m/r (left, middle, right) then vertical t/m/b/s (top, middle, bottom,
        baseline), as in Pillow.
        """
        w, h = self.measure(text, style)
        x, y = at
        x -= {"l": 0, "m": w // 2, "r": w}[anchor[0]]
        y -= {"t": 0, "m": h // 2, "b": h, "s": self.baseline(style)}[anchor[1]]
        return Box(int(x), int(y), w, h, text)

    def draw(self, img: np.ndarray, text: str, style: TextStyle, at: tuple[int, int],
             anchor: str = "lt") -> Box:
        """Blends the line onto a BGR (or BGRA) uint8 image in place; returns its box."""
        box = self.place(text, style, at, anchor)
        blend(img, self.sprite(text, style), box.x, box.y)
        return box


@dataclass(frozen=True)
class Sprite:
    """A rendered line: premultiplied colour and 255 - alpha, both 3-channel, ready to blend."""

    bgr: np.ndarray
    inverse_alpha: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return self.bgr.shape


def blend(img: np.ndarray, sprite: Sprite, x: int, y: int) -> None:
    """Source-over of a premultiplied sprite onto a BGR image at (x, y), clipped to the image."""
    h, w = img.shape[:2]
    sh, sw = sprite.shape[:2]
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(w, x + sw), min(h, y + sh)
    if x0 >= x1 or y0 >= y1:
        return
    src = sprite.bgr[y0 - y:y1 - y, x0 - x:x1 - x]
    inv = sprite.inverse_alpha[y0 - y:y1 - y, x0 - x:x1 - x]
    dst = img[y0:y1, x0:x1, :3]
    dst[:] = cv2.add(src, cv2.multiply(np.ascontiguousarray(dst), inv, scale=1.0 / 255.0))


class TextLayer:
    """Draws text onto one image and remembers the boxes, so a frame's text can be checked."""

    def __init__(self, renderer: TextRenderer, image: np.ndarray) -> None:
        self.renderer = renderer
        self.image = image
        self.boxes: list[Box] = []

    def draw(self, text: str, style: TextStyle, at: tuple[int, int], anchor: str = "lt",
             max_w: int | None = None) -> Box:
        """Draws one line (shrunk or elided to `max_w` when given) and records its box."""
        if max_w is not None:
            text, style = self.renderer.fit(text, style, max_w)
        box = self.renderer.draw(self.image, text, style, at, anchor)
        self.boxes.append(box)
        return box

    def measure(self, text: str, style: TextStyle) -> tuple[int, int]:
        """(width, height) the line would take."""
        return self.renderer.measure(text, style)


def overlapping(boxes: list[Box]) -> list[tuple[Box, Box]]:
    """Every pair of boxes that share a pixel."""
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]
