"""Training-script pieces: the tree export matches scikit-learn; the clip check uses the real tracker."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))


def test_padded_trees_reproduce_scikit_learn():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from train_detector import TREE_DEPTH, padded_trees

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


def test_the_training_video_check_uses_the_real_gesture_tracker():
    from train_detector import gesture_states

    state, starts = gesture_states(np.array([0.0] * 5 + [0.9] * 10 + [0.0] * 5 + [0.55, 0.6]), 30.0)
    assert starts == 1  # the flicker at the end has too little evidence to start
    assert state[6] and not state[5] and not state[-1]


def test_held_out_gestures_are_scored_as_eval_scores_them():
    from train_detector import clip_gestures

    # A labelled clip at 12 fps: out from frame 10 to 29, frame 9 ambiguous; the probabilities
    # rise at frame 11, so the confirmed start is frame 12 (two frames of evidence), 2 late.
    prob = np.zeros(40)
    prob[11:30] = 0.95
    row = clip_gestures(np.arange(40), prob, 12.0, 40 / 12.0,
                        [(9, 9, "ambiguous"), (10, 29, "sure")])
    assert row["starts"] == [12]
    assert (row["events"], row["hits"], row["false"], row["duplicates"]) == (1, 1, 0, 0)
    assert row["latency_frames"] == [2.0]

    # A negative clip seen at every 2nd frame: one confirmed blip is one false activation.
    index = np.arange(0, 60, 2)
    prob = np.where((index >= 20) & (index <= 26), 0.9, 0.01)
    row = clip_gestures(index, prob, 30.0, 2.0, None)
    assert row["starts"] == [22] and row["false"] == 1
    assert row["per_minute"] == 30.0
