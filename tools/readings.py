"""The held-out readings file that `tools.train_detector --heldout-readings` saves, read back."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from tongue_mirror.errors import UserError


def load_readings(path: Path) -> dict[str, np.ndarray]:
    """Every array of a readings file, or a one-line error for a file that is not one."""
    try:
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError, TypeError, zipfile.BadZipFile) as exc:
        raise UserError(f"{path}: not a readings file from tools.train_detector "
                        f"--heldout-readings ({exc})") from None
