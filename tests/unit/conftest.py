"""Fixtures for the I/O tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from io_helpers import write_clip


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """One second, 30 frames, 64×48."""
    return write_clip(tmp_path / "clip.mp4")
