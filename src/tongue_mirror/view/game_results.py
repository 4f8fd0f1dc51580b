"""The results card: each trial a dot on a response-time axis, the medians, the imitation cost."""

from __future__ import annotations

import math

import cv2
import numpy as np

from tongue_mirror.core.game.plan import COMPATIBLE, INCOMPATIBLE
from tongue_mirror.core.game.scoring import CORRECT, IMITATION_ERROR, MISS, Summary, TrialResult
from tongue_mirror.core.game.session import GameState
from tongue_mirror.view.text import TextLayer, TextRenderer, TextStyle, TypeScale

BG = (34, 28, 24)
WHITE = (255, 255, 255)
SOFT = (190, 190, 190)
AXIS = (150, 150, 150)
ROW_COLOUR = {COMPATIBLE: (230, 200, 120), INCOMPATIBLE: (120, 200, 255)}
WRONG = (90, 90, 240)
COPIED = (60, 150, 255)
ROWS = ((COMPATIBLE, "baby did the same"), (INCOMPATIBLE, "baby did something else"))
TABLE_ROWS = 4
AA = cv2.LINE_AA


def cost_sentence(s: Summary) -> str:
    """One plain sentence of what the number means."""
    cost = s.imitation_cost_ms
    if cost is None:
        return "Not enough correct answers in both rows to compare them."
    if cost > 0:
        return (f"When the baby did something else you answered {cost:.0f} ms slower: seeing a "
                "face move readies your own face to do the same.")
    return ("No slowing this round. One round is a noisy measure; in studies the cost averages "
            "a few tens of milliseconds.")


def headline(s: Summary) -> str:
    """The number, in words the audience reads from the back."""
    cost = s.imitation_cost_ms
    return "your imitation cost: -" if cost is None else f"your imitation cost: {cost:.0f} ms"


def _ms(v: float | None) -> str:
    return "-" if v is None else f"{v:.0f}"


