"""The circuit's activity drawn for an audience: scrolling traces over spike rasters, plain words.

Drawn incrementally: each frame shifts a cached plot left by the new columns and paints only
those, so the cost does not grow with the history shown. Never touches a window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from tongue_mirror.values import NeuralState

# Okabe & Ito's colour-blind-safe palette, as BGR.
SKY_BLUE = (233, 180, 86)
ORANGE = (0, 159, 230)
YELLOW = (66, 228, 240)
REDDISH_PURPLE = (167, 121, 204)
BLUISH_GREEN = (115, 158, 0)
WHITE = (245, 245, 245)
GREY = (150, 150, 150)
BACKGROUND = (20, 20, 20)
LANE_LINE = (55, 55, 55)


@dataclass(frozen=True)
class Lane:
    """One population's row: what the audience reads, and its colour."""

    population: str
    label: str
    sublabel: str
    colour: tuple[int, int, int]


LANES = (
    Lane("visual", "seeing", "visual (STS)", SKY_BLUE),
    Lane("mirror", "mirror", "premotor (F5)", ORANGE),
    Lane("suppression", "doing only", "premotor (F5)", YELLOW),
    Lane("motor", "moving", "motor (M1)", REDDISH_PURPLE),
    Lane("feedback", "feedback", "white = expected", BLUISH_GREEN),
)

CAPTIONS = {
    "watching": ("watching you", WHITE),
    "other": ("that was you", SKY_BLUE),
    "imitating": ("imitating...", REDDISH_PURPLE),
    "self": ("that was me", BLUISH_GREEN),
}

FONT = cv2.FONT_HERSHEY_DUPLEX


