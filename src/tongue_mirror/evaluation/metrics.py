"""Scoring as pure functions on plain arrays, so every figure in the report is testable by hand."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Bools = Sequence[bool] | np.ndarray  # lists or numpy arrays, as the callers have them
Floats = Sequence[float] | np.ndarray

NAN = float("nan")


@dataclass(frozen=True)
class Counts:
    """A 2×2 confusion of binary decisions."""

    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    @property
    def n(self) -> int:
        """Number of scored items."""
        return self.tp + self.fp + self.tn + self.fn

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.tn + other.tn,
                      self.fn + other.fn)


@dataclass(frozen=True)
class PRF:
    """Precision, recall, F1; NaN where undefined (e.g. no positives at all)."""

    precision: float
    recall: float
    f1: float


def binary_counts(y_true: Bools, y_pred: Bools) -> Counts:
    """Counts true/false positives/negatives."""
    t = np.asarray(y_true, dtype=bool)
    p = np.asarray(y_pred, dtype=bool)
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred differ in shape: {t.shape} vs {p.shape}")
    return Counts(tp=int(np.sum(t & p)), fp=int(np.sum(~t & p)), tn=int(np.sum(~t & ~p)),
                  fn=int(np.sum(t & ~p)))


def _ratio(num: int, den: int) -> float:
    return num / den if den else NAN


def precision_recall_f1(counts: Counts) -> PRF:
    """P/R/F1; NaN precision without predicted positives, NaN recall without positives."""
    precision = _ratio(counts.tp, counts.tp + counts.fp)
    recall = _ratio(counts.tp, counts.tp + counts.fn)
    if counts.tp + counts.fp + counts.fn == 0:
        f1 = NAN
    else:
        f1 = 2 * counts.tp / (2 * counts.tp + counts.fp + counts.fn)
    return PRF(precision, recall, f1)


def average_ranks(values: Floats) -> np.ndarray:
    """1-based ranks, ties sharing the mean of the ranks they span."""
    x = np.asarray(values, dtype=np.float64)
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    ranks = np.empty(len(x), dtype=np.float64)
    # Boundaries of runs of equal values in the sorted array.
    starts = np.flatnonzero(np.r_[True, sorted_x[1:] != sorted_x[:-1]])
    ends = np.r_[starts[1:], len(x)]
    mean_rank = (starts + ends + 1) / 2.0  # mean of (start+1 .. end)
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def roc_auc(y_true: Bools, scores: Floats) -> float:
    """Area under the ROC curve by the rank-sum (Mann–Whitney) formula; ties count one half."""
    t = np.asarray(y_true, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    if t.shape != s.shape:
        raise ValueError("y_true and scores differ in shape")
    n_pos = int(t.sum())
    n_neg = len(t) - n_pos
    if n_pos == 0 or n_neg == 0:
        return NAN
    ranks = average_ranks(s)
    return float((ranks[t].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def roc_curve(y_true: Bools, scores: Floats
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """False- and true-positive rates at every distinct score threshold (predict >= threshold)."""
    t = np.asarray(y_true, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-s, kind="mergesort")
    s_sorted, t_sorted = s[order], t[order]
    last_of_run = np.r_[s_sorted[1:] != s_sorted[:-1], True] if len(s) else np.array([], bool)
    tp = np.cumsum(t_sorted)[last_of_run]
    fp = np.cumsum(~t_sorted)[last_of_run]
    n_pos, n_neg = max(int(t.sum()), 1), max(int((~t).sum()), 1)
    fpr = np.r_[0.0, fp / n_neg]
    tpr = np.r_[0.0, tp / n_pos]
    thresholds = np.r_[np.inf, s_sorted[last_of_run]]
    return fpr, tpr, thresholds


def confusion_table(true_labels: Sequence[str | None], pred_labels: Sequence[str | None],
                    labels: Sequence[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Rows = true label, columns = predicted label plus a final "none" column for no prediction."""
    cols = (*labels, "none")
    index = {name: i for i, name in enumerate(labels)}
    table = np.zeros((len(labels), len(cols)), dtype=np.int64)
    for truth, pred in zip(true_labels, pred_labels, strict=True):
        if truth not in index:
            raise ValueError(f"unknown true label {truth!r}")
        j = index.get(pred, len(labels)) if pred is not None else len(labels)
        table[index[truth], j] += 1
    return cols, table


def accuracy(true_labels: Sequence[str | None], pred_labels: Sequence[str | None]) -> float:
    """Share of exact matches; a missing prediction counts as wrong."""
    if len(true_labels) == 0:
        return NAN
    hits = sum(1 for a, b in zip(true_labels, pred_labels, strict=True) if a == b)
    return hits / len(true_labels)


def frame_counts(truth: Sequence[bool | None], pred: Sequence[bool]) -> tuple[Counts, int]:
    """Frame-level counts with ambiguous (None) frames left out, and how many were left out."""
    if len(truth) != len(pred):
        raise ValueError(f"{len(truth)} truth frames vs {len(pred)} predicted")
    keep = [i for i, v in enumerate(truth) if v is not None]
    counts = binary_counts([bool(truth[i]) for i in keep], [bool(pred[i]) for i in keep])
    return counts, len(truth) - len(keep)


@dataclass(frozen=True)
class LabelledInterval:
    """A sure tongue-out interval: inclusive frames and presentation times."""

    start_s: float
    end_s: float
    start_frame: int
    end_frame: int


