"""Mouth features on a face drawn in code: a pink tongue below the lip must separate from none."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from mouth_fixtures import TONGUE, face_of, make_face, render

from tongue_mirror import landmarks as lm
from tongue_mirror.core.detector.features import FEATURE_NAMES, extract
from tongue_mirror.core.detector.mouth_patch import PatchConfig, patch_affine, warp_patch


def feat(vec: np.ndarray, name: str) -> float:
    return float(vec[FEATURE_NAMES.index(name)])


LIGHTS = [(1.0, (1.0, 1.0, 1.0)), (0.45, (1.0, 1.0, 1.0)), (1.15, (1.0, 1.0, 1.0)),
          (0.8, (1.15, 1.0, 0.85)), (0.7, (0.85, 1.0, 1.15))]


@pytest.mark.parametrize(("gain", "cast"), LIGHTS)
def test_tongue_features_separate_under_any_global_lighting(gain, cast):
    pts = make_face()
    face = face_of(pts)
    with_t = extract(render(pts, True, gain, cast), face).vector
    without = extract(render(pts, False, gain, cast), face).vector
    assert with_t.shape == (len(FEATURE_NAMES),)
    assert np.isfinite(with_t).all() and np.isfinite(without).all()
    for name in ("below_red", "below_pink"):
        assert feat(with_t, name) > feat(without, name) + 0.05, name
    assert feat(with_t, "tongue_mass") > 3 * feat(without, "tongue_mass") + 0.01
    assert feat(with_t, "below_da") > feat(without, "below_da") + 5.0


def test_separation_holds_across_lightings_not_just_within_one():
    """Every tongue frame beats every no-tongue frame, whatever the lighting of either."""
    pts = make_face()
    face = face_of(pts)
    on = [feat(extract(render(pts, True, g, c), face).vector, "below_red") for g, c in LIGHTS]
    off = [feat(extract(render(pts, False, g, c), face).vector, "below_red") for g, c in LIGHTS]
    assert min(on) > max(off)


@pytest.mark.parametrize(("roll", "scale", "shift"),
                         [(0.0, 1.0, (0, 0)), (20.0, 1.0, (0, 0)), (-15.0, 0.6, (-60, 20)),
                          (0.0, 1.3, (30, -10))])
def test_features_invariant_to_roll_scale_and_position(roll, scale, shift):
    base = make_face()
    ref = extract(render(base, True), face_of(base)).vector
    pts = make_face(roll, scale, shift)
    got = extract(render(pts, True), face_of(pts)).vector
    for name in ("below_red", "lowlip_red", "open_h", "mouth_w", "lip_chin"):
        assert feat(got, name) == pytest.approx(feat(ref, name), abs=0.08), name


@pytest.mark.parametrize(("roll", "scale"), [(0.0, 1.0), (25.0, 0.7)])
def test_the_public_patch_affine_warps_the_patch_extract_reads(roll, scale):
    """Training tools paste into the patch through patch_affine: it must be extract's own."""
    pts = make_face(roll, scale, (10, -5))
    img = render(pts, True)
    got = warp_patch(img, patch_affine(pts), PatchConfig())
    assert np.array_equal(got, extract(img, face_of(pts)).patch)


def test_direction_points_down_for_a_tongue_below_and_follows_a_side_tongue():
    pts = make_face()
    down = extract(render(pts, True), face_of(pts))
    assert down.direction is not None
    assert down.direction[1] > 0.8
    img = render(pts, False)
    corner = pts[lm.MOUTH_CORNER_RIGHT, :2]
    cv2.ellipse(img, (int(corner[0] + 15), int(corner[1] + 8)), (30, 14), 0, 0, 360, TONGUE, -1)
    side = extract(img, face_of(pts))
    assert side.direction is not None and side.direction[0] > 0.5
    assert 0.0 <= side.extension <= 1.0


