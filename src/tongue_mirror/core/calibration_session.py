"""Guided per-user calibration as a small clock-driven state machine, independent of any window.

Phases: "neutral" (relax, mouth closed or talking normally) for `neutral_s`, then "tongue" (stick
the tongue out and hold) for `tongue_s`, then "done". A short settle time at the start of each
phase is not recorded, so the moment of changing expression does not pollute either set. The UI
asks `status()` for the phase, the whole seconds left (countdown) and a prompt to draw; it feeds
`add(t, logit)` per frame with a face. When done, `result()` fits the Calibration.

Time is the frames' own (`Frame.t`), in `live` and in the `calibrate` command alike: the phases
last as long in the video as they say, however fast or slowly the frames are analysed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tongue_mirror.core.detector.calibration import Calibration
from tongue_mirror.errors import UserError

PROMPTS = {
    "neutral": "Relax your face, mouth closed",
    "tongue": "Stick your tongue out and hold it",
    "done": "Calibrated",
    "failed": "Calibration failed: no face seen long enough",
}


@dataclass(frozen=True)
class CalibrationConfig:
    """Phase lengths and how much of each phase start to skip."""

    neutral_s: float = 3.0
    tongue_s: float = 3.0
    settle_s: float = 0.7  # not recorded at the start of each phase
    min_frames: int = 5  # per phase, or the session fails

    def __post_init__(self) -> None:
        for name in ("neutral_s", "tongue_s"):
            if not 0.5 <= getattr(self, name) <= 30.0:
                raise ValueError(f"{name} must be in 0.5..30 seconds")
        if not 0.0 <= self.settle_s < min(self.neutral_s, self.tongue_s):
            raise ValueError("settle_s must be >= 0 and shorter than each phase")
        if self.min_frames < 3:
            raise ValueError("min_frames must be >= 3")


@dataclass(frozen=True)
class CalibrationStatus:
    """What the UI draws: phase, whole seconds left, fraction of the phase done, the prompt."""

    phase: str  # neutral | tongue | done | failed
    countdown: int
    progress: float
    prompt: str
    frames: int  # frames recorded in this phase so far


class CalibrationSession:
    """Feed it (t, logit) while it runs; it tells the UI what to show and fits the result."""

    def __init__(self, config: CalibrationConfig = CalibrationConfig(),
                 profile: str = "default") -> None:
        self.config = config
        self.profile = profile
        self._t0: float | None = None
        self._now = 0.0
        self._neutral: list[float] = []
        self._tongue: list[float] = []

    def start(self, t: float) -> None:
        """Begins the neutral phase at frame time t (seconds); `add` starts it on its first frame."""
        self._t0 = t
        self._now = t
        self._neutral.clear()
        self._tongue.clear()

    def _phase_at(self, t: float) -> tuple[str, float, float]:
        """(phase, time into it, its length)."""
        if self._t0 is None:
            raise RuntimeError("calibration session not started")
        dt = t - self._t0
        c = self.config
        if dt < c.neutral_s:
            return "neutral", max(dt, 0.0), c.neutral_s
        if dt < c.neutral_s + c.tongue_s:
            return "tongue", dt - c.neutral_s, c.tongue_s
        ok = len(self._neutral) >= c.min_frames and len(self._tongue) >= c.min_frames
        return ("done" if ok else "failed"), 0.0, 1.0

    def add(self, t: float, logit: float | None) -> CalibrationStatus:
        """Records one frame's detector logit (None = no face) and returns the new status."""
        if self._t0 is None:
            self.start(t)
        self._now = max(self._now, t)
        phase, into, _ = self._phase_at(self._now)
        if logit is not None and math.isfinite(logit) and into >= self.config.settle_s:
            if phase == "neutral":
                self._neutral.append(float(logit))
            elif phase == "tongue":
                self._tongue.append(float(logit))
        return self.status()

    def status(self) -> CalibrationStatus:
        """The current phase with its countdown (for the on-screen prompt)."""
        phase, into, length = self._phase_at(self._now)
        frames = len(self._neutral) if phase == "neutral" else len(self._tongue)
        if phase in ("done", "failed"):
            return CalibrationStatus(phase, 0, 1.0, PROMPTS[phase], frames)
        left = length - into
        return CalibrationStatus(phase, max(1, math.ceil(left - 1e-9)), min(1.0, into / length),
                                 PROMPTS[phase], frames)

    @property
    def finished(self) -> bool:
        """True once both phases have run (successfully or not)."""
        return self._t0 is not None and self.status().phase in ("done", "failed")

    def result(self) -> Calibration:
        """The fitted calibration; UserError if too few frames had a face."""
        if self.status().phase != "done":
            raise UserError("calibration needs a visible face in both phases: "
                            f"got {len(self._neutral)} neutral and {len(self._tongue)} "
                            "tongue-out frames")
        return Calibration.fit(np.array(self._neutral), np.array(self._tongue), self.profile)
