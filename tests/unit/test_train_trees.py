"""Training-script pieces: the tree export matches scikit-learn; the clip check uses the real tracker."""

from __future__ import annotations

import numpy as np
import pytest
from tool_module import load_tool

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def train():
    """The training script as a module, loaded from its file (tools/ is not a package)."""
    return load_tool("train_detector")


def test_training_scores_with_evals_metrics(train):
    from tongue_mirror.evaluation import metrics

    assert train.f1_score is metrics.f1_score and train.bootstrap_ci is metrics.bootstrap_ci


def test_padded_trees_reproduce_scikit_learn(train):
    from sklearn.ensemble import HistGradientBoostingClassifier

    TREE_DEPTH, padded_trees = train.TREE_DEPTH, train.padded_trees

    rng = np.random.default_rng(3)
    x = rng.normal(size=(600, 6))
    y = ((x[:, 0] + 0.5 * x[:, 1] ** 2 - x[:, 2] * x[:, 3]) > 0.3).astype(int)
    clf = HistGradientBoostingClassifier(max_depth=TREE_DEPTH, max_iter=40, random_state=0)
    clf.fit(x, y)
    trees = padded_trees(clf)
    assert trees.depth == TREE_DEPTH and trees.feature.shape[0] == 40
    probe = rng.normal(size=(200, 6))
    assert np.allclose(trees.decision(probe), clf.decision_function(probe), atol=1e-9)
    assert trees.decision(probe[7]) == pytest.approx(clf.decision_function(probe[7:8])[0])


def test_engine_draws_are_averaged_into_one_tree_ensemble(train):
    """fit_draws: draw k's model sees the shared rows and draw k's rows only, and the merged
    ensemble's decision is the mean of the per-draw models' decisions."""
    rng = np.random.default_rng(5)
    n, f = 300, len(train.mf.FEATURE_NAMES)
    x = rng.normal(size=(3 * n, f))
    y = (x[:, 0] > 0).astype(int)
    y[n:2 * n] = (x[n:2 * n, 1] > 0)  # draw 0 teaches feature 1, draw 1 feature 2
    y[2 * n:] = (x[2 * n:, 2] > 0)
    draw = np.repeat([-1, 0, 1], n)
    w = np.ones(3 * n)
    merged = train.fit_draws(x, y, w, draw, "trees", 0)
    standard = train.standardisation(train.evidence_only(x))
    parts = [train.fit_model(x[sel], y[sel], w[sel], "trees", 0, standard=standard)
             for sel in (draw != 1, draw != 0)]
    probe = rng.normal(size=(50, f))
    each = np.array([train.predict_logit(p, probe) for p in parts])
    assert np.allclose(train.predict_logit(merged, probe), each.mean(axis=0), atol=1e-9)
    assert not np.allclose(each[0], each[1], atol=0.1)  # the draws really differ
    assert len(merged["model"]["leaf"]) == 2 * len(parts[0]["model"]["leaf"])
    # One draw (or none) is the plain model.
    one = train.fit_draws(x[:2 * n], y[:2 * n], w[:2 * n], draw[:2 * n], "trees", 0)
    plain = train.fit_model(x[:2 * n], y[:2 * n], w[:2 * n], "trees", 0)
    assert np.allclose(train.predict_logit(one, probe), train.predict_logit(plain, probe))


def test_held_out_probabilities_go_through_the_real_gesture_tracker(train):
    p = np.array([0.0] * 5 + [0.9] * 10 + [0.0] * 5 + [0.55, 0.6])
    state, starts = train.track_gestures(np.arange(len(p)), p, 30.0)
    assert len(starts) == 1  # the flicker at the end has too little evidence to start
    assert state[6] and not state[5] and not state[-1]


