"""Finds the files the package ships, whether installed from a wheel or run from a checkout."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from tongue_mirror.errors import UserError

FACE_MODEL = "models/face_landmarker.task"


@cache
def assets_dir() -> Path:
    """The `assets/` folder: inside the installed package, else at the repository root."""
    here = Path(__file__).resolve().parents[1]  # the package root, above io/
    for candidate in (here / "assets", here.parents[1] / "assets"):
        if (candidate / FACE_MODEL).is_file():
            return candidate
    raise UserError("tongue-mirror's assets folder is missing: reinstall the package")


def asset_path(relative: str) -> Path:
    """Path of one shipped asset; a clear error when it is absent."""
    path = assets_dir() / relative
    if not path.exists():
        raise UserError(f"missing asset {relative} (looked in {assets_dir()})")
    return path


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verified_model(path: Path | None = None) -> Path:
    """The face model to load: the shipped one checked against its hash, or the user's own."""
    if path is not None:
        if not path.is_file():
            raise UserError(f"model file not found: {path}")
        return path
    model = asset_path(FACE_MODEL)
    expected = (model.parent / (model.name + ".sha256")).read_text().split()[0]
    actual = sha256_of(model)
    if actual != expected:
        raise UserError(f"{model} is corrupt (SHA-256 {actual[:12]}…, expected {expected[:12]}…)")
    return model
