"""The panel's caption as a state machine, so the words stay put long enough to read and match the traces.

The circuit's own read-out (NeuralState.phase) changes at every flicker of a trace; an audience
cannot read a caption that changes 50-200 times a minute. Here each channel's level has
hysteresis, a new caption must be wanted for `settle_s` before it shows, and a shown caption stays
at least `hold_s`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from tongue_mirror.values import NeuralState
from tongue_mirror.view.steady import Steady


@dataclass(frozen=True)
class GestureWords:
    """How a lay audience names one action channel."""

    short: str  # "tongue out": the channel strip and "baby copies you: ..."
    watch: str  # "stick out your tongue": "baby is watching you ..."
    feel: str  # "its own tongue": "baby feels ...: that was me"


WORDS = {
    "tongue": GestureWords("tongue out", "stick out your tongue", "its own tongue"),
    "jaw": GestureWords("mouth open", "open your mouth", "its own mouth open"),
    "lips": GestureWords("lips pushed out", "push out your lips", "its own lips"),
}

IDLE, SEEING, COPYING, SELF = "idle", "seeing", "copying", "self"
LEADING = "leading"  # the baby acts on its own intention (the imitation game): it copies nobody
PRIORITY = ("tongue",)  # named before the others when active together
KINDS = (IDLE, SEEING, COPYING, SELF, LEADING)


def words_for(channel: str) -> GestureWords:
    """The channel's lay words; an unknown channel is named as it is."""
    return WORDS.get(channel, GestureWords(channel, f"move your {channel}", f"its own {channel}"))


@dataclass(frozen=True)
class Caption:
    """What the caption says: a kind of moment and the channel it is about."""

    kind: str = IDLE
    channel: str = ""

    def text(self, mode: str = "infant") -> str:
        """The words shown; in adult mode (high inhibition) the baby watches and holds still."""
        if self.kind == IDLE:
            return "baby is watching you" if mode != "adult" else "watching you (adult mode)"
        w = words_for(self.channel)
        if self.kind == SEEING:
            if mode == "adult":
                return f"sees you: {w.short}, but holds still"
            return f"baby is watching you {w.watch}"
        if self.kind == COPYING:
            return f"baby copies you: {w.short}"
        if self.kind == LEADING:
            return f"baby's own move: {w.short}"
        return f"baby feels {w.feel}: that was me"


@dataclass(frozen=True)
class Levels:
    """Per channel, 0..1: how strongly the person is seen, and how much the baby moves."""

    seen: Mapping[str, float]
    moving: Mapping[str, float]
    leading: frozenset[str] = frozenset()  # channels the baby moves on its own intention

    @staticmethod
    def from_state(state: NeuralState) -> Levels:
        """Read off the traces the panel draws: the seeing lane; the move command above the dashed
        line, or the feedback lane (the baby's own sensed movement)."""
        seen, moving = {}, {}
        for c in state.channels:
            seen[c] = _activation(state, "visual", c)
            feedback = _activation(state, "feedback", c)
            command = 0.0
            threshold = state.motor_threshold_rate
            peak = state.rate_ranges.get("motor", (0.0, 0.0))[1]
            rate = state.rate("motor", c)
            if math.isfinite(threshold) and peak > threshold and math.isfinite(rate):
                command = min(max((rate - threshold) / (peak - threshold), 0.0), 1.0)
            moving[c] = max(feedback, command)
        return Levels(seen, moving, frozenset(c for c, v in state.intent.items() if v > 0))


def _activation(state: NeuralState, population: str, channel: str) -> float:
    rate = state.rate(population, channel)
    spont, peak = state.rate_ranges.get(population, (0.0, 0.0))
    if not math.isfinite(rate) or peak <= spont:
        return 0.0
    return min(max((rate - spont) / (peak - spont), 0.0), 1.0)


@dataclass(frozen=True)
class CaptionConfig:
    """Hysteresis thresholds (0..1 levels) and timing (s) of the caption."""

    seen_on: float = 0.35
    seen_off: float = 0.15
    moving_on: float = 0.3
    moving_off: float = 0.1
    settle_s: float = 0.2  # a new caption must be wanted this long before it shows
    hold_s: float = 1.2  # a shown caption stays at least this long (<= 50 changes a minute)

    def __post_init__(self) -> None:
        if not (0.0 <= self.seen_off < self.seen_on <= 1.0):
            raise ValueError(f"need 0 <= seen_off < seen_on <= 1, got {self.seen_off}, {self.seen_on}")
        if not (0.0 <= self.moving_off < self.moving_on <= 1.0):
            raise ValueError(
                f"need 0 <= moving_off < moving_on <= 1, got {self.moving_off}, {self.moving_on}")
        if not (self.settle_s >= 0.0 and self.hold_s > 0.0):
            raise ValueError(f"settle_s must be >= 0 and hold_s > 0, got {self.settle_s}, {self.hold_s}")


class CaptionMachine:
    """Turns per-frame levels into a caption that changes at most once per `hold_s`."""

    def __init__(self, config: CaptionConfig | None = None) -> None:
        self.config = config or CaptionConfig()
        self.reset()

    def reset(self) -> None:
        """Back to "watching you" (next person, or time went backwards)."""
        self._shown = Steady(Caption(), self.config.settle_s, self.config.hold_s,
                             hold_from_first=True)
        self._seen: set[str] = set()
        self._moving: set[str] = set()
        # Channels whose current movement began on the baby's own intention: the movement's tail,
        # after the intention ends, is still its own move, not a copy of the person answering.
        self._led: set[str] = set()
        self._t: float | None = None

    @property
    def caption(self) -> Caption:
        """The caption on screen now."""
        return self._shown.value

    def update(self, t: float, levels: Levels) -> Caption:
        """The caption at time t, given the levels seen at t."""
        cfg = self.config
        if not math.isfinite(t):
            return self.caption
        if self._t is not None and t < self._t:
            self.reset()
        self._t = t
        self._seen = _hysteresis(self._seen, levels.seen, cfg.seen_on, cfg.seen_off)
        self._moving = _hysteresis(self._moving, levels.moving, cfg.moving_on, cfg.moving_off)
        self._led = {c for c in self._moving if c in levels.leading or c in self._led}
        return self._shown.update(self._want(levels), t)

    def _want(self, levels: Levels) -> Caption:
        """The caption the levels call for now, staying on the current channel while it applies."""
        if self._moving:
            ch = self._pick(self._moving, levels.moving)
            if ch in levels.leading or ch in self._led:
                return Caption(LEADING, ch)
            return Caption(COPYING if ch in self._seen else SELF, ch)
        if self._seen:
            return Caption(SEEING, self._pick(self._seen, levels.seen))
        return Caption()

    def _pick(self, active: set[str], level: Mapping[str, float]) -> str:
        """The headline gesture: a tongue out opens the mouth too, so the tongue wins; then the
        channel already shown; then the strongest."""
        for c in PRIORITY:
            if c in active:
                return c
        if self.caption.channel in active:
            return self.caption.channel
        return max(sorted(active), key=lambda c: level.get(c, 0.0))


def _hysteresis(on: set[str], level: Mapping[str, float], up: float, down: float) -> set[str]:
    """Channels on after this level: switch on above `up`, stay on until below `down`."""
    out = set()
    for c, v in level.items():
        v = v if math.isfinite(v) else 0.0
        if v > up or (c in on and v >= down):
            out.add(c)
    return out
