"""Behaviour of the mirror circuit: what an audience should see it do, and that it is well-posed."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongue_mirror.core.circuit import MirrorCircuit, expected_imitation_latency
from tongue_mirror.core.circuit_params import POPULATIONS, CircuitParams, steady_state

FPS = 30.0


def run(circuit, times, observed_at):
    """Feed the circuit frames at `times`; observed_at(t) gives the tongue strength seen at t."""
    return [circuit.advance_to(t, {"tongue": observed_at(t)}, frame=i) for i, t in enumerate(times)]


def frames(t_end, fps=FPS):
    return [i / fps for i in range(round(t_end * fps) + 1)]


def tongue_between(t0, t1):
    return lambda t: 1.0 if t0 <= t < t1 else 0.0


def at(states, t):
    return min(states, key=lambda s: abs(s.t - t))


def rate(state, pop):
    return state.rate(pop, "tongue")


def baseline(pop, params=None):
    params = params or CircuitParams()
    spont, peak = params.rate_range(pop)
    if pop == "suppression":
        return spont + (peak - spont) * math.tanh(params.suppression_tonic)
    return spont


def test_no_input_stays_at_baseline():
    states = run(MirrorCircuit(), frames(2.0), lambda t: 0.0)
    for pop in POPULATIONS:
        assert rate(states[-1], pop) == pytest.approx(baseline(pop))
    assert states[-1].movement["tongue"] == 0.0
    assert states[-1].attribution == "none"
    assert states[-1].phase == "watching"
    assert not any(s.events for s in states)


def test_adult_watching_mirrors_without_moving():
    params = CircuitParams()
    states = run(MirrorCircuit(params, mode="adult"), frames(3.0), tongue_between(0.5, 3.0))
    late = at(states, 2.5)
    assert rate(late, "visual") > baseline("visual") + 15
    assert rate(late, "mirror") > baseline("mirror") + 25
    assert rate(late, "suppression") < 0.2 * baseline("suppression")  # fall silent (Kraskov 2009)
    assert baseline("motor") + 10 < rate(late, "motor") < late.motor_threshold_rate
    assert max(s.movement["tongue"] for s in states) == 0.0
    assert late.attribution == "other"
    assert late.phase == "other"
    assert not [e for s in states for e in s.events if e.event.startswith("imitation")]


def test_adult_motor_is_about_half_of_infant_motor():
    params = CircuitParams()
    infant = run(MirrorCircuit(params, mode="infant"), frames(2.0), tongue_between(0.0, 9.0))[-1]
    adult = run(MirrorCircuit(params, mode="adult"), frames(2.0), tongue_between(0.0, 9.0))[-1]
    spont = baseline("motor")
    ratio = (rate(adult, "motor") - spont) / (rate(infant, "motor") - spont)
    assert 0.35 < ratio < 0.65  # Vigneswaran et al. 2013: about half as active when only watching
    # the mirror units fire about equally when watching and when doing
    assert rate(adult, "mirror") == pytest.approx(rate(infant, "mirror"), rel=0.1)


def test_infant_imitates_after_the_expected_latency_then_feels_it():
    latency = expected_imitation_latency()
    assert latency is not None and 0.1 < latency < 1.5
    onset = 0.5
    states = run(MirrorCircuit(mode="infant"), frames(3.0), tongue_between(onset, 3.0))
    starts = [e for s in states for e in s.events if e.event == "imitation_start"]
    assert len(starts) == 1
    assert starts[0].t - onset == pytest.approx(latency, abs=0.002)
    start_state = next(s for s in states if starts[0] in s.events)
    assert start_state.movement["tongue"] > 0.3
    before = [s for s in states if s.t < starts[0].t - 0.1]
    assert all(s.movement["tongue"] < 0.05 for s in before)
    assert all(s.attribution != "self" for s in before)
    late = at(states, 2.5)
    assert late.attribution == "self"
    assert late.phase == "self"
    assert rate(late, "feedback") > baseline("feedback") + 15
    assert rate(late, "suppression") > baseline("suppression")  # fire when acting (Kraskov 2009)
    assert rate(late, "motor") > late.motor_threshold_rate
    assert late.signals["error"][0] < CircuitParams().error_tolerance


def test_feedback_lags_the_movement_by_the_feedback_delay():
    params = CircuitParams()
    states = run(MirrorCircuit(params), frames(3.0), tongue_between(0.5, 3.0))
    start = next(e.t for s in states for e in s.events if e.event == "imitation_start")
    first_imitating = next(s for s in states if s.phase == "imitating")
    first_self = next(s for s in states if s.attribution == "self")
    assert first_imitating.t < first_self.t
    assert first_self.t >= start - 1 / FPS  # feedback only after the own movement


def test_same_latency_for_every_gesture_in_a_sequence():
    onsets = [0.5, 4.5, 8.5]
    gestures = lambda t: 1.0 if any(o <= t < o + 2.0 for o in onsets) else 0.0  # noqa: E731
    states = run(MirrorCircuit(), frames(12.0), gestures)
    starts = [e.t for s in states for e in s.events if e.event == "imitation_start"]
    ends = [e.t for s in states for e in s.events if e.event == "imitation_end"]
    assert len(starts) == len(ends) == 3
    latencies = [s - o for s, o in zip(starts, onsets, strict=True)]
    assert max(latencies) - min(latencies) < 0.002


def test_activity_dies_away_after_input_stops():
    for mode in ("infant", "adult"):
        states = run(MirrorCircuit(mode=mode), frames(5.0), tongue_between(0.2, 2.0))
        last = states[-1]
        for pop in POPULATIONS:
            assert rate(last, pop) == pytest.approx(baseline(pop), abs=0.5), (mode, pop)
        assert last.movement["tongue"] < 0.01
        assert last.attribution == "none"


def test_same_seed_same_spikes_other_seed_other_spikes():
    def spikes(seed):
        states = run(MirrorCircuit(seed=seed), frames(1.5), tongue_between(0.3, 1.5))
        return np.concatenate([s.spikes["mirror"] for s in states])

    a, b, c = spikes(7), spikes(7), spikes(8)
    assert a.any()
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_spikes_follow_rates():
    states = run(MirrorCircuit(), frames(3.0), tongue_between(0.0, 3.0))
    late = [s for s in states if s.t > 1.5]
    steps = sum(s.spikes["motor"].shape[0] for s in late)
    spikes = sum(int(s.spikes["motor"][:, 0].sum()) for s in late)
    n = CircuitParams().neurons_per_population
    measured = spikes / (steps * CircuitParams().dt * n)
    assert measured == pytest.approx(rate(late[-1], "motor"), rel=0.2)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(0.002, 0.12), min_size=5, max_size=60))
def test_irregular_frame_times_give_the_same_trace(gaps):
    # The gesture switches at 0.5 s and 1.5 s; both schedules contain those instants, and no gap
    # is longer than the catch-up cap (a longer one is a deliberate discontinuity).
    grid = [i * 0.25 for i in range(9)]
    irregular = sorted({*grid, *np.cumsum(gaps)[np.cumsum(gaps) < 2.0]})
    regular = frames(2.0)
    seen = tongue_between(0.5, 1.5)
    a = run(MirrorCircuit(), regular, seen)
    b = run(MirrorCircuit(), irregular, seen)
    for pop in POPULATIONS:
        sa = np.concatenate([s.spikes[pop] for s in a])
        sb = np.concatenate([s.spikes[pop] for s in b])
        assert np.array_equal(sa, sb), pop
        assert np.allclose(a[-1].rates[pop], b[-1].rates[pop], rtol=0, atol=1e-9)
    ea = [(e.event, round(e.t, 6)) for s in a for e in s.events]
    eb = [(e.event, round(e.t, 6)) for s in b for e in s.events]
    assert ea == eb


def reference_trace(params, inhibition, observed, n_steps):
    """The docstring's equations stepped one dt at a time with plain Python lists."""
    dv, de, df = (params.steps(getattr(params, f"delay_{k}")) for k in
                  ("visual", "efference", "feedback"))
    g = lambda u: math.tanh(max(u, 0.0))  # noqa: E731
    cmd = lambda m: min(max((m - params.motor_threshold)  # noqa: E731
                            / (params.motor_full - params.motor_threshold), 0.0), 1.0)
    v = p = m = x = 0.0
    s = g(params.suppression_tonic)
    ms, xs = [0.0], [0.0]
    out = []
    for k in range(n_steps):
        o = observed(k - dv) if k - dv >= 0 else 0.0
        e = ms[k - de] if k - de >= 0 else 0.0
        dt = params.dt
        v, p, s, m, x = (
            v + dt / params.tau_visual * (-v + g(params.gain_visual * o)),
            p + dt / params.tau_mirror * (-p + g(params.w_visual_mirror * v
                                                 + params.w_efference_mirror * e)),
            s + dt / params.tau_suppression * (-s + g(params.suppression_tonic
                                                      + params.w_command_suppression * cmd(e)
                                                      - params.w_visual_suppression * v)),
            m + dt / params.tau_motor * (-m + g(params.w_mirror_motor * p - inhibition)),
            x + dt / params.tau_muscle * (-x + cmd(m)),
        )
        ms.append(m)
        xs.append(x)
        out.append((v, p, s, m, xs[k + 1 - df] if k + 1 - df >= 0 else 0.0))
    return np.array(out), np.array(xs[1:])


