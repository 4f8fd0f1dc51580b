"""Avatar animator: deterministic under a seed, smooth, alive (blinks), attentive, and safe."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongue_mirror.core.avatar_motion import AvatarAnimator, AvatarDrive, AvatarMotionConfig
from tongue_mirror.values import AvatarPose

SCALARS = ("head_yaw", "head_pitch", "head_roll", "eye_open_left", "eye_open_right", "brow_raise",
           "jaw_open", "smile", "lip_protrusion", "tongue_extension")


def as_vector(p: AvatarPose) -> np.ndarray:
    return np.array([getattr(p, k) for k in SCALARS] + list(p.gaze) + list(p.tongue_direction))


def scripted_drive(t: float) -> AvatarDrive:
    """Someone arrives at 2 s, sticks the tongue out 4-6 s (the circuit follows), leaves at 9 s."""
    present = 2.0 <= t < 9.0
    out = 1.0 if 4.0 <= t < 6.0 else 0.0
    return AvatarDrive(tongue=out, jaw=0.3 * out, tongue_direction=(0.3, 0.95),
                       face_position=(0.4 * math.sin(t), 0.1) if present else None,
                       user_yaw=0.1 if present else 0.0, imitation_success=abs(t - 6.0) < 1e-9)


def run(seed: int, fps: float, duration: float = 12.0) -> list[tuple[float, AvatarPose]]:
    a = AvatarAnimator(seed=seed)
    n = round(duration * fps)
    return [(i / fps, a.step(i / fps, scripted_drive(i / fps))) for i in range(n + 1)]


def test_deterministic_under_seed() -> None:
    a, b = run(3, 30.0), run(3, 30.0)
    va, vb, vc = (np.array([as_vector(p) for _, p in r]) for r in (a, b, run(4, 30.0)))
    assert np.array_equal(va, vb)
    assert not np.allclose(va, vc)


def test_frame_rate_independent() -> None:
    slow = dict(run(5, 30.0))
    fast = dict(run(5, 60.0))
    # Compare outside blinks and just after the drive's steps: both fall between frames differently.
    diffs = []
    for t, p in slow.items():
        q = fast[t]
        after_step = any(0.0 <= t - s < 0.3 for s in (2.0, 4.0, 6.0, 9.0))
        if min(p.eye_open_left, q.eye_open_left) > 0.95 and not after_step:
            diffs.append(np.abs(as_vector(p) - as_vector(q)).max())
    assert len(diffs) > 200
    # Events (saccades) falling between frames shift a few comparisons; the rest agree closely.
    assert np.median(diffs) < 0.01 and np.percentile(diffs, 95) < 0.08


def test_smooth_even_for_step_inputs() -> None:
    poses = [p for _, p in run(6, 60.0)]
    vec = np.array([as_vector(p) for p in poses])
    step = np.abs(np.diff(vec, axis=0)).max(axis=0)
    eyes = [SCALARS.index("eye_open_left"), SCALARS.index("eye_open_right")]
    gaze = [len(SCALARS), len(SCALARS) + 1]
    others = [i for i in range(vec.shape[1]) if i not in eyes + gaze]
    assert step[others].max() < 0.2, step
    assert step[gaze].max() < 0.35  # saccades are fast, as real ones are, but still take frames
    assert step[eyes].max() < 0.5  # a blink closes within a few frames, but never in one


def test_blinks_happen_at_natural_intervals() -> None:
    a = AvatarAnimator(seed=7)
    closed = [a.step(i / 30.0, AvatarDrive(face_position=(0.0, 0.0))).eye_open_left < 0.2
              for i in range(30 * 60)]
    onsets = sum(1 for prev, cur in itertools.pairwise(closed) if cur and not prev)
    assert 6 <= onsets <= 40  # between 6 and 40 blinks a minute


def test_attract_mode_when_nobody_is_there() -> None:
    cfg = AvatarMotionConfig()
    a = AvatarAnimator(cfg, seed=1)
    a.step(0.0, AvatarDrive())
    assert a.attract
    gazes = [a.step(i / 30.0, AvatarDrive()).gaze for i in range(1, 300)]
    assert np.ptp([g[0] for g in gazes]) > 0.3  # it looks around
    a.step(10.0, AvatarDrive(face_position=(0.0, 0.0)))
    assert not a.attract
    a.step(10.0 + cfg.attract_after_s * 0.5, AvatarDrive())
    assert not a.attract  # a dropped frame or two does not flip the UI
    a.step(10.0 + cfg.attract_after_s + 0.1, AvatarDrive())
    assert a.attract


def test_gaze_follows_the_user_mirrored() -> None:
    a = AvatarAnimator(seed=2)
    for i in range(60):
        p = a.step(i / 30.0, AvatarDrive(face_position=(0.8, 0.0)))
    assert p.gaze[0] < -0.4 and p.head_yaw < 0  # user on camera-right = screen-left of the baby
    for i in range(60, 120):
        p = a.step(i / 30.0, AvatarDrive(face_position=(-0.8, 0.0)))
    assert p.gaze[0] > 0.4 and p.head_yaw > 0


def test_delight_after_successful_imitation() -> None:
    a = AvatarAnimator(seed=0)
    face = (0.0, 0.0)
    for i in range(90):
        base = a.step(i / 30.0, AvatarDrive(face_position=face))
    a.step(3.0, AvatarDrive(face_position=face, imitation_success=True))
    for i in range(91, 105):
        p = a.step(i / 30.0, AvatarDrive(face_position=face))
    assert p.smile > base.smile + 0.4


def test_circuit_drives_mouth_and_tongue() -> None:
    a = AvatarAnimator(seed=0)
    d = AvatarDrive(tongue=1.0, jaw=0.5, lips=0.7, tongue_direction=(-1.0, 0.0),
                    face_position=(0.0, 0.0))
    for i in range(30):
        p = a.step(i / 30.0, d)
    assert p.tongue_extension > 0.95 and abs(p.jaw_open - 0.5) < 0.1 and p.lip_protrusion > 0.65
    assert p.tongue_direction[0] < -0.95


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 0.5), st.floats(-2, 2), st.floats(-2, 2), st.floats(-2, 2),
                          st.booleans(), st.booleans()), min_size=1, max_size=40))
def test_pose_always_in_range(steps: list[tuple[float, float, float, float, bool, bool]]) -> None:
    a = AvatarAnimator(seed=0)
    t = 0.0
    for dt, v, dx, dy, present, ok in steps:
        t += dt
        p = a.step(t, AvatarDrive(tongue=v, jaw=-v, lips=v * 2, tongue_direction=(dx, dy),
                                  face_position=(dx, dy) if present else None,
                                  imitation_success=ok))
        for k in SCALARS[3:]:
            assert 0.0 <= getattr(p, k) <= 1.0
        assert all(-1.0 <= g <= 1.0 for g in p.gaze)
        assert math.isclose(math.hypot(*p.tongue_direction), 1.0, rel_tol=1e-6)


def test_bad_values_are_rejected() -> None:
    with pytest.raises(ValueError):
        AvatarDrive(tongue=float("nan"))
    with pytest.raises(ValueError):
        AvatarDrive(face_position=(0.0, float("inf")))
    with pytest.raises(ValueError):
        AvatarMotionConfig(blink_mean_interval_s=0.0)
    with pytest.raises(ValueError):
        AvatarMotionConfig(saccade_interval_s=(2.0, 1.0))
    with pytest.raises(dataclasses.FrozenInstanceError):
        AvatarDrive().tongue = 1.0  # type: ignore[misc]
