"""FPS/latency counting, the logs, and the compositor's layout, on values made here."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from tongue_mirror.app.fps_counter import FpsCounter
from tongue_mirror.io.logs import EventLog, FrameLog
from tongue_mirror.values import NO_TONGUE, GestureEvent, TongueState
from tongue_mirror.view.camera_panel import CameraPanel, CameraView
from tongue_mirror.view.compositor import Compositor, Hud, Layout


def test_fps_counter_reports_rate_and_median_latency_over_the_window():
    c = FpsCounter(window_s=1.0)
    for i in range(61):  # 60 intervals of 1/30 s = 2 s
        now = i / 30.0
        c.tick(capture_time=now - (0.050 if i % 2 else 0.030), now=now)
    assert c.fps == pytest.approx(30.0, rel=0.01)
    # The last second holds 16 frames at 30 ms and 15 at 50 ms: the median is 30 ms.
    assert c.latency_ms == pytest.approx(30.0)


def test_fps_counter_without_frames():
    c = FpsCounter()
    assert c.fps == 0.0 and c.latency_ms is None
    with pytest.raises(ValueError):
        FpsCounter(window_s=0)


def test_event_log_writes_one_json_object_per_line(tmp_path):
    path = tmp_path / "sub" / "events.jsonl"
    with EventLog(path) as log:
        log.write([GestureEvent(1.23456, 37, "tongue_out_start")])
        log.write([GestureEvent(2.0, 60, "tongue_out_end", {"duration": 0.77})])
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert lines == [{"t": 1.2346, "frame": 37, "event": "tongue_out_start"},
                     {"t": 2.0, "frame": 60, "event": "tongue_out_end", "duration": 0.77}]


def test_frame_log_fixes_columns_from_first_row(tmp_path):
    path = tmp_path / "frames.csv"
    with FrameLog(path) as log:
        log.write({"frame": 0, "t": 0.0, "face": 1})
        log.write({"frame": 1, "t": 0.033, "face": 0, "extra": 5})
    rows = list(csv.DictReader(path.open()))
    assert [r["frame"] for r in rows] == ["0", "1"] and list(rows[0]) == ["frame", "t", "face"]


def test_unwritable_log_path_is_a_user_error(tmp_path):
    from tongue_mirror.errors import UserError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserError):
        EventLog(blocker / "events.jsonl")


def test_layouts_tile_the_canvas_without_overlap():
    lay = Layout.make("composed", (1280, 720))
    cam, av, neu = lay.camera, lay.avatar, lay.neural
    assert cam[2] + av[2] == 1280 and cam[3] + neu[3] == 720 and av[3] == 720
    only = Layout.make("avatar", (1920, 1080))
    assert only.avatar == (0, 0, 1920, 1080) and only.camera is None
    with pytest.raises(ValueError):
        Layout.make("mosaic")


def test_compositor_places_panels_and_draws_the_recording_dot():
    lay = Layout.make("composed", (1280, 720))
    comp = Compositor(lay)
    x, _y, w, h = lay.avatar
    avatar = np.full((h, w, 3), 200, np.uint8)
    plain = comp.compose(avatar, hud=Hud(show_help=False))
    assert plain.shape == (720, 1280, 3) and plain[h // 2, x + w // 2].tolist() == [200] * 3
    rec = comp.compose(avatar, hud=Hud(recording_s=12.0, show_help=False))
    red = (rec[..., 2] > 200) & (rec[..., 0] < 60) & (rec[..., 1] < 60)
    assert red.sum() > 100 and not ((plain[..., 2] > 200) & (plain[..., 0] < 60)).any()


def test_camera_panel_mirrors_and_fits_the_image():
    img = np.zeros((480, 640, 3), np.uint8)
    img[:, :320] = 255  # left half white
    panel = CameraPanel((640, 480))
    view = CameraView(image=img, face=None, reading=NO_TONGUE, tongue=TongueState(),
                      overlay=False)
    mirrored = panel.render(view)
    assert mirrored[240, 600].tolist() == [255] * 3 and mirrored[240, 40].tolist() == [0] * 3
    straight = panel.render(CameraView(image=img, face=None, reading=NO_TONGUE,
                                       tongue=TongueState(), mirror=False, overlay=False))
    assert straight[240, 40].tolist() == [255] * 3
