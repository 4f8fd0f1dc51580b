"""Turns noisy per-frame tongue probabilities into clean, prompt tongue_out_start/_end events.

The start event is emitted on the frame where the evidence becomes sufficient (a run of
`confirm_frames` consecutive frames at or above `on_threshold` whose summed log-odds reach
`min_evidence`, as in a sequential probability ratio test, or, if enabled, one frame at or above
`instant_threshold`), never back-dated: the latency a
user feels is the latency the evaluation measures. Once out, the gesture is held for at least
`min_on_s` and ends only after a run of frames below `off_threshold` lasting `release_s`, so a
held tongue does not flicker and a single dropout does not end it. After an end, a new start
waits at least `min_off_s`.

The bar is the person's own: the median log-odds of their recent readings while the tongue was in
and the reading below the detector's bar (`baseline_s`, after `baseline_warmup_s`) says how the
detector reads this face at rest. A face it
reads as plainly "in" (median below `baseline_ref`) has its bar lowered by up to `baseline_lower`,
so a weak but clear rise (a pale tongue at the corner of a lipsticked mouth) counts; a face it
reads as borderline at rest (a child's pink mouth while talking) has it raised by up to
`baseline_raise`. Frames without a face never enter the baseline.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass

from tongue_mirror.values import GestureEvent, TongueReading, TongueState

TONGUE_OUT_START = "tongue_out_start"
TONGUE_OUT_END = "tongue_out_end"


@dataclass(frozen=True)
class GestureConfig:
    """Hysteresis thresholds, confirmation runs and minimum durations of the gesture tracker."""

    # The detector's weights put its held-out F1-optimal threshold at p = 0.5 (logit 0), so "out"
    # evidence starts there; the confirmation run, not a higher bar, keeps single frames out.
    on_threshold: float = 0.5  # probability at or above which a frame counts as evidence for "out"
    # A held tongue wavers and blurs: the release bar sits well below the start bar.
    off_threshold: float = 0.3  # smoothed probability below which a frame counts towards "in"
    confirm_frames: int = 2  # consecutive evidence frames before a start; >= 2: no 1-frame start
    # An end needs a run of low frames lasting this long, each frame counted until the next one
    # (the run starts at the last frame that was not low): 3 frames at 30 fps, 2 at 12 fps, 6 at
    # 60 fps. A dip of one or two frames mid-gesture at 30 fps does not end it, and a 12 fps
    # webcam's end is not 250 ms late, as a fixed 3 frames made it.
    release_s: float = 0.1
    min_on_s: float = 0.2  # an out-interval lasts at least this long (start to end)
    min_off_s: float = 0.1  # after an end, no new start for this long
    # The run's summed log-odds, log(p / (1 - p)) per frame, must reach this before a start: two
    # frames at p = 0.88, or three at 0.8, or four at 0.73 suffice, while a flicker hovering just
    # above the bar (0.55, 0.6) does not, however the frames are spaced. The detector's
    # probabilities are calibrated on held-out people, so log-odds are evidence in the
    # statistical sense. 4 rather than 2: on the held-out readings of four trained models, it cut
    # false activations on strangers' negative clips by a quarter to three fifths (8→6, 15→11,
    # 5→2, 7→3) with pooled frame F1 within 0.004 and one of 44 events lost (docs/architecture.md).
    min_evidence: float = 4.0
    smoothing_s: float = 0.0  # EMA time constant in seconds (0 = off); time-based, fps-independent
    # Opt-in: one raw frame at or above this starts at once (saves a frame of latency, but then a
    # single very confident noisy frame can start a gesture). None = always confirm.
    instant_threshold: float | None = None
    # The person's own baseline (see the module doc); baseline_lower = baseline_raise = 0 is off.
    baseline_s: float = 4.0  # window of recent "in" readings, seconds
    # No adjustment before this much of them. Half a second (15 frames at 30 fps), not one: on
    # the held-out readings of 15 trained models a face borderline at rest in its first second
    # (a child talking) started 55 false activations against 42 at 0.5 s, frame F1 unchanged
    # (docs/architecture.md).
    baseline_warmup_s: float = 0.5
    baseline_ref: float = -5.0  # resting log-odds at which the bar stays where it is
    baseline_lower: float = 1.0  # most the bar drops (log-odds) for a face read plainly "in"
    baseline_raise: float = 2.0  # most it rises for a face read as borderline at rest

    def __post_init__(self) -> None:
        for name in ("on_threshold", "off_threshold"):
            v = getattr(self, name)
            if not (isinstance(v, int | float) and 0.0 <= v <= 1.0):
                raise ValueError(f"{name} must be in 0..1, got {v!r}")
        if not self.on_threshold > self.off_threshold:
            raise ValueError(
                f"on_threshold ({self.on_threshold}) must be greater than off_threshold "
                f"({self.off_threshold})"
            )
        if self.confirm_frames < 2:
            raise ValueError("confirm_frames must be >= 2 so a single noisy frame never starts")
        if self.instant_threshold is not None and not (
                self.on_threshold < self.instant_threshold <= 1.0):
            raise ValueError("instant_threshold must be above on_threshold and at most 1")
        if not (math.isfinite(self.min_evidence) and self.min_evidence >= 0.0):
            raise ValueError(f"min_evidence must be a finite number >= 0, got {self.min_evidence!r}")
        if not (math.isfinite(self.baseline_ref)):
            raise ValueError(f"baseline_ref must be finite, got {self.baseline_ref!r}")
        if not 0.0 < self.baseline_warmup_s <= self.baseline_s:
            raise ValueError("baseline_warmup_s must be > 0 and at most baseline_s")
        for name in ("release_s", "min_on_s", "min_off_s", "smoothing_s", "baseline_lower",
                     "baseline_raise", "baseline_s"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v >= 0.0):
                raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")


def _log_odds(p: float) -> float:
    """log(p / (1 - p)), finite at 0 and 1."""
    p = min(1.0 - 1e-6, max(1e-6, p))
    return math.log(p / (1.0 - p))


class GestureTracker:
    """Hysteresis state machine over TongueReadings; one instance per person/stream."""

    def __init__(self, config: GestureConfig | None = None) -> None:
        self.config = config or GestureConfig()
        self.reset()

    def reset(self) -> None:
        """Forgets everything (next person, new clip) without emitting events."""
        self._is_out = False
        self._since: float | None = None
        self._last_end_t: float | None = None
        self._smoothed: float | None = None
        self._last_t: float | None = None
        self._last_frame = -1
        self._high_run = 0
        self._high_run_t: float | None = None
        self._run_evidence = 0.0
        # The last frame before the current run of low frames (or the run's first): None while
        # the latest frame was not low.
        self._low_since: float | None = None
        self._rest: deque[tuple[float, float]] = deque()  # (t, log-odds): in, a face, below 0

    @property
    def is_out(self) -> bool:
        """Whether the gesture is currently out."""
        return self._is_out

    def baseline_shift(self, t: float) -> float:
        """Log-odds added to this frame's reading: the person's resting level against the
        reference, within the configured limits (0 until the baseline has warmed up)."""
        cfg = self.config
        rest = self._rest
        if not rest or t - rest[0][0] < cfg.baseline_warmup_s:
            return 0.0
        level = statistics.median(v for _t, v in rest)
        return min(cfg.baseline_lower, max(-cfg.baseline_raise, cfg.baseline_ref - level))

    def _smooth(self, p: float, t: float) -> float:
        """Exponential moving average with a time constant, so the effect is the same at any fps."""
        tau = self.config.smoothing_s
        if tau <= 0.0 or self._smoothed is None or self._last_t is None:
            return p
        dt = max(0.0, t - self._last_t)
        alpha = 1.0 - math.exp(-dt / tau)
        return self._smoothed + alpha * (p - self._smoothed)

    def update(self, reading: TongueReading, t: float, frame: int) -> TongueState:
        """Feeds one frame's reading; returns the state after it, with any events it caused."""
        cfg = self.config
        events: list[GestureEvent] = []
        if self._last_t is not None and t < self._last_t:
            # The timeline restarted (looped file, reconnected camera): close what is open.
            if self._is_out:
                events.append(GestureEvent(self._last_t, self._last_frame, TONGUE_OUT_END,
                                           {"reason": "timeline_restart"}))
            self.reset()

        raw = float(reading.probability)
        if not math.isfinite(raw):
            raw = 0.0
        raw = min(1.0, max(0.0, raw))
        odds = _log_odds(raw)
        shift = self.baseline_shift(t)
        if shift:
            raw = 1.0 / (1.0 + math.exp(-(odds + shift)))
        smoothed = self._smooth(raw, t)
        self._smoothed = smoothed
        prev_t = self._last_t
        self._last_t = t
        self._last_frame = frame

        # Evidence for "out" needs the raw frame itself high: smoothing may delay, never invent.
        if raw >= cfg.on_threshold and smoothed >= cfg.on_threshold:
            if self._high_run == 0:
                self._high_run_t = t
                self._run_evidence = 0.0
            self._high_run += 1
            self._run_evidence += _log_odds(smoothed)
        else:
            self._high_run = 0
        if smoothed < cfg.off_threshold:
            if self._low_since is None:
                self._low_since = prev_t if prev_t is not None else t
        else:
            self._low_since = None

        if not self._is_out:
            rested = self._last_end_t is None or t - self._last_end_t >= cfg.min_off_s
            instant = (cfg.instant_threshold is not None and self._high_run >= 1
                       and raw >= cfg.instant_threshold)
            confirmed = (self._high_run >= cfg.confirm_frames
                         and self._run_evidence >= cfg.min_evidence)
            if (confirmed or instant) and rested:
                self._is_out = True
                self._since = t
                since = self._high_run_t if self._high_run_t is not None else t
                events.append(GestureEvent(t, frame, TONGUE_OUT_START, {
                    "probability": round(smoothed, 4), "evidence_since": float(since),
                    "evidence": round(self._run_evidence, 3), "baseline_shift": round(shift, 3),
                }))
        else:
            held = self._since is not None and t - self._since >= cfg.min_on_s
            low_s = -1.0 if self._low_since is None else t - self._low_since
            if low_s >= cfg.release_s - 1e-6 and held:
                self._is_out = False
                events.append(GestureEvent(t, frame, TONGUE_OUT_END, {
                    "probability": round(smoothed, 4),
                    "duration_s": round(t - (self._since or t), 4),
                }))
                self._since = None
                self._last_end_t = t
                self._high_run = 0
        if not self._is_out and reading.logit is not None and odds < 0.0:
            self._rest.append((t, odds))
        while self._rest and t - self._rest[0][0] > cfg.baseline_s:
            self._rest.popleft()
        return TongueState(is_out=self._is_out, since=self._since, probability=smoothed,
                           events=tuple(events))
