"""The fast paths of mouth_features against the straightforward code they replaced.

A trained model depends on the features, so the shortcuts (bisection for masks, an exact median,
a hand-written 3×3 solve) must give the same values: here each is checked against the plain
per-pixel / numpy version it stands for, on drawn faces with jittered landmarks.
"""

from __future__ import annotations

import numpy as np
import pytest
from mouth_fixtures import face_of, make_face, render

from tongue_mirror import landmarks as lm
from tongue_mirror.core.detector import features as mf
from tongue_mirror.core.detector import mouth_patch, mouth_regions, skin_reference


def _curve(px: np.ndarray, idx: tuple[int, ...], xs: np.ndarray) -> np.ndarray:
    p = px[list(idx)]
    order = np.argsort(p[:, 0])
    return np.interp(xs, p[order, 0], p[order, 1])


def reference_masks(px: np.ndarray, cfg: mouth_patch.PatchConfig) -> dict[str, np.ndarray]:
    """The region masks pixel by pixel, as mouth_features computed them before the fast path."""
    xs = np.arange(cfg.width, dtype=np.float64) + 0.5
    ys = (np.arange(cfg.height, dtype=np.float64) + 0.5)[:, None]
    ux, uy = cfg.px_per_unit
    yu_in = _curve(px, lm.UPPER_LIP_INNER, xs)
    yl_in = _curve(px, lm.LOWER_LIP_INNER, xs)
    yu_out = _curve(px, lm.UPPER_LIP_OUTER, xs)
    yl_out = np.maximum(_curve(px, lm.LOWER_LIP_OUTER, xs), yl_in)
    xl, xr = px[lm.MOUTH_CORNER_LEFT, 0], px[lm.MOUTH_CORNER_RIGHT, 0]
    xil, xir = px[lm.INNER_CORNER_LEFT, 0], px[lm.INNER_CORNER_RIGHT, 0]
    in_mouth = (xs >= min(xl, xr)) & (xs <= max(xl, xr))
    in_inner = (xs >= min(xil, xir)) & (xs <= max(xil, xir))
    margin = 0.08 * ux
    wide = (xs >= min(xl, xr) - margin) & (xs <= max(xl, xr) + margin)
    below_end = yl_out + cfg.below_depth * uy
    top_side = min(px[lm.MOUTH_CORNER_LEFT, 1], px[lm.MOUTH_CORNER_RIGHT, 1]) - 0.08 * uy
    bot_side = max(px[lm.MOUTH_CORNER_LEFT, 1], px[lm.MOUTH_CORNER_RIGHT, 1]) + 0.18 * uy
    rows = (ys >= top_side) & (ys <= bot_side)
    sw = cfg.side_width * ux
    face = ys <= _curve(px, lm.CHIN, xs) + 0.04 * uy
    oval = px[list(lm.FACE_OVAL)]
    oval = oval[oval[:, 1] >= px[lm.NOSE_BOTTOM, 1] - 0.3 * uy]
    mid = px[lm.NOSE_BOTTOM, 0]
    for side, sign in ((oval[oval[:, 0] < mid], 1.0), (oval[oval[:, 0] >= mid], -1.0)):
        if len(side) >= 2:
            o = np.argsort(side[:, 1])
            edge = np.interp(ys[:, 0], side[o, 1], side[o, 0])[:, None]
            face = face & (sign * (xs - edge) >= 0.0)
    return {
        "open": in_inner & (ys > yu_in) & (ys < yl_in),
        "lowlip": in_mouth & (ys >= yl_in) & (ys <= yl_out),
        "below": wide & (ys > yl_out) & (ys <= below_end) & face,
        "chin": wide & (ys > below_end) & face,
        "side_l": rows & (xs < min(xl, xr)) & (xs >= min(xl, xr) - sw) & face,
        "side_r": rows & (xs > max(xl, xr)) & (xs <= max(xl, xr) + sw) & face,
        "uplip": in_mouth & (ys >= yu_out) & (ys <= yu_in),
    }