class NeuralPanel:
    """Renders NeuralStates of one channel into a BGR image of a fixed size."""

    def __init__(
        self,
        size: tuple[int, int] = (640, 360),
        history_s: float = 6.0,
        channel: str = "tongue",
        inhibition_max: float = 2.0,
    ) -> None:
        w, h = size
        if w < 320 or h < 180:
            raise ValueError(f"panel size must be at least 320x180, got {size}")
        if not (1.0 <= history_s <= 60.0):
            raise ValueError(f"history_s must be between 1 and 60 s, got {history_s}")
        self.size = (int(w), int(h))
        self.history_s = float(history_s)
        self.channel = channel
        if not inhibition_max > 0:
            raise ValueError(f"inhibition_max must be positive, got {inhibition_max}")
        self.inhibition_max = float(inhibition_max)
        self._scale = h / 360.0
        self._layout()
        self._static = self._draw_static()
        self._sprites: dict[tuple, np.ndarray] = {}
        self.clear()

    # ---- geometry ----------------------------------------------------------------------------
    def _layout(self) -> None:
        w, h = self.size
        s = self._scale
        self._top = round(56 * s)  # caption band
        self._bottom = round(42 * s)  # inhibition band
        self._gutter = max(round(w * 0.27), round(150 * s))
        self._plot_w = w - self._gutter - round(8 * s)
        self._plot_h = h - self._top - self._bottom
        self._lane_h = self._plot_h // len(LANES)
        self._plot_h = self._lane_h * len(LANES)
        self._pad = max(2, round(4 * s))
        self._px_per_s = self._plot_w / self.history_s

    def _lane_y(self, i: int, fraction: np.ndarray | float) -> np.ndarray | float:
        """Pixel row inside the plot for a 0..1 level in lane i (1 = top of the lane)."""
        bottom = (i + 1) * self._lane_h - self._pad
        return bottom - np.clip(fraction, 0.0, 1.0) * (self._lane_h - 2 * self._pad)

    # ---- state -------------------------------------------------------------------------------
    def clear(self) -> None:
        """Forget the history (next person, or time jumped)."""
        self._plot = np.empty((self._plot_h, self._plot_w, 3), np.uint8)
        self._plot[:] = self._plot_background(np.arange(self._plot_w))
        self._col: int | None = None
        self._last_y: list[float] | None = None
        self._last_expected: float | None = None

    def render(self, state: NeuralState) -> np.ndarray:
        """The panel for this state as a new BGR uint8 image of `size`."""
        self.update(state)
        out = self._static.copy()
        x0, y0 = self._gutter, self._top
        out[y0:y0 + self._plot_h, x0:x0 + self._plot_w] = self._plot
        text, colour = CAPTIONS.get(state.phase, (state.phase or "", WHITE))
        s = self._scale
        self._blit(out, ("caption", text), round(14 * s), round(8 * s),
                   lambda: self._text_sprite(text, 1.35, colour, 2))
        self._draw_inhibition(out, state)
        return out

    def update(self, state: NeuralState) -> None:
        """Scroll the cached plot to state.t and paint the new columns."""
        col = math.floor(state.t * self._px_per_s)
        if self._col is None or col < self._col or col - self._col >= self._plot_w:
            self.clear()
            self._col = col
            dx = 0
        else:
            dx = col - self._col
        if dx > 0:
            self._plot[:, :-dx] = self._plot[:, dx:]
            self._plot[:, -dx:] = self._plot_background(np.arange(col - dx + 1, col + 1))
            self._draw_spikes(state, col, dx)
        self._col = col
        self._draw_traces(state, dx)

    # ---- drawing -----------------------------------------------------------------------------
    def _plot_background(self, abs_cols: np.ndarray) -> np.ndarray:
        """Background columns: lane separators; a dashed motor threshold is drawn per column."""
        cols = np.empty((self._plot_h, len(abs_cols), 3), np.uint8)
        cols[:] = BACKGROUND
        for i in range(1, len(LANES)):
            cols[i * self._lane_h - 1] = LANE_LINE
        return cols

    def _draw_spikes(self, state: NeuralState, col: int, dx: int) -> None:
        if self.channel not in state.channels:
            return
        ch = state.channels.index(self.channel)
        for i, lane in enumerate(LANES):
            spikes = state.spikes.get(lane.population)
            if spikes is None or spikes.size == 0:
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
            dim = np.array(lane.colour) * 0.6
            for dy in range(max(1, int(row_h) - 1)):
                self._plot[np.minimum(y + dy, self._plot_h - 1), x] = dim

    def _draw_traces(self, state: NeuralState, dx: int) -> None:
        if self.channel not in state.channels:
            return
        x_new = self._plot_w - 1
        x_old = x_new - dx
        ys = []
        thick = max(2, round(3 * self._scale))
        for i, lane in enumerate(LANES):
            _spont, peak = state.rate_ranges.get(lane.population, (0.0, 100.0))
            y = float(self._lane_y(i, state.rate(lane.population, self.channel) / peak))
            ys.append(y)
            if self._last_y is not None and dx > 0:
                cv2.line(self._plot, (x_old, round(self._last_y[i])), (x_new, round(y)),
                         lane.colour, thick, cv2.LINE_AA)
        motor_i = [ln.population for ln in LANES].index("motor")
        if math.isfinite(state.motor_threshold_rate) and dx > 0:
            peak = state.rate_ranges.get("motor", (0.0, 100.0))[1]
            row = round(float(self._lane_y(motor_i, state.motor_threshold_rate / peak)))
            cols = np.arange(self._col - dx + 1, self._col + 1)
            on = (cols // max(4, int(8 * self._scale))) % 2 == 0
            self._plot[row, (x_new - dx + 1 + np.nonzero(on)[0])] = WHITE
        expected = self._expected_y(state)
        if expected is not None and self._last_expected is not None and dx > 0:
            cv2.line(self._plot, (x_old, round(self._last_expected)), (x_new, round(expected)),
                     WHITE, max(1, round(self._scale)), cv2.LINE_AA)
        self._last_y = ys
        self._last_expected = expected

    def _expected_y(self, state: NeuralState) -> float | None:
        """Where the feedback trace should be if the efference copy's prediction came true."""
        eff = state.signals.get("efference")
        if eff is None:
            return None
        spont, peak = state.rate_ranges.get("feedback", (0.0, 100.0))
        level = spont + (peak - spont) * float(eff[state.channels.index(self.channel)])
        return float(self._lane_y(len(LANES) - 1, level / peak))

    def _draw_static(self) -> np.ndarray:
        w, h = self.size
        s = self._scale
        img = np.empty((h, w, 3), np.uint8)
        img[:] = BACKGROUND
        for i, lane in enumerate(LANES):
            y = self._top + i * self._lane_h
            sw = round(10 * s)
            cv2.rectangle(img, (int(8 * s), y + self._pad + 2),
                          (int(8 * s) + sw, y + self._lane_h - self._pad - 2), lane.colour, -1)
            tx = round(26 * s)
            cv2.putText(img, lane.label, (tx, y + int(self._lane_h * 0.52)), FONT, 0.72 * s,
                        lane.colour, max(1, round(1.4 * s)), cv2.LINE_AA)
            cv2.putText(img, lane.sublabel, (tx, y + int(self._lane_h * 0.88)), FONT, 0.46 * s,
                        GREY, 1, cv2.LINE_AA)
        cv2.line(img, (self._gutter - 1, self._top), (self._gutter - 1, self._top + self._plot_h),
                 LANE_LINE, 1)
        note = f"{self.channel}, last {self.history_s:g} s  ->  now"
        (tw, _), _ = cv2.getTextSize(note, FONT, 0.45 * s, 1)
        cv2.putText(img, note, (w - tw - round(10 * s), round(self._top - 8 * s)),
                    FONT, 0.45 * s, GREY, 1, cv2.LINE_AA)
        return img

    def _draw_inhibition(self, out: np.ndarray, state: NeuralState) -> None:
        s = self._scale
        w, h = self.size
        level = round(state.inhibition, 2)
        y = h - self._bottom + round(24 * s)
        key = ("inhibition", level, state.mode)

        def sprite() -> np.ndarray:
            box_w = w - round(16 * s)
            img = np.empty((round(22 * s), box_w, 3), np.uint8)
            img[:] = BACKGROUND
            cv2.putText(img, "inhibition", (0, int(17 * s)), FONT, 0.6 * s, WHITE,
                        max(1, round(1.2 * s)), cv2.LINE_AA)
            x0 = round(118 * s)
            bar_w = int(box_w * 0.45)
            cv2.rectangle(img, (x0, int(4 * s)), (x0 + bar_w, int(18 * s)), GREY, 1)
            fill = int(bar_w * min(level / self.inhibition_max, 1.0))
            if fill > 0:
                cv2.rectangle(img, (x0, int(4 * s)), (x0 + fill, int(18 * s)), YELLOW, -1)
            words = {"infant": "baby: copies you", "adult": "adult: holds still"}.get(
                state.mode, f"level {level:.2f}")
            cv2.putText(img, words, (x0 + bar_w + int(10 * s), int(17 * s)), FONT, 0.55 * s,
                        WHITE, 1, cv2.LINE_AA)
            return img

        self._blit(out, key, round(8 * s), y - round(18 * s), sprite)

    def _text_sprite(self, text: str, scale: float, colour, thickness: int) -> np.ndarray:
        s = self._scale
        (tw, th), base = cv2.getTextSize(text, FONT, scale * s, max(1, int(thickness * s)))
        img = np.empty((th + base + 4, tw + 4, 3), np.uint8)
        img[:] = BACKGROUND
        cv2.putText(img, text, (2, th + 2), FONT, scale * s, colour,
                    max(1, round(thickness * s)), cv2.LINE_AA)
        return img

    def _blit(self, out: np.ndarray, key: tuple, x: int, y: int, make) -> None:
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
