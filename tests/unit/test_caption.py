"""The caption state machine: stays up long enough to read, and never claims what the traces deny."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongue_mirror.view.caption import (
    COPYING,
    IDLE,
    SEEING,
    SELF,
    Caption,
    CaptionConfig,
    CaptionMachine,
    Levels,
)

CHANNELS = ("tongue", "jaw", "lips")
level = st.floats(0.0, 1.0)
# Segments of held levels (duration s, seen, moving), sampled at a jittery ~30 fps by `run`.
segment = st.tuples(st.floats(0.02, 2.5),
                    st.fixed_dictionaries({c: level for c in CHANNELS}),
                    st.fixed_dictionaries({c: level for c in CHANNELS}))
segments = st.lists(segment, min_size=1, max_size=25)


def run(machine: CaptionMachine, segs) -> list[tuple[float, Caption, Levels]]:
    t, out, i = 0.0, [], 0
    for duration, seen, moving in segs:
        end = t + duration
        while t < end:
            i += 1
            t += (1.0 + 0.5 * ((i * 7919) % 11) / 10) / 30  # 33-50 ms, deterministic jitter
            levels = Levels(seen, moving)
            out.append((t, machine.update(t, levels), levels))
    return out


@settings(max_examples=200, deadline=None)
@given(segments, st.floats(0.2, 3.0))
def test_never_changes_more_often_than_its_minimum_hold(frames, hold):
    machine = CaptionMachine(CaptionConfig(hold_s=hold))
    changes = [0.0]  # the first caption is shown from the start
    last = Caption()
    for t, caption, _ in run(machine, frames):
        if caption != last:
            changes.append(t)
            last = caption
    gaps = [b - a for a, b in itertools.pairwise(changes)]
    assert all(g >= hold - 1e-9 for g in gaps), gaps


@settings(max_examples=200, deadline=None)
@given(segments)
def test_never_claims_imitation_when_the_traces_are_flat(frames):
    """Copying / "that was me" only while, or shortly after, the baby's own move traces are up."""
    cfg = CaptionConfig()
    machine = CaptionMachine(cfg)
    last_moving = None
    for t, caption, levels in run(machine, frames):
        if max(levels.moving.values()) >= cfg.moving_off:  # above this a move trace is not flat
            last_moving = t
        if caption.kind in (COPYING, SELF):
            assert last_moving is not None, "claimed imitation with the move traces flat"
            # it may linger for one hold (readable), never longer
            assert t - last_moving <= cfg.hold_s + cfg.settle_s + 0.2 + 1e-9


@settings(max_examples=100, deadline=None)
@given(segments)
def test_watching_alone_never_says_copying(frames):
    machine = CaptionMachine()
    flat = dict.fromkeys(CHANNELS, 0.0)
    kinds = {caption.kind for _, caption, _ in run(machine, [(d, s, flat) for d, s, _ in frames])}
    assert kinds <= {IDLE, SEEING}


def test_start_up_with_nothing_happening_says_watching():
    machine = CaptionMachine()
    flat = Levels(dict.fromkeys(CHANNELS, 0.0), dict.fromkeys(CHANNELS, 0.0))
    for i in range(100):
        assert machine.update(i / 30, flat) == Caption()
    assert Caption().text() == "baby is watching you"


def test_held_tongue_out_says_copying_until_the_person_stops():
    """A 25 s tongue-out: "copies you" the whole time; "that was me" only once the person stops."""
    machine = CaptionMachine()
    on = Levels({"tongue": 0.9, "jaw": 0.0, "lips": 0.0}, {"tongue": 1.0, "jaw": 0.0, "lips": 0.0})
    baby_only = Levels({"tongue": 0.0, "jaw": 0.0, "lips": 0.0},
                       {"tongue": 0.6, "jaw": 0.0, "lips": 0.0})
    kinds = [machine.update(1.0 + i / 30, on).kind for i in range(25 * 30)]
    assert set(kinds[60:]) == {COPYING}  # after the start-up hold
    after = [machine.update(26.0 + i / 30, baby_only).kind for i in range(15)]
    assert after[-1] == SELF
    assert machine.caption.text() == "baby feels its own tongue: that was me"


def test_hysteresis_ignores_flicker_around_the_threshold():
    machine = CaptionMachine()
    kinds = set()
    for i in range(300):
        seen = 0.4 if i % 2 else 0.2  # above on, then between off and on: stays on
        lv = Levels({"tongue": seen, "jaw": 0.0, "lips": 0.0}, dict.fromkeys(CHANNELS, 0.0))
        kinds.add(machine.update(i / 30, lv).kind)
    assert kinds == {IDLE, SEEING}
    assert machine.caption.kind == SEEING


def test_stays_on_the_channel_it_talks_about_but_a_tongue_wins():
    machine = CaptionMachine()
    lips = Levels({"tongue": 0.0, "jaw": 0.0, "lips": 0.9}, {"tongue": 0.0, "jaw": 0.0, "lips": 0.9})
    for i in range(60):
        machine.update(i / 30, lips)
    both = Levels({"tongue": 0.0, "jaw": 1.0, "lips": 0.9}, {"tongue": 0.0, "jaw": 1.0, "lips": 0.9})
    for i in range(60, 200):
        assert machine.update(i / 30, both).channel == "lips"
    # a tongue out opens the mouth too: the caption names the tongue
    tongue = Levels({"tongue": 0.7, "jaw": 1.0, "lips": 0.0}, {"tongue": 0.5, "jaw": 1.0, "lips": 0.0})
    for i in range(200, 300):
        machine.update(i / 30, tongue)
    assert machine.caption.channel == "tongue"


def test_time_going_backwards_starts_afresh():
    machine = CaptionMachine()
    on = Levels({"tongue": 0.9, "jaw": 0.0, "lips": 0.0}, {"tongue": 0.9, "jaw": 0.0, "lips": 0.0})
    for i in range(90):
        machine.update(i / 30, on)
    assert machine.caption.kind == COPYING
    flat = Levels(dict.fromkeys(CHANNELS, 0.0), dict.fromkeys(CHANNELS, 0.0))
    assert machine.update(0.0, flat) == Caption()


def test_bad_config_is_refused():
    with pytest.raises(ValueError):
        CaptionConfig(seen_on=0.2, seen_off=0.4)
    with pytest.raises(ValueError):
        CaptionConfig(hold_s=0.0)
