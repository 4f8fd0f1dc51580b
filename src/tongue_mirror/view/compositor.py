"""Lays the panels out on one canvas and draws the HUD: the picture that is shown and recorded."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from tongue_mirror.view.draw import put_text, text_width

LAYOUTS = ("composed", "avatar")

HELP_KEYS = ("q quit", "space pause", "f fullscreen", "m mirror", "o overlay", "r record",
             "b last 20s", "s snapshot", "n next person", "c calibrate", "i infant/adult",
             "[ ] inhibition", "t story", "h help")


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


@dataclass(frozen=True)
class Hud:
    """Everything drawn over the panels that is about the app, not the experiment."""

    fps: float = 0.0
    latency_ms: float | None = None
    recording_s: float | None = None  # seconds recorded so far, None when not recording
    message: str | None = None  # transient, e.g. "saved …"
    prompt: str | None = None  # big, for the audience, e.g. "stick your tongue out at the baby"
    status: str | None = None  # small, e.g. "infant · inhibition 0.20"
    show_help: bool = True
    paused: bool = False


class Compositor:
    """Pastes rendered panels into their rectangles and draws the HUD."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self._canvas = np.zeros((layout.size[1], layout.size[0], 3), np.uint8)

    def compose(self, avatar: np.ndarray, camera: np.ndarray | None = None,
                neural: np.ndarray | None = None, hud: Hud = Hud()) -> np.ndarray:
        """A new canvas image (BGR uint8) with every panel and the HUD."""
        canvas = self._canvas.copy()
        for rect, img in ((self.layout.camera, camera), (self.layout.avatar, avatar),
                          (self.layout.neural, neural)):
            if rect is None or img is None:
                continue
            x, y, w, h = rect
            if img.shape[:2] != (h, w):
                img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
            canvas[y:y + h, x:x + w] = img[..., :3]
        self._draw_hud(canvas, hud)
        return canvas

    def _draw_hud(self, canvas: np.ndarray, hud: Hud) -> None:
        """Corner figures, recording dot, prompt, message and the key strip."""
        w, h = self.layout.size
        big = max(0.6, h / 720.0)
        corner = f"{hud.fps:4.1f} fps"
        if hud.latency_ms is not None:
            corner += f"  {hud.latency_ms:3.0f} ms"
        strip_h = int(26 * big) if hud.show_help else 0
        if hud.fps > 0:
            put_text(canvas, corner, (w - text_width(corner, 0.5 * big) - 12, h - strip_h - 10),
                     0.5 * big, (200, 255, 200))
        if hud.status:
            ax, _, aw, _ = self.layout.avatar
            put_text(canvas, hud.status, (ax + 12, int(28 * big)), 0.55 * big, (230, 230, 230))
        if hud.recording_s is not None:
            x = w - int(150 * big)
            y = int(30 * big)
            cv2.circle(canvas, (x, y - int(7 * big)), int(10 * big), (0, 0, 255), -1, cv2.LINE_AA)
            mins, secs = divmod(int(hud.recording_s), 60)
            put_text(canvas, f"REC {mins:02d}:{secs:02d}", (x + int(18 * big), y), 0.7 * big,
                     (80, 80, 255), 2)
        if hud.paused:
            put_text(canvas, "PAUSED", (w // 2 - int(60 * big), h // 2), 1.2 * big,
                     (255, 255, 255), 2)
        if hud.prompt:
            ax, ay, aw, ah = self.layout.avatar
            scale = 0.9 * big
            tw = text_width(hud.prompt, scale, 2)
            if tw > aw - 20:
                scale *= (aw - 20) / tw
                tw = text_width(hud.prompt, scale, 2)
            put_text(canvas, hud.prompt, (ax + (aw - tw) // 2, ay + ah - int(70 * big)), scale,
                     (255, 240, 180), 2)
        if hud.message:
            scale = 0.6 * big
            tw = text_width(hud.message, scale)
            put_text(canvas, hud.message, (max(8, (w - tw) // 2), h - int(44 * big)), scale,
                     (120, 255, 255))
        if hud.show_help:
            strip = "   ".join(HELP_KEYS)
            scale = 0.42 * big
            while text_width(strip, scale) > w - 240 and scale > 0.3:
                scale -= 0.02
            cv2.rectangle(canvas, (0, h - int(26 * big)), (w, h), (30, 30, 30), -1)
            put_text(canvas, strip, (10, h - int(9 * big)), scale, (230, 230, 230), shadow=False)
