"""Small drawing helpers shared by the panels: text in OpenCV's terms, fitting images into boxes."""

from __future__ import annotations

import functools

import cv2
import numpy as np

from tongue_mirror.view.text import Box, TextRenderer, TextStyle

PX_PER_SCALE = 28  # skia em size matching the cap height of cv2's Hershey font at scale 1


@functools.cache
def shared_text() -> TextRenderer:
    """One renderer (and sprite cache) for the helpers below."""
    return TextRenderer()


def text_style(scale: float, color: tuple[int, int, int] = (255, 255, 255), thickness: int = 1,
               shadow: bool = True) -> TextStyle:
    """The skia style standing in for a cv2.putText scale and thickness."""
    return TextStyle(max(8, round(scale * PX_PER_SCALE)), (int(color[0]), int(color[1]), int(color[2])),
                     bold=thickness >= 2, outline=(0, 0, 0) if shadow else None)


def put_text(img: np.ndarray, text: str, org: tuple[int, int], scale: float = 0.6,
             color: tuple[int, int, int] = (255, 255, 255), thickness: int = 1,
             shadow: bool = True) -> Box:
    """cv2.putText's call (org = left end of the baseline) drawn by the skia renderer, outlined."""
    style = text_style(scale, color, thickness, shadow)
    return shared_text().draw(img, text, style, (int(org[0]), int(org[1])), "ls")


def text_width(text: str, scale: float = 0.6, thickness: int = 1) -> int:
    """Pixel width of a line as `put_text` draws it."""
    return shared_text().measure(text, text_style(scale, thickness=thickness))[0]


def fit_into(image: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, float, tuple[int, int]]:
    """Letterboxes an image into (w, h); returns the canvas, the scale and the (x, y) offset."""
    w, h = size
    ih, iw = image.shape[:2]
    scale = min(w / iw, h / ih)
    nw, nh = max(1, round(iw * scale)), max(1, round(ih * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(image, (nw, nh), interpolation=interp) if (nw, nh) != (iw, ih) else image
    if resized.ndim == 2:
        resized = cv2.cvtColor(resized, cv2.COLOR_GRAY2BGR)
    canvas = np.zeros((h, w, 3), np.uint8)
    ox, oy = (w - nw) // 2, (h - nh) // 2
    canvas[oy:oy + nh, ox:ox + nw] = resized
    return canvas, scale, (ox, oy)


def fill_into(image: np.ndarray, size: tuple[int, int], centre: tuple[float, float] | None = None
              ) -> tuple[np.ndarray, float, tuple[int, int]]:
    """Scales an image to cover (w, h) and crops it around `centre` (image pixels; default the
    middle); returns the canvas, the scale and the (x, y) offset of the image's origin (<= 0)."""
    w, h = size
    ih, iw = image.shape[:2]
    scale = max(w / iw, h / ih)
    cx, cy = centre if centre is not None else (iw / 2, ih / 2)
    ox = round(min(0.0, max(w - iw * scale, w / 2 - cx * scale)))
    oy = round(min(0.0, max(h - ih * scale, h / 2 - cy * scale)))
    # Crop in source pixels first, so the resize touches only what is shown.
    sx0, sy0 = max(0, int(-ox / scale)), max(0, int(-oy / scale))
    sx1 = min(iw, int(np.ceil((w - ox) / scale)) + 1)
    sy1 = min(ih, int(np.ceil((h - oy) / scale)) + 1)
    part = image[sy0:sy1, sx0:sx1]
    pw, ph = round((sx1 - sx0) * scale), round((sy1 - sy0) * scale)
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(part, (max(1, pw), max(1, ph)), interpolation=interp)
    if resized.ndim == 2:
        resized = cv2.cvtColor(resized, cv2.COLOR_GRAY2BGR)
    px, py = ox + round(sx0 * scale), oy + round(sy0 * scale)
    canvas = np.zeros((h, w, 3), np.uint8)
    cx0, cy0 = max(0, px), max(0, py)
    cx1, cy1 = min(w, px + resized.shape[1]), min(h, py + resized.shape[0])
    canvas[cy0:cy1, cx0:cx1] = resized[cy0 - py:cy1 - py, cx0 - px:cx1 - px]
    return canvas, scale, (ox, oy)


def meter(img: np.ndarray, x: int, y: int, w: int, h: int, value: float,
          color: tuple[int, int, int], marks: tuple[float, ...] = ()) -> None:
    """A horizontal bar 0..1 with optional threshold marks."""
    cv2.rectangle(img, (x, y), (x + w, y + h), (40, 40, 40), -1)
    fill = round(w * min(1.0, max(0.0, value)))
    if fill:
        cv2.rectangle(img, (x, y), (x + fill, y + h), color, -1)
    for m in marks:
        mx = x + round(w * m)
        cv2.line(img, (mx, y - 2), (mx, y + h + 2), (230, 230, 230), 1)
    cv2.rectangle(img, (x, y), (x + w, y + h), (200, 200, 200), 1)
