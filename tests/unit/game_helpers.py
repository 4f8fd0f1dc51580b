"""A simulated participant for the game's unit tests: blendshapes and tongue states on frame time."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tongue_mirror import landmarks as lm
from tongue_mirror.core.game.plan import Trial
from tongue_mirror.core.game.session import Game, GameState
from tongue_mirror.core.gesture import TONGUE_OUT_START
from tongue_mirror.values import FaceObservation, GestureEvent, TongueState

# (trial, seconds since the cue's frame) -> the gesture being made then, "" for none
Responder = Callable[[Trial, float], str]


def face(jaw: float = 0.0, lips: float = 0.0) -> FaceObservation:
    """A face whose only news is its mouth blendshapes."""
    return FaceObservation(
        landmarks=np.zeros((478, 3), np.float32),
        blendshapes={lm.BS_JAW_OPEN: jaw, lm.BS_MOUTH_PUCKER: lips},
        yaw=0.0, pitch=0.0, roll=0.0, bbox=(100, 100, 300, 300),
        image_size=(640, 480))


class Participant:
    """Turns a responder into per-frame observations, as the trackers would report them."""

    def __init__(self, responder: Responder, lost: Callable[[Trial, float], bool] | None = None
                 ) -> None:
        self.responder = responder
        self.lost = lost or (lambda trial, dt: False)
        self.tongue_out = False
        self.tongue_first: float | None = None

    def observe(self, state: GameState, t: float, frame: int
                ) -> tuple[FaceObservation | None, TongueState]:
        gesture = ""
        trial = state.trial
        since = None
        if trial is not None and state.cue_t is not None:
            since = t - state.cue_t
            gesture = self.responder(trial, since)
        if trial is not None and since is not None and self.lost(trial, since):
            return None, TongueState()
        events: tuple[GestureEvent, ...] = ()
        # The tracker confirms a tongue on its second frame; the onset is the first.
        if gesture != "tongue":
            self.tongue_first = None
        elif self.tongue_first is None:
            self.tongue_first = t
        elif not self.tongue_out:
            events = (GestureEvent(t, frame, TONGUE_OUT_START,
                                   {"evidence_since": self.tongue_first}),)
        self.tongue_out = self.tongue_first is not None and self.tongue_first < t
        tongue = self.tongue_out
        jaw = 0.4 if gesture in ("mouth", "tongue") else 0.0  # a tongue opens the mouth too
        lips = 0.8 if gesture == "lips" else 0.0
        return face(jaw, lips), TongueState(is_out=tongue, events=events)


def play(game: Game, participant: Participant, fps: float, seconds: float,
         stop: Callable[[GameState], bool] | None = None) -> list[GameState]:
    """Runs the game frame by frame; the participant sees each frame's state after it is drawn."""
    states: list[GameState] = []
    state = game.state
    for i in range(int(seconds * fps)):
        t = i / fps
        face_, tongue = participant.observe(state, t, i)
        state = game.update(face_, tongue, t, i)
        states.append(state)
        if stop is not None and stop(state):
            break
    return states