def test_held_out_gestures_are_scored_as_eval_scores_them(train):
    clip_gestures = train.clip_gestures

    # A labelled clip at 12 fps: out from frame 10 to 29, frame 9 ambiguous; the probabilities
    # rise at frame 11, so the confirmed start is frame 12 (two frames of evidence), 2 late.
    prob = np.zeros(40)
    prob[11:30] = 0.95
    row = clip_gestures(np.arange(40), prob, 12.0, 40 / 12.0,
                        [(9, 9, "ambiguous"), (10, 29, "sure")])
    assert row["starts"] == [12]
    assert (row["events"], row["hits"], row["false"], row["duplicates"]) == (1, 1, 0, 0)
    assert row["latency_frames"] == [2.0]

    # A negative clip seen at every 2nd frame: one confirmed blip is one false activation. At
    # rest it reads log-odds -5, the tracker's reference, so the person's baseline leaves the bar
    # where it is.
    index = np.arange(0, 60, 2)
    prob = np.where((index >= 20) & (index <= 26), 0.9, 1.0 / (1.0 + np.exp(5.0)))
    row = clip_gestures(index, prob, 30.0, 2.0, None)
    assert row["starts"] == [22] and row["false"] == 1
    assert row["per_minute"] == 30.0


def test_synthetic_rows_belong_to_their_base_face_person(train):
    from types import SimpleNamespace

    items = [SimpleNamespace(name="videos/Mobeen-Application__tongue_lift.mp4",
                             source="Ayman-ELwarak/Mobeen-Application"),
             SimpleNamespace(name="videos/Mobeen-Application__tongue_sweep_right.mp4",
                             source="Ayman-ELwarak/Mobeen-Application"),
             SimpleNamespace(name="images/no_tongue/a__x.jpg", source="someone/else")]
    # a real frame, a tongue painted on another clip's frame of the same woman, an augmented photo
    sources = np.array(["videos/Mobeen-Application__tongue_sweep_right.mp4#12",
                        "videos/Mobeen-Application__tongue_lift.mp4#30",
                        "images/no_tongue/a__x.jpg"])
    groups = train.regroup(items, sources)
    assert groups.tolist() == ["mobeen_woman", "mobeen_woman", "other:a__x"]
    held_out = np.isin(groups, ["mobeen_woman"])
    assert held_out.tolist() == [True, True, False]  # her synthetic rows leave training with her


def test_lip_jitter_moves_only_the_lips_within_its_bounds_and_keeps_their_order(train):
    from mouth_fixtures import face_of, make_face

    from tongue_mirror import landmarks as lm

    face = face_of(make_face())
    lips = sorted(set(lm.LOWER_LIP_OUTER + lm.LOWER_LIP_INNER + lm.UPPER_LIP_OUTER))
    others = np.setdiff1d(np.arange(lm.N_LANDMARKS), lips)
    d = 200.0  # the drawn face's eye-corner distance
    moved_up = 0
    for seed in range(40):
        out = train.jitter_face(face, np.random.default_rng(seed)).landmarks
        assert np.array_equal(out[others], face.landmarks[others])
        step = np.abs(out[:, :2] - face.landmarks[:, :2]).max(axis=1)
        assert step.max() <= 0.10 * d + 1e-3 or step.argmax() in (lm.MOUTH_CORNER_LEFT,
                                                                  lm.MOUTH_CORNER_RIGHT)
        inner = out[list(lm.LOWER_LIP_INNER), 1]
        outer = out[list(lm.LOWER_LIP_OUTER), 1]
        assert (outer >= inner - 1e-3).all()  # the lower lip never turns inside out
        moved_up += out[lm.LOWER_LIP_BOTTOM, 1] < face.landmarks[lm.LOWER_LIP_BOTTOM, 1]
    assert moved_up >= 20  # mostly drawn too thin, as MediaPipe does on a full lower lip


@pytest.mark.parametrize(("args", "says"), [
    (["--engine-draws", "0"], "--engine-draws must be at least 1"),
    (["--model", "logistic"], "--model logistic needs --engine-draws 1"),
])
def test_impossible_settings_are_one_line_errors_before_any_work(train, monkeypatch, capsys,
                                                                 tmp_path, args, says):
    monkeypatch.setattr("sys.argv", ["train_detector.py", "--data", str(tmp_path), *args])
    assert train.main() == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and says in err and err.count("\n") == 1
