"""Evaluation metrics on hand-made label/prediction pairs whose answers are worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tongue_mirror.evaluation.metrics import (
    Counts,
    LabelledInterval,
    accuracy,
    average_ranks,
    binary_counts,
    bootstrap_ci,
    confusion_table,
    f1_of,
    frame_counts,
    match_events,
    median_and_p90,
    per_minute,
    precision_recall_f1,
    roc_auc,
    roc_curve,
)


def test_counts_and_prf():
    truth = [1, 1, 1, 0, 0, 0, 0, 1]
    pred = [1, 1, 0, 1, 0, 0, 0, 0]
    c = binary_counts(truth, pred)
    assert c == Counts(tp=2, fp=1, tn=3, fn=2)
    prf = precision_recall_f1(c)
    assert prf.precision == pytest.approx(2 / 3)
    assert prf.recall == pytest.approx(2 / 4)
    assert prf.f1 == pytest.approx(2 * 2 / (2 * 2 + 1 + 2))


def test_prf_undefined_cases_are_nan_not_zero():
    prf = precision_recall_f1(Counts(tn=5))
    assert math.isnan(prf.precision) and math.isnan(prf.recall) and math.isnan(prf.f1)
    prf = precision_recall_f1(Counts(fp=2, tn=3))  # no positives, two false alarms
    assert prf.precision == 0.0 and math.isnan(prf.recall) and prf.f1 == 0.0


def test_average_ranks_with_ties():
    assert average_ranks([10, 20, 20, 30]).tolist() == [1.0, 2.5, 2.5, 4.0]
    assert average_ranks([5, 5, 5]).tolist() == [2.0, 2.0, 2.0]


def test_auc_perfect_inverted_and_ties():
    assert roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert roc_auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert roc_auc([0, 1], [0.5, 0.5]) == 0.5
    # pairs (pos, neg): (0.8,0.2)=1 (0.8,0.5)=1 (0.5,0.2)=1 (0.5,0.5)=0.5 -> 3.5/4
    assert roc_auc([1, 1, 0, 0], [0.8, 0.5, 0.5, 0.2]) == pytest.approx(3.5 / 4)
    assert math.isnan(roc_auc([1, 1], [0.3, 0.4]))


def test_auc_matches_pairwise_count_on_random_scores():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 60).astype(bool)
    s = rng.integers(0, 8, 60) / 8.0  # many ties
    pos, neg = s[y], s[~y]
    pairwise = ((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum())
    assert roc_auc(y, s) == pytest.approx(pairwise / (len(pos) * len(neg)))


def test_roc_curve_ends_and_area():
    y = [0, 0, 1, 1, 0, 1]
    s = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9]
    fpr, tpr, thr = roc_curve(y, s)
    assert (fpr[0], tpr[0]) == (0.0, 0.0) and (fpr[-1], tpr[-1]) == (1.0, 1.0)
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    assert np.trapezoid(tpr, fpr) == pytest.approx(roc_auc(y, s))
    assert thr[0] == np.inf


def test_confusion_table_and_accuracy():
    truth = ["center", "center", "left", "right", "left"]
    pred = ["center", "left", "left", None, "up"]
    cols, table = confusion_table(truth, pred, ["center", "left", "right"])
    assert cols == ("center", "left", "right", "none")
    assert table.tolist() == [[1, 1, 0, 0], [0, 1, 0, 1], [0, 0, 0, 1]]
    assert accuracy(truth, pred) == pytest.approx(2 / 5)
    assert math.isnan(accuracy([], []))


def test_frame_counts_ignore_ambiguous_frames():
    truth = [False, False, None, True, True, True, None, False]
    pred = [False, True, True, False, True, True, False, True]
    counts, ignored = frame_counts(truth, pred)
    assert ignored == 2
    assert counts == Counts(tp=2, fp=2, tn=1, fn=1)
    with pytest.raises(ValueError):
        frame_counts([True], [True, False])


IV1 = LabelledInterval(start_s=2.0, end_s=4.0, start_frame=60, end_frame=120)
IV2 = LabelledInterval(start_s=10.0, end_s=10.5, start_frame=300, end_frame=315)
IV3 = LabelledInterval(start_s=20.0, end_s=21.0, start_frame=600, end_frame=630)


def test_event_matching_hits_missed_false_duplicates_and_latency():
    starts = [(1.0, 30), (2.1, 63), (3.0, 90), (10.6, 318), (15.0, 450)]
    m = match_events(starts, [IV1, IV2, IV3], tolerance_s=0.2)
    assert [iv for iv, _, _ in m.hits] == [IV1, IV2]
    assert m.missed == (IV3,)
    assert m.false_events == ((1.0, 30), (15.0, 450))
    assert m.duplicate_events == ((3.0, 90),)
    assert m.latencies_s == pytest.approx([0.1, 0.6])
    assert m.latencies_frames.tolist() == [3.0, 18.0]


def test_event_slightly_before_the_labelled_start_is_a_hit_with_negative_latency():
    m = match_events([(1.9, 57)], [IV1], tolerance_s=0.2)
    assert len(m.hits) == 1 and m.latencies_frames.tolist() == [-3.0]
    m = match_events([(1.7, 51)], [IV1], tolerance_s=0.2)
    assert m.hits == () and m.false_events == ((1.7, 51),) and m.missed == (IV1,)


def test_one_event_in_overlapping_windows_goes_to_the_unhit_interval():
    a = LabelledInterval(1.0, 2.0, 10, 20)
    b = LabelledInterval(2.1, 3.0, 21, 30)
    m = match_events([(1.1, 11), (2.15, 21)], [a, b], tolerance_s=0.2)
    assert len(m.hits) == 2 and m.duplicate_events == ()


def test_ambiguous_lead_in_widens_the_window_and_lone_ambiguous_starts_count_neither_way():
    lead_in = LabelledInterval(1.5, 1.9, 45, 59)  # touches IV1 (starts at frame 60)
    lone = LabelledInterval(7.0, 7.5, 210, 225)
    m = match_events([(1.6, 48), (7.2, 216)], [IV1], tolerance_s=0.0, ambiguous=[lead_in, lone])
    assert len(m.hits) == 1 and m.latencies_frames.tolist() == [-12.0]
    assert m.false_events == () and m.ambiguous_events == ((7.2, 216),)


def test_median_p90_and_per_minute():
    med, p90 = median_and_p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert med == 5.5 and p90 == pytest.approx(9.1)
    assert all(math.isnan(v) for v in median_and_p90([]))
    assert per_minute(3, 90.0) == pytest.approx(2.0)
    assert math.isnan(per_minute(0, 0.0))


def test_bootstrap_ci_brackets_the_estimate_and_is_deterministic():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200).astype(bool)
    p = np.where(rng.random(200) < 0.85, y, ~y)
    lo, hi = bootstrap_ci(f1_of, y, p, n_resamples=300, seed=1)
    assert lo < f1_of(y, p) < hi
    assert (lo, hi) == bootstrap_ci(f1_of, y, p, n_resamples=300, seed=1)
    const = bootstrap_ci(lambda v: float(np.mean(v)), np.ones(10), n_resamples=50)
    assert const == (1.0, 1.0)
    assert all(math.isnan(v) for v in bootstrap_ci(f1_of, np.zeros(0), np.zeros(0)))
