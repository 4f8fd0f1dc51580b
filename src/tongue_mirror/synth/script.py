"""What the synthetic performer does and when: "action:seconds" lists, parsed or drawn at random.

The clips performed from these scripts are synthetic; a script is a plan, not a recording.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from tongue_mirror.errors import UserError
from tongue_mirror.values import TONGUE_DIRECTIONS as DIRECTION_LABELS

TONGUE_DIRECTIONS: Final = {
    "tongue": "center", "tongue-left": "left", "tongue-right": "right",
    "tongue-up": "up", "tongue-down": "down",
}
FACE_ACTIONS: Final = ("neutral", "blink", "smile", "talk", "yawn", "mouth-open", "pucker")
ACTIONS: Final = FACE_ACTIONS + tuple(TONGUE_DIRECTIONS)
assert set(TONGUE_DIRECTIONS.values()) == set(DIRECTION_LABELS), "a script action per label"
MAX_STEP_SECONDS: Final = 600.0
MIN_STEP_SECONDS: Final = 0.05


@dataclass(frozen=True)
class Step:
    """One action held for a number of seconds."""

    action: str
    seconds: float

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}; known: {', '.join(ACTIONS)}")
        if not (math.isfinite(self.seconds)
                and MIN_STEP_SECONDS <= self.seconds <= MAX_STEP_SECONDS):
            raise ValueError(f"{self.action}: seconds must be in {MIN_STEP_SECONDS}.."
                             f"{MAX_STEP_SECONDS:g}, got {self.seconds}")

    @property
    def is_tongue(self) -> bool:
        """Whether the tongue comes out in this step."""
        return self.action in TONGUE_DIRECTIONS


def parse_script(text: str) -> tuple[Step, ...]:
    """Parses "neutral:2,tongue:1.5,talk:2"; a one-line UserError for anything malformed."""
    if not isinstance(text, str) or not text.strip():
        raise UserError("empty script: give a comma list of action:seconds, e.g. tongue:2")
    steps = []
    for k, item in enumerate(text.split(","), start=1):
        item = item.strip()
        if not item:
            raise UserError(f"script item {k} is empty (stray comma?)")
        action, sep, secs = item.partition(":")
        action = action.strip().lower()
        if not sep:
            raise UserError(f"script item {k} {item!r} needs the form action:seconds")
        if action not in ACTIONS:
            raise UserError(f"script item {k}: unknown action {action!r}; known: "
                            f"{', '.join(ACTIONS)}")
        try:
            seconds = float(secs.strip())
        except ValueError:
            raise UserError(f"script item {k}: {secs.strip()!r} is not a number of seconds"
                            ) from None
        try:
            steps.append(Step(action, seconds))
        except ValueError as exc:
            raise UserError(f"script item {k}: {exc}") from None
    return tuple(steps)


def format_script(steps: tuple[Step, ...] | list[Step]) -> str:
    """The text form of a script; parse_script(format_script(s)) == s."""
    return ",".join(f"{s.action}:{s.seconds!r}" for s in steps)


def script_seconds(steps: Sequence[Step]) -> float:
    """Total length of a script."""
    return float(sum(s.seconds for s in steps))


def random_script(seconds: float, rng: np.random.Generator | int) -> tuple[Step, ...]:
    """A seeded mix of tongue gestures and look-alike distractors filling exactly `seconds`."""
    if not (math.isfinite(seconds) and MIN_STEP_SECONDS <= seconds <= 3600.0):
        raise UserError(f"--seconds must be between {MIN_STEP_SECONDS} and 3600, got {seconds}")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(int(rng))
    tongues = tuple(TONGUE_DIRECTIONS)
    distractors = ("talk", "smile", "yawn", "mouth-open", "pucker", "blink")
    steps: list[Step] = []
    left = float(seconds)
    want_tongue = False
    first = True
    while left > 1e-9:
        if first:
            action, lo, hi = "neutral", 0.6, 1.2
        elif want_tongue:
            action = tongues[0] if rng.random() < 0.4 else str(rng.choice(tongues))
            lo, hi = 0.8, 2.0
        elif rng.random() < 0.35:
            action, lo, hi = "neutral", 0.4, 1.2
        else:
            action = str(rng.choice(distractors))
            lo, hi = {"yawn": (1.5, 2.5), "blink": (0.3, 0.6)}.get(action, (0.8, 2.0))
        dur = round(float(rng.uniform(lo, hi)), 2)
        if dur >= left - 0.3:
            # the last step takes what is left (to the microsecond), so the total is exact
            dur = max(round(left, 6), MIN_STEP_SECONDS)
            left = 0.0
        else:
            left = round(left - dur, 9)
        steps.append(Step(action, dur))
        want_tongue = not want_tongue if not first else True
        first = False
    return tuple(steps)
