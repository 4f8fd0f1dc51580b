"""Gesture state machine: hysteresis, minimum durations, prompt starts, no flicker."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongue_mirror.core.gesture import TONGUE_OUT_END, TONGUE_OUT_START, GestureConfig, GestureTracker
from tongue_mirror.values import TongueReading


def run(probs, config=None, fps=30.0, dts=None, face=False, tracker=None):
    """Feeds probabilities at a fixed (or given) frame interval; returns states and all events.
    With `face`, every reading comes from a detected face (a logit is set), so the person's
    baseline takes part; without, the readings are faceless and it never does."""
    tracker = tracker or GestureTracker(config)
    states, events = [], []
    t = 0.0
    for i, p in enumerate(probs):
        if i:
            t += dts[i - 1] if dts is not None else 1.0 / fps
        s = tracker.update(TongueReading(probability=p, logit=0.0 if face else None), t, i)
        states.append(s)
        events.extend(s.events)
    return states, events


def test_start_is_emitted_on_the_confirming_frame_not_back_dated():
    probs = [0.0] * 10 + [0.9] * 20 + [0.0] * 10
    states, events = run(probs, GestureConfig(confirm_frames=2, release_s=2 / 30))
    starts = [e for e in events if e.event == TONGUE_OUT_START]
    assert [e.frame for e in starts] == [11]  # evidence from frame 10, confirmed at 11
    assert starts[0].t == pytest.approx(11 / 30)
    assert starts[0].data["evidence_since"] == pytest.approx(10 / 30)
    ends = [e for e in events if e.event == TONGUE_OUT_END]
    assert [e.frame for e in ends] == [31]  # two low frames (30, 31) release it
    assert [s.is_out for s in states].count(True) == 20


def test_single_dropout_in_a_held_gesture_does_not_flicker():
    probs = [0.0] * 5 + [0.9] * 10 + [0.1] + [0.9] * 10 + [0.0] * 5
    _, events = run(probs)
    assert [e.event for e in events] == [TONGUE_OUT_START, TONGUE_OUT_END]


def test_single_spike_starts_nothing_even_at_full_confidence():
    _, events = run([0.0] * 5 + [1.0] + [0.0] * 5)
    assert events == []


def test_a_weak_flicker_just_above_the_bar_starts_nothing():
    """Two frames at 0.55 and 0.6 are a run, but their log-odds (0.2 + 0.4) are not evidence."""
    _, events = run([0.0] * 5 + [0.55, 0.6] + [0.0] * 5 + [0.6, 0.55, 0.58] + [0.0] * 5)
    assert events == []


def test_sustained_moderate_evidence_starts_once_it_adds_up():
    """p = 0.6 has log-odds 0.405: the default 4.0 is reached on the tenth frame of the run."""
    _, events = run([0.0] * 5 + [0.6] * 12 + [0.0] * 10)
    assert [e.frame for e in events if e.event == TONGUE_OUT_START] == [14]
    _, events = run([0.0] * 5 + [0.6] * 10 + [0.0] * 10, GestureConfig(min_evidence=0.0))
    assert [e.frame for e in events if e.event == TONGUE_OUT_START] == [6]


def test_start_event_reports_its_evidence():
    _, events = run([0.0] * 3 + [0.9] * 5)
    assert events[0].data["evidence"] == pytest.approx(2 * 2.1972, abs=1e-3)


def test_opt_in_instant_threshold_starts_on_the_first_strong_frame():
    cfg = GestureConfig(instant_threshold=0.95)
    _, events = run([0.0] * 5 + [0.97] * 5 + [0.0] * 10, cfg)
    assert [e.frame for e in events if e.event == TONGUE_OUT_START] == [5]
    _, events = run([0.0] * 5 + [0.9] * 5 + [0.0] * 10, cfg)  # below it: confirmed as usual
    assert [e.frame for e in events if e.event == TONGUE_OUT_START] == [6]


def test_hysteresis_holds_between_thresholds():
    cfg = GestureConfig(on_threshold=0.7, off_threshold=0.3)
    probs = [0.9] * 5 + [0.5] * 20 + [0.2] * 3
    states, events = run(probs, cfg)
    assert [e.event for e in events] == [TONGUE_OUT_START, TONGUE_OUT_END]
    assert all(s.is_out for s in states[1:26])


def test_min_on_holds_a_short_gesture_and_min_off_delays_the_next():
    cfg = GestureConfig(min_on_s=0.5, min_off_s=0.5, release_s=0.1)
    probs = [0.9] * 3 + [0.0] * 30 + [0.9] * 40
    _, events = run(probs, cfg, fps=10.0)
    start1, end1, start2 = events
    assert end1.t - start1.t >= 0.5 - 1e-9
    assert start2.t - end1.t >= 0.5 - 1e-9


@pytest.mark.parametrize(("fps", "low_frames"), [(30.0, 3), (29.0, 3), (25.0, 3), (12.0, 2),
                                                 (11.1, 2), (60.0, 6)])
def test_the_release_lasts_the_same_time_at_any_frame_rate(fps, low_frames):
    """The default release is 100 ms of low frames, each counted until the next frame: three at
    30 fps as before, but two (not a fixed three, 250 ms) at a 12 fps webcam's."""
    n_high = round(0.6 * fps)
    probs = [0.0] * 3 + [0.95] * n_high + [0.0] * 10
    _, events = run(probs, GestureConfig(), fps=fps)
    ends = [e for e in events if e.event == TONGUE_OUT_END]
    assert [e.frame for e in ends] == [3 + n_high + low_frames - 1]


