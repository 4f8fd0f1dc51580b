"""The circuit's activity drawn for an audience: the gesture the caption talks about, traced lane by lane.

Three action channels (tongue out, mouth open, lips pushed out) each keep a scrolling history; the
lanes show the channel of the caption, and a strip above shows all three at a glance. Drawn
incrementally: each frame shifts the cached plots left by the new columns and paints only those,
so the cost does not grow with the history shown. Never touches a window.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from tongue_mirror.values import NeuralState
from tongue_mirror.view.caption import COPYING, IDLE, SEEING, SELF, CaptionMachine, Levels, words_for
from tongue_mirror.view.draw import put_text, text_width
from tongue_mirror.view.story import Card

# Okabe & Ito's colour-blind-safe palette, as BGR.
SKY_BLUE = (233, 180, 86)
ORANGE = (0, 159, 230)
YELLOW = (66, 228, 240)
REDDISH_PURPLE = (167, 121, 204)
BLUISH_GREEN = (115, 158, 0)
WHITE = (245, 245, 245)
GREY = (165, 165, 165)
BACKGROUND = (20, 20, 20)
LANE_LINE = (55, 55, 55)
CARD_BACKGROUND = (42, 36, 30)

CAP_PX_PER_SCALE = 27.0  # cap-to-descender height of put_text at scale 1 (Hershey's metric)


@dataclass(frozen=True)
class Lane:
    """One population's row: a word the audience knows, its scientific name small, its colour."""

    population: str
    label: str
    sublabel: str
    colour: tuple[int, int, int]


LANES = (
    Lane("visual", "seeing you", "visual (STS)", SKY_BLUE),
    Lane("mirror", "mirror neurons", "premotor (F5)", ORANGE),
    Lane("suppression", "quiet while watching", "premotor (F5)", YELLOW),
    Lane("motor", "move command", "motor (M1)", REDDISH_PURPLE),
    Lane("feedback", "feeling it", "white line = expected", BLUISH_GREEN),
)

CAPTION_COLOURS = {IDLE: WHITE, SEEING: SKY_BLUE, COPYING: REDDISH_PURPLE, SELF: BLUISH_GREEN}


