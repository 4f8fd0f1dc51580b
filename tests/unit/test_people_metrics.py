"""Issue 21's scoring: frame F1 with a collar around labelled changes, and figures that weigh
people, not items (hand-worked cases and hypothesis properties)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongue_mirror.evaluation.metrics import (
    Counts,
    LabelledInterval,
    collar_s,
    collar_truth,
    detection_figures,
    frame_counts,
    people_bootstrap_ci,
    people_f1,
    people_f1_of,
    people_mean,
    people_ratio,
    people_weights,
    precision_recall_f1,
    roc_auc,
    weighted_rates,
    weighted_roc_auc,
)


def interval(start: int, end: int, fps: float) -> LabelledInterval:
    return LabelledInterval(start / fps, end / fps, start, end)


def truth_of(n: int, start: int, end: int) -> list[bool | None]:
    return [start <= f <= end for f in range(n)]


def left_out(truth: list[bool | None]) -> list[int]:
    return [f for f, v in enumerate(truth) if v is None]


# ---------------------------------------------------------------- collar


def test_collar_is_one_frame_period_but_at_least_100_ms():
    assert collar_s(11.0) == pytest.approx(0.1)
    assert collar_s(30.0) == pytest.approx(0.1)
    assert collar_s(5.0) == pytest.approx(0.2)
    with pytest.raises(ValueError):
        collar_s(0.0)


@pytest.mark.parametrize(("fps", "expected"), [
    # 11 fps: 100 ms is 1.1 frames, so one frame either side of each change
    (11.0, [19, 20, 39, 40]),
    # 30 fps: 100 ms is 3 frames, so three either side
    (30.0, [17, 18, 19, 20, 21, 22, 37, 38, 39, 40, 41, 42]),
    # 25 fps: 2.5 frames; the frame whose centre is exactly 100 ms away is within
    (25.0, [17, 18, 19, 20, 21, 22, 37, 38, 39, 40, 41, 42]),
    # 5 fps: one frame period (200 ms) is the collar: one frame either side
    (5.0, [19, 20, 39, 40]),
])
def test_collar_leaves_out_the_frames_around_each_labelled_change(fps, expected):
    collared = collar_truth(truth_of(60, 20, 39), [interval(20, 39, fps)], fps)
    assert left_out(collared) == expected


def test_a_late_start_within_the_collar_costs_nothing_beyond_it_does():
    """Out on frames 20..39; the state comes on a frame late at 11 fps, three late at 30 fps."""
    for fps, late in ((11.0, 1), (30.0, 3)):
        truth = truth_of(60, 20, 39)
        pred = [20 + late <= f <= 39 + late for f in range(60)]
        strict, _ = frame_counts(truth, pred)
        collared, _ = frame_counts(collar_truth(truth, [interval(20, 39, fps)], fps), pred)
        assert precision_recall_f1(strict).f1 < 1.0
        assert precision_recall_f1(collared).f1 == 1.0
        pred = [21 + late <= f <= 40 + late for f in range(60)]  # a frame more: it counts
        collared, _ = frame_counts(collar_truth(truth, [interval(20, 39, fps)], fps), pred)
        assert collared.fn == 1 and collared.fp == 1


def test_clip_edges_have_no_collar_and_ambiguous_frames_stay_out():
    truth: list[bool | None] = [True] * 10 + [None, None] + [False] * 8
    collared = collar_truth(truth, [interval(0, 9, 30.0)], 30.0)
    # the start at frame 0 is the clip's edge; the end's collar is frames 7..12
    assert left_out(collared) == [7, 8, 9, 10, 11, 12]
    whole = collar_truth([True] * 10, [interval(0, 9, 30.0)], 30.0)
    assert left_out(whole) == []


# ---------------------------------------------------------------- people-weighted photos


def test_people_weighted_figures_by_hand():
    """A: 61 tongue-outs, all caught; B and C: one each, missed; D: two negatives, one alarm;
    E: one negative, no alarm."""
    persons = ["A"] * 61 + ["B", "C", "D", "D", "E"]
    truth = [True] * 63 + [False] * 3
    pred = [True] * 61 + [False, False, True, False, False]
    fig = detection_figures(persons, truth, pred)
    assert fig.pooled.recall == pytest.approx(61 / 63)
    assert fig.pooled.false_alarm_rate == pytest.approx(1 / 3)
    assert fig.pooled.precision == pytest.approx(61 / 62)
    assert (fig.pooled.positives, fig.pooled.negatives) == (63, 3)
    assert fig.people.recall == pytest.approx(1 / 3)
    assert fig.people.false_alarm_rate == pytest.approx((0.5 + 0.0) / 2)
    # P_w = R_w / (R_w + FAR_w * n_neg_people / n_pos_people) = (1/3) / (1/3 + 0.25 * 2/3)
    assert fig.people.precision == pytest.approx(2 / 3)
    assert fig.people.f1 == pytest.approx(2 * (2 / 3) * (1 / 3) / (2 / 3 + 1 / 3))
    assert (fig.people.positives, fig.people.negatives) == (3, 2)


def test_undefined_people_figures_are_nan():
    fig = detection_figures(["a", "b"], [False, False], [False, False])
    assert math.isnan(fig.people.recall) and math.isnan(fig.people.precision)
    assert math.isnan(fig.people.f1) and fig.people.false_alarm_rate == 0.0
    fig = detection_figures([], [], [])
    assert math.isnan(fig.people.f1)


def test_people_auc_by_hand():
    # A's two positives score 0.9 and 0.2, B's negative 0.5: pooled 1/2, people-weighted 1/2;
    # a third person C with a positive at 0.8 weighs as much as A's two together.
    fig = detection_figures(["A", "A", "B", "C"], [True, True, False, True], [1, 0, 0, 1],
                            scores=[0.9, 0.2, 0.5, 0.8])
    assert fig.auc == pytest.approx(2 / 3)
    assert fig.people_auc == pytest.approx((0.5 * 1 + 0.5 * 0 + 1 * 1) / 2)


rows = st.lists(st.tuples(st.sampled_from("abcdefg"), st.booleans(), st.booleans(),
                          st.floats(0, 1, allow_nan=False)), min_size=1, max_size=40)


def _figures(r):
    persons, truth, pred, scores = zip(*r, strict=True)
    return detection_figures(list(persons), list(truth), list(pred), list(scores))


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-9)


def _same_people(f, g) -> bool:
    return all(_same(getattr(f.people, k), getattr(g.people, k))
               for k in ("recall", "false_alarm_rate", "precision", "f1")) and _same(
        f.people_auc, g.people_auc)


@settings(max_examples=200, deadline=None)
@given(rows, st.integers(2, 61), st.randoms(use_true_random=False))
def test_a_persons_repeated_items_weigh_as_one(r, k, rnd):
    """61 identical copies of a person's items (in any order) leave every people figure as is."""
    person = r[0][0]
    grown = r + [row for row in r if row[0] == person] * (k - 1)
    rnd.shuffle(grown)
    assert _same_people(_figures(r), _figures(grown))


