"""Keeps on-screen words from flickering: a change must be wanted a while, the old words shown a while."""

from __future__ import annotations

import math
from typing import Generic, TypeVar

T = TypeVar("T")


class Steady(Generic[T]):
    """A shown value that changes only once a new one has been wanted for `settle_s` and the shown
    one has stayed `hold_s`; the caption and the stage prompts both go through one."""

    def __init__(self, initial: T, settle_s: float, hold_s: float,
                 hold_from_first: bool = False) -> None:
        if not (settle_s >= 0.0 and hold_s >= 0.0):
            raise ValueError(f"settle_s and hold_s must be >= 0, got {settle_s}, {hold_s}")
        self.settle_s = settle_s
        self.hold_s = hold_s
        self.hold_from_first = hold_from_first  # the first value is held too, from the first update
        self.reset(initial)

    def reset(self, initial: T) -> None:
        """Shows `initial` again, nothing pending."""
        self.value = initial
        self._shown_at: float | None = None
        self._wanted = initial
        self._wanted_since = -math.inf

    def update(self, wanted: T, t: float) -> T:
        """The value to show at time t, given the one wanted now."""
        if self._shown_at is None:
            self._shown_at = t if self.hold_from_first else -math.inf
        if wanted != self._wanted:
            self._wanted, self._wanted_since = wanted, t
        if (wanted != self.value and t - self._wanted_since >= self.settle_s
                and t - self._shown_at >= self.hold_s):
            self.value, self._shown_at = wanted, t
        return self.value
