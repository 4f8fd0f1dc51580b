"""The game's core: a balanced seeded plan, response times on frame time, outcomes, summaries."""

from __future__ import annotations

from collections import Counter

import pytest
from game_helpers import Participant, play
from hypothesis import given, settings
from hypothesis import strategies as st

from tongue_mirror.core.game.plan import (
    BLOCK,
    COMPATIBLE,
    GESTURES,
    INCOMPATIBLE,
    NO_GESTURE,
    make_plan,
    practice_plan,
)
from tongue_mirror.core.game.scoring import (
    CORRECT,
    ERROR,
    FACE_LOST,
    IMITATION_ERROR,
    MISS,
)
from tongue_mirror.core.game.session import PRACTICE, RESULTS, REVIEW, TRIALS, Game, GameConfig

ROUND_S = 12 * (2.0 + 2.5) + 5.0  # longest fixations and windows of a 12-trial round


def real_round(responder, fps=30.0, lost=None, **config):
    game = Game(GameConfig(practice=False, **config))
    game.start_participant()
    states = play(game, Participant(responder, lost), fps, ROUND_S * config.get("trials", 12) / 12,
                  stop=lambda s: s.phase == RESULTS)
    assert states[-1].phase == RESULTS
    return states[-1]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), blocks=st.integers(1, 4))
def test_plan_is_balanced_and_reproducible_from_its_seed(seed, blocks):
    plan = make_plan(seed, BLOCK * blocks)
    assert plan == make_plan(seed, BLOCK * blocks)
    assert [t.index for t in plan] == list(range(1, len(plan) + 1))
    conditions = Counter(t.condition for t in plan)
    assert conditions[COMPATIBLE] == conditions[INCOMPATIBLE] == len(plan) // 2
    assert Counter(t.cue for t in plan) == {g: 4 * blocks for g in GESTURES}
    assert Counter(t.baby for t in plan) == {g: 4 * blocks for g in GESTURES}
    pairs = Counter((t.cue, t.baby) for t in plan if t.condition == INCOMPATIBLE)
    assert set(pairs.values()) == {blocks} and len(pairs) == 6
    assert all(1.0 <= t.fixation_s <= 2.0 for t in plan)


def test_plans_are_shuffled_by_the_seed():
    orders = {tuple((t.cue, t.baby) for t in make_plan(seed)) for seed in range(10)}
    assert len(orders) == 10
    practice = practice_plan(4)
    assert sorted(t.cue for t in practice) == sorted(GESTURES)
    assert {t.baby for t in practice} == {NO_GESTURE}


def test_plan_rejects_unbalanceable_lengths():
    with pytest.raises(ValueError, match="multiple of 12"):
        make_plan(0, 10)


@pytest.mark.parametrize("fps", [30.0, 15.0])
@pytest.mark.parametrize("latency", [0.45, 0.62])
def test_response_time_is_measured_within_one_frame(fps, latency):
    final = real_round(lambda trial, dt: trial.cue if dt >= latency else "", fps=fps)
    assert [r.outcome for r in final.results] == [CORRECT] * 12
    for r in final.results:
        assert r.rt_s is not None
        assert latency <= r.rt_s < latency + 1.0 / fps + 1e-9, r
        assert r.response_frame is not None and r.response_frame > r.cue_frame


def test_imitation_errors_errors_and_misses_are_told_apart():
    def responder(trial, dt):
        if dt < 0.5:
            return ""
        if trial.cue == "lips":
            return ""  # never answers a lips cue: a miss
        if trial.condition == INCOMPATIBLE:
            return trial.baby  # copies the baby
        return "lips" if trial.cue == "mouth" else trial.cue  # a plain error on mouth cues

    final = real_round(responder)
    for r in final.results:
        if r.trial.cue == "lips":
            assert r.outcome == MISS and r.response == NO_GESTURE and r.rt_s is None
        elif r.trial.condition == INCOMPATIBLE:
            assert r.outcome == IMITATION_ERROR and r.response == r.trial.baby
        elif r.trial.cue == "mouth":
            assert r.outcome == ERROR
        else:
            assert r.outcome == CORRECT
    s = final.summary
    assert s is not None and s.misses == 4 and s.imitation_errors == 4 and s.errors == 2


