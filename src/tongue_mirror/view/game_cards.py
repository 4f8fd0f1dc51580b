"""The game's cards on the audience's picture (recorded): fixation, cue, practice review, results.

The cue card covers the camera panel, so the baby (the gesture to resist) and the neurons stay in
view; the results card covers the whole canvas. Text goes through view/text, sized from the
canvas height, so a 1920x1080 projector shows the cue word about 120 px tall.
"""

from __future__ import annotations

import cv2
import numpy as np

from tongue_mirror.core.game.plan import LABEL
from tongue_mirror.core.game.session import CUE, FIXATION, RESULTS, REVIEW, WAIT_NEUTRAL, GameState
from tongue_mirror.view.compositor import Layout
from tongue_mirror.view.draw import shared_text
from tongue_mirror.view.game_icons import draw_icon
from tongue_mirror.view.game_results import draw_results
from tongue_mirror.view.text import TextLayer, TextStyle, TypeScale

CARD = (34, 28, 24)
WHITE = (255, 255, 255)
SOFT = (200, 200, 200)
GOOD = (120, 220, 120)
BAD = (90, 90, 240)
CUE_TEXT = (120, 235, 255)
REVIEW_KEYS = ("p: practise again \u00b7 c: calibrate", "Enter: start the game")


class GameView:
    """Draws the game's state over a composed picture of one layout."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.text = shared_text()
        self.type = TypeScale(layout.size[1])
        self._key: tuple[object, ...] | None = None
        self._card: np.ndarray | None = None

    def card_rect(self) -> tuple[int, int, int, int]:
        """Where the cue card goes: the camera panel, or the top-left of an avatar-only canvas."""
        if self.layout.camera is not None:
            return self.layout.camera
        w, h = self.layout.size
        return (0, 0, w // 2, h * 2 // 3)

    def draw(self, image: np.ndarray, state: GameState) -> np.ndarray:
        """A copy of the picture with the game's card for this state (the same picture if none).

        A card changes only with the state, not with the frame, so each is drawn once and pasted
        (a card over both pictures costs a copy, not a redraw: about 8 ms a frame otherwise at
        1280x720, and 25-67 ms for the results card)."""
        key = (state.phase, state.stage, state.trial, state.round_size, state.summary,
               state.missed_practice, len(state.practice_results), len(state.summaries),
               image.shape)
        if key != self._key:
            self._key, self._card = key, self._render(image, state)
        card = self._card
        if card is None:
            return image
        if card.shape == image.shape:  # the results card covers the whole canvas
            return card.copy()
        out = image.copy()
        x, y, w, h = self.card_rect()
        out[y:y + h, x:x + w] = card
        return out

    def _render(self, image: np.ndarray, state: GameState) -> np.ndarray | None:
        if state.phase == RESULTS and state.summary is not None:
            return draw_results(image, state, self.text, self.type)
        if state.phase == REVIEW:
            return self._review(state)
        if state.trial is None or state.stage not in (CUE, FIXATION, WAIT_NEUTRAL):
            return None
        out = self._blank_card()
        x = y = 0
        h, w = out.shape[:2]
        layer = TextLayer(self.text, out)
        small = TextStyle(self.type.body, SOFT, outline=None)
        label = "practice" if state.trial.condition == "practice" else "trial"
        layer.draw(f"{label} {state.trial.index} / {state.round_size}", small,
                   (x + w // 2, y + h // 20), "mt")
        if state.stage == CUE:
            r = min(w, h) * 20 // 100
            draw_icon(out, state.trial.cue, (x + w // 2, y + h * 36 // 100), r)
            cue = TextStyle(self.type.px(0.11), CUE_TEXT, bold=True)
            lines = self.text.wrap(LABEL[state.trial.cue].upper(), cue, w * 94 // 100, 2)
            step = cue.size_px * 11 // 10
            top = y + h * 80 // 100 - (len(lines) - 1) * step // 2
            for k, line in enumerate(lines):
                layer.draw(line, cue, (x + w // 2, top + k * step), "mm", max_w=w * 94 // 100)
        elif state.stage == FIXATION:
            c, arm = (x + w // 2, y + h // 2), min(w, h) // 12
            t = max(3, arm // 5)
            cv2.line(out, (c[0] - arm, c[1]), (c[0] + arm, c[1]), WHITE, t, cv2.LINE_AA)
            cv2.line(out, (c[0], c[1] - arm), (c[0], c[1] + arm), WHITE, t, cv2.LINE_AA)
            layer.draw("watch the baby \u00b7 keep your face still", small,
                       (x + w // 2, y + h * 85 // 100), "mm", max_w=w * 94 // 100)
        else:
            layer.draw("relax your face", TextStyle(self.type.px(0.07), WHITE, bold=True),
                       (x + w // 2, y + h // 2), "mm", max_w=w * 94 // 100)
        return out

    def _blank_card(self) -> np.ndarray:
        _, _, w, h = self.card_rect()
        card = np.empty((h, w, 3), np.uint8)
        card[:] = CARD
        return card

    def _review(self, state: GameState) -> np.ndarray:
        out = self._blank_card()
        x = y = 0
        h, w = out.shape[:2]
        layer = TextLayer(self.text, out)
        title = TextStyle(self.type.px(0.07), WHITE, bold=True)
        body = TextStyle(self.type.prompt, WHITE, outline=None)
        missed = state.missed_practice
        layer.draw("practice done" if not missed else "practice: not all seen",
                   title, (x + w // 2, y + h * 14 // 100), "mm", max_w=w * 94 // 100)
        row_h = h * 13 // 100
        for i, r in enumerate(state.practice_results):
            cy = y + h * 29 // 100 + i * row_h
            ok = r.trial.cue not in missed
            draw_icon(out, r.trial.cue, (x + w * 18 // 100, cy), row_h * 4 // 10)
            layer.draw(f"{LABEL[r.trial.cue]}: " + ("seen" if ok else "not seen"),
                       TextStyle(self.type.prompt, GOOD if ok else BAD, bold=True),
                       (x + w * 30 // 100, cy), "lm", max_w=w * 66 // 100)
        lines = list(REVIEW_KEYS) if missed else self.text.wrap(
            "Now the baby moves too. Do what the card says, not what the baby does!", body,
            w * 90 // 100, 3)
        for k, line in enumerate(lines):
            layer.draw(line, body, (x + w // 2, y + h * 72 // 100 + k * body.size_px * 13 // 10),
                       "mm")
        return out
