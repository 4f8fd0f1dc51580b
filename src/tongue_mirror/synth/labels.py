"""Tongue-out intervals of a synthetic clip in the dev data's CSV format (exact by construction)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from tongue_mirror.errors import UserError

HEADER = ("start_s", "end_s", "start_frame", "end_frame", "confidence")


def intervals(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """Inclusive (first, last) frame of every run of True."""
    runs = []
    start = None
    for i, f in enumerate(flags):
        if f and start is None:
            start = i
        elif not f and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(flags) - 1))
    return runs


def labels_path(video: str | Path) -> Path:
    """The sibling labels file of a clip: OUT.mp4 -> OUT.labels.csv."""
    video = Path(video)
    return video.with_name(video.stem + ".labels.csv")


def write_labels(path: str | Path, flags: Sequence[bool], fps: float) -> list[tuple[int, int]]:
    """Writes one `sure` row per tongue-out run; times are frame / fps (presentation times)."""
    runs = intervals(flags)
    try:
        with Path(path).open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADER)
            for a, b in runs:
                w.writerow([f"{a / fps:.4f}", f"{b / fps:.4f}", a, b, "sure"])
    except OSError as exc:
        raise UserError(f"cannot write labels {path}: {exc.strerror or exc}") from None
    return runs


def read_labels(path: str | Path) -> list[tuple[int, int]]:
    """(first, last) frames of the `sure` rows of a labels CSV."""
    with Path(path).open(newline="") as fh:
        return [(int(r["start_frame"]), int(r["end_frame"])) for r in csv.DictReader(fh)
                if r["confidence"] == "sure"]
