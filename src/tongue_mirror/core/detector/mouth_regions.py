"""The mouth's regions as pixel masks of the canonical patch, from the lip and jaw landmarks."""

from __future__ import annotations

import numpy as np

from tongue_mirror import landmarks as lm
from tongue_mirror.core.detector.mouth_patch import (
    PatchConfig,
    centre_span,
    landmark_index,
    patch_grid,
)

# The regions whose statistics make the feature vector, in its order.
REGIONS = ("open", "lowlip", "below", "chin", "side_l", "side_r")
_CHIN = landmark_index(lm.CHIN)
# The four lip contours (11 landmarks each) in the order region_masks' boundary curves take.
_LIPS = landmark_index(lm.UPPER_LIP_INNER + lm.LOWER_LIP_INNER + lm.UPPER_LIP_OUTER + lm.LOWER_LIP_OUTER)
_OVAL = landmark_index(lm.FACE_OVAL)
_FOUR = landmark_index((0, 1, 2, 3))[:, None]
MASKS = (*REGIONS, "uplip")  # order of the planes of region_masks' stack


def _curve(px: np.ndarray, idx: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """A lip contour as y(x) over the patch columns (clamped beyond its ends)."""
    p = px[idx]
    order = np.argsort(p[:, 0])
    return np.interp(xs, p[order, 0], p[order, 1])


def region_masks(px: np.ndarray, cfg: PatchConfig) -> tuple[np.ndarray, np.ndarray]:
    """Boolean (7, H, W) stack of the region masks in MASKS order, from the landmarks in patch
    coordinates, and the inner lower-lip curve y(x) over the columns.

    Every region is a range of rows in a range of columns (the face's outline aside), so the masks
    come from bisecting the boundaries in the pixel centres and two comparisons over the whole
    stack: the same comparisons as testing each pixel, with a tenth of the numpy calls.
    """
    g = patch_grid(cfg)
    xs, ys = g.xs, g.ys
    ux, uy = cfg.px_per_unit
    # Boundary curves y(x): 0 upper lip inner, 1 lower lip inner, 2 upper lip outer, 3 lower lip
    # outer (never above the inner one), 4 end of the "below" band, 5 the jaw line.
    curves = np.empty((6, len(xs)))
    lips = px[_LIPS].reshape(4, -1, 2)
    lips = lips[_FOUR, np.argsort(lips[..., 0], axis=1)]  # each contour by x
    for k in range(4):
        curves[k] = np.interp(xs, lips[k, :, 0], lips[k, :, 1])
    np.maximum(curves[3], curves[1], out=curves[3])
    np.add(curves[3], cfg.below_depth * uy, out=curves[4])
    # Never below the jaw line nor beyond the cheek outline: a pink shirt, a red scarf or the
    # background beside a turned head is not a tongue.
    np.add(_curve(px, _CHIN, xs), 0.04 * uy, out=curves[5])
    # Per column, the first row with y > t (searchsorted right) or y ≥ t (left); the same indices
    # end the rows with y ≤ t and y < t, except that NaN sorts last and must end them at once.
    after = np.searchsorted(ys, curves, side="right").astype(np.int16)
    from_ = np.searchsorted(ys, curves, side="left").astype(np.int16)
    after_end, from_end = after, from_
    nan = np.isnan(curves)
    if nan.any():
        after_end, from_end = np.where(nan, 0, after), np.where(nan, 0, from_)
    jaw_end = after_end[5]

    (xl, yl), (xr, yr) = px[[lm.MOUTH_CORNER_LEFT, lm.MOUTH_CORNER_RIGHT]].tolist()
    xil, xir = px[[lm.INNER_CORNER_LEFT, lm.INNER_CORNER_RIGHT], 0].tolist()
    cx, cy = g.x_centres, g.y_centres
    left, right = min(xl, xr), max(xl, xr)
    margin = 0.08 * ux
    sw = cfg.side_width * ux
    in_mouth = centre_span(cx, left, right)
    in_inner = centre_span(cx, min(xil, xir), max(xil, xir))
    wide = centre_span(cx, left - margin, right + margin)
    side_rows = centre_span(cy, min(yl, yr) - 0.08 * uy, max(yl, yr) + 0.18 * uy)

    start = np.empty((len(MASKS), len(xs)), np.int16)
    end = np.zeros_like(start)  # 0 outside each region's columns
    start[0], end[0, in_inner] = after[0], from_end[1, in_inner]  # open: yu_in < y < yl_in
    start[1], end[1, in_mouth] = from_[1], after_end[3, in_mouth]  # lowlip: yl_in ≤ y ≤ yl_out
    # below: yl_out < y ≤ below_end; chin: below_end < y; sides: beside the corners; all four
    # above the jaw.
    start[2], end[2, wide] = after[3], np.minimum(after_end[4, wide], jaw_end[wide])
    start[3], end[3, wide] = after[4], jaw_end[wide]
    start[4:6] = side_rows.start
    for k, cols in ((4, centre_span(cx, left - sw, left, hi_strict=True)),
                    (5, centre_span(cx, right, right + sw, lo_strict=True))):
        end[k, cols] = np.minimum(jaw_end[cols], side_rows.stop)
    start[6], end[6, in_mouth] = from_[2], after_end[0, in_mouth]  # uplip: yu_out ≤ y ≤ yu_in
    masks = (g.rows >= start[:, None, :]) & (g.rows < end[:, None, :])

    oval = px[_OVAL]
    oval = oval[oval[:, 1] >= px[lm.NOSE_BOTTOM, 1] - 0.3 * uy]  # cheekbone to chin only
    mid = px[lm.NOSE_BOTTOM, 0]
    outline = None
    for side, x_side in (("left", oval[oval[:, 0] < mid]), ("right", oval[oval[:, 0] >= mid])):
        if len(x_side) < 2:
            continue
        o = np.argsort(x_side[:, 1])
        edge = np.interp(ys, x_side[o, 1], x_side[o, 0])
        if side == "left":  # x ≥ the left outline
            inside = g.cols >= np.searchsorted(xs, edge, side="left").astype(np.int16)[:, None]
        else:  # x ≤ the right outline
            stop = np.where(np.isnan(edge), 0, np.searchsorted(xs, edge, side="right"))
            inside = g.cols < stop.astype(np.int16)[:, None]
        outline = inside if outline is None else outline & inside
    if outline is not None:
        masks[2:6] &= outline
    return masks, curves[1]
