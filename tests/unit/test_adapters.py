"""The glue between stages: what the circuit sees, what drives the avatar, the puppet."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongue_mirror import landmarks as lm
from tongue_mirror.core.adapters import (
    STRAIGHT_OUT,
    avatar_drive,
    observed_from,
    puppet_pose,
    tongue_direction,
)
from tongue_mirror.values import FaceObservation, GestureEvent, NeuralState, TongueReading, TongueState


def _face(blendshapes: dict[str, float], yaw: float = 0.0, roll: float = 0.0) -> FaceObservation:
    return FaceObservation(landmarks=np.zeros((lm.N_LANDMARKS, 3), np.float32),
                           blendshapes=blendshapes,
                           yaw=yaw, pitch=0.1, roll=roll, bbox=(100.0, 100.0, 300.0, 340.0),
                           image_size=(640, 480))


def _neural(movement: dict[str, float], events: tuple[GestureEvent, ...] = ()) -> NeuralState:
    return NeuralState(t=0.0, channels=("tongue", "jaw", "lips"), rates={}, spikes={},
                       movement=movement, attribution="none", inhibition=0.2, events=events)


def test_observed_tongue_is_the_debounced_gesture_not_the_raw_probability():
    face = _face({lm.BS_JAW_OPEN: 0.7, lm.BS_MOUTH_PUCKER: 0.2, lm.BS_MOUTH_FUNNEL: 0.4})
    assert observed_from(face, TongueState(is_out=True)) == pytest.approx(
        {"tongue": 1.0, "jaw": 0.7, "lips": 0.4})
    assert observed_from(face, TongueState(is_out=False))["tongue"] == 0.0
    assert observed_from(None, TongueState(is_out=False)) == {"tongue": 0.0, "jaw": 0.0, "lips": 0.0}
    odd = _face({lm.BS_JAW_OPEN: float("nan"), lm.BS_MOUTH_FUNNEL: 3.0})
    assert observed_from(odd, TongueState()) == {"tongue": 0.0, "jaw": 0.0, "lips": 1.0}


def test_drive_carries_movement_position_pose_and_the_imitation_pulse():
    face = _face({}, yaw=0.2, roll=0.1)  # box centre (200, 220) in a 640x480 image
    done = (GestureEvent(t=0.0, frame=0, event="imitation_end"),)
    d = avatar_drive(face, _neural({"tongue": 0.7, "jaw": 0.2}, done), (1.0, 0.0))
    assert d.tongue == 0.7 and d.jaw == 0.2 and d.lips == 0.0 and d.imitation_success
    assert d.face_position == pytest.approx((200 / 320 - 1.0, 220 / 240 - 1.0))
    assert d.user_yaw == 0.2 and d.tongue_direction == (1.0, 0.0)
    nobody = avatar_drive(None, _neural({}), STRAIGHT_OUT)
    assert nobody.face_position is None and nobody.tongue == 0.0 and not nobody.imitation_success


def test_direction_follows_confident_readings_mirrored_and_otherwise_keeps_the_previous():
    confident = TongueReading(0.9, direction=(1.0, 0.0))
    assert tongue_direction(confident, STRAIGHT_OUT, mirror=False) == (1.0, 0.0)
    # your right is the baby's left, as in a mirror
    assert tongue_direction(confident, STRAIGHT_OUT, mirror=True) == (-1.0, 0.0)
    # a weak reading pointing elsewhere does not move the baby's tongue
    weak = TongueReading(0.2, direction=(-1.0, 0.0))
    assert tongue_direction(weak, (-1.0, 0.0), mirror=True) == (-1.0, 0.0)
    assert tongue_direction(weak, (-1.0, 0.0), mirror=True, min_probability=0.1) == (1.0, 0.0)
    assert tongue_direction(TongueReading(0.0), STRAIGHT_OUT, mirror=True) == (0.0, 1.0)


@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True, allow_infinity=True))
def test_drive_never_raises_on_glitches(value, yaw):
    direction = tongue_direction(TongueReading(0.9, direction=(value, 0.0)), STRAIGHT_OUT, True)
    d = avatar_drive(_face({}, yaw=yaw), _neural({"tongue": value}), direction)
    assert np.isfinite(d.tongue) and np.isfinite(d.user_yaw)
    assert all(np.isfinite(v) for v in d.tongue_direction)


def test_puppet_mirrors_the_user() -> None:
    p = puppet_pose(_face({lm.BS_JAW_OPEN: 0.6, lm.BS_BLINK_LEFT: 0.9, lm.BS_SMILE_LEFT: 0.5,
                           lm.BS_SMILE_RIGHT: 0.5, lm.BS_MOUTH_PUCKER: 0.4,
                           lm.BS_LOOK_OUT_LEFT: 0.5, lm.BS_LOOK_IN_RIGHT: 0.5},
                          yaw=0.3, roll=-0.2),
                    TongueReading(probability=0.9, extension=0.8, direction=(1.0, 0.0)))
    assert p.jaw_open > 0.6 and p.smile > 0.5 and p.lip_protrusion > 0.4
    assert p.eye_open_left < 0.2 and p.eye_open_right == 1.0
    assert p.head_yaw == pytest.approx(-0.3) and p.head_roll == pytest.approx(0.2)
    assert p.gaze[0] < -0.5  # looking to their own left = screen left in the mirror
    assert p.tongue_extension == pytest.approx(0.8) and p.tongue_direction[0] < -0.99
    neutral = puppet_pose(_face({}))
    assert neutral.tongue_extension == 0.0 and neutral.jaw_open == 0.0