class NeuralPanel:
    """Renders NeuralStates into a BGR image of a fixed size, lanes on the caption's channel."""

    def __init__(
        self,
        size: tuple[int, int] = (640, 360),
        history_s: float = 6.0,
        channel: str = "tongue",
        inhibition_max: float = 2.0,
        captions: CaptionMachine | None = None,
    ) -> None:
        w, h = size
        if w < 320 or h < 180:
            raise ValueError(f"panel size must be at least 320x180, got {size}")
        if not (1.0 <= history_s <= 60.0):
            raise ValueError(f"history_s must be between 1 and 60 s, got {history_s}")
        if not inhibition_max > 0:
            raise ValueError(f"inhibition_max must be positive, got {inhibition_max}")
        self.size = (int(w), int(h))
        self.history_s = float(history_s)
        self.default_channel = channel
        self.inhibition_max = float(inhibition_max)
        self.captions = captions or CaptionMachine()
        self._u = min(h / 240.0, w / 640.0)  # type and spacing unit: 1 at 640x240 (720p canvas)
        self._layout()
        self._sprites: dict[tuple[object, ...], np.ndarray] = {}
        self._channels: tuple[str, ...] = ()
        self._static = self._draw_static()
        self.clear()

    # ---- geometry ----------------------------------------------------------------------------
    def _layout(self) -> None:
        w, h = self.size
        u = self._u
        self._caption_px = round(23 * u)
        self._chip_px = round(16 * u)
        self._label_px = round(17 * u)
        self._small_px = round(10 * u)
        self._top_caption = round(32 * u)
        self._top = self._top_caption + round(24 * u)  # caption band + channel strip
        self._bottom = round(24 * u)  # inhibition band
        self._gutter = max(round(w * 0.29), round(186 * u))
        self._plot_w = w - self._gutter - round(6 * u)
        self._lane_h = (h - self._top - self._bottom) // len(LANES)
        self._plot_h = self._lane_h * len(LANES)
        self._pad = max(2, round(3 * u))
        self._px_per_s = self._plot_w / self.history_s

    @property
    def channel(self) -> str:
        """The channel the lanes show now: the caption's, else the last one shown."""
        return self._focus

    def _lane_y(self, i: int, fraction: np.ndarray | float) -> np.ndarray | float:
        """Pixel row inside the plot for a 0..1 level in lane i (1 = top of the lane)."""
        bottom = (i + 1) * self._lane_h - self._pad
        if isinstance(fraction, float):  # the same arithmetic without numpy's per-call cost
            return bottom - min(max(fraction, 0.0), 1.0) * (self._lane_h - 2 * self._pad)
        return bottom - np.clip(fraction, 0.0, 1.0) * (self._lane_h - 2 * self._pad)

    # ---- state -------------------------------------------------------------------------------
    def clear(self) -> None:
        """Forget the history (next person, or time jumped)."""
        self._plots: dict[str, np.ndarray] = {}
        self._col: int | None = None
        self._last_y: dict[str, list[float]] = {}
        self._last_expected: dict[str, float | None] = {}
        self._focus = self.default_channel
        self._levels: Levels | None = None
        self.captions.reset()

    def _plot(self, channel: str) -> np.ndarray:
        plot = self._plots.get(channel)
        if plot is None:
            plot = np.empty((self._plot_h, self._plot_w, 3), np.uint8)
            plot[:] = self._plot_background(self._plot_w)
            self._plots[channel] = plot
        return plot

    def render(self, state: NeuralState, card: Card | None = None, position: str = "") -> np.ndarray:
        """The panel for this state as a new BGR uint8 image of `size`; a story card on top."""
        self.update(state)
        if state.channels != self._channels:
            self._channels = tuple(state.channels)
            self._static = self._draw_static()
        out = self._static.copy()
        x0, y0 = self._gutter, self._top
        out[y0:y0 + self._plot_h, x0:x0 + self._plot_w] = self._plot(self._focus)
        self._draw_caption(out, state)
        self._draw_strip(out)
        self._draw_threshold_label(out, state)
        self._draw_inhibition(out, state)
        if card is not None:
            self._draw_card(out, card, position)
        return out

    def update(self, state: NeuralState) -> None:
        """Scroll the cached plots to state.t, paint the new columns, move the caption on."""
        col = math.floor(state.t * self._px_per_s) if math.isfinite(state.t) else 0
        if self._col is None or col < self._col or col - self._col >= self._plot_w:
            if self._col is not None and col < self._col:
                self.clear()
            self._plots = {}
            self._last_y, self._last_expected = {}, {}
            self._col = col
            dx = 0
        else:
            dx = col - self._col
        for ch in state.channels:
            plot = self._plot(ch)
            if dx > 0:
                plot[:, :-dx] = plot[:, dx:]
                plot[:, -dx:] = self._plot_background(dx)
                self._draw_spikes(plot, state, ch, col, dx)
        self._col = col
        for ch in state.channels:
            self._draw_traces(self._plot(ch), state, ch, dx)
        self._levels = Levels.from_state(state)
        caption = self.captions.update(state.t, self._levels)
        if caption.channel:
            self._focus = caption.channel
        elif self._focus not in state.channels and state.channels:
            self._focus = state.channels[0]

    # ---- plot drawing ------------------------------------------------------------------------
    def _plot_background(self, n_cols: int) -> np.ndarray:
        """Background columns with the lane separators."""
        cols = np.empty((self._plot_h, n_cols, 3), np.uint8)
        cols[:] = BACKGROUND
        for i in range(1, len(LANES)):
            cols[i * self._lane_h - 1] = LANE_LINE
        return cols

    def _draw_spikes(self, plot: np.ndarray, state: NeuralState, channel: str, col: int,
                     dx: int) -> None:
        ch = state.channels.index(channel)
        for i, lane in enumerate(LANES):
            spikes = state.spikes.get(lane.population)
            if spikes is None or spikes.size == 0 or spikes.ndim != 3 or spikes.shape[1] <= ch:
                continue
            steps, neurons = np.nonzero(spikes[:, ch, :])
            if steps.size == 0:
                continue
            n_steps, n_neurons = spikes.shape[0], spikes.shape[2]
            t_step = state.t - (n_steps - 1 - steps) * (state.dt or 0.0)
            x = self._plot_w - 1 - (col - np.floor(t_step * self._px_per_s).astype(int))
            row_h = max(1.0, (self._lane_h - 2 * self._pad) / n_neurons)
            y = (i * self._lane_h + self._pad + neurons * row_h).astype(int)
            keep = (x >= self._plot_w - dx) & (x < self._plot_w)
            x, y = x[keep], y[keep]
            rows = np.minimum(y[:, None] + np.arange(max(1, int(row_h) - 1)), self._plot_h - 1)
            plot[rows, x[:, None]] = np.array(lane.colour) * 0.55

    def _draw_traces(self, plot: np.ndarray, state: NeuralState, channel: str, dx: int) -> None:
        x_new = self._plot_w - 1
        x_old = x_new - dx
        ys = []
        thick = max(2, round(2.5 * self._u))
        last = self._last_y.get(channel)
        for i, lane in enumerate(LANES):
            _spont, peak = state.rate_ranges.get(lane.population, (0.0, 100.0))
            rate = state.rate(lane.population, channel)
            y = float(self._lane_y(i, (rate if math.isfinite(rate) else 0.0) / peak))
            ys.append(y)
            if last is not None and dx > 0:
                cv2.line(plot, (x_old, round(last[i])), (x_new, round(y)), lane.colour, thick,
                         cv2.LINE_AA)
        if math.isfinite(state.motor_threshold_rate) and dx > 0 and self._col is not None:
            row = round(self._threshold_row(state))
            cols = np.arange(self._col - dx + 1, self._col + 1)
            on = (cols // max(4, int(8 * self._u))) % 2 == 0
            plot[row, (x_new - dx + 1 + np.nonzero(on)[0])] = WHITE
        expected = self._expected_y(state, channel)
        before = self._last_expected.get(channel)
        if expected is not None and before is not None and dx > 0:
            cv2.line(plot, (x_old, round(before)), (x_new, round(expected)), WHITE,
                     max(1, round(self._u)), cv2.LINE_AA)
        self._last_y[channel] = ys
        self._last_expected[channel] = expected

    def _threshold_row(self, state: NeuralState) -> float:
        motor_i = [ln.population for ln in LANES].index("motor")
        peak = state.rate_ranges.get("motor", (0.0, 100.0))[1]
        return float(self._lane_y(motor_i, state.motor_threshold_rate / peak))

    def _expected_y(self, state: NeuralState, channel: str) -> float | None:
        """Where the feedback trace should be if the efference copy's prediction came true."""
        eff = state.signals.get("efference")
        if eff is None or channel not in state.channels:
            return None
        spont, peak = state.rate_ranges.get("feedback", (0.0, 100.0))
        level = spont + (peak - spont) * float(eff[state.channels.index(channel)])
        return float(self._lane_y(len(LANES) - 1, level / peak))

    # ---- fixed parts -------------------------------------------------------------------------
    def _chip_boxes(self) -> list[tuple[str, int, int]]:
        """(channel, x, width) of each channel's chip in the strip under the caption."""
        channels = self._channels or ("tongue", "jaw", "lips")
        w = self.size[0]
        m = round(8 * self._u)
        cw = (w - 2 * m) // len(channels)
        return [(c, m + i * cw, cw) for i, c in enumerate(channels)]

    def _draw_static(self) -> np.ndarray:
        w, h = self.size
        u = self._u
        img = np.empty((h, w, 3), np.uint8)
        img[:] = BACKGROUND
        lx = round(22 * u)
        for i, lane in enumerate(LANES):
            y = self._top + i * self._lane_h
            cv2.rectangle(img, (round(6 * u), y + self._pad + 1),
                          (round(6 * u) + round(9 * u), y + self._lane_h - self._pad - 2),
                          lane.colour, -1)
            room = self._gutter - lx - round(4 * u)
            scale = _fit(lane.label, self._label_px, room)
            put_text(img, lane.label, (lx, y + round(self._lane_h * 0.5)), scale, lane.colour,
                     1, shadow=False)
            put_text(img, lane.sublabel, (lx, y + self._lane_h - self._pad - 1),
                     _fit(lane.sublabel, self._small_px, room), GREY, 1, shadow=False)
        cv2.line(img, (self._gutter - 1, self._top), (self._gutter - 1, self._top + self._plot_h),
                 LANE_LINE, 1)
        for channel, x, cw in self._chip_boxes():
            name = words_for(channel).short
            put_text(img, name, (x + round(6 * u), self._top - round(8 * u)),
                     _fit(name, self._chip_px, round(cw * 0.62) - round(12 * u)), WHITE, 1,
                     shadow=False)
        note = f"last {self.history_s:g} s -> now"
        scale = self._small_px / CAP_PX_PER_SCALE
        put_text(img, note, (w - text_width(note, scale) - round(8 * u), h - round(7 * u)),
                 scale, GREY, 1, shadow=False)
        return img

    # ---- live parts --------------------------------------------------------------------------
    def _draw_caption(self, out: np.ndarray, state: NeuralState) -> None:
        caption = self.captions.caption
        text = caption.text(state.mode)
        colour = CAPTION_COLOURS.get(caption.kind, WHITE)
        u = self._u
        room = self.size[0] - round(20 * u)

        def sprite() -> np.ndarray:
            scale = _fit(text, self._caption_px, room)
            img = np.empty((self._top_caption, self.size[0] - round(10 * u), 3), np.uint8)
            img[:] = BACKGROUND
            put_text(img, text, (0, self._top_caption - round(8 * u)), scale, colour, 1,
                     shadow=False)
            return img

        self._blit(out, ("caption", text, colour), round(10 * u), 0, sprite)

    def _draw_strip(self, out: np.ndarray) -> None:
        """Each gesture's chip: how strongly it is seen (blue) and done (purple); the lanes' boxed."""
        u = self._u
        y0, y1 = self._top_caption, self._top - round(3 * u)
        levels = self._levels
        for channel, x, cw in self._chip_boxes():
            bx0, bx1 = x + round(cw * 0.62), x + cw - round(10 * u)
            bar_h = max(2, round(4 * u))
            mid = (y0 + y1) // 2
            for row, (values, colour) in enumerate(
                    ((levels.seen if levels else {}, SKY_BLUE),
                     (levels.moving if levels else {}, REDDISH_PURPLE))):
                by = mid - bar_h - 1 + row * (bar_h + 2)
                cv2.rectangle(out, (bx0, by), (bx1, by + bar_h - 1), LANE_LINE, -1)
                fill = round((bx1 - bx0) * min(max(values.get(channel, 0.0), 0.0), 1.0))
                if fill > 0:
                    cv2.rectangle(out, (bx0, by), (bx0 + fill, by + bar_h - 1), colour, -1)
            if channel == self._focus:
                cv2.rectangle(out, (x, y0), (x + cw - round(4 * u), y1), WHITE,
                              max(1, round(1.5 * u)))

    def _draw_threshold_label(self, out: np.ndarray, state: NeuralState) -> None:
        if not math.isfinite(state.motor_threshold_rate):
            return
        text = "baby moves above this line"
        # Read by the audience, so chip-sized (not a secondary label), outlined over the traces.
        scale = _fit(text, self._chip_px, self._plot_w // 2)
        row = self._top + round(self._threshold_row(state))
        put_text(out, text, (self._gutter + round(6 * self._u), row - round(3 * self._u)), scale,
                 WHITE, 1, shadow=True)

    def _draw_inhibition(self, out: np.ndarray, state: NeuralState) -> None:
        u = self._u
        w, h = self.size
        level = round(state.inhibition, 2)
        key = ("inhibition", level, state.mode)
        band = self._bottom - round(4 * u)

        def sprite() -> np.ndarray:
            box_w = round(w * 0.72)
            img = np.empty((band, box_w, 3), np.uint8)
            img[:] = BACKGROUND
            scale = self._chip_px / CAP_PX_PER_SCALE
            put_text(img, "inhibition", (0, band - round(6 * u)), scale, WHITE, 1, shadow=False)
            x0 = text_width("inhibition", scale) + round(8 * u)
            bar_w = round(box_w * 0.3)
            cv2.rectangle(img, (x0, round(4 * u)), (x0 + bar_w, band - round(5 * u)), GREY, 1)
            fill = int(bar_w * min(level / self.inhibition_max, 1.0))
            if fill > 0:
                cv2.rectangle(img, (x0, round(4 * u)), (x0 + fill, band - round(5 * u)), YELLOW,
                              -1)
            words = {"infant": "baby: copies you", "adult": "adult: holds still"}.get(
                state.mode, f"level {level:.2f}")
            put_text(img, words, (x0 + bar_w + round(8 * u), band - round(6 * u)),
                     _fit(words, self._chip_px, box_w - x0 - bar_w - round(10 * u)), WHITE, 1,
                     shadow=False)
            return img

        self._blit(out, key, round(8 * u), h - band - round(2 * u), sprite)

    # ---- story cards -------------------------------------------------------------------------
    def target_box(self, card: Card) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) of what a card points at: a lane, or the gesture strip."""
        w = self.size[0]
        if card.points_at == "gestures":
            return (0, self._top_caption, w - 1, self._top - 1)
        names = [ln.population for ln in LANES]
        i = names.index(card.points_at) if card.points_at in names else 0
        y = self._top + i * self._lane_h
        return (0, y, w - 1, y + self._lane_h - 1)

    def card_box(self, card: Card) -> tuple[int, int, int, int]:
        """Where the card goes: the larger free band above or below its target, never over the
        inhibition bar (it shows the mode the cards switch; the key bar may cover that band)."""
        w = self.size[0]
        bottom = self._top + self._plot_h
        m = round(6 * self._u)
        gap = round(10 * self._u)  # room for the arrow
        _, ty0, _, ty1 = self.target_box(card)
        if ty0 - gap > bottom - ty1 - gap:
            return (m, m, w - m, ty0 - gap)
        return (m, ty1 + gap, w - m, bottom)

    def _draw_card(self, out: np.ndarray, card: Card, position: str) -> None:
        u = self._u
        colour = self._card_colour(card)
        tx0, ty0, tx1, ty1 = self.target_box(card)
        cv2.rectangle(out, (tx0 + 1, ty0), (tx1 - 1, ty1), colour, max(2, round(2.5 * u)))
        x0, y0, x1, y1 = self.card_box(card)
        out[y0:y1, x0:x1] = CARD_BACKGROUND  # opaque: text underneath would ghost through
        cv2.rectangle(out, (x0, y0), (x1 - 1, y1 - 1), colour, max(2, round(2 * u)))
        # The arrow from the card's edge to its target, a third of the way in (past the labels).
        ax = x0 + (x1 - x0) // 3
        if y1 <= ty0:
            start, end = (ax, y1), (ax, ty0 - 1)
        else:
            start, end = (ax, y0), (ax, ty1 + 1)
        cv2.arrowedLine(out, start, end, colour, max(2, round(3 * u)), cv2.LINE_AA,
                        tipLength=0.45)
        pad = round(7 * u)
        rows = 1 + len(card.lines)
        height = y1 - y0 - 2 * pad
        line_px = min(self._caption_px * 1.0, height / (rows * 1.3 + 0.2))
        title_px = min(self._caption_px * 1.15, line_px * 1.15)
        room = x1 - x0 - 2 * pad
        title_scale = _fit(card.title, title_px, room - round(40 * u))
        body_scale = min(_fit(line, line_px, room) for line in card.lines)
        y = y0 + pad + round(title_px)
        put_text(out, card.title, (x0 + pad, y), title_scale, colour, 2, shadow=False)
        if position:
            s = self._small_px / CAP_PX_PER_SCALE
            put_text(out, position, (x1 - pad - text_width(position, s), y0 + pad + round(10 * u)),
                     s, GREY, 1, shadow=False)
        step = (y1 - pad - y) / max(len(card.lines), 1)
        for i, line in enumerate(card.lines):
            put_text(out, line, (x0 + pad, round(y + step * (i + 1) - step * 0.2)), body_scale,
                     WHITE, 1, shadow=False)

    @staticmethod
    def _card_colour(card: Card) -> tuple[int, int, int]:
        for lane in LANES:
            if lane.population == card.points_at:
                return lane.colour
        return WHITE

    def _blit(self, out: np.ndarray, key: tuple[object, ...], x: int, y: int,
              make: Callable[[], np.ndarray]) -> None:
        """Paste a cached sprite (drawn on the background colour) at (x, y), clipped."""
        if key not in self._sprites:
            if len(self._sprites) > 64:
                self._sprites.clear()
            self._sprites[key] = make()
        img = self._sprites[key]
        h = min(img.shape[0], out.shape[0] - y)
        w = min(img.shape[1], out.shape[1] - x)
        if h > 0 and w > 0:
            out[y:y + h, x:x + w] = img[:h, :w]


def _fit(text: str, px: float, room: int) -> float:
    """put_text scale for `px` tall text, shrunk so the line fits `room` pixels."""
    scale = px / CAP_PX_PER_SCALE
    width = text_width(text, scale)
    if width > room > 0:
        scale *= room / width
    return scale