def test_a_dip_shorter_than_the_release_does_not_end_the_gesture():
    probs = [0.0] * 3 + [0.95] * 20 + [0.0] * 2 + [0.95] * 20 + [0.0] * 5
    _, events = run(probs, GestureConfig(), fps=30.0)  # two low frames: 67 ms < 100 ms
    assert [e.event for e in events] == [TONGUE_OUT_START, TONGUE_OUT_END]


def test_smoothing_is_time_based():
    """The same signal in seconds gives the same smoothed curve at 15 and 60 fps."""
    cfg = GestureConfig(smoothing_s=0.1)
    s15, _ = run([0.0] + [1.0] * 15, cfg, fps=15.0)  # 1 s of "out"
    s60, _ = run([0.0] + [1.0] * 60, cfg, fps=60.0)
    assert s15[-1].probability == pytest.approx(s60[-1].probability, abs=1e-9)
    assert s15[3].probability == pytest.approx(s60[12].probability, abs=1e-9)


def test_reset_forgets_the_state_without_events():
    tracker = GestureTracker()
    for i in range(5):
        tracker.update(TongueReading(probability=0.95), i / 30, i)
    assert tracker.is_out
    tracker.reset()
    assert not tracker.is_out
    state = tracker.update(TongueReading(probability=0.95), 0.0, 0)
    assert not state.is_out and state.events == ()


def test_time_going_backwards_closes_the_open_gesture():
    tracker = GestureTracker()
    for i in range(10):
        tracker.update(TongueReading(probability=0.95), i / 30, i)
    state = tracker.update(TongueReading(probability=0.0), 0.0, 0)
    assert [e.event for e in state.events] == [TONGUE_OUT_END]
    assert not state.is_out


def test_nan_probability_is_treated_as_no_evidence():
    _, events = run([float("nan")] * 10)
    assert events == []


@pytest.mark.parametrize("kwargs", [
    {"on_threshold": 0.4, "off_threshold": 0.6},
    {"on_threshold": 0.5, "off_threshold": 0.5},
    {"on_threshold": 1.5},
    {"off_threshold": -0.1},
    {"confirm_frames": 1},
    {"release_s": -0.1},
    {"release_s": float("nan")},
    {"min_on_s": -1.0},
    {"min_off_s": float("nan")},
    {"smoothing_s": -0.1},
    {"min_evidence": -1.0},
    {"min_evidence": float("inf")},
    {"instant_threshold": 0.5},
    {"instant_threshold": 1.2},
    {"baseline_lower": -1.0},
    {"baseline_raise": float("nan")},
    {"baseline_ref": float("inf")},
    {"baseline_warmup_s": 0.0},
    {"baseline_warmup_s": 5.0, "baseline_s": 4.0},
])
def test_config_rejects_bad_values(kwargs):
    with pytest.raises(ValueError):
        GestureConfig(**kwargs)


