"""Lays the panels out on one canvas and draws two layers of text: the audience's and the operator's.

The audience layer (panels, mode label, prompt, banner, optional title) is what recordings and
replays carry; the screen adds the operator's layer (key bar or help, fps, REC, paths, PAUSED).
All text sits inside the baby's panel or inside its own panel, so nothing crosses the seam between
camera and baby or covers the traces.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from tongue_mirror.view.draw import shared_text
from tongue_mirror.view.text import BGR, Box, TextLayer, TextStyle, TypeScale

LAYOUTS = ("composed", "avatar")

HELP_KEYS = (("q / Esc", "quit"), ("space", "pause"), ("f", "fullscreen"), ("m", "mirror"),
             ("o", "overlay on/off"), ("r", "record on/off"), ("b", "save the last 20 s"),
             ("s", "snapshot"), ("n", "next person"), ("c", "calibrate"),
             ("i", "infant / adult"), ("[  ]", "inhibition - / +"), ("t", "story cards"),
             ("g", "imitation game"), ("h", "this help"))
MESSAGE_LINES = 2  # the operator's message: a path wraps onto a second line, then is elided
KEY_BAR = "h help   t story   g game   space pause   r record   b replay   f fullscreen   q quit"

LABEL = (235, 235, 235)
PROMPT = (180, 240, 255)
BANNER = (255, 240, 180)
OPERATOR = (200, 255, 200)
MESSAGE = (120, 255, 255)
REC_RED = (60, 60, 255)
PLATE = (25, 25, 25)
NOTE = (120, 230, 255)


@dataclass(frozen=True)
class Layout:
    """Panel rectangles (x, y, w, h) on a canvas of `size`."""

    size: tuple[int, int]
    camera: tuple[int, int, int, int] | None
    avatar: tuple[int, int, int, int]
    neural: tuple[int, int, int, int] | None

    @staticmethod
    def make(name: str, size: tuple[int, int] = (1280, 720)) -> Layout:
        """Default composed layout (camera + neural on the left, avatar right) or avatar only."""
        if name not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, not {name!r}")
        w, h = size
        if w < 320 or h < 240:
            raise ValueError("canvas must be at least 320x240")
        if name == "avatar":
            return Layout(size, None, (0, 0, w, h), None)
        left = w // 2
        cam_h = min(h * 2 // 3, left * 3 // 4)
        return Layout(size, (0, 0, left, cam_h), (left, 0, w - left, h), (0, cam_h, left, h - cam_h))

    def without_neural(self) -> Layout:
        """The same canvas with the camera taking the neural panel's place (overlay off)."""
        if self.camera is None or self.neural is None:
            return self
        x, y, w, _ = self.camera
        return replace(self, camera=(x, y, w, self.size[1]), neural=None)


def tiles(rects: list[tuple[int, int, int, int]], size: tuple[int, int]) -> bool:
    """Whether the rectangles (x, y, w, h), each inside the canvas, cover all of it once."""
    def disjoint(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
        return (a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1]
                or b[1] + b[3] <= a[1])

    inside = all(x >= 0 and y >= 0 and x + w <= size[0] and y + h <= size[1]
                 for x, y, w, h in rects)
    apart = all(disjoint(a, b) for i, a in enumerate(rects) for b in rects[i + 1:])
    return inside and apart and sum(w * h for _, _, w, h in rects) == size[0] * size[1]


@dataclass(frozen=True)
class Hud:
    """Everything drawn over the panels that is about the app, not the experiment."""

    fps: float = 0.0
    latency_ms: float | None = None
    recording_s: float | None = None  # seconds recorded so far, None when not recording
    message: str | None = None  # operator, transient, e.g. "saved …" (never recorded)
    prompt: str | None = None  # audience, big, e.g. "stick your tongue out at the baby"
    status: str | None = None  # audience, small, e.g. "infant - inhibition 0.20"
    show_help: bool = True  # the operator's key bar
    paused: bool = False
    banner: str | None = None  # audience, transient, e.g. "adult mode: ..."
    title: str | None = None  # audience, an optional small title line
    help_open: bool = False  # the operator's full key list over the baby
    note: str | None = None  # audience, small, under the label, e.g. "playing a synthetic clip"


@dataclass(frozen=True)
class Picture:
    """One frame twice: what the audience (and recordings) see, and what the screen shows."""

    audience: np.ndarray
    screen: np.ndarray
    boxes: tuple[Box, ...] = field(default=())  # every text box on the screen picture


