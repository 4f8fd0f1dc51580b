"""The tongue-data engine (tools/tongue_data/engine.py): its colour transfer and where it lays a tongue."""

from __future__ import annotations

import cv2
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


def mouth_landmarks(open_px: float) -> np.ndarray:
    """Landmarks in patch pixels of a mouth 24 px wide whose opening is `open_px` high at the
    middle (the lips as arcs; only the lip indices are set)."""
    from tongue_mirror import landmarks as lm

    px = np.zeros((478, 2))
    left, right, top = 20.0, 44.0, 22.0

    def arc(idx, y_mid: float, y_end: float) -> None:
        xs = np.linspace(left, right, len(idx))
        bulge = 1.0 - ((xs - (left + right) / 2) / ((right - left) / 2)) ** 2
        px[list(idx)] = np.stack([xs, y_end + (y_mid - y_end) * bulge], axis=1)

    arc(lm.UPPER_LIP_OUTER, top - 4.0, top)
    arc(lm.UPPER_LIP_INNER, top, top)
    arc(lm.LOWER_LIP_INNER, top + open_px, top)
    arc(lm.LOWER_LIP_OUTER, top + open_px + 4.0, top + 1.0)
    px[lm.MOUTH_CORNER_LEFT] = (left, top)
    px[lm.MOUTH_CORNER_RIGHT] = (right, top)
    px[lm.UPPER_LIP_INNER_MID] = ((left + right) / 2, top)
    px[lm.LOWER_LIP_INNER_MID] = ((left + right) / 2, top + open_px)
    return px


def short_tongue(engine):
    """A pink tongue 10 px long below its root, from a mouth as wide as the target's."""
    bgr = np.full((64, 64, 3), (120, 110, 210), np.uint8)
    alpha = np.zeros((64, 64), np.float32)
    cv2.ellipse(alpha, (32, 27), (6, 5), 0, 0, 360, 1.0, -1)
    return engine.Tongue(bgr, alpha, (32.0, 22.0), 24.0, np.array([65.0, 12.0, 18.0]), 10.0,
                         "donor", "center")


@pytest.mark.parametrize("open_px", [14.0, 20.0])
def test_a_tongue_comes_out_of_a_wide_open_mouth(engine, open_px):
    # A shout: the opening is taller than the tongue is long. The tongue lies on the lower teeth
    # and over the lower lip; hung from the upper lip it never reached past the lower one.
    px = mouth_landmarks(open_px)
    base = np.full((64, 64, 3), (90, 120, 170), np.uint8)
    skin = np.array([65.0, 12.0, 18.0])
    mouth = engine.mouth_of(px)
    made = 0
    for seed in range(20):
        out = engine.transplant(base, px, skin, short_tongue(engine), np.random.default_rng(seed),
                                "center", 0.6)
        if out is None:
            continue
        made += 1
        changed = np.abs(out.astype(int) - base.astype(int)).max(axis=2) > 20
        yy = np.arange(64)[:, None] + 0.5
        assert (changed & (yy > mouth.lo_out[None, :] + 0.5)).sum() >= 6  # out past the lip
        assert not changed[: int(mouth.cy)].any()  # nothing above the upper lip's inner edge
    assert made >= 15