configs = st.builds(
    GestureConfig,
    on_threshold=st.floats(0.3, 0.95),
    off_threshold=st.floats(0.0, 0.29),
    confirm_frames=st.integers(2, 5),
    release_s=st.floats(0.0, 0.2),
    min_on_s=st.floats(0.0, 1.0),
    min_off_s=st.floats(0.0, 1.0),
    smoothing_s=st.sampled_from([0.0, 0.02, 0.1, 0.5]),
    min_evidence=st.floats(0.0, 6.0),
)
instant_configs = st.builds(GestureConfig, instant_threshold=st.floats(0.61, 1.0),
                            min_on_s=st.floats(0.0, 1.0), min_off_s=st.floats(0.0, 1.0))
probabilities = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=200)
intervals = st.lists(st.floats(0.005, 0.2), min_size=200, max_size=200)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.one_of(configs, instant_configs), probabilities, intervals, st.booleans())
def test_events_alternate_and_respect_minimum_durations(cfg, probs, dts, face):
    _, events = run(probs, cfg, dts=dts, face=face)
    kinds = [e.event for e in events]
    assert kinds == [TONGUE_OUT_START, TONGUE_OUT_END] * (len(kinds) // 2) + (
        [TONGUE_OUT_START] if len(kinds) % 2 else [])
    for start, end in zip(events[::2], events[1::2], strict=False):
        assert end.t > start.t and end.frame > start.frame
        assert end.t - start.t >= cfg.min_on_s - 1e-9
    for end, nxt in zip(events[1::2], events[2::2], strict=False):
        assert nxt.t - end.t >= cfg.min_off_s - 1e-9


@settings(max_examples=200, deadline=None, derandomize=True)
@given(configs, st.integers(0, 60), st.integers(0, 60), st.floats(0.0, 1.0), st.data())
def test_a_single_frame_spike_never_causes_an_event(cfg, before, after, spike, data):
    low = st.floats(0.0, cfg.on_threshold, exclude_max=True)
    head = data.draw(st.lists(low, min_size=before, max_size=before))
    tail = data.draw(st.lists(low, min_size=after, max_size=after))
    probs = [*head, spike, *tail]
    _, events = run(probs, cfg)
    assert events == []


@settings(max_examples=200, deadline=None, derandomize=True)
@given(configs, st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30), st.data())
def test_no_start_before_the_run_has_enough_evidence(cfg, run_probs, data):
    """Whatever the run, a start comes only once its summed log-odds reach min_evidence."""
    import math

    probs = [0.0] * 3 + run_probs
    states, events = run(probs, cfg)
    for e in events:
        if e.event != TONGUE_OUT_START:
            continue
        assert e.data["evidence"] >= cfg.min_evidence - 1e-3
        k = e.frame
        tail = []
        while k >= 0 and states[k].probability >= cfg.on_threshold:
            tail.append(states[k].probability)
            k -= 1
        p = [min(1 - 1e-6, max(1e-6, v)) for v in tail]
        assert sum(math.log(v / (1 - v)) for v in p) >= cfg.min_evidence - 1e-6
        assert len(tail) >= cfg.confirm_frames


@settings(max_examples=100, deadline=None, derandomize=True)
@given(instant_configs, st.integers(0, 60), st.integers(0, 60), st.data())
def test_with_instant_starts_a_spike_below_the_instant_threshold_starts_nothing(
        cfg, before, after, data):
    low = st.floats(0.0, cfg.on_threshold, exclude_max=True)
    spike = data.draw(st.floats(0.0, cfg.instant_threshold, exclude_max=True))
    head = data.draw(st.lists(low, min_size=before, max_size=before))
    tail = data.draw(st.lists(low, min_size=after, max_size=after))
    _, events = run([*head, spike, *tail], cfg)
    assert events == []


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.integers(2, 4), st.lists(st.integers(4, 60), min_size=1, max_size=10))
def test_held_gesture_with_isolated_dropouts_gives_one_start(confirm, segment_lengths):
    cfg = GestureConfig(confirm_frames=confirm, release_s=2 / 30)
    probs = [0.0] * 5
    for n in segment_lengths:
        probs += [0.95] * n + [0.0]  # one dropout frame between held segments
    probs[-1] = 0.95
    _, events = run(probs, cfg)
    assert [e.event for e in events] == [TONGUE_OUT_START]