@dataclass(frozen=True)
class EventMatch:
    """Which start events hit which intervals, and the latency of each hit."""

    hits: tuple[tuple[LabelledInterval, float, int], ...]  # (interval, event t, event frame)
    missed: tuple[LabelledInterval, ...]
    false_events: tuple[tuple[float, int], ...]  # (t, frame) starts outside every interval
    duplicate_events: tuple[tuple[float, int], ...]  # extra starts inside an already-hit interval
    ambiguous_events: tuple[tuple[float, int], ...] = ()  # starts only in ambiguous stretches

    @property
    def latencies_s(self) -> np.ndarray:
        """Emitted start minus labelled start, seconds, one per hit."""
        return np.array([t - iv.start_s for iv, t, _ in self.hits], dtype=np.float64)

    @property
    def latencies_frames(self) -> np.ndarray:
        """Emitted start frame minus labelled start frame, one per hit."""
        return np.array([f - iv.start_frame for iv, _, f in self.hits], dtype=np.float64)


def _window(iv: LabelledInterval, ambiguous: Sequence[LabelledInterval],
            tolerance_s: float) -> tuple[float, float]:
    """Times at which a start counts for `iv`: widened over an ambiguous lead-in that touches it."""
    start = iv.start_s
    for a in sorted(ambiguous, key=lambda a: -a.start_frame):
        if a.start_frame < iv.start_frame and a.end_frame >= iv.start_frame - 1:
            start = min(start, a.start_s)
    return start - tolerance_s, iv.end_s + tolerance_s


def match_events(starts: Sequence[tuple[float, int]], intervals: Sequence[LabelledInterval],
                 tolerance_s: float = 0.2,
                 ambiguous: Sequence[LabelledInterval] = ()) -> EventMatch:
    """Matches start events (t, frame) to sure intervals.

    A start hits an interval when it falls inside [start_s - tolerance, end_s + tolerance], the
    start widened over an ambiguous stretch that leads straight into it; the earliest such start is
    the hit (its time gives the latency), later ones in an already-hit window are duplicates
    (flicker). Starts in no window are false events, unless they fall in an ambiguous stretch,
    which counts neither way.
    """
    if tolerance_s < 0:
        raise ValueError("tolerance_s must be >= 0")
    ordered = sorted(intervals, key=lambda iv: iv.start_s)
    windows = [_window(iv, ambiguous, tolerance_s) for iv in ordered]
    hit: dict[int, tuple[float, int]] = {}
    false_events: list[tuple[float, int]] = []
    duplicates: list[tuple[float, int]] = []
    unsure: list[tuple[float, int]] = []
    for t, frame in sorted(starts):
        inside = [i for i, (lo, hi) in enumerate(windows) if lo <= t <= hi]
        free = [i for i in inside if i not in hit]
        if free:
            hit[free[0]] = (t, frame)
        elif inside:
            duplicates.append((t, frame))
        elif any(a.start_s - tolerance_s <= t <= a.end_s + tolerance_s for a in ambiguous):
            unsure.append((t, frame))
        else:
            false_events.append((t, frame))
    return EventMatch(
        hits=tuple((ordered[i], *hit[i]) for i in sorted(hit)),
        missed=tuple(iv for i, iv in enumerate(ordered) if i not in hit),
        false_events=tuple(false_events),
        duplicate_events=tuple(duplicates),
        ambiguous_events=tuple(unsure),
    )


def median_and_p90(values: Floats) -> tuple[float, float]:
    """Median and 90th percentile (linear interpolation); NaN for no values."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return NAN, NAN
    return float(np.median(v)), float(np.percentile(v, 90))


def per_minute(count: int, seconds: float) -> float:
    """A count as a rate per minute of footage; NaN for no footage."""
    return count / (seconds / 60.0) if seconds > 0 else NAN


def bootstrap_ci(statistic: Callable[..., float], *arrays: Sequence[Any] | np.ndarray,
                 n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0
                 ) -> tuple[float, float]:
    """Percentile bootstrap interval of `statistic(*arrays)`, resampling rows of all arrays jointly.

    Resamples where the statistic is undefined (NaN, e.g. no positives drawn) are dropped.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be in (0, 1)")
    cols = [np.asarray(a) for a in arrays]
    if not cols or len({len(c) for c in cols}) != 1:
        raise ValueError("bootstrap_ci needs one or more arrays of equal length")
    n = len(cols[0])
    if n == 0:
        return NAN, NAN
    rng = np.random.default_rng(seed)
    stats = []
    for _ in range(n_resamples):
        idx = rng.integers(0, n, n)
        value = statistic(*(c[idx] for c in cols))
        if value is not None and math.isfinite(value):
            stats.append(value)
    if not stats:
        return NAN, NAN
    lo = (1.0 - confidence) / 2.0
    return float(np.quantile(stats, lo)), float(np.quantile(stats, 1.0 - lo))


def f1_of(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """F1 of two boolean arrays: a ready-made statistic for bootstrap_ci."""
    return precision_recall_f1(binary_counts(y_true, y_pred)).f1


def f1_score(y_true: Sequence[int] | np.ndarray, y_pred: Sequence[int] | np.ndarray
             ) -> tuple[float, int, int, int]:
    """F1 with its tp, fp, fn, for tables that show the counts (training's held-out rows)."""
    counts = binary_counts(np.asarray(y_true) == 1, np.asarray(y_pred) == 1)
    return precision_recall_f1(counts).f1, counts.tp, counts.fp, counts.fn