@settings(max_examples=200, deadline=None)
@given(rows, st.permutations("abcdefg"), st.randoms(use_true_random=False))
def test_renaming_and_reordering_people_changes_nothing(r, names, rnd):
    rename = dict(zip("abcdefg", names, strict=True))
    moved = [(rename[p], t, d, s) for p, t, d, s in r]
    rnd.shuffle(moved)
    assert _same_people(_figures(r), _figures(moved))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.floats(0, 1, allow_nan=False)),
                min_size=1, max_size=40))
def test_one_item_per_person_is_the_pooled_figure(r):
    truth, pred, scores = zip(*r, strict=True)
    fig = detection_figures([str(i) for i in range(len(r))], list(truth), list(pred),
                            list(scores))
    for k in ("recall", "false_alarm_rate", "precision", "f1"):
        assert _same(getattr(fig.people, k), getattr(fig.pooled, k))
    assert _same(fig.people_auc, fig.auc)


@settings(max_examples=200, deadline=None)
@given(rows)
def test_people_precision_follows_the_written_formula(r):
    fig = _figures(r).people
    if fig.positives and fig.negatives and fig.recall + fig.false_alarm_rate > 0:
        expected = fig.recall / (fig.recall + fig.false_alarm_rate * fig.negatives
                                 / fig.positives)
        assert fig.precision == pytest.approx(expected)
        pos = [(p, d) for p, t, d, _ in r if t]
        assert fig.recall == pytest.approx(people_mean([p for p, _ in pos],
                                                       [float(d) for _, d in pos]))


