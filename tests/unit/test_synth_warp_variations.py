"""Mesh warp and camera variations of the synthetic performer, on arrays made here."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tongue_mirror.synth.face_warp import delaunay, frame_anchors, warp
from tongue_mirror.synth.variations import Variation, apply_photometric


def _grid_image(w: int = 96, h: int = 80) -> np.ndarray:
    ys, xs = np.mgrid[0:h, 0:w]
    img = np.stack([xs * 2 % 256, ys * 3 % 256, (xs + ys) % 256], axis=2)
    return img.astype(np.uint8)


def _mesh(w: int = 96, h: int = 80):
    inner = np.array([[30.0, 30.0], [60.0, 28.0], [45.0, 55.0], [40.0, 40.0]])
    pts = np.concatenate([inner, frame_anchors((w, h))])
    return pts, delaunay(pts, (w, h))


@pytest.mark.parametrize("step", [1, 2])
def test_unmoved_mesh_is_identity(step):
    img = _grid_image()
    pts, tris = _mesh()
    assert len(tris) >= len(pts)
    assert np.array_equal(warp(img, pts, pts.copy(), tris, step=step), img)


@pytest.mark.parametrize("step", [1, 2])
def test_moved_point_carries_its_pixels(step):
    img = _grid_image()
    pts, tris = _mesh()
    dst = pts.copy()
    dst[3] += (4.0, 3.0)
    out = warp(img, pts, dst, tris, step=step)
    assert np.abs(out[43, 44].astype(int) - img[40, 40].astype(int)).max() <= 2
    assert not np.array_equal(out, img)
    touched = np.zeros(img.shape[:2], np.uint8)
    for tri in tris[(tris == 3).any(axis=1)]:
        for p in (pts, dst):
            cv2.fillConvexPoly(touched, np.round(p[tri]).astype(np.int32), 1)
    touched = cv2.dilate(touched, np.ones((2 * step + 1, 2 * step + 1), np.uint8))
    assert np.array_equal(out[touched == 0], img[touched == 0])  # other triangles untouched


def test_default_variation_changes_nothing():
    img = _grid_image()
    assert apply_photometric(img, Variation(), np.random.default_rng(0)) is img


def test_variations_act_as_named():
    img = np.full((40, 40, 3), 120, np.uint8)
    rng = np.random.default_rng(0)
    darker = apply_photometric(img, Variation(brightness=0.5), rng)
    warm = apply_photometric(img, Variation(temperature=1.0), rng)
    noisy = apply_photometric(img, Variation(noise=10.0), rng)
    assert darker.mean() < 70
    assert warm[..., 2].mean() > warm[..., 0].mean() + 30  # more red than blue
    assert 7.0 < noisy.astype(float).std() < 13.0


@pytest.mark.parametrize("kwargs", [{"brightness": 0.0}, {"noise": -1.0}, {"jpeg": 3},
                                    {"offset": (0.5, 0.0)}, {"scale": 3.0}])
def test_bad_variations_are_rejected(kwargs):
    with pytest.raises(ValueError):
        Variation(**kwargs)


def test_sampled_variations_are_valid_and_seeded():
    a = [Variation.sample(np.random.default_rng(s)) for s in range(20)]
    b = [Variation.sample(np.random.default_rng(s)) for s in range(20)]
    assert a == b