def draw_results(image: np.ndarray, state: GameState, text: TextRenderer, ts: TypeScale
                 ) -> np.ndarray:
    """The whole canvas: headline, sentence, the dot plot and the session's table."""
    s = state.summary
    assert s is not None
    h, w = image.shape[:2]
    out = np.empty_like(image)
    out[:] = BG
    layer = TextLayer(text, out)
    body = TextStyle(ts.body, SOFT, outline=None)
    layer.draw(f"participant {s.participant}", body, (w // 2, h * 4 // 100), "mt")
    layer.draw(headline(s), TextStyle(ts.px(0.085), WHITE, bold=True), (w // 2, h * 15 // 100),
               "mm", max_w=w * 94 // 100)
    sentence = TextStyle(ts.prompt, WHITE, outline=None)
    for k, line in enumerate(text.wrap(cost_sentence(s), sentence, w * 84 // 100, 2)):
        layer.draw(line, sentence, (w // 2, h * 25 // 100 + k * sentence.size_px * 13 // 10), "mm")
    _plot(out, layer, state.results, (w * 30 // 100, h * 36 // 100, w * 60 // 100, h * 26 // 100),
          ts)
    _table(layer, state.summaries, (w * 8 // 100, h * 80 // 100, w * 84 // 100), ts)
    return out


def _plot(img: np.ndarray, layer: TextLayer, results: tuple[TrialResult, ...],
          rect: tuple[int, int, int, int], ts: TypeScale) -> None:
    x, y, w, h = rect
    rts = [r.rt_ms for r in results if r.rt_ms is not None]
    xmax = max(1500.0, math.ceil(max(rts, default=0.0) / 500.0) * 500.0)
    miss_x = x + w + w // 14

    def px(ms: float) -> int:
        return x + round(min(max(ms, 0.0), xmax) / xmax * w)

    label = TextStyle(ts.body, WHITE, outline=None)
    small = TextStyle(ts.small, SOFT, outline=None)
    dot = max(5, ts.px(0.012))
    for k, (condition, name) in enumerate(ROWS):
        cy = y + h * (1 + 2 * k) // 5
        colour = ROW_COLOUR[condition]
        layer.draw(name, TextStyle(ts.body, colour, bold=True), (x - dot * 3, cy), "rm")
        cv2.line(img, (x, cy), (x + w, cy), (70, 70, 70), 1, AA)
        rows = [r for r in results if r.trial.condition == condition]
        correct = sorted(r.rt_ms for r in rows if r.outcome == CORRECT and r.rt_ms is not None)
        placed: list[int] = []
        missed = [r for r in rows if r.rt_ms is None or r.outcome == MISS]
        for k in range(min(len(missed), 3)):  # misses side by side past the axis, then a count
            cv2.circle(img, (miss_x + k * 5 * dot // 2, cy), dot, SOFT, max(2, dot // 3), AA)
        if len(missed) > 3:
            layer.draw(f"\u00d7{len(missed)}", small, (miss_x + 7 * dot, cy), "lm")
        for r in rows:
            if r.rt_ms is None or r.outcome == MISS:
                continue
            dx = px(r.rt_ms)
            # dots that would cover each other stack above and below the row's line
            k_near = sum(abs(dx - other) < 2 * dot for other in placed)
            placed.append(dx)
            c = (dx, cy + (k_near + 1) // 2 * 2 * dot * (1 if k_near % 2 else -1))
            if r.outcome == CORRECT:
                cv2.circle(img, c, dot, colour, -1, AA)
            else:
                _cross(img, c, dot, COPIED if r.outcome == IMITATION_ERROR else WRONG)
        if correct:
            n = len(correct)
            med = (correct[(n - 1) // 2] + correct[n // 2]) / 2.0
            mx = px(med)
            cv2.line(img, (mx, cy - dot * 3), (mx, cy + dot * 3), colour, max(3, dot // 2), AA)
            layer.draw(f"median {med:.0f} ms", TextStyle(ts.small, colour, bold=True),
                       (mx, cy - dot * 3 - 4), "mb")
    ay = y + h
    cv2.line(img, (x, ay), (x + w, ay), AXIS, 2, AA)
    step = 250 if xmax <= 1500 else 500
    for ms in range(0, int(xmax) + 1, step):
        cv2.line(img, (px(ms), ay), (px(ms), ay + dot), AXIS, 2, AA)
        layer.draw(f"{ms}", small, (px(ms), ay + dot + 4), "mt")
    layer.draw("miss", small, (miss_x, ay + dot + 4), "mt")
    layer.draw("response time after the cue (ms)", label, (x + w // 2, ay + dot + ts.small * 2),
               "mt")
    _legend(img, layer, (x, ay + dot + ts.small * 2 + ts.body * 2), dot, ts)


def _cross(img: np.ndarray, c: tuple[int, int], r: int, colour: tuple[int, int, int]) -> None:
    t = max(3, r // 2)
    cv2.line(img, (c[0] - r, c[1] - r), (c[0] + r, c[1] + r), colour, t, AA)
    cv2.line(img, (c[0] - r, c[1] + r), (c[0] + r, c[1] - r), colour, t, AA)


def _legend(img: np.ndarray, layer: TextLayer, at: tuple[int, int], dot: int, ts: TypeScale
            ) -> None:
    x, y = at
    small = TextStyle(ts.small, SOFT, outline=None)
    for kind, words in (("dot", "right gesture"), ("wrong", "wrong gesture"),
                        ("copied", "copied the baby"), ("miss", "no answer")):
        c = (x + dot, y)
        if kind == "dot":
            cv2.circle(img, c, dot, WHITE, -1, AA)
        elif kind == "miss":
            cv2.circle(img, c, dot, SOFT, max(2, dot // 3), AA)
        else:
            _cross(img, c, dot, WRONG if kind == "wrong" else COPIED)
        box = layer.draw(words, small, (x + 3 * dot, y), "lm")
        x = box.x + box.w + 3 * dot


def _table(layer: TextLayer, summaries: tuple[Summary, ...], at: tuple[int, int, int],
           ts: TypeScale) -> None:
    x, y, w = at
    head = TextStyle(ts.small, SOFT, bold=True, outline=None)
    cell = TextStyle(ts.small, WHITE, outline=None)
    cols = ("participant", "same (ms)", "different (ms)", "cost (ms)", "wrong", "copied",
            "no answer")
    shown = summaries[-TABLE_ROWS:]
    line_h = ts.small * 14 // 10
    for i, name in enumerate(cols):
        layer.draw(name, head, (x + w * i // len(cols), y), "lt")
    for k, s in enumerate(shown):
        cells = (str(s.participant), _ms(s.median_compatible_ms), _ms(s.median_incompatible_ms),
                 _ms(s.imitation_cost_ms), str(s.errors), str(s.imitation_errors),
                 str(s.misses))
        for i, v in enumerate(cells):
            layer.draw(v, cell, (x + w * i // len(cols), y + (k + 1) * line_h), "lt")
