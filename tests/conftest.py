"""Shared fixtures: public-domain faces from PyPI packages and small generated arrays."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
DEV_DATA = REPO.parent / "shared" / "data" / "dev"


@pytest.fixture(scope="session")
def astronaut_bgr() -> np.ndarray:
    """scikit-image's public-domain astronaut photo (Eileen Collins, NASA), BGR."""
    skimage_data = pytest.importorskip("skimage.data")
    return cv2.cvtColor(skimage_data.astronaut(), cv2.COLOR_RGB2BGR)


@pytest.fixture(scope="session")
def hopper_bgr() -> np.ndarray:
    """matplotlib's public-domain Grace Hopper photo, BGR."""
    cbook = pytest.importorskip("matplotlib.cbook")
    with cbook.get_sample_data("grace_hopper.jpg") as fh:
        data = np.frombuffer(fh.read(), np.uint8)
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


@pytest.fixture(scope="session")
def tracker():
    """One Face Landmarker for the whole session (loading it costs ~100 ms)."""
    from tongue_mirror.io.face_tracker import FaceTracker

    with FaceTracker() as t:
        yield t


@pytest.fixture
def dev_data() -> Path:
    """The unlicensed development set; tests that need it skip where it is absent."""
    if not (DEV_DATA / "manifest.csv").is_file():
        pytest.skip("../shared/data/dev is not present")
    return DEV_DATA
