"""The overlay panel: right size, shows activity where it happens, survives odd input."""

from __future__ import annotations

import numpy as np
import pytest

from tongue_mirror.core.circuit import MirrorCircuit
from tongue_mirror.values import NeuralState
from tongue_mirror.view.caption import COPYING, IDLE, SEEING, SELF
from tongue_mirror.view.neural_panel import LANES, NeuralPanel
from tongue_mirror.view.story import CARDS


def states(mode, seconds, seen, fps=30.0, channel="tongue"):
    circuit = MirrorCircuit(mode=mode, seed=1)
    n = round(seconds * fps)
    return [circuit.advance_to(i / fps, {channel: seen(i / fps)}) for i in range(n)]


def render_all(panel, sts):
    img = None
    for s in sts:
        img = panel.render(s)
    return img


@pytest.mark.parametrize("size", [(640, 360), (1280, 720), (400, 300)])
def test_renders_the_requested_size_as_bgr_uint8(size):
    img = render_all(NeuralPanel(size), states("infant", 1.0, lambda t: 0.0))
    assert img.shape == (size[1], size[0], 3)
    assert img.dtype == np.uint8


def lane_activity(panel, img, i):
    """Bright trace pixels in the right-most second of lane i."""
    y0 = panel._top + i * panel._lane_h
    x1 = panel._gutter + panel._plot_w
    x0 = x1 - int(panel._px_per_s)
    region = img[y0:y0 + panel._lane_h, x0:x1].astype(int)
    colour = np.array(LANES[i].colour)
    close = np.abs(region - colour).sum(axis=2) < 40
    rows = np.nonzero(close.any(axis=1))[0]
    return rows.mean() if rows.size else None  # mean row of the trace: smaller = higher


def test_traces_rise_where_the_circuit_is_active():
    quiet = NeuralPanel()
    busy = NeuralPanel()
    img_quiet = render_all(quiet, states("infant", 3.0, lambda t: 0.0))
    img_busy = render_all(busy, states("infant", 3.0, lambda t: 1.0 if t > 1.0 else 0.0))
    for i, lane in enumerate(LANES):
        if lane.population == "suppression":
            continue  # rises too when acting, but starts above zero
        assert lane_activity(busy, img_busy, i) < lane_activity(quiet, img_quiet, i) - 5, lane
    assert not np.array_equal(img_quiet, img_busy)


def test_adult_moving_trace_stays_below_the_threshold_line():
    panel = NeuralPanel()
    sts = states("adult", 3.0, lambda t: 1.0 if t > 0.5 else 0.0)
    img = render_all(panel, sts)
    motor = [ln.population for ln in LANES].index("motor")
    peak = sts[-1].rate_ranges["motor"][1]
    top = motor * panel._lane_h
    threshold_row = panel._lane_y(motor, sts[-1].motor_threshold_rate / peak) - top
    rest_row = panel._lane_y(motor, sts[-1].rate_ranges["motor"][0] / peak) - top
    trace_row = lane_activity(panel, img, motor)
    assert threshold_row + 2 < trace_row < rest_row - 5  # rows grow downwards


def test_caption_tells_the_story_in_order_and_differs_on_screen():
    panel = NeuralPanel()
    sts = states("infant", 5.0, lambda t: 1.0 if 0.5 <= t < 3.0 else 0.0)
    kinds, captions = [], {}
    for s in sts:
        img = panel.render(s)
        kind = panel.captions.caption.kind
        if not kinds or kinds[-1] != kind:
            kinds.append(kind)
        captions.setdefault(kind, img[: panel._top_caption].copy())
    assert kinds == [IDLE, COPYING, SELF, IDLE]
    assert panel.captions.caption.text() == "baby is watching you"
    shots = list(captions.values())
    assert all(not np.array_equal(a, b) for i, a in enumerate(shots) for b in shots[i + 1:])


def test_adult_caption_says_watching_and_never_copying():
    panel = NeuralPanel()
    seen = set()
    for s in states("adult", 4.0, lambda t: 1.0 if t >= 0.5 else 0.0):
        panel.render(s)
        seen.add(panel.captions.caption.kind)
    assert seen == {IDLE, SEEING}


def test_held_tongue_out_reads_copies_you_all_along_and_the_adult_holds_still():
    """25 s of tongue out with the real circuit: "copies you" throughout, never "that was me"."""
    panel = NeuralPanel()
    texts = []
    for s in states("infant", 27.0, lambda t: 1.0 if t >= 1.0 else 0.0):
        panel.update(s)
        texts.append((s.t, panel.captions.caption.text(s.mode)))
    held = {text for t, text in texts if t >= 2.5}
    assert held == {"baby copies you: tongue out"}
    adult = NeuralPanel()
    for s in states("adult", 5.0, lambda t: 1.0 if t >= 1.0 else 0.0):
        adult.update(s)
    assert adult.captions.caption.text("adult") == "sees you: tongue out, but holds still"


@pytest.mark.parametrize("channel", ["jaw", "lips"])
def test_lanes_show_the_gesture_being_copied(channel):
    """Mouth opening and lip protrusion move the lanes too, and the caption names them."""
    panel = NeuralPanel()
    quiet = render_all(NeuralPanel(), states("infant", 3.0, lambda t: 0.0, channel=channel))
    img = render_all(panel, states("infant", 3.0, lambda t: 1.0 if t > 1.0 else 0.0,
                                   channel=channel))
    assert panel.channel == channel
    assert panel.captions.caption.channel == channel
    words = {"jaw": "mouth open", "lips": "lips pushed out"}[channel]
    assert words in panel.captions.caption.text()
    motor = [ln.population for ln in LANES].index("motor")
    assert lane_activity(panel, img, motor) < lane_activity(panel, quiet, motor) - 5


def test_story_card_is_drawn_and_points_at_its_lane():
    panel = NeuralPanel((640, 240))
    sts = states("infant", 1.0, lambda t: 0.0)
    plain = render_all(panel, sts)
    for card in CARDS:
        img = panel.render(sts[-1], card, "1/4")
        x0, y0, x1, y1 = panel.card_box(card)
        tx0, ty0, tx1, ty1 = panel.target_box(card)
        assert y1 <= ty0 or y0 >= ty1, card.title  # the card never covers what it points at
        assert np.abs(img[y0:y1, x0:x1].astype(int) - plain[y0:y1, x0:x1]).mean() > 10
        border = img[ty0, tx0 + 40: tx1 - 40].astype(int)
        assert (np.abs(border - panel._card_colour(card)).sum(axis=1) < 60).mean() > 0.5


def test_time_going_backwards_clears_history_and_keeps_drawing():
    panel = NeuralPanel()
    render_all(panel, states("infant", 2.0, lambda t: 1.0))
    fresh = NeuralPanel()
    first_again = states("infant", 0.1, lambda t: 0.0)
    a = render_all(panel, first_again)
    b = render_all(fresh, first_again)
    assert np.array_equal(a, b)


def test_minimal_state_and_unknown_channel_do_not_crash():
    state = NeuralState(t=1.0, channels=("jaw",), rates={}, spikes={}, movement={},
                        attribution="none", inhibition=0.3)
    img = NeuralPanel((640, 360)).render(state)
    assert img.shape == (360, 640, 3)


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError):
        NeuralPanel((100, 50))
    with pytest.raises(ValueError):
        NeuralPanel(history_s=0.0)
