"""Frame-rate and latency figures for the HUD, on perf_counter, as medians over the last second."""

from __future__ import annotations

import time
from collections import deque


class FpsCounter:
    """Counts displayed frames and their capture-to-display latency over a sliding window."""

    def __init__(self, window_s: float = 1.0) -> None:
        if window_s <= 0:
            raise ValueError("window_s must be > 0")
        self.window_s = window_s
        self._ticks: deque[float] = deque()
        self._latencies: deque[tuple[float, float]] = deque()

    def tick(self, capture_time: float | None = None, now: float | None = None) -> None:
        """Marks one frame shown at `now`; `capture_time` is when its image was captured."""
        now = time.perf_counter() if now is None else now
        self._ticks.append(now)
        if capture_time is not None:
            self._latencies.append((now, now - capture_time))
        cutoff = now - self.window_s
        while self._ticks and self._ticks[0] < cutoff:
            self._ticks.popleft()
        while self._latencies and self._latencies[0][0] < cutoff:
            self._latencies.popleft()

    @property
    def fps(self) -> float:
        """Frames per second over the window (0 until two frames are seen)."""
        if len(self._ticks) < 2:
            return 0.0
        span = self._ticks[-1] - self._ticks[0]
        return (len(self._ticks) - 1) / span if span > 0 else 0.0

    @property
    def latency_ms(self) -> float | None:
        """Median capture-to-display latency in ms over the window, or None without data."""
        if not self._latencies:
            return None
        values = sorted(lat for _, lat in self._latencies)
        return 1000.0 * values[len(values) // 2]
