"""Reads the participant's gestures from the same trackers that drive the circuit.

The tongue is the gesture tracker's debounced start (`tongue_out_start`), its onset the first
frame of the evidence run that confirmed it (`evidence_since`). Mouth opening and lip protrusion
are the blendshape channels the circuit observes (`adapters.observed_from`), each read with
hysteresis: a start needs `confirm_frames` frames at or above its bar, and its onset is the first
of them. A tongue comes out through an opened mouth, so a mouth opening is held for `resolve_s`
before it counts: a tongue starting within that time makes the response a tongue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tongue_mirror.core.adapters import observed_from
from tongue_mirror.core.game.plan import CHANNEL
from tongue_mirror.core.gesture import TONGUE_OUT_START
from tongue_mirror.values import FaceObservation, TongueState


@dataclass(frozen=True)
class ResponseConfig:
    """Bars of the blendshape gestures and how long a mouth opening waits for a tongue."""

    mouth_on: float = 0.25  # jawOpen at or above this is a mouth opening (a tongue out gives ~0.3)
    mouth_off: float = 0.12  # ... and below this the mouth counts as closed (neutral)
    lips_on: float = 0.4  # max(mouthPucker, mouthFunnel); a tongue out gives ~0.2 of funnel
    lips_off: float = 0.2
    confirm_frames: int = 2
    resolve_s: float = 0.3  # a mouth opening followed by a tongue within this is a tongue

    def __post_init__(self) -> None:
        for on, off in ((self.mouth_on, self.mouth_off), (self.lips_on, self.lips_off)):
            if not (0.0 <= off < on <= 1.0):
                raise ValueError(f"bars must satisfy 0 <= off < on <= 1, got on={on} off={off}")
        if self.confirm_frames < 1:
            raise ValueError("confirm_frames must be >= 1")
        if not (math.isfinite(self.resolve_s) and self.resolve_s >= 0.0):
            raise ValueError(f"resolve_s must be >= 0, got {self.resolve_s}")


@dataclass(frozen=True)
class Onset:
    """A gesture the participant started: which, when (frame timestamp), on which frame."""

    gesture: str
    t: float
    frame: int


class _Channel:
    """Hysteresis on one blendshape channel; reports the first frame of a confirmed run."""

    def __init__(self, on: float, off: float, confirm: int) -> None:
        self.on, self.off, self.confirm = on, off, confirm
        self.active = False
        self._run: list[tuple[float, int]] = []

    def update(self, value: float, t: float, frame: int) -> tuple[float, int] | None:
        if self.active:
            if value < self.off:
                self.active = False
            return None
        if value >= self.on:
            self._run.append((t, frame))
            if len(self._run) >= self.confirm:
                self.active = True
                first, self._run = self._run[0], []
                return first
        else:
            self._run = []
        return None

    @property
    def resting(self) -> bool:
        return not self.active and not self._run


class ResponseReader:
    """Per-frame gesture onsets (decided) and whether the face is at rest."""

    def __init__(self, config: ResponseConfig | None = None) -> None:
        self.config = config or ResponseConfig()
        self.reset()

    def reset(self) -> None:
        """Forgets open gestures (next participant)."""
        c = self.config
        self._mouth = _Channel(c.mouth_on, c.mouth_off, c.confirm_frames)
        self._lips = _Channel(c.lips_on, c.lips_off, c.confirm_frames)
        self._tongue_out = False
        self._pending: Onset | None = None  # a mouth opening waiting to see whether a tongue follows
        self._frames: list[tuple[float, int]] = []  # recent (t, index), to name an onset's frame

    def update(self, face: FaceObservation | None, tongue: TongueState, t: float,
               frame: int) -> tuple[Onset, ...]:
        """The onsets decided on this frame, in onset order."""
        seen = observed_from(face, tongue)
        decided: list[Onset] = []
        self._frames.append((t, frame))
        del self._frames[:-64]
        self._tongue_out = tongue.is_out
        for e in tongue.events:
            if e.event == TONGUE_OUT_START:
                since = float(e.data.get("evidence_since", e.t))
                onset_t = since if math.isfinite(since) and since <= e.t else e.t
                decided.append(Onset("tongue", onset_t, self._frame_at(onset_t, frame)))
                self._pending = None  # the mouth opened for the tongue
        mouth = self._mouth.update(seen[CHANNEL["mouth"]], t, frame) if face is not None else None
        lips = self._lips.update(seen[CHANNEL["lips"]], t, frame) if face is not None else None
        if mouth is not None and not self._tongue_out and not decided:
            self._pending = Onset("mouth", *mouth)
        if lips is not None:
            decided.append(Onset("lips", *lips))
        if self._pending is not None and t - self._pending.t >= self.config.resolve_s:
            decided.append(self._pending)
            self._pending = None
        return tuple(sorted(decided, key=lambda o: o.t))

    def flush(self) -> Onset | None:
        """A mouth opening still waiting for a tongue, decided now (the window closed)."""
        pending, self._pending = self._pending, None
        return pending

    def _frame_at(self, onset_t: float, frame: int) -> int:
        """The index of the frame stamped `onset_t` among the recent ones (else this frame)."""
        for ft, fi in reversed(self._frames):
            if abs(ft - onset_t) < 1e-9:
                return fi
        return frame

    @property
    def neutral(self) -> bool:
        """No gesture out or starting: the face at rest (needs a face: the caller checks)."""
        return (not self._tongue_out and self._pending is None and self._mouth.resting
                and self._lips.resting)

