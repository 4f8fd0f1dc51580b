"""The pipeline wires its stages in order; stepped here with a scripted tracker and detector."""

from __future__ import annotations

import numpy as np
import pytest

from tongue_mirror.core.avatar_motion import AvatarAnimator
from tongue_mirror.core.circuit import MirrorCircuit
from tongue_mirror.core.detector.calibration import Calibration
from tongue_mirror.core.gesture import GestureTracker
from tongue_mirror.core.pipeline import Pipeline
from tongue_mirror.values import FaceObservation, Frame, TongueReading


def face(cx: float = 320.0) -> FaceObservation:
    return FaceObservation(landmarks=np.zeros((478, 3), np.float32),
                           blendshapes={"jawOpen": 0.1}, yaw=0.0,
                           pitch=0.0, roll=0.0, bbox=(cx - 80, 140, cx + 80, 340),
                           image_size=(640, 480))


class ScriptedTracker:
    def __init__(self, present) -> None:
        self.present = present
        self.forgot = 0

    def track(self, frame: Frame):
        return face() if self.present(frame.t) else None

    def forget_face(self) -> None:
        self.forgot += 1


class ScriptedDetector:
    """Tongue out between 1 s and 2 s, pointing to the image's right."""

    def __init__(self, calibration: Calibration | None = None) -> None:
        self.calibration = calibration
        self._t = 0.0

    def read_with_patch(self, image, face):
        out = 1.0 <= self._t < 2.0
        reading = TongueReading(probability=0.95 if out else 0.02, extension=0.8 if out else 0.0,
                                direction=(1.0, 0.0) if out else None,
                                direction_label="right" if out else None)
        return reading, None

    def with_calibration(self, calibration):
        other = ScriptedDetector(calibration)
        other._t = self._t
        return other


def make(mode: str = "circuit", mirror: bool = True, present=lambda t: True):
    det = ScriptedDetector()
    pipe = Pipeline(ScriptedTracker(present), det, GestureTracker(), MirrorCircuit(),
                    AvatarAnimator(seed=1), avatar_mode=mode, mirror=mirror)
    return pipe, det


def run(pipe, det, seconds: float = 3.0):
    results = []
    for i in range(int(seconds * 30)):
        t = i / 30
        pipe.detector._t = t
        results.append(pipe.step(Frame(np.zeros((480, 640, 3), np.uint8), t, i)))
    return results


def test_a_tongue_out_flows_through_to_events_and_the_avatar():
    pipe, det = make()
    results = run(pipe, det)
    names = [e.event for r in results for e in r.events]
    assert names.index("tongue_out_start") < names.index("imitation_start")
    assert max(r.pose.tongue_extension for r in results) > 0.5
    assert all(set(r.timings_ms) == {"tracker", "detector", "circuit", "animator"}
               for r in results)


@pytest.mark.parametrize(("mirror", "sign"), [(True, -1.0), (False, 1.0)])
def test_the_baby_points_its_tongue_like_a_mirror(mirror, sign):
    pipe, det = make(mirror=mirror)
    results = run(pipe, det)
    peak = max(results, key=lambda r: r.pose.tongue_extension)
    assert np.sign(peak.pose.tongue_direction[0]) == sign


def test_no_face_means_no_tongue_and_attract_mode():
    pipe, det = make(present=lambda t: False)
    results = run(pipe, det)
    assert all(r.reading.probability == 0.0 and not r.tongue.is_out for r in results)
    assert results[-1].attract


def test_puppet_mode_copies_the_face_directly():
    pipe, det = make(mode="puppet")
    results = run(pipe, det, seconds=1.5)
    assert results[-1].pose.tongue_extension > 0.3  # no circuit latency in between
    with pytest.raises(ValueError):
        make(mode="marionette")


def test_next_person_forgets_the_followed_face():
    pipe, det = make()
    run(pipe, det, seconds=1.2)
    pipe.reset_person()
    assert pipe.tracker.forgot == 1 and not pipe.gesture.is_out


def test_next_person_starts_with_the_tongue_straight_out():
    pipe, det = make()
    before = run(pipe, det, seconds=1.8)  # the tongue pointed to the image's right
    assert before[-1].pose.tongue_direction[0] < -0.99
    pipe.reset_person()
    pipe.detector._t = 5.0  # no tongue from here on
    after = [pipe.step(Frame(np.zeros((480, 640, 3), np.uint8), 5.0 + i / 30, 200 + i))
             for i in range(6)]
    assert after[-1].pose.tongue_direction == pytest.approx((0.0, 1.0), abs=1e-3)


def test_calibration_applies_until_the_next_person():
    pipe, det = make()
    cal = Calibration(shift=1.0, gain=1.5, profile="ada")
    pipe.calibrate(cal)
    assert pipe.detector.calibration == cal
    run(pipe, det, seconds=0.5)
    pipe.reset_person()
    assert pipe.detector.calibration is None