def _patch_points(pts: np.ndarray, cfg: mouth_patch.PatchConfig) -> np.ndarray:
    mc, u, v, d = mouth_patch.face_frame(pts.astype(np.float64))
    m = mouth_patch.patch_matrix(mc, u, v, d, cfg)
    return pts[:, :2].astype(np.float64) @ m[:, :2].T + m[:, 2]


@pytest.mark.parametrize("seed", range(12))
def test_region_masks_match_the_per_pixel_comparisons(seed):
    rng = np.random.default_rng(seed)
    cfg = mouth_patch.PatchConfig()
    pts = make_face(roll_deg=rng.uniform(-25, 25), scale=rng.uniform(0.5, 1.4),
                    shift=tuple(rng.uniform(-40, 40, 2)))
    pts[:, :2] += rng.normal(0.0, 1.0 + seed, pts[:, :2].shape).astype(np.float32)
    px = _patch_points(pts, cfg)
    if seed % 3 == 0:  # boundaries exactly on pixel centres: the ties of > versus ≥
        px = np.round(px - 0.5) + 0.5
    masks, yl_in = mouth_regions.region_masks(px, cfg)
    ref = reference_masks(px, cfg)
    for k, name in enumerate(mouth_regions.MASKS):
        np.testing.assert_array_equal(masks[k], ref[name], err_msg=name)
    np.testing.assert_array_equal(yl_in, _curve(px, lm.LOWER_LIP_INNER, mouth_patch.patch_grid(cfg).xs))


def test_region_masks_are_empty_where_a_boundary_is_nan():
    cfg = mouth_patch.PatchConfig()
    px = _patch_points(make_face(), cfg)
    px[list(lm.LOWER_LIP_INNER)] = np.nan
    masks, _ = mouth_regions.region_masks(px, cfg)
    ref = reference_masks(px, cfg)
    for k, name in enumerate(mouth_regions.MASKS):
        np.testing.assert_array_equal(masks[k], ref[name], err_msg=name)


@pytest.mark.parametrize("n", [1, 2, 3, 36, 72, 73, 250])
def test_median_rows_is_numpys_median(n):
    x = np.random.default_rng(n).normal(30.0, 20.0, (n, 3)).astype(np.float32)
    x[: n // 3, 1] = x[0, 1]  # ties
    got = skin_reference.median_rows(x)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.median(x, axis=0))


def test_solve3_matches_numpy_and_reports_singular_systems():
    rng = np.random.default_rng(0)
    for _ in range(200):
        a = rng.normal(size=(3, 3))
        b = rng.normal(size=3)
        got = mf._solve3([[*a[i], b[i]] for i in range(3)])
        np.testing.assert_allclose(got, np.linalg.solve(a, b), rtol=1e-9, atol=1e-12)
    assert mf._solve3([[1.0, 2.0, 3.0, 1.0], [2.0, 4.0, 6.0, 2.0], [0.0, 0.0, 0.0, 1.0]]) is None


def test_face_frame_keeps_its_array_interface():
    pts = make_face(roll_deg=10.0)
    mc, u, v, d = mouth_patch.face_frame(pts)
    assert mc.shape == u.shape == v.shape == (2,)
    assert u @ v == pytest.approx(0.0, abs=1e-12)
    assert np.hypot(*u) == pytest.approx(1.0)
    assert d > 0


def test_extract_on_gray_and_partly_outside_frames_stays_finite_and_consistent():
    pts = make_face()
    img = render(pts, True)
    face = face_of(pts)
    full = mf.extract(img, face)
    gray = mf.extract(img[..., 1].copy(), face)
    cut = mf.extract(img[:260].copy(), face)  # the frame ends just below the mouth
    for f in (full, gray, cut):
        assert f.vector.shape == (len(mf.FEATURE_NAMES),)
        assert np.isfinite(f.vector).all()
        assert f.patch.shape == (64, 64, 3)
    # Same landmarks, same geometry features whatever the pixels.
    geo = [mf.FEATURE_NAMES.index(n) for n in ("open_h", "mouth_w", "lowlip_resid")]
    np.testing.assert_array_equal(full.vector[geo], cut.vector[geo])
