"""Camera and lighting variations for synthetic clips, so sweeps see more than one clean portrait.

Applied to synthetic frames only; they imitate bad webcams, they do not make a clip real.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Variation:
    """Photometric and framing changes; the defaults change nothing."""

    brightness: float = 1.0  # gain on linear-ish intensity, 0.3..2
    temperature: float = 0.0  # -1 (cold, blue) .. 1 (warm, orange)
    noise: float = 0.0  # sensor noise sigma in 8-bit levels, 0..40
    blur: float = 0.0  # Gaussian blur sigma in pixels, 0..6
    jpeg: int = 0  # JPEG quality of a re-compression pass, 0 = off, else 5..100
    scale: float = 1.0  # face size relative to the default framing, 0.4..2 (the photo always
    # fills the frame, so a small portrait cannot shrink below that)
    offset: tuple[float, float] = (0.0, 0.0)  # face shift in fractions of the frame, -0.3..0.3

    def __post_init__(self) -> None:
        ranges = {"brightness": (0.3, 2.0), "temperature": (-1.0, 1.0), "noise": (0.0, 40.0),
                  "blur": (0.0, 6.0), "scale": (0.4, 2.0)}
        for name, (lo, hi) in ranges.items():
            v = getattr(self, name)
            if not (math.isfinite(v) and lo <= v <= hi):
                raise ValueError(f"{name} must be in {lo:g}..{hi:g}, got {v}")
        if self.jpeg != 0 and not 5 <= self.jpeg <= 100:
            raise ValueError(f"jpeg quality must be 0 (off) or 5..100, got {self.jpeg}")
        if len(self.offset) != 2 or any(not (math.isfinite(v) and abs(v) <= 0.3)
                                        for v in self.offset):
            raise ValueError(f"offset must be two fractions within ±0.3, got {self.offset}")

    @classmethod
    def sample(cls, rng: np.random.Generator) -> Variation:
        """A random webcam-like condition: dim or bright, warm or cold, noisy, soft, compressed."""
        return cls(
            brightness=float(np.exp(rng.uniform(np.log(0.5), np.log(1.4)))),
            temperature=float(rng.uniform(-0.6, 0.6)),
            noise=float(rng.choice([0.0, rng.uniform(2.0, 10.0)])),
            blur=float(rng.choice([0.0, rng.uniform(0.5, 1.8)])),
            jpeg=int(rng.choice([0, int(rng.integers(25, 80))])),
            scale=float(rng.uniform(0.7, 1.25)),
            offset=(float(rng.uniform(-0.12, 0.12)), float(rng.uniform(-0.08, 0.08))),
        )


def apply_photometric(image: np.ndarray, v: Variation, rng: np.random.Generator) -> np.ndarray:
    """Brightness, colour temperature, blur, noise and JPEG, in the order a camera does them."""
    if v.brightness == 1.0 and v.temperature == 0.0 and not (v.noise or v.blur or v.jpeg):
        return image
    out: np.ndarray = image.astype(np.float32)
    if v.brightness != 1.0 or v.temperature != 0.0:
        t = v.temperature
        gains = np.array([1.0 - 0.25 * t, 1.0, 1.0 + 0.25 * t], np.float32) * v.brightness  # B, G, R
        out = out * gains
    if v.blur > 0.0:
        out = cv2.GaussianBlur(out, (0, 0), v.blur)
    if v.noise > 0.0:
        out = out + rng.normal(0.0, v.noise, out.shape).astype(np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    if v.jpeg:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(v.jpeg)])
        decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else None
        if decoded is not None:
            out = decoded
    return out
