"""Reads and writes the detector's files: weights (model.json, the CNN's .npz) and per-person profiles."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from tongue_mirror.core.detector.calibration import Calibration
from tongue_mirror.core.detector.cnn import PatchCNN
from tongue_mirror.core.detector.detector import DetectorConfig, TongueDetector
from tongue_mirror.core.detector.weights import DetectorModel
from tongue_mirror.errors import UserError
from tongue_mirror.io.assets import asset_path

SHIPPED_MODEL = "detector/model.json"


def load_model(path: Path | None = None) -> DetectorModel:
    """Reads model.json (the shipped one by default); a clear UserError if missing or mismatched."""
    path = Path(path) if path is not None else asset_path(SHIPPED_MODEL)
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read detector weights {path}: {exc}") from exc
    return DetectorModel.from_dict(data, path)


def load_detector(config: DetectorConfig | None = None, model_path: Path | None = None,
                  calibration: Calibration | None = None) -> TongueDetector:
    """The detector with the shipped weights (or those at `model_path`)."""
    return TongueDetector(load_model(model_path), config, calibration)


def save_model(model: DetectorModel, path: Path) -> None:
    """Writes model.json in the one format `load_model` reads."""
    Path(path).write_text(json.dumps(model.to_dict(), indent=1))


def profiles_dir() -> Path:
    """Where per-user calibration profiles live (~/.config/tongue-mirror/profiles)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "tongue-mirror" / "profiles"


def profile_path(name: str, directory: Path | None = None) -> Path:
    """The JSON file of one named profile."""
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "-_.").strip(".")
    if not safe:
        raise UserError(f"invalid profile name {name!r}: use letters, digits, - _ .")
    return (directory or profiles_dir()) / f"{safe}.json"


def save_calibration(calibration: Calibration, path: Path) -> None:
    """Writes the profile atomically (a crash mid-write must not leave a broken profile)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(calibration.to_dict(), indent=2))
    tmp.replace(path)


def read_calibration(path: Path) -> Calibration:
    """Reads a profile; UserError if it is unreadable or out of range."""
    try:
        return Calibration.from_dict(json.loads(Path(path).read_text()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"cannot read calibration profile {path}: {exc}") from exc


def load_profile(name: str, directory: Path | None = None) -> Calibration | None:
    """The saved calibration of a named profile, or None when this person has not calibrated yet."""
    path = profile_path(name, directory)
    return read_calibration(path) if path.is_file() else None


def load_cnn(path: Path) -> PatchCNN:
    """Reads the mouth-patch CNN's .npz weights; a clear UserError if unreadable or misshapen."""
    try:
        with np.load(Path(path)) as z:
            return PatchCNN.from_arrays({k: z[k] for k in z.files})
    except (OSError, ValueError, KeyError) as exc:
        raise UserError(f"cannot read CNN weights {path}: {exc}") from exc


def save_cnn(cnn: PatchCNN, path: Path) -> None:
    """Writes the CNN's weights as the .npz file `load_cnn` reads."""
    np.savez(Path(path), **cnn.to_arrays())  # type: ignore[arg-type]  # stub types **kwds as bool
