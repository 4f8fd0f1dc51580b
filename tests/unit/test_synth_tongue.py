"""The synthetic tongue renderer: tongue pixels where and only where asked, exact tip flag."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongue_mirror import landmarks as lmk
from tongue_mirror.synth.tongue import TongueStyle, face_direction, render_tongue

skimage_data = pytest.importorskip("skimage.data")


@pytest.fixture(scope="module")
def face():
    """The astronaut portrait and its landmarks from our own tracker."""
    import cv2

    from tongue_mirror.io.face_tracker import FaceTracker
    from tongue_mirror.values import Frame

    image = cv2.cvtColor(skimage_data.astronaut(), cv2.COLOR_RGB2BGR)
    with FaceTracker() as tracker:
        obs = tracker.track(Frame(image, 0.0, 0))
    assert obs is not None
    return image, obs.landmarks


def test_zero_extension_draws_nothing(face):
    image, lms = face
    out = render_tongue(image, lms, 0.0, (0.0, 1.0), rng=3)
    assert np.array_equal(out.image, image)
    assert out.mask.max() == 0
    assert out.tip_past_lip is False


@pytest.mark.parametrize("extension", [0.5, 0.8, 1.0])
def test_tongue_pixels_below_the_lower_lip(face, extension):
    image, lms = face
    out = render_tongue(image, lms, extension, (0.0, 1.0), rng=1)
    lip_bottom = lms[lmk.LOWER_LIP_BOTTOM, 1]
    ys, _ = np.nonzero(out.mask > 128)
    assert out.tip_past_lip
    assert (ys > lip_bottom).sum() > 20
    assert not np.array_equal(out.image, image)


def test_tip_flag_turns_on_once_as_the_tongue_comes_out(face):
    image, lms = face
    style = TongueStyle()
    flags = [render_tongue(image, lms, e, (0.0, 1.0), rng=2, style=style).tip_past_lip
             for e in np.linspace(0.02, 1.0, 12)]
    assert flags[0] is False and flags[-1] is True
    first = flags.index(True)
    assert all(flags[first:])


def test_direction_moves_the_tongue(face):
    image, lms = face
    centroids = {}
    for name, d in {"left": (-1.0, 0.25), "right": (1.0, 0.25), "up": (0.0, -1.0),
                    "down": (0.0, 1.0)}.items():
        out = render_tongue(image, lms, 1.0, d, rng=5, style=TongueStyle())
        ys, xs = np.nonzero(out.mask > 128)
        centroids[name] = (xs.mean(), ys.mean())
    assert centroids["left"][0] < centroids["right"][0] - 5
    assert centroids["up"][1] < centroids["down"][1] - 5


def test_same_seed_same_tongue(face):
    image, lms = face
    a = render_tongue(image, lms, 0.9, (0.3, 1.0), rng=7)
    b = render_tongue(image, lms, 0.9, (0.3, 1.0), rng=7)
    assert np.array_equal(a.image, b.image)


def test_bad_arguments_are_rejected(face):
    image, lms = face
    with pytest.raises(ValueError):
        render_tongue(image, lms, 1.5)
    with pytest.raises(ValueError):
        render_tongue(image, lms, 0.5, (0.0, 0.0))
    with pytest.raises(ValueError):
        TongueStyle(width=3.0)


def test_face_direction_follows_a_tilted_head(face):
    _, lms = face
    angle = np.deg2rad(30.0)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    tilted = lms.copy()
    tilted[:, :2] = lms[:, :2] @ rot.T
    upright = np.array(face_direction(lms, "center"))
    assert upright @ np.array([0.0, 1.0]) > 0.98
    turned = np.array(face_direction(tilted, "center"))
    assert turned @ (rot @ upright) > 0.98
    left, right = face_direction(lms, "left"), face_direction(lms, "right")
    assert left[0] < -0.8 and right[0] > 0.8


def test_tongue_on_a_greyscale_photo_stays_grey(face):
    import cv2

    image, lms = face
    grey = cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    out = render_tongue(grey, lms, 1.0, (0.0, 1.0), rng=1)
    px = out.image[out.mask > 200].astype(int)
    assert len(px) > 50
    assert np.abs(px - px.mean(axis=1, keepdims=True)).max() <= 6


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scale=st.floats(0.1, 4.0), dx=st.floats(-400, 400), dy=st.floats(-400, 400),
       angle=st.floats(-1.0, 1.0), extension=st.floats(0.0, 1.0),
       direction=st.tuples(st.floats(-1, 1), st.floats(-1, 1)).filter(
           lambda v: abs(v[0]) + abs(v[1]) > 0.05))
def test_any_face_size_place_or_roll_renders(face, scale, dx, dy, angle, extension, direction):
    """Faces cut by the border, tiny or huge, tilted: never an exception, right shapes."""
    image, lms = face
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = lms.copy()
    centre = lms[lmk.LOWER_LIP_INNER_MID, :2]
    moved[:, :2] = ((lms[:, :2] - centre) * scale) @ rot.T + centre + (dx, dy)
    moved[:, 2] *= scale
    out = render_tongue(image, moved, extension, direction, rng=0)
    assert out.image.shape == image.shape and out.mask.shape == image.shape[:2]
    assert isinstance(out.tip_past_lip, bool)
