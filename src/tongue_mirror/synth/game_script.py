"""A scripted game participant: a performer script that answers each cue with a known gesture and latency.

The cue times come from running the real game over the clip's frame times with a face that
stays neutral: the game's timing depends only on frame times and on the face being neutral during
each fixation (the response window has a fixed length), so a participant who is neutral again
before each window ends meets the cues on the very same frames.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tongue_mirror.core.game.plan import Trial
from tongue_mirror.core.game.session import CUE, Game, GameConfig
from tongue_mirror.synth.script import MIN_STEP_SECONDS, Step
from tongue_mirror.values import FaceObservation, TongueState

# The script action that performs each game gesture (lips cannot be performed: MediaPipe scores
# the performer's pucker at about 0.04, see tools/screenshots.py).
ACTION = {"tongue": "tongue", "mouth": "mouth-open"}
# trial -> (gesture, latency after the cue's frame in s) or None for no answer
Answer = Callable[[Trial, bool], tuple[str, float] | None]


@dataclass(frozen=True)
class ScriptedTrial:
    """One trial as scripted: when its cue shows and what the performer answers, when."""

    trial: Trial
    practice: bool
    cue_t: float
    cue_frame: int
    answer: str  # "" for none
    start_s: float | None  # when the answer's script step begins (clip time)


def _still_face() -> FaceObservation:
    return FaceObservation(landmarks=np.zeros((478, 3), np.float32), blendshapes={},
                           yaw=0.0, pitch=0.0, roll=0.0,
                           bbox=(0.0, 0.0, 1.0, 1.0), image_size=(2, 2))


def cue_schedule(config: GameConfig, fps: float, seconds: float, participant: int = 1
                 ) -> list[tuple[Trial, bool, float, int]]:
    """(trial, practice, cue time, cue frame) of every cue the game shows a still face."""
    game = Game(config)
    for _ in range(participant):
        game.start_participant()
    face, rest = _still_face(), TongueState()
    cues: list[tuple[Trial, bool, float, int]] = []
    last = None
    for i in range(round(seconds * fps)):  # as many frames as the performer renders
        t = i / fps
        state = game.update(face, rest, t, i)
        if state.stage == CUE and state.trial is not None and state.cue_t is not None:
            key = (state.phase, state.trial.index)
            if key != last:
                cues.append((state.trial, state.phase == "practice", state.cue_t, i))
                last = key
    return cues


def game_script(config: GameConfig, fps: float, seconds: float, answer: Answer,
                hold_s: float = 0.8, participant: int = 1
                ) -> tuple[tuple[Step, ...], list[ScriptedTrial]]:
    """The performer's script (neutral between answers) and what each trial should record."""
    steps: list[Step] = []
    planned: list[ScriptedTrial] = []
    now = 0.0
    for trial, practice, cue_t, cue_frame in cue_schedule(config, fps, seconds, participant):
        reply = answer(trial, practice)
        if reply is None:
            planned.append(ScriptedTrial(trial, practice, cue_t, cue_frame, "", None))
            continue
        gesture, latency = reply
        start = cue_t + latency
        if start - now < MIN_STEP_SECONDS or latency + hold_s >= config.window_s:
            raise ValueError(f"trial {trial.index}: an answer at {latency} s for {hold_s} s does "
                             "not fit between the cues")
        steps.append(Step("neutral", round(start - now, 6)))
        steps.append(Step(ACTION[gesture], hold_s))
        now = start + hold_s
        planned.append(ScriptedTrial(trial, practice, cue_t, cue_frame, gesture, start))
    if seconds - now >= MIN_STEP_SECONDS:
        steps.append(Step("neutral", round(seconds - now, 6)))
    return tuple(steps), planned
