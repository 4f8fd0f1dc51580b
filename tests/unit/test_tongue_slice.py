"""The front of the pipeline that eval and training score: same readings and states as Pipeline."""

from __future__ import annotations

import numpy as np

from tongue_mirror.core.avatar_motion import AvatarAnimator
from tongue_mirror.core.circuit import MirrorCircuit
from tongue_mirror.core.gesture import TONGUE_OUT_START, GestureTracker
from tongue_mirror.core.pipeline import Pipeline
from tongue_mirror.core.tongue_slice import TongueSlice
from tongue_mirror.io.face_tracker import FaceTracker, PhotoTracker, tracker_for
from tongue_mirror.values import FaceObservation, Frame, TongueReading

FPS = 30.0


def face() -> FaceObservation:
    return FaceObservation(landmarks=np.zeros((478, 3), np.float32), blendshapes={},
                           yaw=0.0, pitch=0.0, roll=0.0,
                           bbox=(240, 140, 400, 340), image_size=(640, 480))


class Tracker:
    """No face on frames 20..24."""

    def track(self, frame: Frame):
        return None if 20 <= frame.index < 25 else face()

    def forget_face(self) -> None:
        pass


class Detector:
    """Tongue out on frames 10..40 (when a face is given); counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def read(self, image, face):
        self.calls += 1
        index = int(image[0, 0, 0])
        return TongueReading(probability=0.95 if 10 <= index <= 40 else 0.02)

    def read_with_patch(self, image, face):
        return self.read(image, face), None

    def with_calibration(self, calibration):
        return self


def frames(n: int = 60):
    for i in range(n):
        yield Frame(np.full((4, 4, 3), i, np.uint8), i / FPS, i)


def test_slice_reads_and_tracks_as_the_full_pipeline_does():
    detector = Detector()
    front = TongueSlice(Tracker(), detector, GestureTracker())
    sliced = [front.step(f) for f in frames()]
    full = Pipeline(Tracker(), Detector(), GestureTracker(), MirrorCircuit(), AvatarAnimator())
    whole = [full.step(f) for f in frames()]
    assert [s.reading.probability for s in sliced] == [w.reading.probability for w in whole]
    assert [s.tongue.is_out for s in sliced] == [w.tongue.is_out for w in whole]
    assert [s.tongue.events for s in sliced] == [w.tongue.events for w in whole]
    # no face, no reading: the detector is not asked, the probability is 0
    assert detector.calls == 55 and all(s.reading.probability == 0.0 for s in sliced[20:25])
    starts = [e.frame for s in sliced for e in s.tongue.events if e.event == TONGUE_OUT_START]
    assert starts == [11, 26]  # the gap without a face ends the first gesture


def test_a_folder_of_photos_gets_a_fresh_tracker_per_photo(astronaut_bgr, hopper_bgr):
    assert isinstance(tracker_for("images"), PhotoTracker)
    for kind in ("video", "camera", "image"):
        assert isinstance(tracker_for(kind), FaceTracker)
    photos = PhotoTracker()
    a = photos.track(Frame(astronaut_bgr, 0.0, 0))
    h = photos.track(Frame(hopper_bgr, 1.0, 1))
    again = photos.track(Frame(astronaut_bgr, 2.0, 2))
    assert a is not None and h is not None and again is not None
    # nothing carries over: the same photo gives the same landmarks after another person's
    np.testing.assert_array_equal(a.landmarks, again.landmarks)
