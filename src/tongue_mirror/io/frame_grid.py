"""Places frames on a constant-rate grid by capture time, so clips play at the speed they happened."""

from __future__ import annotations

import math


class FrameGrid:
    """Maps capture times to slots k of a constant-rate timeline (slot k is shown at k / fps).

    `advance(t)` says how many slots the frame captured at `t` moves the timeline on:
    0 = its slot is already filled (drop it); 1 = the next slot; n > 1 = the previous frame
    stays on screen for n - 1 slots (it was what the camera showed until then), then this one.
    A time going back (a looping or restarted source) or a gap longer than `max_gap_s` (a pause,
    a lost camera) continues at the next slot instead of being filled with a frozen picture.
    """

    def __init__(self, fps: float, max_gap_s: float = 2.0) -> None:
        if not (math.isfinite(fps) and fps > 0):
            raise ValueError(f"fps must be a positive number, got {fps!r}")
        if not max_gap_s > 0:
            raise ValueError("max_gap_s must be > 0")
        self.fps = float(fps)
        self.max_gap_slots = max(1, round(max_gap_s * self.fps))
        self.slot = -1  # the last filled slot
        self._t0: float | None = None  # capture time of slot 0 (moved on after a cut)
        self._last_t = 0.0

    def advance(self, t: float) -> int:
        if not math.isfinite(t):
            raise ValueError(f"t must be finite, got {t}")
        if self._t0 is None:
            self._t0, self._last_t, self.slot = t, t, 0
            return 1
        if t < self._last_t:
            return self._cut(t)
        self._last_t = t
        target = round((t - self._t0) * self.fps)
        steps = target - self.slot
        if steps > self.max_gap_slots:
            return self._cut(t)
        if steps <= 0:
            return 0
        self.slot = target
        return steps

    def _cut(self, t: float) -> int:
        """Starts the grid afresh one slot after the last, anchored at `t`."""
        self.slot += 1
        self._t0 = t - self.slot / self.fps
        self._last_t = t
        return 1
