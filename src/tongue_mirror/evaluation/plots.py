"""Pictures of an evaluation: a timeline per labelled clip and the photo ROC curve."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from tongue_mirror.core.gesture import TONGUE_OUT_START, GestureConfig
from tongue_mirror.evaluation.metrics import roc_auc, roc_curve
from tongue_mirror.evaluation.runner import ImageResult, VideoResult

if TYPE_CHECKING:  # matplotlib is imported only when plots are asked for
    from matplotlib.figure import Figure


def _pyplot() -> ModuleType:
    """Matplotlib with the file-only backend, imported only when plots are asked for."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).stem)


def plot_timeline(result: VideoResult, path: Path, gesture: GestureConfig | None = None) -> Path:
    """Probability against labelled intervals; below it, labels and tracker state as bars."""
    plt = _pyplot()
    fig, (ax, bars) = plt.subplots(2, 1, figsize=(12, 4.2), dpi=100, sharex=True,
                                   gridspec_kw={"height_ratios": [5, 1.2]})
    try:
        frame_s = 1.0 / result.fps if result.fps else 0.0
        t = result.t
        for iv in result.item.intervals:
            kw = {"color": "tab:green", "alpha": 0.2} if iv.sure else {"color": "0.6", "alpha": 0.5}
            label = "labelled out (sure)" if iv.sure else "ambiguous"
            ax.axvspan(iv.start_s, iv.end_s + frame_s, lw=0, label=label, **kw)
            bars.broken_barh([(iv.start_s, iv.end_s - iv.start_s + frame_s)], (1.1, 0.8), **kw)
        ax.plot(t, result.probability, color="tab:blue", lw=0.9, label="probability")
        if not np.allclose(result.smoothed, result.probability):
            ax.plot(t, result.smoothed, color="navy", lw=1.2, label="smoothed")
        if gesture is not None:
            ax.axhline(gesture.on_threshold, color="tab:red", ls="--", lw=0.8, label="on / off")
            ax.axhline(gesture.off_threshold, color="tab:red", ls=":", lw=0.8)
        no_face = ~result.face_found
        if no_face.any():
            ax.plot(t[no_face], np.full(no_face.sum(), -0.04), "|", color="k", ms=6,
                    label="no face")
        out = result.is_out
        if out.any():
            edges = np.flatnonzero(np.diff(np.r_[0, out.astype(np.int8), 0]))
            spans = [(t[a], (t[b - 1] - t[a]) + frame_s) for a, b in zip(edges[::2], edges[1::2],
                                                                         strict=True)]
            bars.broken_barh(spans, (0.1, 0.8), color="tab:orange")
        for e in result.events:
            colour = "tab:red" if e.event == TONGUE_OUT_START else "tab:purple"
            ax.axvline(e.t, color=colour, lw=1.0, alpha=0.8)
        ax.set_ylim(-0.08, 1.05)
        ax.set_ylabel("P(tongue out)")
        ax.set_title(f"{result.item.name}  (red line = tongue_out_start emitted, "
                     "purple = end)", fontsize=10)
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles, strict=True))
        ax.legend(unique.values(), unique.keys(), loc="upper left", fontsize=7, ncol=5)
        bars.set_ylim(0, 2)
        bars.set_yticks([0.5, 1.5], ["state", "label"])
        bars.set_xlim(0, max(float(t[-1]) if len(t) else 1.0, 1e-3))
        bars.set_xlabel("time (s)")
        _save(fig, path)
    finally:
        plt.close(fig)
    return path


def _save(fig: Figure, path: Path) -> None:
    """Lays the figure out and writes it, making its folder."""
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def plot_roc(results: list[ImageResult], path: Path, title: str = "photos") -> Path | None:
    """ROC curve of photo probabilities; None when one class is missing."""
    scored = [r for r in results if r.reading is not None]
    y = np.array([r.item.tongue_out for r in scored], dtype=bool)
    s = np.array([r.reading.probability for r in scored if r.reading is not None],
                 dtype=np.float64)
    if y.all() or not y.any():
        return None
    plt = _pyplot()
    fpr, tpr, _ = roc_curve(y, s)
    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    try:
        ax.plot(fpr, tpr, color="tab:blue", lw=1.5, label=f"AUC {roc_auc(y, s):.3f}")
        ax.plot([0, 1], [0, 1], color="0.6", ls="--", lw=0.8)
        ax.set_xlabel("false-positive rate")
        ax.set_ylabel("true-positive rate")
        ax.set_title(f"ROC, {title} ({int(y.sum())} out / {int((~y).sum())} not)", fontsize=10)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.01)
        ax.legend(loc="lower right")
        _save(fig, path)
    finally:
        plt.close(fig)
    return path


def write_plots(images: list[ImageResult], videos: list[VideoResult], folder: Path,
                gesture: GestureConfig | None = None) -> list[Path]:
    """ROC of the photos, a timeline per labelled clip and per negative clip that fired."""
    written = []
    roc = plot_roc(images, folder / "roc_images.png")
    if roc is not None:
        written.append(roc)
    for r in videos:
        if r.n_frames and (r.item.mixed or r.starts):
            written.append(plot_timeline(r, folder / f"timeline_{_safe_name(r.item.name)}.png",
                                         gesture))
    return written
