"""Eval's per-frame decisions as a CSV, so any scorer can recompute the figures from them."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TextIO

from tongue_mirror.errors import UserError
from tongue_mirror.evaluation.report import IMAGE_THRESHOLD
from tongue_mirror.evaluation.runner import ImageResult, VideoResult

COLUMNS = ("path", "frame_idx", "t_s", "is_out", "score")


def open_predictions(path: Path) -> TextIO:
    """The output file, opened before any work so a bad path costs no minutes of scoring."""
    if path.is_dir():
        raise UserError(f"--predictions {path} is a folder, expected a file name")
    try:
        return path.open("w", newline="", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write --predictions {path}: {exc.strerror or exc}") from None


def write_predictions(fh: TextIO, images: list[ImageResult], videos: list[VideoResult],
                      threshold: float = IMAGE_THRESHOLD) -> int:
    """One row per scored photo (frame 0, decision = score >= threshold) and per clip frame
    (decision = the gesture tracker's state); paths as the manifest lists them. Returns rows."""
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = 0
    for r in images:
        if r.reading is None:
            continue  # unreadable: not scored (listed under ERRORS)
        p = r.reading.probability
        writer.writerow((r.item.name, 0, "0.000000", int(p >= threshold), repr(float(p))))
        rows += 1
    for v in videos:
        for i, t, out, p in zip(v.index.tolist(), v.t.tolist(), v.is_out.tolist(),
                                v.probability.tolist(), strict=True):
            writer.writerow((v.item.name, i, f"{t:.6f}", int(out), repr(float(p))))
            rows += 1
    return rows
