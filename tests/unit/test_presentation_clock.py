"""Property tests: recorder pts always increase and keep the source's spacing where it moves on."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from tongue_mirror.io.recorder import TIME_BASE, PresentationClock

times = st.lists(st.floats(min_value=-1e4, max_value=1e4, allow_nan=False), min_size=1,
                 max_size=60)


@given(times, st.integers(min_value=1, max_value=9000))
def test_pts_strictly_increase(ts: list[float], period: int) -> None:
    clock = PresentationClock(period)
    pts = [clock.pts(t) for t in ts]
    assert pts[0] == 0
    assert all(b > a for a, b in itertools.pairwise(pts))


@given(times, st.integers(min_value=1, max_value=9000))
def test_forward_steps_keep_their_length(ts: list[float], period: int) -> None:
    clock = PresentationClock(period)
    pts = [clock.pts(t) for t in ts]
    for i in range(1, len(ts)):
        step = round((ts[i] - ts[0]) / TIME_BASE) - round((ts[i - 1] - ts[0]) / TIME_BASE)
        if step > 0:
            assert pts[i] - pts[i - 1] == step
        else:
            assert pts[i] - pts[i - 1] == period