def test_simulation_matches_the_documented_equations_stepped_one_ms_at_a_time():
    params = CircuitParams()
    circuit = MirrorCircuit(params, mode="infant")
    # frame every 40 ms; the gesture is on from frame 5 to frame 30 (0.2 s .. 1.2 s)
    states = [circuit.advance_to(i * 0.04, {"tongue": 1.0 if 5 <= i < 30 else 0.0})
              for i in range(50)]
    observed = lambda k: 1.0 if 200 <= k < 1200 else 0.0  # noqa: E731
    ref, movement = reference_trace(params, params.inhibition_infant, observed, 1960)
    for i in (10, 20, 31, 49):
        k = round(states[i].t / params.dt) - 1
        for j, pop in enumerate(POPULATIONS):
            spont, peak = params.rate_range(pop)
            assert rate(states[i], pop) == pytest.approx(spont + (peak - spont) * ref[k, j],
                                                         abs=1e-9), (i, pop)
        assert states[i].movement["tongue"] == pytest.approx(movement[k], abs=1e-12)


def test_catch_up_is_capped_and_clock_reanchored():
    params = CircuitParams()
    circuit = MirrorCircuit(params)
    circuit.advance_to(10.0, {"tongue": 1.0})
    jumped = circuit.advance_to(3610.0, {"tongue": 1.0})  # an hour later (laptop slept)
    assert jumped.events[0].event == "circuit_clock_jump"
    assert jumped.spikes["motor"].shape[0] == params.steps(params.max_catchup)
    nxt = circuit.advance_to(3610.0 + 1 / FPS, {"tongue": 1.0})
    assert nxt.spikes["motor"].shape[0] == pytest.approx(33, abs=1)
    assert not nxt.events or nxt.events[0].event != "circuit_clock_jump"


