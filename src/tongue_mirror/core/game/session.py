"""The game's state machine on frame time: practice, review, trials, results, participant after participant.

Each trial: wait for a neutral face → a fixation of the planned length, neutral throughout (any
gesture or a lost face starts it again) → the cue and the baby's gesture on the same frame → a
response window of fixed length, so the next trial's timing never depends on the answer. The
response time runs from the timestamp of the first frame that carries the cue (the frame the game
decides on is the one drawn with the cue) to the onset of the participant's first gesture; both
are frame timestamps, never the wall clock. The baby acts through an own-action command to the
circuit (`GameState.intent`), given from the cue's frame for `baby_hold_s`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from tongue_mirror.core.game.plan import CHANNEL, NO_GESTURE, Trial, make_plan, practice_plan
from tongue_mirror.core.game.responses import Onset, ResponseConfig, ResponseReader
from tongue_mirror.core.game.scoring import CORRECT, Summary, TrialResult, classify, summarise
from tongue_mirror.values import FaceObservation, TongueState

IDLE, PRACTICE, REVIEW, TRIALS, RESULTS = "idle", "practice", "review", "trials", "results"
WAIT_NEUTRAL, FIXATION, CUE = "neutral", "fixation", "cue"


@dataclass(frozen=True)
class GameConfig:
    """The protocol: plan length, timing, seed, and whether a round goes on without a key."""

    trials: int = 12
    seed: int = 0
    fixation_s: tuple[float, float] = (1.0, 2.0)
    window_s: float = 2.5  # the response window after the cue
    baby_hold_s: float = 1.5  # how long the baby's own action is commanded
    practice: bool = True
    auto_continue: bool = False  # headless: after practice, go on even if a gesture was missed
    review_s: float = 2.0  # a clean practice shows "well done" this long before the trials
    responses: ResponseConfig = field(default_factory=ResponseConfig)

    def __post_init__(self) -> None:
        make_plan(0, self.trials, self.fixation_s)  # validates trials and the fixation range
        for name in ("window_s", "baby_hold_s", "review_s"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0.0):
                raise ValueError(f"{name} must be > 0, got {v}")


@dataclass(frozen=True)
class GameState:
    """The game after one frame: what to draw, what the baby does, which trials just ended."""

    phase: str = IDLE
    participant: int = 0
    stage: str = ""  # WAIT_NEUTRAL, FIXATION or CUE within a trial
    trial: Trial | None = None
    round_size: int = 0  # trials in the current round (practice or real)
    cue_t: float | None = None  # timestamp of the cue's first frame, while it is shown
    intent: Mapping[str, float] = field(default_factory=dict)  # the baby's own action, per channel
    responded: str | None = None  # the current trial's response once decided
    ended: tuple[TrialResult, ...] = ()  # trials that ended on this frame (for the log)
    results: tuple[TrialResult, ...] = ()  # this participant's real trials so far
    practice_results: tuple[TrialResult, ...] = ()
    missed_practice: tuple[str, ...] = ()  # gestures the practice did not see done
    summary: Summary | None = None  # at RESULTS
    summaries: tuple[Summary, ...] = ()  # every finished participant of the session

    def __post_init__(self) -> None:
        object.__setattr__(self, "intent", MappingProxyType(dict(self.intent)))

    @property
    def cue_visible(self) -> bool:
        """The cue card is on screen."""
        return self.stage == CUE and self.trial is not None


@dataclass
class _Running:
    """The trial under way (mutable inside the game only)."""

    trial: Trial
    stage: str = WAIT_NEUTRAL
    since: float = 0.0  # start of the fixation, or the cue's frame time
    start: float | None = None  # when the fixation may begin (the last window's scheduled end)
    due: float = 0.0  # when the cue is due: the fixation's start plus its length
    cue_frame: int = -1
    response: Onset | None = None
    face_lost: bool = False


class Game:
    """Runs rounds over frames; one instance for a session of participants."""

    def __init__(self, config: GameConfig | None = None) -> None:
        self.config = config or GameConfig()
        self.reader = ResponseReader(self.config.responses)
        self._summaries: list[Summary] = []
        self._participant = 0
        self._phase = IDLE
        self._results: list[TrialResult] = []
        self._practice: list[TrialResult] = []
        self._retries = 0
        self._queue: list[Trial] = []
        self._round_size = 0
        self._run: _Running | None = None
        self._review_until: float | None = None
        self._state = GameState()

    # ---- commands (keys) ---------------------------------------------------------------------
    @property
    def phase(self) -> str:
        """Where the game is: idle, practice, review, trials or results."""
        return self._phase

    def start_participant(self) -> None:
        """The next participant: practice first (if configured), else the trials."""
        self._participant += 1
        self._results, self._practice, self._retries = [], [], 0
        self.reader.reset()
        if self.config.practice:
            self._begin(PRACTICE, practice_plan(self._seed(), self.config.fixation_s))
        else:
            self.start_trials()

    def retry_practice(self) -> None:
        """Practice again (after a gesture was not detected)."""
        self._practice = []
        self._retries += 1
        self._begin(PRACTICE, practice_plan(self._seed() + 100_003 * self._retries,
                                            self.config.fixation_s))

    def start_trials(self) -> None:
        """The real trials of this participant."""
        self._begin(TRIALS, make_plan(self._seed(), self.config.trials, self.config.fixation_s))

    def stop(self) -> None:
        """Leaves the game; finished participants stay in the session table."""
        self._phase, self._run, self._queue = IDLE, None, []

    def _seed(self) -> int:
        return self.config.seed * 1009 + self._participant

    def _begin(self, phase: str, plan: tuple[Trial, ...]) -> None:
        self._phase = phase
        self._queue = list(plan)
        self._round_size = len(plan)
        self._run = None
        self._review_until = None

    # ---- the clock ---------------------------------------------------------------------------
    def update(self, face: FaceObservation | None, tongue: TongueState, t: float,
               frame: int) -> GameState:
        """Advances the game by one frame (its timestamp and index) and returns the new state."""
        onsets = self.reader.update(face, tongue, t, frame)
        ended: list[TrialResult] = []
        if self._phase in (PRACTICE, TRIALS):
            if self._run is None and self._queue:
                self._run = _Running(self._queue.pop(0), since=t)
            run = self._run
            if run is not None:
                finished = self._advance(run, face, onsets, t, frame)
                finished_due = run.due
                if finished is not None:
                    ended.append(finished)
                    (self._practice if finished.practice else self._results).append(finished)
                    self._run = None
                    if self._queue:  # the next fixation starts where this window was due to end
                        self._run = _Running(self._queue.pop(0), since=t,
                                             start=finished_due + self.config.window_s)
                        self._advance(self._run, face, (), t, frame)
                    else:
                        self._round_over(t)
        elif (self._phase == REVIEW and self._review_until is not None
              and t >= self._review_until - 1e-9
              and (not self._missed() or self.config.auto_continue)):
            self.start_trials()
        self._state = self._snapshot(tuple(ended), t)
        return self._state

    def _advance(self, run: _Running, face: FaceObservation | None, onsets: tuple[Onset, ...],
                 t: float, frame: int) -> TrialResult | None:
        neutral = face is not None and self.reader.neutral
        if run.stage in (WAIT_NEUTRAL, FIXATION):
            if not neutral:
                run.stage = WAIT_NEUTRAL
            elif run.stage == WAIT_NEUTRAL:
                # From the scheduled end of the last window when the face was neutral then, so
                # the schedule keeps time when frames come late: cues fall at the first frame
                # due, never a frame later per trial (a dropped frame does not shift the rest).
                start = run.start if run.start is not None and run.start <= t else t
                run.stage, run.since, run.due = FIXATION, start, start + run.trial.fixation_s
            run.start = None
            if run.stage == FIXATION and t >= run.due - 1e-9:
                run.stage, run.since, run.cue_frame = CUE, t, frame
            return None
        if run.response is None:
            if face is None:
                run.face_lost = True
            for onset in onsets:
                run.response = onset
                break
        if t - run.since >= self.config.window_s - 1e-9:
            if run.response is None:
                late = self.reader.flush()  # a mouth opening still waiting for a tongue
                if late is not None and late.t >= run.since:
                    run.response = late
            return self._result(run)
        return None

    def _result(self, run: _Running) -> TrialResult:
        onset = run.response
        response = onset.gesture if onset is not None else NO_GESTURE
        rt = onset.t - run.since if onset is not None else None
        return TrialResult(
            participant=self._participant, trial=run.trial, practice=self._phase == PRACTICE,
            response=response, rt_s=rt, outcome=classify(run.trial, response, rt, run.face_lost),
            cue_t=run.since, cue_frame=run.cue_frame,
            response_frame=onset.frame if onset is not None else None)

    def _round_over(self, t: float) -> None:
        if self._phase == PRACTICE:
            # The review lasts the same whatever the outcome, so a round's timing never depends
            # on the answers; with a gesture missed it then waits for a key (live).
            self._phase = REVIEW
            self._review_until = t + self.config.review_s
            return
        self._phase = RESULTS
        self._summaries.append(summarise(self._participant, self._results))

    def _missed(self) -> tuple[str, ...]:
        return tuple(r.trial.cue for r in self._practice if r.outcome != CORRECT)

    def _snapshot(self, ended: tuple[TrialResult, ...], t: float) -> GameState:
        run = self._run
        intent: dict[str, float] = {}
        if (run is not None and run.stage == CUE and run.trial.baby != NO_GESTURE
                and t - run.since < self.config.baby_hold_s):
            intent[CHANNEL[run.trial.baby]] = 1.0
        return GameState(
            phase=self._phase, participant=self._participant,
            stage=run.stage if run is not None else "", trial=run.trial if run else None,
            round_size=self._round_size, intent=intent,
            cue_t=run.since if run is not None and run.stage == CUE else None,
            responded=run.response.gesture if run is not None and run.response else None,
            ended=ended, results=tuple(self._results), practice_results=tuple(self._practice),
            missed_practice=self._missed() if self._phase == REVIEW else (),
            summary=self._summaries[-1] if self._phase == RESULTS and self._summaries else None,
            summaries=tuple(self._summaries))

    @property
    def state(self) -> GameState:
        """The state after the last frame."""
        return self._state
