"""Per-frame cost of the tongue detector at 640×480, without the landmarker, and the landmarker's.

    PYTHONPATH=src python benchmarks/detector_cost.py [--frames 300]

Runs on skimage's astronaut scaled into a 640×480 frame with small per-frame jitter (so nothing is
cached between frames); prints median and 95th percentile milliseconds. The mouth-patch CNN
(core/detector/cnn.py: skin colour, input preparation and forward pass on the patch the features
already warp) is timed beside it, with the shipped weights where there are some, else random ones
of the same shape (the cost does not depend on the values).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np


def frame_640x480() -> np.ndarray:
    """The astronaut (public domain) letterboxed into a 640×480 BGR frame."""
    from skimage import data

    img = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    img = cv2.resize(img, (480, 480), interpolation=cv2.INTER_AREA)
    out = np.zeros((480, 640, 3), np.uint8)
    out[:, 80:560] = img
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=300)
    args = ap.parse_args()

    from tongue_mirror.core.detector import cnn
    from tongue_mirror.core.detector.mouth_patch import PatchConfig, face_frame
    from tongue_mirror.core.detector.skin_reference import cheek_lab
    from tongue_mirror.io.detector_files import load_cnn, load_detector
    from tongue_mirror.io.face_tracker import FaceTracker
    from tongue_mirror.values import Frame

    base = frame_640x480()
    rng = np.random.default_rng(0)
    detector = load_detector()
    weights = Path(__file__).resolve().parents[1] / "assets" / "detector" / "cnn.npz"
    net = load_cnn(weights) if weights.is_file() else cnn.random_weights(0)
    cfg = PatchConfig()
    lm_ms, det_ms, feat_ms, cnn_ms = [], [], [], []
    with FaceTracker() as tracker:
        for i in range(args.frames):
            img = np.clip(base.astype(np.int16) + rng.integers(-3, 4, base.shape), 0, 255)
            img = img.astype(np.uint8)
            t0 = time.perf_counter()
            face = tracker.track(Frame(img, i / 30.0, i))
            t1 = time.perf_counter()
            if face is None:
                continue
            reading = detector.read(img, face)
            t2 = time.perf_counter()
            feats = detector.features(img, face)
            t3 = time.perf_counter()
            pts = np.asarray(face.landmarks, dtype=np.float64)
            net.read(feats.patch, cheek_lab(img, pts, face_frame(pts)[3], cfg))
            t4 = time.perf_counter()
            cnn_ms.append((t4 - t3) * 1e3)
            lm_ms.append((t1 - t0) * 1e3)
            det_ms.append((t2 - t1) * 1e3)
            feat_ms.append((t3 - t2) * 1e3)
    if not det_ms:
        print("no face found: nothing measured")
        return 1
    print(f"frames with a face: {len(det_ms)}/{args.frames} (640x480); "
          f"last p={reading.probability:.3f}")
    print(f"{'stage':34s} {'median ms':>10s} {'p95 ms':>8s}")
    for name, xs in (("detector.read (features + model)", det_ms),
                     ("  of which feature extraction", feat_ms),
                     ("CNN on the patch (skin+prep+fwd)", cnn_ms),
                     ("landmarker (FaceTracker.track)", lm_ms)):
        print(f"{name:34s} {np.median(xs):10.3f} {np.percentile(xs, 95):8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