def test_backwards_time_runs_nothing_and_continues():
    circuit = MirrorCircuit()
    circuit.advance_to(5.0, {"tongue": 1.0})
    circuit.advance_to(6.0, {"tongue": 1.0})
    back = circuit.advance_to(1.0, {"tongue": 1.0})  # the clip looped
    assert back.events[0].event == "circuit_clock_jump"
    assert back.spikes["visual"].shape[0] == 0
    on = circuit.advance_to(1.1, {"tongue": 1.0})
    assert on.spikes["visual"].shape[0] == 100


def test_reset_returns_to_rest_and_replays_identically():
    circuit = MirrorCircuit(mode="adult")
    first = run(circuit, frames(1.0), tongue_between(0.2, 1.0))
    circuit.reset()
    assert circuit.mode == "adult"
    second = run(circuit, frames(1.0), tongue_between(0.2, 1.0))
    assert np.array_equal(first[-1].spikes["mirror"], second[-1].spikes["mirror"])
    assert rate(second[0], "mirror") == pytest.approx(baseline("mirror"))


def test_inhibition_knob_and_modes():
    params = CircuitParams()
    circuit = MirrorCircuit(params)
    assert circuit.mode == "infant"
    circuit.set_mode("adult")
    assert circuit.inhibition == params.inhibition_adult and circuit.mode == "adult"
    circuit.set_inhibition(0.5)
    assert circuit.mode == ""
    assert circuit.nudge_inhibition(100.0) == params.inhibition_max
    with pytest.raises(ValueError):
        circuit.set_inhibition(-0.1)
    with pytest.raises(ValueError):
        circuit.set_mode("teenager")
    with pytest.raises(ValueError):
        circuit.advance_to(float("nan"), {})


def test_adult_never_imitates_and_infant_latency_is_stable_across_strengths():
    assert expected_imitation_latency(mode="adult") is None
    strong = expected_imitation_latency(strength=1.0)
    weak = expected_imitation_latency(strength=0.5)
    assert weak is not None and strong is not None and weak >= strong


def test_channels_are_independent():
    circuit = MirrorCircuit()
    states = [circuit.advance_to(t, {"jaw": 1.0}) for t in frames(2.0)]
    assert states[-1].movement["jaw"] > 0.9
    assert states[-1].movement["tongue"] == 0.0 and states[-1].movement["lips"] == 0.0
    assert not [e for s in states for e in s.events if e.event == "imitation_start"]


