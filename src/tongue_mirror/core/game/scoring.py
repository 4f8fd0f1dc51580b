"""Outcomes of a trial and a participant's summary: the imitation cost in milliseconds."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from tongue_mirror.core.game.plan import COMPATIBLE, INCOMPATIBLE, NO_GESTURE, Trial

CORRECT, ERROR, IMITATION_ERROR, MISS, FACE_LOST, EARLY = (
    "correct", "error", "imitation_error", "miss", "face_lost", "early")
OUTCOMES = (CORRECT, ERROR, IMITATION_ERROR, MISS, FACE_LOST, EARLY)
EARLY_S = 0.1  # an onset sooner than this after the cue was prepared before it: not a response


@dataclass(frozen=True)
class TrialResult:
    """What happened in one trial, in frame timestamps and frame indices."""

    participant: int
    trial: Trial
    practice: bool
    response: str  # the first gesture, NO_GESTURE for none
    rt_s: float | None  # onset of the response minus the cue's first frame, seconds
    outcome: str
    cue_t: float
    cue_frame: int
    response_frame: int | None

    @property
    def rt_ms(self) -> float | None:
        """The response time in milliseconds."""
        return None if self.rt_s is None else self.rt_s * 1e3


def classify(trial: Trial, response: str, rt_s: float | None, face_lost: bool) -> str:
    """correct, error, imitation_error (did what the baby did instead of the cue), miss,
    face_lost (the face left before a response) or early (moved before the cue could be seen)."""
    if face_lost:
        return FACE_LOST
    if response == NO_GESTURE or rt_s is None:
        return MISS
    if rt_s < EARLY_S:
        return EARLY
    if response == trial.cue:
        return CORRECT
    if trial.condition == INCOMPATIBLE and response == trial.baby:
        return IMITATION_ERROR
    return ERROR


@dataclass(frozen=True)
class Summary:
    """One participant's round: median response times of correct trials, the cost, the errors."""

    participant: int
    trials: int
    median_compatible_ms: float | None
    median_incompatible_ms: float | None
    correct_compatible: int
    correct_incompatible: int
    errors: int
    imitation_errors: int
    misses: int
    face_lost: int
    early: int

    @property
    def imitation_cost_ms(self) -> float | None:
        """Median incompatible minus median compatible response time (None without both)."""
        a, b = self.median_incompatible_ms, self.median_compatible_ms
        return None if a is None or b is None else a - b


def _median_ms(results: Sequence[TrialResult], condition: str) -> tuple[float | None, int]:
    rts = [r.rt_ms for r in results if r.trial.condition == condition and r.outcome == CORRECT
           and r.rt_ms is not None and math.isfinite(r.rt_ms)]
    return (statistics.median(rts) if rts else None), len(rts)


def summarise(participant: int, results: Sequence[TrialResult]) -> Summary:
    """The summary of a participant's real trials (practice trials are left out)."""
    real = [r for r in results if not r.practice]
    mc, nc = _median_ms(real, COMPATIBLE)
    mi, ni = _median_ms(real, INCOMPATIBLE)

    def count(outcome: str) -> int:
        return sum(r.outcome == outcome for r in real)

    return Summary(participant=participant, trials=len(real), median_compatible_ms=mc,
                   median_incompatible_ms=mi, correct_compatible=nc, correct_incompatible=ni,
                   errors=count(ERROR), imitation_errors=count(IMITATION_ERROR),
                   misses=count(MISS), face_lost=count(FACE_LOST), early=count(EARLY))
