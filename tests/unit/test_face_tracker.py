"""The tracker on a real public-domain face, and its timestamp and geometry bookkeeping."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from tongue_mirror import landmarks as lm
from tongue_mirror.errors import UserError
from tongue_mirror.io.assets import sha256_of, verified_model
from tongue_mirror.io.face_tracker import FaceTracker, TrackerConfig, choose_face, euler_from_matrix
from tongue_mirror.values import FaceObservation, Frame


def test_astronaut_face_is_found_with_478_points_and_blendshapes(tracker, astronaut_bgr):
    face = tracker.track(Frame(astronaut_bgr, 0.0, 0))
    assert face is not None
    assert face.landmarks.shape == (lm.N_LANDMARKS, 3)
    assert len(face.blendshapes) == 52
    x0, y0, x1, y1 = face.bbox
    # The astronaut's face is in the upper middle of the 512×512 photo.
    assert 150 < x0 < x1 < 300 and 40 < y0 < y1 < 220
    assert face.image_size == (512, 512)
    upper, lower = face.landmarks[lm.UPPER_LIP_TOP, 1], face.landmarks[lm.LOWER_LIP_BOTTOM, 1]
    assert upper < lower < face.landmarks[lm.CHIN_TIP, 1]


def test_no_face_in_a_flat_image(tracker):
    assert tracker.track(Frame(np.full((240, 320, 3), 90, np.uint8), 10.0, 1)) is None


def test_timestamps_keep_increasing_when_the_source_loops(tracker, astronaut_bgr):
    # A looping sample restarts at t=0; the landmarker must still see increasing times.
    for t in (20.0, 20.033, 0.0, 0.033, 0.033):
        assert tracker.track(Frame(astronaut_bgr, t, 0)) is not None


def test_grayscale_input_is_accepted(tracker, astronaut_bgr):
    gray = cv2.cvtColor(astronaut_bgr, cv2.COLOR_BGR2GRAY)
    assert tracker.track(Frame(gray, 30.0, 0)) is not None


def test_downscaled_landmarker_input_reports_full_size_pixels(astronaut_bgr):
    big = cv2.resize(astronaut_bgr, (1024, 1024))
    with FaceTracker(TrackerConfig(max_input_side=512)) as t:
        face = t.track(Frame(big, 0.0, 0))
    assert face is not None and face.image_size == (1024, 1024)
    assert face.bbox[2] > 450  # in the 1024-px frame, not the 512-px input


@pytest.mark.parametrize("degrees", [-15, 15])
def test_roll_sign_follows_the_image(astronaut_bgr, degrees):
    # OpenCV's negative angle turns the image clockwise: a clockwise head tilt is a positive roll.
    rot = cv2.getRotationMatrix2D((225, 125), degrees, 1.0)
    turned = cv2.warpAffine(astronaut_bgr, rot, (512, 512))
    with FaceTracker() as t:
        face = t.track(Frame(turned, 0.0, 0))
    upright = math.radians(3.5)  # the astronaut's own slight tilt
    assert face is not None
    assert face.roll - upright == pytest.approx(math.radians(-degrees), abs=math.radians(6))


def test_euler_of_identity_is_zero():
    assert euler_from_matrix(np.eye(4)) == pytest.approx((0.0, 0.0, 0.0))


def test_config_is_validated():
    with pytest.raises(ValueError):
        TrackerConfig(max_faces=0)
    with pytest.raises(ValueError):
        TrackerConfig(min_detection_confidence=1.5)


def test_shipped_model_matches_its_hash():
    model = verified_model()
    assert sha256_of(model) == (model.parent / (model.name + ".sha256")).read_text().split()[0]


def test_missing_model_override_is_a_user_error(tmp_path):
    with pytest.raises(UserError):
        verified_model(tmp_path / "nope.task")


def _face_at(cx: float, width: float) -> FaceObservation:
    return FaceObservation(landmarks=np.zeros((478, 3), np.float32), blendshapes={},
                           yaw=0.0, pitch=0.0, roll=0.0,
                           bbox=(cx - width / 2, 100.0, cx + width / 2, 100.0 + width),
                           image_size=(1280, 720))


def test_the_followed_face_is_kept_unless_another_is_much_larger():
    left, right = _face_at(300, 200), _face_at(900, 230)
    assert choose_face([left, right], None) is right  # nobody followed yet: the largest
    assert choose_face([left, right], left.center) is left  # similar sizes: no switch
    big = _face_at(900, 320)
    assert choose_face([left, big], left.center) is big  # much larger: it takes over
    assert choose_face([], left.center) is None


def test_four_k_frames_are_downscaled_for_the_landmarker(astronaut_bgr):
    big = cv2.resize(astronaut_bgr, (3840, 3840))
    with FaceTracker() as t:
        face = t.track(Frame(big, 0.0, 0))
    assert face is not None and face.image_size == (3840, 3840)
    assert 600 < face.width < 750  # ~90 px in the 512-px photo, times 7.5


def test_the_numpy_result_reader_gives_what_mediapipes_python_result_gives(monkeypatch):
    """ResultReader reads MediaPipe's C result directly: every value must be the one MediaPipe's
    own Python objects carry, on frames with a moving face, a tongue and none."""
    from tongue_mirror.io import face_tracker
    from tongue_mirror.io.live_feed import bundled_samples
    from tongue_mirror.io.video_file import VideoFileSource

    with VideoFileSource(bundled_samples()[0]) as source:
        frames = [f for f in source if f.index % 6 == 0]
    frames.insert(5, Frame(np.full((480, 640, 3), 90, np.uint8), frames[4].t + 0.01, 999))

    with FaceTracker() as fast:
        if fast._fast is None:
            pytest.skip("this MediaPipe has no ctypes result to read")
        assert fast._fast._raw is not None  # the C library is called directly, not dispatched
        read = [fast.track_all(f) for f in frames]
    monkeypatch.setattr(face_tracker.ResultReader, "available", False, raising=False)
    monkeypatch.setattr(face_tracker.ResultReader, "__init__", lambda self, lm: None)
    with FaceTracker() as public:
        assert public._fast is None
        expected = [public.track_all(f) for f in frames]
    assert [len(f) for f in read] == [len(f) for f in expected]
    assert sum(len(f) for f in read) == len(frames) - 1
    for ours, theirs in zip(read, expected, strict=True):
        for a, b in zip(ours, theirs, strict=True):
            assert a.landmarks.dtype == b.landmarks.dtype == np.float32
            assert np.array_equal(a.landmarks, b.landmarks)
            assert list(a.blendshapes.items()) == list(b.blendshapes.items())
            assert (a.bbox, a.yaw, a.pitch, a.roll) == (b.bbox, b.yaw, b.pitch, b.roll)


def test_a_frame_prepared_on_another_thread_tracks_as_the_frame_does(astronaut_bgr):
    """`process` prepares frames on its decoding thread: the faces must be those `track` finds,
    for a downscaled and a grey frame too, and for the per-photo tracker."""
    import threading

    from tongue_mirror.io.face_tracker import PhotoTracker

    big = cv2.resize(astronaut_bgr, (1024, 1024))
    grey = cv2.cvtColor(astronaut_bgr, cv2.COLOR_BGR2GRAY)
    frames = [Frame(img, 0.1 * i, i) for i, img in enumerate((astronaut_bgr, big, grey))]
    config = TrackerConfig(max_input_side=512)
    with FaceTracker(config) as a, FaceTracker(config) as b:
        prepared: list = []
        worker = threading.Thread(target=lambda: prepared.extend(map(b.prepare, frames)))
        worker.start()
        worker.join()
        for frame, ready in zip(frames, prepared, strict=True):
            expected, got = a.track(frame), b.track_prepared(ready)
            assert expected is not None and got is not None
            assert got.image_size == expected.image_size == frame.image.shape[1::-1]
            assert np.array_equal(got.landmarks, expected.landmarks)
            assert got.blendshapes == expected.blendshapes
    photos = PhotoTracker(config)
    expected, got = photos.track(frames[1]), photos.track_prepared(photos.prepare(frames[1]))
    assert expected is not None and got is not None
    assert np.array_equal(got.landmarks, expected.landmarks)


def test_the_direct_c_call_raises_mediapipes_error_instead_of_reading_garbage(astronaut_bgr):
    """Called without MediaPipe's dispatcher, the landmarker's status must still be checked: a
    timestamp that does not increase is MediaPipe's error, not an empty or stale result."""
    with FaceTracker() as tracker:
        reader = tracker._fast
        if reader is None or reader._raw is None:
            pytest.skip("this MediaPipe is not called directly")
        image = tracker.prepare(Frame(astronaut_bgr, 0.0, 0)).image
        assert len(reader.detect_for_video(image, 1000)) == 1
        with pytest.raises(Exception, match=r"(?i)timestamp"):
            reader.detect_for_video(image, 1000)
