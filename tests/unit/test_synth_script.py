"""The performer's script language: round trips, exact totals, one-line errors for bad text."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongue_mirror.errors import UserError
from tongue_mirror.synth.script import (
    ACTIONS,
    MAX_STEP_SECONDS,
    MIN_STEP_SECONDS,
    Step,
    format_script,
    parse_script,
    random_script,
    script_seconds,
)

steps_st = st.lists(
    st.builds(Step, st.sampled_from(ACTIONS),
              st.floats(MIN_STEP_SECONDS, MAX_STEP_SECONDS, allow_nan=False)),
    min_size=1, max_size=20,
)


@given(steps_st)
def test_format_then_parse_round_trips(steps):
    assert parse_script(format_script(steps)) == tuple(steps)


@given(steps_st, st.sampled_from([" ", "", "  "]))
def test_whitespace_and_case_are_ignored(steps, pad):
    text = ",".join(f"{pad}{s.action.upper()}{pad}:{pad}{s.seconds!r}{pad}" for s in steps)
    assert parse_script(text) == tuple(steps)


@given(st.text(max_size=40))
def test_any_text_parses_or_fails_with_a_user_error(text):
    try:
        steps = parse_script(text)
    except UserError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(s.action in ACTIONS for s in steps)
        assert all(MIN_STEP_SECONDS <= s.seconds <= MAX_STEP_SECONDS for s in steps)


@pytest.mark.parametrize("text", ["", "tongue", "tongue:", "dance:1", "tongue:-1",
                                  "tongue:nan", "tongue:inf", "tongue:1,,neutral:1",
                                  "tongue:1e9", "tongue:0"])
def test_malformed_scripts_are_user_errors(text):
    with pytest.raises(UserError):
        parse_script(text)


@given(st.floats(0.05, 120.0, allow_nan=False), st.integers(0, 2**32 - 1))
def test_random_script_fills_exactly_and_is_seeded(seconds, seed):
    steps = random_script(seconds, seed)
    assert math.isclose(script_seconds(steps), seconds, rel_tol=0, abs_tol=1e-6)
    assert steps == random_script(seconds, seed)
    assert steps[0].action == "neutral"


def test_long_random_script_has_tongues_and_distractors():
    steps = random_script(30.0, 4)
    assert any(s.is_tongue for s in steps)
    assert any(s.action in {"talk", "yawn", "smile", "mouth-open", "pucker"} for s in steps)
