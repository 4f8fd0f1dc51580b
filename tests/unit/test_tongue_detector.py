"""Shipped detector: weights load, no tongue on the astronaut, drawn tongue raises p; calibrate."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from mouth_fixtures import face_of, make_face, render

from tongue_mirror.core.calibration_session import CalibrationConfig, CalibrationSession
from tongue_mirror.core.detector.calibration import Calibration
from tongue_mirror.core.detector.detector import DetectorConfig, TongueDetector, direction_label
from tongue_mirror.core.detector.features import FEATURE_NAMES
from tongue_mirror.core.detector.weights import DetectorModel, TreeEnsemble
from tongue_mirror.errors import UserError
from tongue_mirror.io.assets import asset_path
from tongue_mirror.io.detector_files import (
    load_detector,
    load_model,
    load_profile,
    profile_path,
    read_calibration,
    save_calibration,
    save_model,
)
from tongue_mirror.values import Frame


@pytest.fixture(scope="module")
def detector() -> TongueDetector:
    return load_detector()


@pytest.fixture(scope="module")
def astronaut():
    """skimage's astronaut (public domain) and MediaPipe's face on it."""
    skdata = pytest.importorskip("skimage.data")
    from tongue_mirror.io.face_tracker import FaceTracker

    img = cv2.cvtColor(skdata.astronaut(), cv2.COLOR_RGB2BGR)
    with FaceTracker() as tracker:
        face = tracker.track(Frame(img, 0.0, 0))
    assert face is not None
    return img, face


def test_shipped_weights_load_and_match_the_features(detector):
    m = detector.model
    assert m.feature_names == FEATURE_NAMES
    assert m.mean.shape == (len(FEATURE_NAMES),) and np.all(m.scale > 0)
    assert m.kind == "trees"  # what tools/train_detector.py ships; the others are its comparisons
    assert m.direction is not None


def test_weights_format_round_trips_through_one_owner(tmp_path):
    """`to_dict` writes exactly what `from_dict` reads: the shipped file survives a round trip."""
    data = json.loads(asset_path("detector/model.json").read_text())
    model = DetectorModel.from_dict(data)
    again = model.to_dict()
    for key in ("feature_names", "mean", "scale", "model", "offset", "gain", "direction"):
        assert again[key] == data[key], key
    save_model(model, tmp_path / "model.json")
    reloaded = load_model(tmp_path / "model.json")
    x = np.random.default_rng(0).normal(size=(50, len(FEATURE_NAMES)))
    assert np.array_equal(reloaded.logit(x), model.logit(x))


def test_no_tongue_on_the_astronaut(detector, astronaut):
    img, face = astronaut
    r = detector.read(img, face)
    assert 0.0 <= r.probability < 0.2
    assert r.direction is None or r.probability >= detector.config.min_probability_for_direction
    assert r.logit is not None and np.isfinite(r.logit)


@pytest.mark.parametrize("direction", [(0.0, 1.0), (-0.7, 0.7)])
def test_drawn_tongue_reads_out_on_the_astronaut(detector, astronaut, direction):
    """The synthetic performer's tongue (which opens her mouth), landmarked afresh as a camera
    frame would be, reads out once well past the lip; her closed mouth reads in."""
    from tongue_mirror.io.face_tracker import FaceTracker
    from tongue_mirror.synth.tongue import render_tongue

    img, face = astronaut
    base = detector.read(img, face).probability
    probs = []
    for extension in (0.6, 1.0):
        drawn = render_tongue(img, face.landmarks, extension, direction, rng=0).image
        with FaceTracker() as tracker:
            seen = tracker.track(Frame(drawn, 0.0, 0))
        assert seen is not None
        probs.append(detector.read(drawn, seen).probability)
    assert base < 0.1
    assert min(probs) > 0.5


def test_synthetic_face_tongue_beats_no_tongue(detector):
    pts = make_face()
    face = face_of(pts)
    p_on = detector.read(render(pts, True), face).probability
    p_off = detector.read(render(pts, False), face).probability
    assert p_on > p_off


def test_read_with_patch_gives_the_canonical_mouth_patch(detector, astronaut):
    img, face = astronaut
    reading, patch = detector.read_with_patch(img, face)
    assert reading.probability == detector.read(img, face).probability
    assert patch is not None and patch.shape == (64, 64, 3) and patch.dtype == np.uint8
    assert detector.read_with_patch(img, None) == (detector.read(img, None), None)


def test_no_face_and_empty_frames_read_zero(detector):
    assert detector.read(np.zeros((48, 64, 3), np.uint8), None).probability == 0.0
    pts = make_face()
    assert detector.read(np.zeros((0, 0, 3), np.uint8), face_of(pts)).probability == 0.0


def test_mismatched_or_missing_weights_are_user_errors(tmp_path):
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps({"feature_names": ["x"], "mean": [0], "scale": [1],
                               "model": {"type": "logistic", "coef": [1], "intercept": 0}}))
    with pytest.raises(UserError):
        load_model(bad)
    with pytest.raises(UserError):
        load_model(tmp_path / "absent.json")


def _two_stumps() -> TreeEnsemble:
    """Depth 2: tree 0 splits z0 at 0 then z1 at 1 (right branch) / a padded leaf (left);
    tree 1 splits z1 at -1 only (its second level is padding)."""
    big = 1e300
    feature = np.array([[0, 0, 1], [1, 0, 0]])
    threshold = np.array([[0.0, big, 1.0], [-1.0, big, big]])
    leaf = np.array([[-2.0, -2.0, 0.5, 3.0], [-1.0, -1.0, 1.0, 1.0]])
    return TreeEnsemble(feature, threshold, leaf, 0.25)


@pytest.mark.parametrize(("z", "expected"), [
    ((-1.0, 0.0), 0.25 - 2.0 + 1.0),  # left leaf; z1 > -1
    ((1.0, 0.5), 0.25 + 0.5 + 1.0),  # right then left (z1 <= 1)
    ((1.0, 2.0), 0.25 + 3.0 + 1.0),
    ((1.0, -3.0), 0.25 + 0.5 - 1.0),
    ((0.0, 1.0), 0.25 - 2.0 + 1.0),  # thresholds go left when equal, as in scikit-learn
])
def test_tree_ensemble_walks_hand_made_trees(z, expected):
    trees = _two_stumps()
    assert trees.depth == 2
    assert trees.decision(np.array(z)) == pytest.approx(expected)
    batch = trees.decision(np.array([z, z]))
    assert batch.shape == (2,) and batch[1] == pytest.approx(expected)


def test_tree_ensemble_json_round_trip_and_shape_checks():
    trees = _two_stumps()
    again = TreeEnsemble.from_dict(json.loads(json.dumps(trees.to_dict())))
    z = np.array([[0.3, -0.2], [2.0, 5.0]])
    assert np.allclose(again.decision(z), trees.decision(z))
    with pytest.raises(ValueError):
        TreeEnsemble(trees.feature[:, :2], trees.threshold[:, :2], trees.leaf[:, :3], 0.0)
    with pytest.raises(ValueError):
        TreeEnsemble(trees.feature, trees.threshold, trees.leaf[:, :3], 0.0)


def test_tree_weights_that_split_on_missing_features_are_user_errors(tmp_path):
    n = len(FEATURE_NAMES)
    model = _two_stumps().to_dict()
    model["feature"] = [[n + 5, 0, 0], [0, 0, 0]]
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps({"feature_names": list(FEATURE_NAMES), "mean": [0.0] * n,
                               "scale": [1.0] * n, "model": model}))
    with pytest.raises(UserError, match="split on features"):
        load_model(bad)
    model.pop("leaf")
    bad.write_text(json.dumps({"feature_names": list(FEATURE_NAMES), "mean": [0.0] * n,
                               "scale": [1.0] * n, "model": model}))
    with pytest.raises(UserError, match="malformed"):
        load_model(bad)


def test_calibration_round_trip(tmp_path):
    cal = Calibration(shift=1.25, gain=1.5, profile="ada", n_neutral=30, n_tongue=28)
    path = profile_path("ada", tmp_path)
    save_calibration(cal, path)
    assert read_calibration(path) == cal
    assert load_profile("ada", tmp_path) == cal
    assert load_profile("nobody", tmp_path) is None
    path.write_text("{not json")
    with pytest.raises(UserError):
        read_calibration(path)
    with pytest.raises(UserError):
        profile_path("../..", tmp_path)


def test_calibration_moves_the_boundary_towards_this_persons_data():
    rng = np.random.default_rng(0)
    # A person whose neutral face already reads fairly high (e.g. red lips): boundary moves up.
    neutral = rng.normal(-0.5, 0.3, 40)
    tongue = rng.normal(5.0, 0.5, 40)
    cal = Calibration.fit(neutral, tongue)
    assert cal.shift > 0.3
    assert cal.apply(float(np.percentile(neutral, 95))) < Calibration().apply(
        float(np.percentile(neutral, 95)))
    assert cal.apply(float(np.median(tongue))) > 0.9
    # A person the model under-reads: boundary moves down, so their tongue counts.
    cal2 = Calibration.fit(rng.normal(-6.0, 0.5, 40), rng.normal(-1.5, 0.5, 40))
    assert cal2.shift < -0.5
    assert cal2.apply(-1.5) > 0.5 > Calibration().apply(-1.5)
    with pytest.raises(UserError):
        Calibration.fit(np.array([0.0]), np.array([1.0]))
    with pytest.raises(ValueError):
        Calibration(gain=10.0)


def test_calibration_that_saw_no_tongue_is_refused():
    """A tongue phase that looks like the neutral one would only make a resting face fire."""
    rng = np.random.default_rng(1)
    with pytest.raises(UserError, match="saw no tongue"):
        Calibration.fit(rng.normal(-20.0, 1.0, 60), rng.normal(-19.5, 1.0, 60))


def test_calibration_never_puts_the_boundary_into_the_resting_face():
    rng = np.random.default_rng(2)
    # Overlapping phases, tongue a little higher: the boundary stays above most resting frames.
    neutral = rng.normal(-8.0, 3.0, 80)
    tongue = rng.normal(-3.0, 3.0, 80)
    cal = Calibration.fit(neutral, tongue)
    assert cal.shift >= float(np.percentile(neutral, 90)) + 1.0 - 1e-9
    assert float(np.mean([cal.apply(v) >= 0.5 for v in neutral])) <= 0.1


def test_calibrated_detector_shares_weights(detector):
    cal = Calibration(shift=2.0)
    other = detector.with_calibration(cal)
    assert other.model is detector.model and other.calibration == cal
    assert detector.calibration == Calibration()


def test_calibration_session_phases_and_countdown():
    cfg = CalibrationConfig(neutral_s=3.0, tongue_s=3.0, settle_s=0.5)
    s = CalibrationSession(cfg, "ada")
    s.start(10.0)
    seen = []
    t = 10.0
    while not s.finished:
        logit = -3.0 if t - 10.0 < 3.0 else 4.0
        st = s.add(t, logit)
        seen.append((st.phase, st.countdown))
        t += 1 / 30
    phases = [p for p, _ in seen]
    assert phases[0] == "neutral" and "tongue" in phases and phases[-1] == "done"
    assert next(c for p, c in seen if p == "neutral") == 3
    assert [c for p, c in seen if p == "tongue"][-1] == 1
    cal = s.result()
    assert cal.profile == "ada" and cal.n_neutral > 50 and cal.n_tongue > 50


def test_calibration_session_without_faces_fails_cleanly():
    s = CalibrationSession(CalibrationConfig(), "x")
    s.start(0.0)
    for i in range(200):
        s.add(i / 30, None)
    assert s.status().phase == "failed"
    with pytest.raises(UserError):
        s.result()
    with pytest.raises(ValueError):
        CalibrationConfig(neutral_s=0.1)


def test_direction_labels_follow_image_sides():
    cfg = DetectorConfig()
    assert direction_label((0.0, 1.0), cfg) == "center"
    assert direction_label((0.9, 0.4), cfg) == "right"
    assert direction_label((-0.9, 0.4), cfg) == "left"
    assert direction_label((0.0, -1.0), cfg) == "up"
    assert direction_label(None, cfg) is None
