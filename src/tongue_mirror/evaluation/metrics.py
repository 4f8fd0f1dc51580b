"""Scoring as pure functions on plain arrays, so every figure in the report is testable by hand."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
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
    draws = (rng.integers(0, n, n) for _ in range(n_resamples))
    return _percentile_ci((statistic(*(c[idx] for c in cols)) for idx in draws), confidence)


def _percentile_ci(values: Iterable[float | None], confidence: float) -> tuple[float, float]:
    """The central `confidence` interval of the defined values (NaN, NaN if none is)."""
    stats = [v for v in values if v is not None and math.isfinite(v)]
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


# ---------------------------------------------------------------- frame F1 with a collar

MIN_COLLAR_S = 0.1  # the collar is one frame period, but never less than this


def collar_s(fps: float, min_collar_s: float = MIN_COLLAR_S) -> float:
    """How far from a labelled change a frame counts neither way: one frame period, at least 0.1 s."""
    if fps <= 0:
        raise ValueError("fps must be > 0")
    return max(1.0 / fps, min_collar_s)


def collar_truth(truth: Sequence[bool | None], intervals: Sequence[LabelledInterval], fps: float,
                 min_collar_s: float = MIN_COLLAR_S) -> list[bool | None]:
    """Frame truth with every frame within a collar of a sure interval's labelled start or end
    set to None (counts neither way), because a labeller's change is uncertain by about a frame.

    The change sits between two frames (before `start_frame`, after `end_frame`); a frame is in
    the collar when its centre lies within `collar_s(fps)` of that point. A start on the first
    frame or an end on the last is the clip's edge, not a change, and has no collar.
    """
    out = list(truth)
    n = len(out)
    reach = collar_s(fps, min_collar_s) * fps + 1e-9  # in frames; 1e-9 keeps "within" inclusive
    for iv in intervals:
        for change, real in ((iv.start_frame - 0.5, 0 < iv.start_frame < n),
                             (iv.end_frame + 0.5, 0 <= iv.end_frame < n - 1)):
            if real:
                for f in range(max(0, math.ceil(change - reach)),
                               min(n - 1, math.floor(change + reach)) + 1):
                    out[f] = None
    return out


# ---------------------------------------------------------------- figures that weigh people
#
# A pooled figure counts items, so one man's 109 photos outweigh 100 strangers' one each. A
# people-weighted figure counts each person once per class: a person's items of one class are
# averaged first (their recall, their false-alarm rate), then the people are averaged:
#   R_w   = mean over people with a tongue-out item of their recall
#   FAR_w = mean over people with a negative item of their false-alarm rate
#   P_w   = R_w / (R_w + FAR_w * n_neg_people / n_pos_people)
#   F1_w  = 2 P_w R_w / (P_w + R_w)
# P_w is the precision of a set in which every person contributed one item of each class they
# have: TP_w = n_pos_people * R_w, FP_w = n_neg_people * FAR_w. It is exactly what
# `weighted_rates` gives with `people_weights`, and with weights of one it is the pooled figure.


@dataclass(frozen=True)
class Rates:
    """Detection figures from counts that may be weighted; NaN where undefined."""

    recall: float
    false_alarm_rate: float
    precision: float
    f1: float
    positives: int  # tongue-out items, or people with one
    negatives: int  # negative items, or people with one


@dataclass(frozen=True)
class DetectionFigures:
    """The pooled figures (each item once) beside the people-weighted ones (each person once)."""

    pooled: Rates
    people: Rates
    auc: float = NAN
    people_auc: float = NAN


def _groups(persons: Sequence[str] | np.ndarray) -> np.ndarray:
    """Each item's person as a small integer (order of first appearance does not matter)."""
    return np.unique(np.asarray(persons, dtype=str), return_inverse=True)[1].reshape(-1)


def people_weights(persons: Sequence[str] | np.ndarray, y_true: Bools) -> np.ndarray:
    """Per item: one over the number of items of the same person and the same class, so each
    person's tongue-out items weigh one in all, and their negative items one in all."""
    t = np.asarray(y_true, dtype=bool)
    if len(persons) != len(t):
        raise ValueError(f"{len(persons)} persons vs {len(t)} labels")
    if len(t) == 0:
        return np.zeros(0)
    key = _groups(persons) * 2 + t
    return 1.0 / np.bincount(key)[key]


def weighted_rates(y_true: Bools, y_pred: Bools, weights: Floats | None = None) -> Rates:
    """Recall, false-alarm rate, precision and F1 from weighted counts (every item one if None);
    `positives`/`negatives` count the classes' total weight, rounded."""
    t = np.asarray(y_true, dtype=bool)
    p = np.asarray(y_pred, dtype=bool)
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred differ in shape: {t.shape} vs {p.shape}")
    w = np.ones(t.shape) if weights is None else np.asarray(weights, dtype=np.float64)
    pos, neg = float(w[t].sum()), float(w[~t].sum())
    tp, fp = float(w[t & p].sum()), float(w[~t & p].sum())
    fn = pos - tp
    recall = tp / pos if pos > 0 else NAN
    far = fp / neg if neg > 0 else NAN
    precision = tp / (tp + fp) if tp + fp > 0 else NAN
    f1 = 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn > 0 else NAN
    return Rates(recall, far, precision, f1, round(pos), round(neg))


