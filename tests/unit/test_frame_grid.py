"""Property tests: the grid fills each slot once, in order, and keeps the capture's timing."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from tongue_mirror.io.frame_grid import FrameGrid

times = st.lists(st.floats(min_value=-1e4, max_value=1e4, allow_nan=False), min_size=1,
                 max_size=80)
fps = st.sampled_from([10.0, 24.0, 25.0, 29.97, 30.0, 60.0])


@given(times, fps)
def test_slots_move_on_by_the_steps_given_and_never_go_back(ts: list[float], rate: float) -> None:
    grid = FrameGrid(rate)
    slots = []
    for t in ts:
        before = grid.slot
        steps = grid.advance(t)
        assert steps >= 0 and grid.slot == before + steps
        slots.append(grid.slot)
    assert slots[0] == 0
    assert all(b >= a for a, b in itertools.pairwise(slots))


@given(st.lists(st.floats(min_value=0.0, max_value=1.9), min_size=1, max_size=80), fps)
def test_forward_capture_times_land_on_their_own_slot(gaps: list[float], rate: float) -> None:
    """Jittery, late or bursty captures: the last frame sits at its capture time on the grid."""
    grid = FrameGrid(rate, max_gap_s=2.0)
    t = 100.0
    grid.advance(t)
    for gap in gaps:
        t += gap
        grid.advance(t)
        assert grid.slot == round((t - 100.0) * rate)


def test_late_frames_hold_the_previous_and_a_second_in_one_slot_is_dropped() -> None:
    grid = FrameGrid(30.0)
    assert [grid.advance(t) for t in (0.0, 1 / 30, 1.1 / 30, 4 / 30, 5 / 30)] == [1, 1, 0, 3, 1]


def test_time_going_back_or_a_long_gap_continues_at_the_next_slot() -> None:
    grid = FrameGrid(30.0, max_gap_s=2.0)
    grid.advance(10.0)
    grid.advance(10.5)
    assert grid.slot == 15
    assert grid.advance(3.0) == 1 and grid.slot == 16  # a looping file starts over
    assert grid.advance(3.1) == 3 and grid.slot == 19  # and keeps its spacing from there
    assert grid.advance(60.0) == 1 and grid.slot == 20  # a pause is cut, not filled
