"""Per-person calibration maths: where this person's boundary sits on the model's logit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tongue_mirror.errors import UserError


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


@dataclass(frozen=True)
class Calibration:
    """One person's boundary: p = sigmoid(gain · (logit − shift)); identity when uncalibrated."""

    shift: float = 0.0
    gain: float = 1.0
    profile: str = "default"
    n_neutral: int = 0
    n_tongue: int = 0

    def __post_init__(self) -> None:
        if not math.isfinite(self.shift) or abs(self.shift) > 20.0:
            raise ValueError("calibration shift must be finite and within ±20 logits")
        if not 0.25 <= self.gain <= 4.0:
            raise ValueError("calibration gain must be in 0.25..4")

    @classmethod
    def fit(cls, neutral_logits: np.ndarray, tongue_logits: np.ndarray,
            profile: str = "default", max_shift: float = 6.0,
            min_separation: float = 2.0) -> Calibration:
        """Puts the boundary between this person's neutral and tongue-out logits.

        The new boundary is the midpoint between the 90th percentile of the neutral logits and the
        10th percentile of the tongue-out ones (robust to a few frames of the wrong phase), pulled
        halfway back to the model's own boundary (0) so one odd session cannot wreck it, and never
        within 1 logit of this person's resting face (their neutral 90th percentile). The gain
        makes the gap between the two sets span about ±3 logits, within 0.5..2. A tongue phase
        whose median is not `min_separation` logits above the neutral one saw no tongue: that is
        refused rather than turned into a boundary that fires on a resting face.
        """
        neutral = np.asarray(neutral_logits, np.float64)
        tongue = np.asarray(tongue_logits, np.float64)
        if neutral.size < 3 or tongue.size < 3:
            raise UserError("calibration needs at least 3 frames with a face in each phase")
        if float(np.median(tongue)) - float(np.median(neutral)) < min_separation:
            raise UserError("calibration saw no tongue in the tongue-out phase: keep it out "
                            "for the whole countdown, then try again")
        lo = float(np.percentile(neutral, 90))
        hi = float(np.percentile(tongue, 10))
        if hi <= lo:
            # Not separable by this model for this person: keep the boundary where the model had
            # it, moved only toward the middle of the two medians.
            mid = 0.5 * (float(np.median(neutral)) + float(np.median(tongue)))
            gain = 1.0
        else:
            mid = 0.5 * (lo + hi)
            gain = float(np.clip(6.0 / max(hi - lo, 1e-3), 0.5, 2.0))
        shift = max(0.5 * mid, lo + 1.0)
        return cls(shift=float(np.clip(shift, -max_shift, max_shift)), gain=gain,
                   profile=profile, n_neutral=int(neutral.size), n_tongue=int(tongue.size))

    def apply(self, logit: float) -> float:
        """Probability for one logit under this calibration."""
        return _sigmoid(self.gain * (logit - self.shift))

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for the profile file."""
        return {"profile": self.profile, "shift": self.shift, "gain": self.gain,
                "n_neutral": self.n_neutral, "n_tongue": self.n_tongue, "version": 1}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Calibration:
        """From a profile's contents; KeyError/ValueError/TypeError when malformed."""
        return cls(shift=float(d["shift"]), gain=float(d["gain"]),
                   profile=str(d.get("profile", "default")),
                   n_neutral=int(d.get("n_neutral", 0)), n_tongue=int(d.get("n_tongue", 0)))
