"""The tongue-data engine's colour transfer (tools/tongue_data/engine.py)."""

from __future__ import annotations

import numpy as np
import pytest
from tool_module import load_tool


@pytest.fixture(scope="module")
def engine():
    return load_tool("tongue_data/engine")


def tongue_patch(engine, lab: tuple[float, float, float]) -> np.ndarray:
    """A 4×4 BGR patch of one Lab colour."""
    return engine.from_lab(np.tile(np.array(lab, np.float32), (4, 4, 1)))


def test_the_same_light_leaves_the_tongue_as_it_was(engine):
    bgr = tongue_patch(engine, (55.0, 25.0, 8.0))
    skin = np.array([65.0, 12.0, 18.0])
    for seed in range(5):
        out = engine.recolour(bgr, skin, skin, np.random.default_rng(seed), unusual=False)
        assert np.abs(out.astype(int) - bgr.astype(int)).max() <= 1


def test_a_darker_skin_darkens_the_tongue_less_than_the_skin(engine):
    # The target's skin is 0.6 times as light and browner. Carried in full, the tongue would go
    # to L 33, as dark against that skin as it was against its own: a brown tongue.
    bgr = tongue_patch(engine, (55.0, 25.0, 8.0))
    src, dst = np.array([70.0, 10.0, 15.0]), np.array([42.0, 14.0, 22.0])
    full_l = 55.0 * 0.6
    seen = []
    for seed in range(40):
        out = engine.to_lab(engine.recolour(bgr, src, dst, np.random.default_rng(seed),
                                            unusual=False))[0, 0]
        seen.append(out[0])
        assert full_l + 2.0 < out[0] < 55.0 - 2.0  # part of the difference, never all of it
        assert 25.0 < out[1] < 25.0 + 4.0 + 0.5  # a* moves by part of the skins' +4 at most
    assert max(seen) - min(seen) > 4.0  # the part carried is drawn, not fixed
