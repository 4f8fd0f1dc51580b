"""The held-out readings file that `tools.train_detector --heldout-readings` saves, read back, and
the command line the tools that read it share."""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

import numpy as np

from tongue_mirror.errors import UserError


def readings_parser(description: str, data_help: str) -> argparse.ArgumentParser:
    """READINGS.npz, --data DIR and --shift X [X ...] (log-odds added to the bar)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("readings", type=Path)
    ap.add_argument("--data", type=Path, required=True, help=data_help)
    ap.add_argument("--shift", type=float, nargs="+", default=[0.0])
    return ap


def open_readings(readings: Path, data: Path) -> dict[str, np.ndarray]:
    """The readings' arrays, once the dataset and the file are there (one-line errors if not)."""
    if not (data / "manifest.csv").is_file():
        raise UserError(f"--data {data}: no manifest.csv there")
    if not readings.is_file():
        raise UserError(f"no readings file at {readings}")
    return load_readings(readings)


def load_readings(path: Path) -> dict[str, np.ndarray]:
    """Every array of a readings file, or a one-line error for a file that is not one."""
    try:
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError, TypeError, zipfile.BadZipFile) as exc:
        raise UserError(f"{path}: not a readings file from tools.train_detector "
                        f"--heldout-readings ({exc})") from None
