"""Public-domain portraits shipped inside PyPI packages, the only faces the synthetic clips use.

- "astronaut": scikit-image's astronaut.png (Eileen Collins, NASA, public domain).
- "hopper": matplotlib's grace_hopper.jpg (Grace Hopper, US Navy, public domain).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import cv2
import numpy as np

from tongue_mirror.errors import UserError

BUILTIN: Final = ("astronaut", "hopper")


def _astronaut() -> np.ndarray:
    try:
        from skimage import data
    except ImportError:
        raise UserError("the astronaut portrait comes with scikit-image: pip install "
                        "scikit-image, or pass --portrait IMAGE") from None
    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


def _hopper() -> np.ndarray:
    try:
        from matplotlib import cbook
    except ImportError:
        raise UserError("the hopper portrait comes with matplotlib: pip install matplotlib, "
                        "or pass --portrait IMAGE") from None
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    return _read(Path(path))


def _read(path: Path) -> np.ndarray:
    if not path.is_file():
        raise UserError(f"portrait not found: {path}")
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise UserError(f"cannot read {path} as an image")
    return image


def load_portrait(name_or_path: str | Path) -> np.ndarray:
    """A BGR portrait: a built-in name ("astronaut", "hopper") or an image file."""
    if str(name_or_path) == "astronaut":
        return _astronaut()
    if str(name_or_path) == "hopper":
        return _hopper()
    return _read(Path(name_or_path))