def test_a_face_lost_mid_trial_marks_that_trial_and_the_game_goes_on():
    final = real_round(lambda trial, dt: trial.cue if dt >= 0.6 else "",
                       lost=lambda trial, dt: trial.index == 3 and 0.2 <= dt < 0.4)
    outcomes = [r.outcome for r in final.results]
    assert outcomes[2] == FACE_LOST
    assert outcomes[:2] + outcomes[3:] == [CORRECT] * 11


def test_a_tongue_through_an_opened_mouth_is_a_tongue():
    def responder(trial, dt):
        if dt >= 0.7:
            return "tongue"
        return "mouth" if dt >= 0.5 else ""  # the mouth opens 200 ms before the tongue shows

    final = real_round(responder)
    assert {r.response for r in final.results} == {"tongue"}


def test_imitation_cost_is_incompatible_minus_compatible_median():
    final = real_round(lambda trial, dt: trial.cue if dt >= (
        0.5 if trial.condition == COMPATIBLE else 0.6) else "")
    s = final.summary
    assert s is not None and s.imitation_cost_ms == pytest.approx(100.0, abs=1000 / 30)
    assert s.correct_compatible == s.correct_incompatible == 6


def test_the_baby_acts_on_its_own_channel_during_the_cue_and_stays_still_in_practice():
    game = Game(GameConfig(auto_continue=True))
    game.start_participant()
    states = play(game, Participant(lambda trial, dt: ""), 30.0, 40.0,
                  stop=lambda s: s.phase == TRIALS and s.results)
    practice = [s for s in states if s.phase == PRACTICE and s.cue_visible]
    assert practice and all(not s.intent for s in practice)
    acting = [s for s in states if s.phase == TRIALS and s.cue_visible and s.intent]
    channel = {"tongue": "tongue", "mouth": "jaw", "lips": "lips"}
    assert acting and all(dict(s.intent) == {channel[s.trial.baby]: 1.0} for s in acting)


def test_practice_reports_the_gesture_it_did_not_see_and_waits():
    game = Game(GameConfig())
    game.start_participant()
    states = play(game, Participant(lambda trial, dt: "" if trial.cue == "lips" or dt < 0.5
                                    else trial.cue), 30.0, 40.0)
    assert states[-1].phase == REVIEW and states[-1].missed_practice == ("lips",)
    game.retry_practice()
    assert game.phase == PRACTICE
    game.start_trials()
    assert game.phase == TRIALS


@settings(max_examples=15, deadline=None)
@given(drop_seed=st.integers(0, 10_000))
def test_late_frames_do_not_shift_the_later_cues(drop_seed):
    """A live loop slower than its camera skips frames; each cue still falls on the first frame
    due, so the schedule never drifts by more than one frame gap, however many trials pass."""
    import numpy as np
    from game_helpers import face

    from tongue_mirror.values import TongueState

    def cue_times(keep):
        game = Game(GameConfig(practice=False))
        game.start_participant()
        cues, seen = [], set()
        for i in range(int(ROUND_S * 30)):
            if not keep(i):
                continue
            state = game.update(face(), TongueState(), i / 30, i)
            if state.cue_t is not None and state.trial.index not in seen:
                seen.add(state.trial.index)
                cues.append(state.cue_t)
        return cues

    rng = np.random.default_rng(drop_seed)
    drops = rng.random(int(ROUND_S * 30)) < 0.5  # about every other frame comes too late
    drops[:2] = False
    every = cue_times(lambda i: True)
    some = cue_times(lambda i: not drops[i])
    gaps = np.diff(np.flatnonzero(~drops)).max() / 30
    assert len(every) == len(some) == 12
    assert all(0.0 <= b - a <= gaps + 1e-9 for a, b in zip(every, some, strict=True))
