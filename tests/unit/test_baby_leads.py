"""The baby's own action: a command to the circuit's motor lanes, honest in the adult preset too."""

from __future__ import annotations

import pytest

from tongue_mirror.core.circuit import MirrorCircuit
from tongue_mirror.core.circuit_params import CircuitParams


def run(circuit, seconds, intent=None, observed=None, t0=0.0, fps=30.0):
    states = []
    for i in range(int(seconds * fps)):
        states.append(circuit.advance_to(t0 + i / fps, observed or {}, i, intent))
    return states


@pytest.mark.parametrize("mode", ["adult", "infant"])
def test_an_own_action_moves_the_baby_and_its_mirror_units_fire(mode):
    circuit = MirrorCircuit(CircuitParams(), mode=mode)
    rest = run(circuit, 0.5)[-1]
    acting = run(circuit, 1.0, intent={"jaw": 1.0}, t0=0.5)[-1]
    assert rest.movement["jaw"] < 0.01
    assert acting.movement["jaw"] > 0.9
    assert acting.movement["tongue"] < 0.01 and acting.movement["lips"] < 0.01
    assert acting.attribution == "self"
    spont = CircuitParams().rate_range("mirror")[0]
    assert acting.rate("mirror", "jaw") > spont + 5.0  # mirror units fire while it acts
    released = run(circuit, 1.5, t0=1.5)[-1]
    assert released.movement["jaw"] < 0.05


def test_without_an_intent_the_adult_watches_without_moving():
    circuit = MirrorCircuit(CircuitParams(), mode="adult")
    watched = run(circuit, 1.0, observed={"tongue": 1.0})[-1]
    assert watched.movement["tongue"] < 0.01 and watched.attribution == "other"


def test_the_caption_says_the_baby_leads_even_when_you_do_the_same():
    from tongue_mirror.view.caption import COPYING, LEADING, CaptionMachine, Levels

    circuit = MirrorCircuit(CircuitParams(), mode="adult")
    machine = CaptionMachine()
    kinds = []
    for i in range(60):  # the baby opens its mouth on its own; you open yours too
        state = circuit.advance_to(i / 30, {"jaw": 1.0}, i, {"jaw": 1.0})
        kinds.append(machine.update(state.t, Levels.from_state(state)).kind)
    assert kinds[-1] == LEADING and COPYING not in kinds
    assert dict(state.intent) == {"jaw": 1.0}


def test_the_babys_own_tongue_is_an_action_event_not_an_imitation():
    circuit = MirrorCircuit(CircuitParams(), mode="adult")
    events = []
    for i in range(90):
        state = circuit.advance_to(i / 30, {}, i, {"tongue": 1.0} if 5 <= i < 40 else {})
        events += [e.event for e in state.events]
    assert events == ["action_start", "action_end"]


def test_the_tail_of_the_babys_own_move_is_not_called_a_copy():
    # Seen in a live round: the game ends the baby's mouth-opening while its movement is still
    # decaying, and you open your mouth in answer; the moving channel then had no intent, you
    # were seen, and the caption said "baby copies you". The movement began as its own move.
    from tongue_mirror.view.caption import COPYING, LEADING, CaptionMachine, Levels

    machine = CaptionMachine()
    kinds = []
    for i in range(90):
        t = i / 30
        leading = frozenset({"jaw"}) if i < 30 else frozenset()
        seen = {"jaw": 1.0 if i >= 25 else 0.0, "tongue": 0.0, "lips": 0.0}
        moving = {"jaw": 1.0 if i < 50 else 0.0, "tongue": 0.0, "lips": 0.0}
        kinds.append(machine.update(t, Levels(seen, moving, leading)).kind)
    assert LEADING in kinds and COPYING not in kinds
