"""evaluation.runner.replay_clip: readings already taken, through the real gesture tracker."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tongue_mirror.app.config import RunConfig
from tongue_mirror.evaluation.dataset import VideoItem
from tongue_mirror.evaluation.runner import replay_clip


def _replay(t: np.ndarray, prob: np.ndarray, face: np.ndarray | None = None):
    item = VideoItem(Path("c.mp4"), "c.mp4", "t")
    face = np.ones(len(prob), bool) if face is None else face
    return replay_clip(item, t, np.arange(len(prob)), prob, face, RunConfig().gesture, 30.0)


def test_the_tracker_runs_on_the_frames_own_times():
    """Frames 1/30 s apart but starting at 5 s (times that are not index / fps): the start is
    stamped with its frame's own time."""
    prob = np.array([0.0] * 5 + [0.95] * 10 + [0.0] * 10)
    t = 5.0 + np.arange(len(prob)) / 30.0
    r = _replay(t, prob)
    (start_t, start_frame), = r.starts
    assert start_frame == 6 and start_t == t[6]
    assert r.is_out[6] and not r.is_out[5] and not r.is_out[-1]


def test_frames_without_a_face_carry_no_logit_and_keep_their_flags():
    prob = np.array([0.0] * 5 + [0.95] * 10 + [0.0] * 5)
    face = np.ones(len(prob), bool)
    face[:3] = False
    r = _replay(np.arange(len(prob)) / 30.0, prob, face)
    assert r.face_found.tolist() == face.tolist()
    assert r.smoothed.shape == prob.shape and r.n_frames == len(prob)