@settings(max_examples=200, deadline=None)
@given(rows)
def test_weighted_auc_with_unit_weights_is_the_rank_auc(r):
    _, truth, _, scores = zip(*r, strict=True)
    assert _same(weighted_roc_auc(truth, scores, np.ones(len(r))), roc_auc(truth, scores))


def test_people_weights_sum_to_one_per_person_and_class():
    w = people_weights(["a", "a", "a", "b"], [True, True, False, True])
    assert w.tolist() == [0.5, 0.5, 1.0, 1.0]
    assert weighted_rates([True, False], [True, True], [2.0, 1.0]).precision == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        people_weights(["a"], [True, False])


# ---------------------------------------------------------------- people-weighted clips


def test_people_ratio_and_f1_average_a_persons_items_first():
    # A: 2 activations in 2 minutes over two clips; B: 3 in 1 minute: (1 + 3) / 2 per minute
    assert people_ratio(["A", "A", "B"], [2, 0, 3], [1.0, 1.0, 1.0]) == pytest.approx(2.0)
    assert math.isnan(people_ratio(["A"], [1], [0]))
    # A's two clips pool their frames (F1 of 8 tp, 2 fp, 0 fn = 0.889); B's one clip F1 = 0
    a1, a2, b = Counts(tp=4, fp=2), Counts(tp=4), Counts(fn=3)
    assert people_f1(["A", "A", "B"], [a1, a2, b]) == pytest.approx((16 / 18 + 0.0) / 2)
    assert people_f1(["A", "B"], [a1, Counts(tn=5)]) == pytest.approx(8 / 10)  # B undefined


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 9),
                          st.floats(0.1, 5, allow_nan=False)), min_size=1, max_size=20),
       st.integers(2, 61))
def test_a_persons_copied_clips_weigh_as_one(r, k):
    persons, num, den = zip(*r, strict=True)
    person = persons[0]
    more = [row for row in r if row[0] == person] * (k - 1)
    p2, n2, d2 = zip(*(r + more), strict=True)
    assert people_ratio(persons, num, den) == pytest.approx(people_ratio(p2, n2, d2))


# ---------------------------------------------------------------- resampling people


def test_people_bootstrap_resamples_people_not_items():
    persons = ["A"] * 61 + ["B", "C", "D", "D", "E"]
    truth = np.array([True] * 63 + [False] * 3)
    pred = np.array([True] * 61 + [False, False, True, False, False])
    lo, hi = people_bootstrap_ci(people_f1_of, persons, truth, pred, n_resamples=300)
    assert 0.0 <= lo <= people_f1_of(np.array(persons), truth, pred) <= hi <= 1.0
    assert (lo, hi) == people_bootstrap_ci(people_f1_of, persons, truth, pred, n_resamples=300)
    # one person only: every draw is that person, so the interval is the point
    one = people_bootstrap_ci(people_f1_of, ["A"] * 4, truth[:4], np.array([1, 1, 0, 0], bool))
    assert one == pytest.approx((2 / 3, 2 / 3))