def detection_figures(persons: Sequence[str] | np.ndarray, y_true: Bools, y_pred: Bools,
                      scores: Floats | None = None) -> DetectionFigures:
    """Pooled and people-weighted detection figures of per-item (person, label, decision) rows;
    with `scores`, the ROC AUC of both too (people-weighted: each pair of items weighted by the
    product of their people weights)."""
    t = np.asarray(y_true, dtype=bool)
    w = people_weights(persons, t)
    auc = people_auc = NAN
    if scores is not None:
        auc, people_auc = roc_auc(t, scores), weighted_roc_auc(t, scores, w)
    return DetectionFigures(weighted_rates(t, y_pred), weighted_rates(t, y_pred, w), auc,
                            people_auc)


def weighted_roc_auc(y_true: Bools, scores: Floats, weights: Floats) -> float:
    """ROC AUC where a (positive, negative) pair weighs the product of their weights; ties count
    one half. With every weight one it is `roc_auc`."""
    t = np.asarray(y_true, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if not t.shape == s.shape == w.shape:
        raise ValueError("y_true, scores and weights differ in shape")
    values, at = np.unique(s, return_inverse=True)
    w_pos = np.bincount(at.reshape(-1), weights=w * t, minlength=len(values))
    w_neg = np.bincount(at.reshape(-1), weights=w * ~t, minlength=len(values))
    total = w_pos.sum() * w_neg.sum()
    if total <= 0:
        return NAN
    below = np.cumsum(w_neg) - w_neg
    return float(np.sum(w_pos * (below + 0.5 * w_neg)) / total)


def people_ratio(persons: Sequence[str] | np.ndarray, num: Floats, den: Floats) -> float:
    """Mean over people of sum(num) / sum(den) over each person's items; people whose den sums
    to 0 are left out (NaN if that is everyone). E.g. a person's events caught over their events,
    or their false activations over their minutes of footage."""
    n, d = np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64)
    if not len(persons) == len(n) == len(d):
        raise ValueError("persons, num and den differ in length")
    if len(n) == 0:
        return NAN
    g = _groups(persons)
    num_p, den_p = np.bincount(g, weights=n), np.bincount(g, weights=d)
    has = den_p > 0
    return float(np.mean(num_p[has] / den_p[has])) if has.any() else NAN


def people_mean(persons: Sequence[str] | np.ndarray, values: Floats) -> float:
    """Mean over people of the mean of each person's values (e.g. direction hits)."""
    return people_ratio(persons, values, np.ones(len(values)))


def people_f1(persons: Sequence[str] | np.ndarray, counts: Sequence[Counts]) -> float:
    """Mean over people of the F1 of each person's counts summed (e.g. frames over their clips);
    people whose F1 is undefined (nothing out, nothing predicted) are left out."""
    if len(persons) != len(counts):
        raise ValueError(f"{len(persons)} persons vs {len(counts)} counts")
    summed: dict[str, Counts] = {}
    for person, c in zip(persons, counts, strict=True):
        summed[str(person)] = summed.get(str(person), Counts()) + c
    f1s = [precision_recall_f1(c).f1 for c in summed.values()]
    defined = [f for f in f1s if math.isfinite(f)]
    return float(np.mean(defined)) if defined else NAN


def people_bootstrap_ci(statistic: Callable[..., float], persons: Sequence[str] | np.ndarray,
                        *arrays: Sequence[Any] | np.ndarray, n_resamples: int = 1000,
                        confidence: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval that resamples people, not items: each draw takes people
    with replacement, all their items with them, and a person drawn twice counts as two people.
    `statistic(persons, *arrays)` gets the drawn rows (e.g. a people-weighted F1)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be in (0, 1)")
    cols = [np.asarray(a) for a in arrays]
    g = _groups(persons)
    if any(len(c) != len(g) for c in cols):
        raise ValueError("persons and arrays differ in length")
    if len(g) == 0:
        return NAN, NAN
    rows_of = [np.flatnonzero(g == k) for k in range(int(g.max()) + 1)]
    rng = np.random.default_rng(seed)

    def one_draw() -> float:
        drawn = rng.integers(0, len(rows_of), len(rows_of))
        idx = np.concatenate([rows_of[k] for k in drawn])
        who = np.repeat(np.arange(len(drawn)), [len(rows_of[k]) for k in drawn]).astype(str)
        return statistic(who, *(c[idx] for c in cols))

    return _percentile_ci((one_draw() for _ in range(n_resamples)), confidence)


def people_f1_of(persons: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """People-weighted F1 of (person, label, decision) rows: a statistic for people_bootstrap_ci."""
    return weighted_rates(y_true, y_pred, people_weights(persons, y_true)).f1
