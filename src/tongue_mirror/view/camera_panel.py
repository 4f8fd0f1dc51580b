"""Draws what the tracker and detector see: the camera image, lips, the mouth patch, a meter, the state."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tongue_mirror import landmarks as lm
from tongue_mirror.values import FaceObservation, TongueReading, TongueState
from tongue_mirror.view.draw import fit_into, meter, put_text

TONGUE_COLOR = (140, 90, 255)  # BGR pink
LIP_COLOR = (80, 220, 255)


@dataclass(frozen=True)
class CameraView:
    """What one camera-panel frame shows."""

    image: np.ndarray
    face: FaceObservation | None
    reading: TongueReading
    tongue: TongueState
    mouth_patch: np.ndarray | None = None
    on_threshold: float = 0.6
    off_threshold: float = 0.4
    mirror: bool = True
    overlay: bool = True
    note: str | None = None


class CameraPanel:
    """Renders a `CameraView` into a panel of fixed size; never touches a window."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size

    def render(self, view: CameraView) -> np.ndarray:
        """The panel image (BGR uint8, size as given)."""
        image = view.image
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        if view.mirror:
            image = image[:, ::-1]
        canvas, scale, (ox, oy) = fit_into(image, self.size)
        _w, h = self.size
        if view.overlay and view.face is not None:
            self._draw_face(canvas, view, scale, ox, oy, image.shape[1])
        if view.overlay:
            self._draw_readout(canvas, view)
        if view.face is None:
            msg = "no face: look at the camera"
            put_text(canvas, msg, (16, h - 52), 0.7, (120, 200, 255), 1)
        if view.note:
            put_text(canvas, view.note, (16, 30), 0.6, (120, 230, 255), 1)
        return canvas

    def _draw_face(self, canvas: np.ndarray, view: CameraView, scale: float, ox: int, oy: int,
                   src_w: int) -> None:
        """Face box and lip contours, transformed like the image was."""
        pts = view.face.landmarks[:, :2].astype(np.float64)
        if view.mirror:
            pts = pts.copy()
            pts[:, 0] = src_w - 1 - pts[:, 0]
        pts = pts * scale + (ox, oy)
        shift = 4  # sub-pixel precision for anti-aliased polylines
        for loop in (lm.LIPS_OUTER, lm.LIPS_INNER):
            poly = np.round(pts[list(loop)] * (1 << shift)).astype(np.int32)
            cv2.polylines(canvas, [poly], True, LIP_COLOR, 1, cv2.LINE_AA, shift)
        out = view.tongue.is_out
        x0, y0 = pts[:, 0].min(), pts[:, 1].min()
        x1, y1 = pts[:, 0].max(), pts[:, 1].max()
        color = TONGUE_COLOR if out else (200, 200, 200)
        cv2.rectangle(canvas, (int(x0), int(y0)), (int(x1), int(y1)), color, 2 if out else 1,
                      cv2.LINE_AA)

    def _draw_readout(self, canvas: np.ndarray, view: CameraView) -> None:
        """Mouth patch inset, probability meter with thresholds, and the big state word."""
        w, h = self.size
        pad = 12
        if view.mouth_patch is not None and view.mouth_patch.size:
            patch = view.mouth_patch
            if view.mirror:
                patch = patch[:, ::-1]
            ph = h // 4
            pw = max(1, round(patch.shape[1] * ph / patch.shape[0]))
            inset = cv2.resize(patch, (pw, ph), interpolation=cv2.INTER_NEAREST)
            if inset.ndim == 2:
                inset = cv2.cvtColor(inset, cv2.COLOR_GRAY2BGR)
            x = w - pw - pad
            canvas[pad:pad + ph, x:x + pw] = inset
            cv2.rectangle(canvas, (x - 1, pad - 1), (x + pw, pad + ph), (220, 220, 220), 1)
            put_text(canvas, "mouth", (x, pad + ph + 18), 0.45, (220, 220, 220))
        bar_w = min(260, w // 2)
        y = h - 30
        put_text(canvas, "tongue", (pad, y - 8), 0.55)
        meter(canvas, pad, y, bar_w, 14, view.reading.probability,
              TONGUE_COLOR if view.tongue.is_out else (180, 180, 180),
              (view.off_threshold, view.on_threshold))
        if view.tongue.is_out:
            label = "TONGUE OUT!"
            if view.reading.direction_label and view.reading.direction_label != "center":
                side = view.reading.direction_label
                if view.mirror and side in ("left", "right"):
                    side = "right" if side == "left" else "left"
                label = f"TONGUE OUT ({side})"
            put_text(canvas, label, (pad + bar_w + 16, y + 14), 0.8, TONGUE_COLOR, 2)
