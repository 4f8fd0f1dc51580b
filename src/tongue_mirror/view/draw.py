"""Small OpenCV drawing helpers shared by the panels: readable text and fitting images into boxes."""

from __future__ import annotations

import cv2
import numpy as np

FONT = cv2.FONT_HERSHEY_DUPLEX


def put_text(img: np.ndarray, text: str, org: tuple[int, int], scale: float = 0.6,
             color: tuple[int, int, int] = (255, 255, 255), thickness: int = 1,
             shadow: bool = True) -> None:
    """Anti-aliased text with a dark outline so it reads on any background and on a projector."""
    if shadow:
        cv2.putText(img, text, org, FONT, scale, (0, 0, 0), thickness + 2, cv2.LINE_AA)
    cv2.putText(img, text, org, FONT, scale, color, thickness, cv2.LINE_AA)


def text_width(text: str, scale: float = 0.6, thickness: int = 1) -> int:
    """Pixel width of a text line."""
    (w, _), _ = cv2.getTextSize(text, FONT, scale, thickness)
    return w


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
