"""Pins `features.extract` on the bundled sample frames: the shipped trees read exact features.

The golden file holds, for a few frames of each committed sample clip, the face MediaPipe saw
(landmarks, blendshapes, pose) and the feature vector, extension and direction `extract` gave.
The test re-decodes the frames and re-runs `extract` on the stored faces, so it checks the feature
code alone, independent of the landmarker's float noise. Regenerate only on purpose, when the
features change and the detector is retrained: `python tests/unit/test_feature_regression.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from tongue_mirror.core.detector.features import FEATURE_NAMES, extract
from tongue_mirror.io.assets import asset_path
from tongue_mirror.io.video_file import VideoFileSource
from tongue_mirror.values import FaceObservation, Frame

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "mouth_features.npz"
CLIPS = ("samples/astronaut_tongue.mp4", "samples/hopper_tongue.mp4")
EVERY = 9  # frames apart: neutral, opening and tongue-out frames of each clip


def _frames(clip: str) -> list[Frame]:
    with VideoFileSource(asset_path(clip)) as source:
        return [f for f in source if f.index % EVERY == 0]


def _face(golden: dict[str, np.ndarray], i: int) -> FaceObservation:
    names = [str(n) for n in golden["bs_names"]]
    return FaceObservation(
        landmarks=golden["landmarks"][i],
        blendshapes=dict(zip(names, (float(v) for v in golden["blendshapes"][i]), strict=True)),
        yaw=float(golden["pose"][i, 0]), pitch=float(golden["pose"][i, 1]),
        roll=float(golden["pose"][i, 2]), bbox=tuple(float(v) for v in golden["bbox"][i]),
        image_size=(int(golden["size"][i, 0]), int(golden["size"][i, 1])))


def _generate() -> None:
    from tongue_mirror.io.face_tracker import FaceTracker

    rows: dict[str, list[np.ndarray]] = {k: [] for k in (
        "clip", "index", "landmarks", "blendshapes", "pose", "bbox", "size",
        "vector", "extension", "direction")}
    bs_names: list[str] | None = None
    for clip in CLIPS:
        with FaceTracker() as tracker:
            for frame in _frames(clip):
                face = tracker.track(frame)
                if face is None:
                    continue
                bs_names = bs_names or sorted(face.blendshapes)
                feats = extract(frame.image, face)
                rows["clip"].append(np.array(clip))
                rows["index"].append(np.array(frame.index))
                rows["landmarks"].append(face.landmarks)
                rows["blendshapes"].append(np.array([face.blendshapes[n] for n in bs_names]))
                rows["pose"].append(np.array([face.yaw, face.pitch, face.roll]))
                rows["bbox"].append(np.array(face.bbox))
                rows["size"].append(np.array(face.image_size))
                rows["vector"].append(feats.vector)
                rows["extension"].append(np.array(feats.extension))
                rows["direction"].append(np.array(feats.direction or (np.nan, np.nan)))
    np.savez_compressed(GOLDEN, bs_names=np.array(bs_names), feature_names=np.array(FEATURE_NAMES),
                        **{k: np.stack(v) for k, v in rows.items()})
    print(f"wrote {GOLDEN} ({len(rows['index'])} frames)")


@pytest.fixture(scope="module")
def golden() -> dict[str, np.ndarray]:
    with np.load(GOLDEN) as data:
        return {k: data[k] for k in data.files}


def test_feature_names_are_the_pinned_ones(golden):
    assert tuple(str(n) for n in golden["feature_names"]) == FEATURE_NAMES


# CPU drift, of two kinds. Float rounding in OpenCV's SIMD colour conversion moves a value by about
# 1e-4 of itself or less (an AVX-512 CPU: open_lstd of astronaut frame 162 by 1.52e-5, i.e. 4e-5 of
# that feature's range in these frames); the tight per-element tolerance, scaled by the feature's
# range (a sliver region's lstd amplifies rounding, so its own value is the wrong yardstick), takes
# it with a 7x margin. And a SIMD warp may round the odd uint8 pixel the other way: OpenCV's scalar
# paths (cv2.setUseOptimized(False)) flip 16 pixels in the 42 patches, which moves 9 elements past
# the tight tolerance, none by more than 1.3% of its range; DRIFT_BUDGET and LOOSE take those.
# Real changes move far more: not_dark 0.55 -> 0.56 moves 528 elements past the tight tolerance,
# up to half a feature's range; pink hue -12 -> -12.5 moves 115, up to its whole range;
# PRIOR_PIXELS 15 -> 15.1 moves 560, each by under 0.3% of its range, so only the count catches it.
TIGHT_OF_RANGE, TIGHT_OF_VALUE = 3e-4, 1e-4
LOOSE_OF_RANGE, LOOSE_FLOOR = 0.05, 0.01
DRIFT_BUDGET = 0.01  # of all pinned elements may sit between the tight and the loose tolerance


def test_extract_gives_the_pinned_features_on_the_sample_frames(golden):
    frames = {(clip, f.index): f for clip in CLIPS for f in _frames(clip)}
    assert len(golden["index"]) >= 8
    got, extension, direction = [], [], []
    for i in range(len(golden["index"])):
        frame = frames[(str(golden["clip"][i]), int(golden["index"][i]))]
        feats = extract(frame.image, _face(golden, i))
        got.append(feats.vector)
        extension.append(feats.extension)
        direction.append(feats.direction or (np.nan, np.nan))
    pinned = golden["vector"].astype(np.float64)
    off = np.abs(np.array(got, np.float64) - pinned)
    span = np.abs(pinned).max(axis=0)  # each feature's range over the pinned frames
    tight = TIGHT_OF_RANGE * span + TIGHT_OF_VALUE * np.abs(pinned) + 1e-6
    loose = LOOSE_OF_RANGE * span + LOOSE_FLOOR
    where = [f"{golden['clip'][i]} frame {golden['index'][i]} {FEATURE_NAMES[j]}: "
             f"{pinned[i, j]:.6g} -> {pinned[i, j] + off[i, j]:.6g}"
             for i, j in zip(*np.nonzero(off > tight), strict=True)]
    assert not (off > loose).any(), "features moved beyond drift:\n" + "\n".join(where[:20])
    assert len(where) <= DRIFT_BUDGET * off.size, (
        f"{len(where)} of {off.size} features moved:\n" + "\n".join(where[:20]))
    # The reach is a percentile of pixel positions (drift leaves it alone), the direction a
    # weighted mean (a flipped pixel turned it by 0.002 with the scalar paths).
    np.testing.assert_allclose(extension, golden["extension"], atol=0.01)
    np.testing.assert_allclose(np.array(direction), golden["direction"], atol=0.01)


def test_the_pinned_frames_include_a_tongue_out(golden):
    """Otherwise the pin would only cover resting mouths."""
    assert float(np.max(golden["extension"])) > 0.8
    assert float(np.min(golden["extension"])) < 0.15


if __name__ == "__main__":
    sys.exit(_generate())
