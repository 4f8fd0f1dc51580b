"""The red-pixel baseline on a synthetic mouth whose landmarks the test places itself."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from tongue_mirror.core.detector.baseline import BaselineConfig, BaselineDetector
from tongue_mirror.landmarks import LIPS_INNER, MOUTH_CORNER_LEFT, MOUTH_CORNER_RIGHT, N_LANDMARKS
from tongue_mirror.values import FaceObservation

SKIN = (120, 160, 210)  # BGR, a light skin tone
PINK = (130, 110, 235)  # BGR, tongue pink
DARK = (30, 25, 40)  # BGR, shadow inside an open mouth
CX, CY, A = 160, 120, 40


def face_with_mouth(half_height: float) -> FaceObservation:
    """Landmarks whose inner-lip loop is an ellipse (lower lip first, as in landmarks.py)."""
    lm = np.zeros((N_LANDMARKS, 3), dtype=np.float32)
    for k, idx in enumerate(LIPS_INNER):
        theta = math.pi - k * math.pi / 10 if k <= 10 else -(k - 10) * math.pi / 10
        lm[idx, :2] = (CX + A * math.cos(theta), CY + half_height * math.sin(theta))
    lm[MOUTH_CORNER_LEFT, :2] = (CX - A - 8, CY)
    lm[MOUTH_CORNER_RIGHT, :2] = (CX + A + 8, CY)
    return FaceObservation(landmarks=lm, blendshapes={}, yaw=0.0, pitch=0.0,
                           roll=0.0, bbox=(60.0, 20.0, 260.0, 240.0), image_size=(320, 240))


def mouth_image(fill, half_height=25, blob=None, gain=1.0) -> np.ndarray:
    """Skin with the mouth opening filled; an optional pink blob (centre x offset, radius)."""
    img = np.full((240, 320, 3), SKIN, dtype=np.uint8)
    cv2.ellipse(img, (CX, CY), (A, half_height), 0, 0, 360, fill, -1)
    if blob is not None:
        dx, r = blob
        cv2.circle(img, (CX + dx, CY + 5), r, PINK, -1)
    return np.clip(img.astype(np.float32) * gain, 0, 255).astype(np.uint8)


def test_pink_inside_an_open_mouth_reads_as_tongue():
    det = BaselineDetector()
    reading = det.read(mouth_image(PINK), face_with_mouth(25))
    assert reading.probability > 0.9
    assert reading.features["red_fraction"] > 0.9
    assert reading.direction_label == "center"


def test_dark_open_mouth_reads_as_no_tongue():
    reading = BaselineDetector().read(mouth_image(DARK), face_with_mouth(25))
    assert reading.probability < 0.1


def test_mouth_open_gate_silences_a_closed_mouth():
    reading = BaselineDetector().read(mouth_image(PINK, half_height=2), face_with_mouth(2))
    assert reading.probability == 0.0
    assert reading.features["open_ratio"] < BaselineConfig().open_ratio_min


def test_no_face_reads_no_tongue():
    assert BaselineDetector().read(mouth_image(PINK), None).probability == 0.0


def test_blob_to_the_image_right_gives_direction_right():
    reading = BaselineDetector().read(mouth_image(DARK, blob=(25, 14)), face_with_mouth(25))
    assert reading.probability > 0.0
    assert reading.direction_label == "right"
    assert reading.direction[0] > 0.9


def test_the_baseline_fails_the_way_the_issue_says_under_dim_light():
    """Fixed HSV thresholds lose a pink tongue in dim light: why ours compares with skin."""
    det = BaselineDetector()
    bright = det.read(mouth_image(PINK), face_with_mouth(25)).probability
    dim = det.read(mouth_image(PINK, gain=0.2), face_with_mouth(25)).probability
    assert bright > 0.9 and dim < 0.1


def test_mouth_at_the_image_edge_does_not_crash():
    face = face_with_mouth(25)
    lm = face.landmarks.copy()
    lm[:, 0] += 150  # push the mouth half outside the frame
    moved = FaceObservation(lm, {}, 0.0, 0.0, 0.0, face.bbox, face.image_size)
    reading = BaselineDetector().read(mouth_image(PINK), moved)
    assert 0.0 <= reading.probability <= 1.0


@pytest.mark.parametrize("kwargs", [
    {"hue_low_max": 170}, {"sat_min": 300}, {"red_fraction_at_half": 0.0},
    {"open_ratio_min": -1.0},
])
def test_config_validation(kwargs):
    with pytest.raises(ValueError):
        BaselineConfig(**kwargs)