# ---------------------------------------------------------------- the person's own baseline
REST_S = 2.0  # seconds of resting readings before the rise


def rest_then(rest_p: float, rise: list[float], face: bool = True, fps: float = 30.0):
    """REST_S seconds at `rest_p`, then the rise; the start events."""
    _, events = run([rest_p] * int(REST_S * fps) + rise, face=face, fps=fps)
    return [e for e in events if e.event == TONGUE_OUT_START]


def test_a_face_read_as_borderline_at_rest_needs_a_clearer_rise():
    rise = [0.75] * 8  # log-odds 1.1 per frame: enough evidence on its own
    assert rest_then(0.2, rise, face=False)  # no baseline: it starts
    assert not rest_then(0.2, rise)  # resting at log-odds -1.4: the bar rises by 2


def test_a_face_read_plainly_in_at_rest_starts_on_a_weaker_rise():
    rise = [0.4] * 10  # below the bar
    assert not rest_then(0.001, rise, face=False)
    starts = rest_then(0.001, rise)  # resting at log-odds -6.9: the bar drops by 1
    assert len(starts) == 1 and starts[0].data["baseline_shift"] == pytest.approx(1.0)


def test_no_adjustment_before_the_baseline_has_warmed_up():
    cfg = GestureConfig()
    short = [0.2] * int(cfg.baseline_warmup_s / 2 * 30) + [0.75] * 8  # half the warm-up of rest
    _, with_face = run(short, cfg, face=True)
    _, without = run(short, cfg, face=False)
    assert [e.frame for e in with_face] == [e.frame for e in without] != []


def test_a_face_borderline_at_rest_is_known_within_its_first_second():
    # A child's pink mouth read at 0.2 for two thirds of a second, then a talking flicker that
    # is enough evidence on its own: the bar has already risen.
    rise = [0.75] * 8
    _, plain = run([0.2] * 20 + rise, face=False)
    _, known = run([0.2] * 20 + rise, face=True)
    assert [e.event for e in plain] == [TONGUE_OUT_START] and known == []


def test_a_held_tongue_never_becomes_the_baseline():
    # Out from the start, held for 10 s with one long dip: the restart is as prompt as without.
    probs = [0.9] * 150 + [0.05] * 10 + [0.9] * 150
    _, with_face = run(probs, face=True)
    _, without = run(probs, face=False)
    assert [e.frame for e in with_face] == [e.frame for e in without]
    assert [e.event for e in with_face].count(TONGUE_OUT_START) == 2


def test_frames_without_a_face_never_enter_the_baseline():
    tracker = GestureTracker()
    run([0.001] * 60, face=False, tracker=tracker)
    assert tracker.baseline_shift(10.0) == 0.0
    run([0.001] * 60, face=True, tracker=tracker)  # the timeline restarts: a reset
    assert tracker.baseline_shift(2.0) == pytest.approx(1.0)


def test_reset_forgets_the_baseline():
    tracker = GestureTracker()
    run([0.2] * 60, face=True, tracker=tracker)
    assert tracker.baseline_shift(2.0) == pytest.approx(-2.0)
    tracker.reset()
    assert tracker.baseline_shift(2.0) == 0.0


def test_baseline_off_reproduces_the_plain_tracker():
    cfg = GestureConfig(baseline_lower=0.0, baseline_raise=0.0)
    probs = [0.2] * 60 + [0.75] * 8 + [0.0] * 20 + [0.001] * 60 + [0.4] * 10
    a, _ = run(probs, cfg, face=True)
    b, _ = run(probs, cfg, face=False)
    assert [s.is_out for s in a] == [s.is_out for s in b]


def test_readings_above_the_detectors_bar_never_enter_the_baseline():
    # A bar set high (0.9) so that 0.7 readings never start: they are still not "at rest".
    tracker = GestureTracker(GestureConfig(on_threshold=0.9, off_threshold=0.3))
    run([0.7] * 120, face=True, tracker=tracker)
    assert not tracker.is_out and tracker.baseline_shift(4.0) == 0.0
