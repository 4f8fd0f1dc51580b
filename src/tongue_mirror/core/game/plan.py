"""The trial plan: which gesture the cue asks for and which one the baby makes, balanced and seeded.

A block of 12 trials holds every (cue, baby) pair of the three gestures: the three compatible
pairs twice and the six incompatible pairs once, so half the trials are compatible, and every
gesture is the cue four times and the baby's gesture four times. Longer plans are whole blocks.
The order and the fixation intervals are drawn from one seed, so a session can be scored again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np

# The gestures the game asks for, each one of the circuit's action channels.
GESTURES: Final = ("tongue", "mouth", "lips")
CHANNEL: Final = {"tongue": "tongue", "mouth": "jaw", "lips": "lips"}
LABEL: Final = {"tongue": "tongue out", "mouth": "mouth open", "lips": "lips pushed out"}
BLOCK: Final = 12
COMPATIBLE, INCOMPATIBLE, PRACTICE = "compatible", "incompatible", "practice"
NO_GESTURE: Final = ""  # the baby's gesture in practice (it stays still), or no response


@dataclass(frozen=True)
class Trial:
    """One trial: what the cue asks, what the baby does, how long the fixation before it lasts."""

    index: int  # 1-based within its round (practice and trials counted apart)
    cue: str
    baby: str  # NO_GESTURE in practice
    fixation_s: float

    def __post_init__(self) -> None:
        if self.cue not in GESTURES or self.baby not in (*GESTURES, NO_GESTURE):
            raise ValueError(f"unknown gesture in trial {self.index}: {self.cue!r}/{self.baby!r}")
        if not (math.isfinite(self.fixation_s) and self.fixation_s >= 0.0):
            raise ValueError(f"fixation_s must be >= 0, got {self.fixation_s}")

    @property
    def condition(self) -> str:
        """compatible, incompatible, or practice (the baby stays still)."""
        if self.baby == NO_GESTURE:
            return PRACTICE
        return COMPATIBLE if self.baby == self.cue else INCOMPATIBLE


def block_pairs() -> list[tuple[str, str]]:
    """The 12 (cue, baby) pairs of one balanced block."""
    same = [(g, g) for g in GESTURES] * 2
    other = [(c, b) for c in GESTURES for b in GESTURES if c != b]
    return same + other


def _fixations(rng: np.random.Generator, n: int, fixation_s: tuple[float, float]) -> list[float]:
    lo, hi = fixation_s
    if not (math.isfinite(lo) and math.isfinite(hi) and 0.0 <= lo <= hi):
        raise ValueError(f"fixation range must be 0 <= low <= high, got {fixation_s}")
    return [round(float(v), 3) for v in rng.uniform(lo, hi, size=n)]


def make_plan(seed: int, trials: int = BLOCK, fixation_s: tuple[float, float] = (1.0, 2.0)
              ) -> tuple[Trial, ...]:
    """A shuffled plan of whole balanced blocks, the same for the same seed."""
    if trials <= 0 or trials % BLOCK:
        raise ValueError(f"trials must be a positive multiple of {BLOCK}, got {trials}")
    rng = np.random.default_rng([int(seed), 23])
    pairs = block_pairs() * (trials // BLOCK)
    order = rng.permutation(len(pairs))
    fixations = _fixations(rng, trials, fixation_s)
    return tuple(Trial(i + 1, pairs[k][0], pairs[k][1], fixations[i]) for i, k in enumerate(order))


def practice_plan(seed: int, fixation_s: tuple[float, float] = (1.0, 2.0)) -> tuple[Trial, ...]:
    """Each gesture asked once, the baby still, in a seeded order."""
    rng = np.random.default_rng([int(seed), 7])
    order = [GESTURES[k] for k in rng.permutation(len(GESTURES))]
    fixations = _fixations(rng, len(order), fixation_s)
    return tuple(Trial(i + 1, g, NO_GESTURE, fixations[i]) for i, g in enumerate(order))
