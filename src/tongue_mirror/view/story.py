"""The presenter's story mode: a few short cards, in the order of the science, stepped by one key."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    """One card: a title, a few short lines, the lane it points at, and the mode it shows."""

    title: str
    lines: tuple[str, ...]
    points_at: str  # a lane's population, or "gestures" for the channel strip
    mode: str | None = None  # switch the circuit to this preset while the card is up


CARDS = (
    Card("Babies copy faces from birth",
         ("Meltzoff & Moore (1977): babies 2-3 weeks old",
          "copied tongue out, mouth opening and lips",
          "pushed out. Try one of the three!"),
         "gestures", mode="infant"),
    Card("Seeing and doing: the same neurons",
         ("Mirror neurons fire when the baby watches you move",
          "your face, and again when it moves its own."),
         "mirror"),
    Card("Why adults don't copy you",
         ("Inhibition keeps the move command below",
          "the dashed line. Now in adult mode: the mirror",
          "still fires, but the face stays still."),
         "motor", mode="adult"),
    Card("Was that me, or you?",
         ("The brain predicts how its own move will feel",
          "(white line). Felt as predicted: that was me.",
          "Mirror firing, nothing felt: that was you."),
         "feedback", mode="infant"),
)


@dataclass(frozen=True)
class Story:
    """Which card is up (None: story off) and the circuit mode to restore when it ends."""

    index: int | None = None
    mode_before: str = ""
    cards: tuple[Card, ...] = CARDS

    @property
    def card(self) -> Card | None:
        """The card on screen, or None."""
        return None if self.index is None else self.cards[self.index]

    @property
    def position(self) -> str:
        """e.g. "2/4" for the card on screen."""
        return "" if self.index is None else f"{self.index + 1}/{len(self.cards)}"

    def next(self, mode_now: str = "") -> Story:
        """The next card; off after the last one. Starting remembers the mode to restore."""
        if self.index is None:
            return Story(0, mode_now, self.cards) if self.cards else self
        if self.index + 1 < len(self.cards):
            return Story(self.index + 1, self.mode_before, self.cards)
        return Story(None, self.mode_before, self.cards)

    def close(self) -> Story:
        """Story off now."""
        return Story(None, self.mode_before, self.cards)
