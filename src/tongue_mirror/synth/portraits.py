"""The two public-domain portraits the synthetic clips are made from, shipped in assets/portraits.

- "astronaut": scikit-image's astronaut.png (Eileen Collins, NASA, public domain).
- "hopper": matplotlib's grace_hopper.jpg (Grace Hopper, US Navy, public domain).
Sources and status: assets/portraits/NOTICE. Shipped rather than imported, so `make-sample`
works on a plain install, without scikit-image or matplotlib.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import cv2
import numpy as np

from tongue_mirror.errors import UserError

BUILTIN: Final = {"astronaut": "portraits/astronaut.png", "hopper": "portraits/grace_hopper.jpg"}


def _read(path: Path) -> np.ndarray:
    if not path.is_file():
        raise UserError(f"portrait not found: {path}")
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise UserError(f"cannot read {path} as an image")
    return image


def load_portrait(name_or_path: str | Path) -> np.ndarray:
    """A BGR portrait: a built-in name ("astronaut", "hopper") or an image file."""
    relative = BUILTIN.get(str(name_or_path))
    if relative is not None:
        from tongue_mirror.io.assets import asset_path  # synth sits beside io, not under it

        return _read(asset_path(relative))
    return _read(Path(name_or_path))