def test_extension_sees_a_tongue_less_red_than_warm_lit_skin():
    """Dim warm light: orange skin redder than a pale lilac tongue, which only its hue gives away."""
    warm = ((70, 120, 200), (95, 85, 150), (160, 130, 175))  # BGR skin, lips, tongue
    lab = cv2.cvtColor(np.array([[warm[0], warm[2]]], np.uint8), cv2.COLOR_BGR2LAB).astype(float)
    (_sl, skin_a, skin_b), (_tl, tongue_a, tongue_b) = lab[0] - [0, 128, 128]
    assert tongue_a < skin_a  # redness alone would miss it
    assert np.degrees(np.arctan2(tongue_b, tongue_a)) < np.degrees(np.arctan2(skin_b, skin_a)) - 30
    pts = make_face()
    out = extract(render(pts, True, 0.6, colours=warm), face_of(pts))
    rest = extract(render(pts, False, 0.6, colours=warm), face_of(pts))
    assert feat(out.vector, "tongue_ext") == 0.0  # the redness reach sees nothing
    assert out.extension > 0.5
    assert rest.extension < 0.3 and out.extension > rest.extension + 0.3


def test_blendshapes_and_grayscale_input():
    pts = make_face()
    face = face_of(pts, {lm.BS_JAW_OPEN: 0.7})
    gray = cv2.cvtColor(render(pts, False), cv2.COLOR_BGR2GRAY)
    v = extract(gray, face).vector
    assert feat(v, "bs_jawOpen") == pytest.approx(0.7)
    assert np.isfinite(v).all()


def test_patch_config_validates():
    with pytest.raises(ValueError):
        PatchConfig(width=8)
    with pytest.raises(ValueError):
        PatchConfig(x_range=(0.1, 0.5))
    assert PatchConfig().px_per_unit[0] > 0


def test_face_running_off_the_bottom_of_the_frame_stays_finite_and_separates():
    """The padding beyond the frame's edge is never measured; the tongue still shows."""
    pts = make_face(shift=(0.0, 160.0))  # chin and part of the tongue below the image
    face = face_of(pts)
    on = extract(render(pts, True), face).vector
    off = extract(render(pts, False), face).vector
    assert np.isfinite(on).all() and np.isfinite(off).all()
    assert feat(on, "lowlip_red") + feat(on, "below_red") > feat(off, "lowlip_red") + feat(
        off, "below_red") + 0.05


def test_pink_skin_round_the_mouth_is_skin_next_to_the_mouth_not_a_tongue():
    """A child's or a flushed face's pink round the mouth, under pale cheeks, reads red against
    the cheeks but not against the skin above the upper lip; a tongue reads red against both."""
    pts = make_face()
    flush = (135, 140, 225)  # BGR: pinker than the pale cheeks, paler than the lips

    def features(tongue: bool) -> np.ndarray:
        img = render(pts, tongue=False, colours=((170, 185, 215), (95, 90, 175), TONGUE))
        mouth = pts[lm.MOUTH_CORNER_LEFT, :2] / 2 + pts[lm.MOUTH_CORNER_RIGHT, :2] / 2
        cv2.ellipse(img, (int(mouth[0]), int(mouth[1]) + 20), (110, 90), 0, 0, 360, flush, -1)
        lips = render(pts, tongue=tongue, colours=(flush, (95, 90, 175), TONGUE))
        inner = np.zeros(img.shape[:2], np.uint8)
        cv2.fillPoly(inner, [pts[list(lm.LIPS_OUTER), :2].astype(np.int32)], 1)
        if tongue:
            inner[int(mouth[1]):int(mouth[1]) + 100, int(mouth[0]) - 60:int(mouth[0]) + 60] = 1
        img[inner > 0] = lips[inner > 0]
        return extract(img, face_of(pts)).vector

    plain, out = features(False), features(True)
    assert feat(plain, "side_l_red") > 0.5 and feat(plain, "below_red") > 0.5
    assert feat(plain, "side_l_redperi") < 0.05 and feat(plain, "below_redperi") < 0.05
    assert feat(plain, "below_pinkhue") > 0.5  # its hue turns magenta from the cheeks' too
    assert feat(plain, "below_hueperi") < 0.05 and feat(plain, "side_l_hueperi") < 0.05
    assert feat(plain, "peri_da") > 3.0  # the reference is the pink skin, not the cheeks
    assert feat(out, "below_redperi") > 0.3
