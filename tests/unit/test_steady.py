"""The one settle-and-hold rule behind the caption and the stage prompts."""

from __future__ import annotations

from tongue_mirror.view.steady import Steady


def test_a_change_waits_for_settle_and_hold():
    s = Steady("a", settle_s=0.2, hold_s=1.0, hold_from_first=True)
    assert s.update("a", 0.0) == "a"
    assert s.update("b", 0.5) == "a"  # wanted, not yet settled
    assert s.update("b", 0.8) == "a"  # settled, but "a" has not been held 1 s
    assert s.update("b", 1.0) == "b"
    assert s.update("c", 1.1) == "b"  # a flicker shorter than the settle time never shows
    assert s.update("b", 1.2) == "b"
    assert s.update("c", 2.5) == "b" and s.update("c", 2.7) == "c"


def test_without_hold_from_first_the_first_change_only_settles():
    s = Steady(None, settle_s=0.2, hold_s=5.0)
    assert s.update("x", 0.0) is None
    assert s.update("x", 0.2) == "x"
    s.reset(None)
    assert s.value is None