class Compositor:
    """Pastes rendered panels into their rectangles and draws the two text layers."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.text = shared_text()
        self.type = TypeScale(layout.size[1])
        self._canvas = np.zeros((layout.size[1], layout.size[0], 3), np.uint8)

    def compose(self, avatar: np.ndarray, camera: np.ndarray | None = None,
                neural: np.ndarray | None = None, hud: Hud = Hud(),
                layout: Layout | None = None) -> np.ndarray:
        """The screen picture (BGR uint8): every panel and both text layers."""
        return self.compose_layers(avatar, camera, neural, hud, layout).screen

    def compose_layers(self, avatar: np.ndarray, camera: np.ndarray | None = None,
                       neural: np.ndarray | None = None, hud: Hud = Hud(),
                       layout: Layout | None = None, panel_boxes: tuple[Box, ...] = ()
                       ) -> Picture:
        """Audience and screen pictures; `layout` overrides the panel rectangles (overlay off)."""
        audience = TextLayer(self.text, self._paste(avatar, camera, neural, layout or self.layout))
        free = self._draw_audience(audience, hud)
        screen = TextLayer(self.text, audience.image.copy())
        screen.boxes = list(audience.boxes)
        self._draw_operator(screen, hud, free)
        return Picture(audience.image, screen.image, tuple(panel_boxes) + tuple(screen.boxes))

    def compose_audience(self, avatar: np.ndarray, camera: np.ndarray | None = None,
                         neural: np.ndarray | None = None, hud: Hud = Hud(),
                         layout: Layout | None = None) -> np.ndarray:
        """The audience picture alone (what `process` records): no screen copy, no operator."""
        audience = TextLayer(self.text, self._paste(avatar, camera, neural, layout or self.layout))
        self._draw_audience(audience, hud)
        return audience.image

    def _paste(self, avatar: np.ndarray, camera: np.ndarray | None, neural: np.ndarray | None,
               layout: Layout) -> np.ndarray:
        """A new canvas with the panels in their rectangles, black where none is."""
        panels = [(rect, img) for rect, img in ((layout.camera, camera), (layout.avatar, avatar),
                                                (layout.neural, neural))
                  if rect is not None and img is not None]
        # Panels that tile the canvas overwrite every pixel: no black canvas to copy first.
        covered = tiles([rect for rect, _ in panels], layout.size)
        canvas = np.empty_like(self._canvas) if covered else self._canvas.copy()
        for (x, y, w, h), img in panels:
            if img.shape[:2] != (h, w):
                img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
            canvas[y:y + h, x:x + w] = img[..., :3]
        return canvas

    # ---- geometry ----------------------------------------------------------------------------
    def _margin(self) -> int:
        return max(6, round(self.layout.size[1] * 0.015))

    def _operator_band(self) -> int:
        """Height kept free at the bottom of the baby's panel for the key bar and messages."""
        line = self.text.measure("Hg", self._style(self.type.small, LABEL, plate=True))[1]
        return MESSAGE_LINES * line + line + 3 * self._margin()

    def _style(self, px: int, color: BGR, bold: bool = False, plate: bool = False) -> TextStyle:
        if plate:
            return TextStyle(px, color, bold, outline=None, plate=PLATE)
        return TextStyle(px, color, bold)

    # ---- audience ----------------------------------------------------------------------------
    def _draw_audience(self, layer: TextLayer, hud: Hud) -> tuple[int, int]:
        """Title and mode label at the top of the baby's panel, prompt and banner above the band;
        returns the (top, bottom) rows left free between them."""
        ax, ay, aw, ah = self.layout.avatar
        m = self._margin()
        y = ay + m
        for text, px in ((hud.title, self.type.small), (hud.status, self.type.body),
                         (hud.note, self.type.small)):
            if text:
                color = NOTE if text is hud.note else LABEL
                box = layer.draw(text, self._style(px, color, bold=text is hud.status),
                                 (ax + m, y), "lt", max_w=aw * 2 // 3 - 2 * m)
                y = box.y + box.h + m // 2
        bottom = ay + ah - self._operator_band()
        for text, color, px in ((hud.banner, BANNER, self.type.body),
                                (hud.prompt, PROMPT, self.type.prompt)):
            if text:
                bottom = self._draw_block(layer, text, self._style(px, color, bold=True),
                                          ax + aw // 2, bottom, aw - 2 * m) - m
        return y, bottom

    def _draw_block(self, layer: TextLayer, text: str, style: TextStyle, cx: int, bottom: int,
                    max_w: int, max_lines: int = 3) -> int:
        """Wrapped lines centred on cx, the last one ending at `bottom`; returns the top."""
        lines = self.text.wrap(text, style, max_w, max_lines)
        line_h = self.text.measure("Hg", style)[1]
        top = bottom - line_h * len(lines)
        for i, line in enumerate(lines):
            layer.draw(line, style, (cx, top + i * line_h), "mt", max_w=max_w)
        return top

    # ---- operator ----------------------------------------------------------------------------
    def _draw_operator(self, layer: TextLayer, hud: Hud, free: tuple[int, int]) -> None:
        """Counters and REC top right, message and key bar in the band, PAUSED and help centred."""
        ax, ay, aw, ah = self.layout.avatar
        m = self._margin()
        small = self.type.small
        top = ay + m
        if hud.recording_s is not None:
            mins, secs = divmod(int(hud.recording_s), 60)
            box = layer.draw(f"REC {mins:02d}:{secs:02d}", self._style(self.type.body, REC_RED, True),
                             (ax + aw - m, top), "rt")
            r = max(5, box.h // 4)
            cv2.circle(layer.image, (box.x - r - m // 2, box.y + box.h // 2), r, (0, 0, 255), -1,
                       cv2.LINE_AA)
            top = box.y + box.h + m // 2
        if hud.fps > 0:
            corner = f"{hud.fps:4.1f} fps"
            if hud.latency_ms is not None:
                corner += f"  {hud.latency_ms:3.0f} ms"
            box = layer.draw(corner, self._style(small, OPERATOR), (ax + aw - m, top), "rt")
            top = box.y + box.h
        free = (max(free[0], top) + m, free[1])
        band_bottom = ay + ah - m
        if hud.show_help and not hud.help_open:
            box = layer.draw(KEY_BAR, self._style(small, LABEL, plate=True),
                             (ax + aw // 2, band_bottom), "mb", max_w=aw - 2 * m)
            band_bottom = box.y - m // 2
        if hud.message:
            self._draw_block(layer, hud.message, self._style(small, MESSAGE, plate=True),
                             ax + aw // 2, band_bottom, aw - 2 * m, MESSAGE_LINES)
        if hud.help_open:
            self._draw_help(layer, free)
        elif hud.paused:
            style = TextStyle(self.type.headline, (255, 255, 255), True, outline=None, plate=PLATE)
            middle = ay + ah // 2
            half = self.text.measure("PAUSED", style)[1] // 2
            middle = min(max(middle, free[0] + half), free[1] - half)  # centred, clear of labels
            layer.draw("PAUSED", style, (ax + aw // 2, middle), "mm", max_w=aw - 2 * m)

    def _draw_help(self, layer: TextLayer, free: tuple[int, int]) -> None:
        """The key list on a dark plate between the baby's labels (smaller type when tight)."""
        ax, _ay, aw, _ah = self.layout.avatar
        m = self._margin()
        top, bottom = free
        for px, columns in ((self.type.body, 1), (self.type.small, 1), (self.type.small, 2)):
            key_style = self._style(px, (180, 240, 255), bold=True)
            what_style = self._style(px, LABEL)
            line_h = self.text.measure("Hg", key_style)[1]
            rows = -(-len(HELP_KEYS) // columns)
            key_w = max(self.text.measure(k, key_style)[0] for k, _ in HELP_KEYS)
            what_w = max(self.text.measure(w, what_style)[0] for _, w in HELP_KEYS)
            col_w = key_w + what_w + 2 * m
            if line_h * rows + 2 * m <= bottom - top and col_w * columns + m <= aw - 2 * m:
                break
        box_w = min(aw - 2 * m, col_w * columns + m)
        box_h = min(bottom - top, line_h * rows + 2 * m)
        x0, y0 = ax + (aw - box_w) // 2, top + (bottom - top - box_h) // 2
        region = layer.image[y0:y0 + box_h, x0:x0 + box_w]
        region[:] = (region.astype(np.uint16) * 3 // 10).astype(np.uint8) + 10
        for i, (key, what) in enumerate(HELP_KEYS):
            col, row = divmod(i, rows)
            x, y = x0 + m + col * col_w, y0 + m + row * line_h
            if y + line_h > y0 + box_h:
                continue  # a screen too small for the whole list keeps what fits
            layer.draw(key, key_style, (x, y))
            layer.draw(what, what_style, (x + key_w + m, y),
                       max_w=min(what_w, x0 + box_w - x - key_w - 2 * m))