# ---- parameter validation: every field has a value that must be refused ------------------------
BAD_VALUES = {
    "dt": [0.0, -0.001, 0.03, 0.0007],
    "channels": [(), ("tongue", "tongue"), ("tongue", "")],
    "event_channel": ["nose"],
    "tau_visual": [0.0, -0.05, 0.001, 10.0],
    "tau_mirror": [0.0, 6.0],
    "tau_suppression": [0.0],
    "tau_motor": [-1.0],
    "tau_muscle": [0.0015],
    "delay_visual": [-0.01, 0.0105, 2.0],
    "delay_efference": [0.0, 0.0005],
    "delay_feedback": [-0.05, 0.0503],
    "gain_visual": [0.0, -1.0, 11.0],
    "w_visual_mirror": [0.0, -2.0],
    "w_efference_mirror": [-0.1, 0.7],  # 0.7 * 1.5 >= 1: runaway loop
    "w_mirror_motor": [0.0, 20.0],
    "suppression_tonic": [-0.5],
    "w_command_suppression": [-1.0],
    "w_visual_suppression": [-1.0, 12.0],
    "w_intent_motor": [-0.5, 10.5],
    "motor_threshold": [0.0, 1.0, 0.9],  # 0.9 > motor_full
    "motor_full": [0.5, 1.2],
    "inhibition_infant": [-0.1, 0.9, 1.3],  # >= adult; too high to imitate
    "inhibition_adult": [0.1, 3.0, 0.2],  # adult would move; above max; equal to infant
    "inhibition_max": [0.0, 0.5, 11.0],
    "rate_spont_visual": [-1.0, 30.0],
    "rate_peak_visual": [4.0, 500.0],
    "rate_spont_mirror": [-1.0],
    "rate_peak_mirror": [1.0],
    "rate_spont_suppression": [-0.1],
    "rate_peak_suppression": [0.0, 300.0],
    "rate_spont_motor": [70.0],
    "rate_peak_motor": [250.0],
    "rate_spont_feedback": [-3.0],
    "rate_peak_feedback": [2.0],
    "neurons_per_population": [0, 1000, 2.5],
    "gain_spread": [-0.1, 2.0],
    "imitation_on": [0.0, 1.0, 0.1],  # 0.1 < imitation_off
    "imitation_off": [0.0, 0.5],
    "feedback_on": [0.0, 1.5],
    "mirror_on": [0.0, 1.0],
    "error_tolerance": [0.0, -1.0],
    "max_catchup": [0.0, 10.0],
}


def test_every_parameter_has_a_validation_case():
    assert set(BAD_VALUES) == {f.name for f in dataclasses.fields(CircuitParams)}


@pytest.mark.parametrize(("name", "value"),
                         [(n, v) for n, vals in BAD_VALUES.items() for v in vals])
def test_bad_parameter_raises(name, value):
    with pytest.raises(ValueError, match=re.escape(name)):
        CircuitParams(**{name: value})


def test_defaults_are_valid_and_loop_gain_below_one():
    params = CircuitParams()
    assert params.loop_gain < 1.0
    infant = steady_state(params, params.inhibition_infant)["motor"]
    adult = steady_state(params, params.inhibition_adult)["motor"]
    assert adult < params.motor_threshold < infant


def test_neural_columns_name_every_population_and_channel():
    from tongue_mirror.io.neural_columns import neural_columns

    circuit = MirrorCircuit(mode="adult")
    state = [circuit.advance_to(t, {"tongue": 1.0}) for t in frames(1.0)][-1]
    row = neural_columns(state)
    for pop in POPULATIONS:
        for channel in state.channels:
            assert isinstance(row[f"rate_{pop}_{channel}"], float)
    assert row["attribution"] == "other"
    assert row["movement_tongue"] == 0.0
    assert {"efference_tongue", "feedback_tongue", "error_tongue"} <= set(row)


def test_the_documented_latency_is_the_one_the_parameters_produce():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "circuit.md"
    if not doc.exists():
        pytest.skip("docs/circuit.md not present")
    stated = {float(m) for m in re.findall(r"\*\*(\d\.\d+) s\*\*", doc.read_text())}
    assert stated == {round(expected_imitation_latency(), 3)}


@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.0, 0.2), st.floats(0.0, 1.0),
                       st.sampled_from(["tongue", "jaw"])), min_size=1, max_size=80),
    st.sampled_from(["infant", "adult"]),
)
def test_any_input_keeps_the_circuit_in_range_and_events_alternating(frames_in, mode):
    params = CircuitParams()
    circuit = MirrorCircuit(params, mode=mode)
    t = 0.0
    events = []
    for gap, strength, channel in frames_in:
        t += gap
        state = circuit.advance_to(t, {channel: strength})
        events += [e for e in state.events if e.event.startswith("imitation")]
        for pop in POPULATIONS:
            peak = params.rate_range(pop)[1]
            assert np.all(state.rates[pop] >= 0) and np.all(state.rates[pop] <= peak + 1e-9)
        assert all(0.0 <= m <= 1.0 for m in state.movement.values())
        assert state.attribution in ("self", "other", "none")
    names = [e.event for e in events]
    assert names == [("imitation_start", "imitation_end")[i % 2] for i in range(len(names))]
    assert all(a.t <= b.t for a, b in itertools.pairwise(events))
    if mode == "adult":
        assert not events
