"""The audience/operator split, where text may go, the camera's fill, and steady stage prompts."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from types import SimpleNamespace

import numpy as np
import pytest

from tongue_mirror.values import NO_TONGUE, FaceObservation, TongueState
from tongue_mirror.view.camera_panel import CameraPanel, CameraView
from tongue_mirror.view.compositor import Compositor, Hud, Layout
from tongue_mirror.view.prompts import StagePrompter
from tongue_mirror.view.text import overlapping

AUDIENCE = Hud(prompt="stick your tongue out at the baby!", status="infant \u00b7 inhibition 0.20",
               banner="adult mode: mirror neurons fire, the body stays still",
               title="Meltzoff & Moore 1977", show_help=False,
               note="no camera found: playing a synthetic sample clip")
OPERATOR = replace(AUDIENCE, fps=29.7, latency_ms=41.0, recording_s=75.0, show_help=True,
                   message="saved last 20 s to /a/rather/long/folder/name/for/the/"
                           "tongue-mirror-replay-20261129-041500.mp4 (600 frames)")
SIZES = [(1280, 720), (1920, 1080), (640, 480), (2560, 1080)]


def panels(layout: Layout):
    """Mid-grey panels of the layout's sizes."""
    def grey(rect):
        return None if rect is None else np.full((rect[3], rect[2], 3), 90, np.uint8)
    return grey(layout.avatar), grey(layout.camera), grey(layout.neural)


@pytest.mark.parametrize("size", SIZES)
def test_audience_picture_carries_no_operator_overlay(size):
    layout = Layout.make("composed", size)
    comp = Compositor(layout)
    plain = comp.compose_layers(*panels(layout), AUDIENCE)
    for hud in (OPERATOR, replace(OPERATOR, paused=True), replace(OPERATOR, help_open=True)):
        busy = comp.compose_layers(*panels(layout), hud)
        assert np.array_equal(busy.audience, plain.audience)  # recordings: no REC, keys, paths
        assert not np.array_equal(busy.screen, busy.audience)  # the operator still sees them


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["composed", "avatar"])
def test_text_stays_in_the_babys_panel_without_overlaps(size, name):
    layout = Layout.make(name, size)
    comp = Compositor(layout)
    for hud in (OPERATOR, replace(OPERATOR, paused=True), replace(OPERATOR, help_open=True)):
        boxes = comp.compose_layers(*panels(layout), hud).boxes
        assert len(boxes) >= 5
        assert overlapping(list(boxes)) == []
        # Never across the camera/baby seam, never over the neural traces.
        assert all(b.inside(layout.avatar) for b in boxes), [b for b in boxes
                                                            if not b.inside(layout.avatar)]


def test_audience_text_is_at_least_two_and_a_half_percent_of_the_screen_at_1080p():
    layout = Layout.make("composed", (1920, 1080))
    boxes = Compositor(layout).compose_layers(*panels(layout), OPERATOR).boxes
    assert min(b.h for b in boxes) >= 0.025 * 1080


def test_paused_is_big_and_centred_on_the_baby():
    layout = Layout.make("composed", (1280, 720))
    boxes = Compositor(layout).compose_layers(*panels(layout), Hud(paused=True)).boxes
    (paused,) = [b for b in boxes if b.text == "PAUSED"]
    ax, ay, aw, ah = layout.avatar
    assert abs(paused.x + paused.w / 2 - (ax + aw / 2)) <= 2
    assert abs(paused.y + paused.h / 2 - (ay + ah / 2)) <= 2 and paused.h >= 0.08 * 720


def test_help_replaces_the_key_bar_with_the_key_list():
    layout = Layout.make("composed", (1280, 720))
    comp = Compositor(layout)
    bar = {b.text for b in comp.compose_layers(*panels(layout), Hud()).boxes}
    helped = {b.text for b in comp.compose_layers(*panels(layout), Hud(help_open=True)).boxes}
    assert any("h help" in t for t in bar)
    assert {"quit", "pause", "fullscreen", "snapshot", "next person"} <= helped


def test_overlay_off_layout_gives_the_camera_the_whole_column():
    layout = Layout.make("composed", (1280, 720))
    off = layout.without_neural()
    assert off.neural is None and off.camera == (0, 0, 640, 720) and off.avatar == layout.avatar
    comp = Compositor(layout)
    camera = np.full((720, 640, 3), 120, np.uint8)
    shown = comp.compose(panels(off)[0], camera, None, Hud(), off)
    assert (shown[:, :640] == 120).mean() > 0.99  # no black hole where the traces were


def face_at(cx: float, cy: float, w: float, size=(1280, 720)) -> FaceObservation:
    pts = np.zeros((478, 3), np.float32)
    pts[:, 0], pts[:, 1] = cx, cy
    return FaceObservation(landmarks=pts, blendshapes={}, yaw=0.0,
                           pitch=0.0, roll=0.0, bbox=(cx - w / 2, cy - w / 2, cx + w / 2, cy + w / 2),
                           image_size=size)


def test_wide_source_fills_the_camera_panel_cropped_around_the_face():
    img = np.full((720, 1280, 3), 200, np.uint8)
    img[:, 760:840] = (0, 0, 255)  # a red stripe where the face is, right of the middle
    panel = CameraPanel((640, 480), 720)
    view = CameraView(image=img, face=face_at(800, 360, 200), reading=NO_TONGUE,
                      tongue=TongueState(), mirror=False, overlay=False)
    out = panel.render(view)
    assert out.shape == (480, 640, 3) and not (out.max(axis=2) == 0).all(axis=1).any()
    red = np.nonzero((out[240, :, 2] > 200) & (out[240, :, 0] < 60))[0]
    assert red.size and abs(red.mean() - 320) < 10  # the face is centred, not the image
    boxed = CameraPanel((640, 480), 720, fit="letterbox").render(view)
    assert (boxed[:40].max(axis=2) == 0).all()  # letterbox by choice: bars above and below


def test_no_face_message_does_not_cover_the_tongue_meter_label():
    panel = CameraPanel((640, 480), 720)
    img = np.full((480, 640, 3), 128, np.uint8)
    panel.render(CameraView(image=img, face=None, reading=NO_TONGUE, tongue=TongueState(),
                            mouth_patch=np.zeros((40, 80, 3), np.uint8), note="no camera: sample"))
    texts = [b.text for b in panel.boxes]
    assert "no face: look at the camera" in texts and "tongue" in texts
    assert overlapping(panel.boxes) == []


def dim_frame(t: float, luma: int):
    image = np.full((480, 640, 3), luma, np.uint8)
    face = face_at(320, 240, 200, (640, 480))
    return SimpleNamespace(frame=SimpleNamespace(t=t, image=image), face=face)


def test_light_prompt_does_not_flicker_on_a_clip_hovering_at_the_threshold():
    prompter = StagePrompter()
    rng = np.random.default_rng(0)
    shown = [prompter.update(dim_frame(i / 30, int(47 + rng.integers(-6, 7))))
             for i in range(300)]
    changes = sum(a != b for a, b in pairwise(shown))
    assert shown[-1] == "more light on your face, please" and changes <= 1


def test_prompt_appears_after_settling_and_holds_its_minimum_time():
    prompter = StagePrompter(settle_s=0.5, hold_s=2.0)
    seq = [prompter.update(dim_frame(i / 30, 30 if i < 40 else 150)) for i in range(150)]
    first = seq.index("more light on your face, please")
    assert 14 <= first <= 16  # 0.5 s after the light dropped
    last = max(i for i, p in enumerate(seq) if p is not None)
    assert (last + 1 - first) / 30 >= 2.0 - 1e-9  # held though the light came back at once
    assert seq[-1] is None


def test_avatar_layout_still_says_the_clip_is_synthetic():
    from tongue_mirror.view.presenter import Presenter, ViewOptions

    presenter = Presenter(Layout.make("avatar", (1280, 720)))
    picture = presenter.recompose_layers(Hud(), ViewOptions(note="no camera: a synthetic clip"))
    assert "no camera: a synthetic clip" in [b.text for b in picture.boxes]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["composed", "avatar"])
def test_the_audience_picture_alone_is_the_audience_layer(size, name):
    layout = Layout.make(name, size)
    comp = Compositor(layout)
    rng = np.random.default_rng(0)
    avatar, camera, neural = (None if p is None else rng.integers(0, 256, p.shape, np.uint8)
                              for p in panels(layout))
    for hud in (AUDIENCE, OPERATOR, Hud()):
        for lay, cam, neu in ((layout, camera, neural), (layout.without_neural(), camera, None),
                              (layout, None, neural)):  # the last leaves a black hole
            picture = comp.compose_layers(avatar, cam, neu, hud, lay)
            alone = comp.compose_audience(avatar, cam, neu, hud, lay)
            assert np.array_equal(alone, picture.audience)


def test_panels_tile_the_canvas_only_when_they_cover_it_once():
    from tongue_mirror.view.compositor import tiles

    layout = Layout.make("composed", (1280, 720))
    rects = [layout.camera, layout.avatar, layout.neural]
    assert tiles(rects, layout.size)
    assert not tiles(rects[:2], layout.size)  # a hole
    # The right area, but the camera overlaps the neural panel by the row the avatar leaves out.
    assert not tiles([(0, 0, 640, 481), (0, 480, 640, 240), (640, 0, 640, 719)], layout.size)
    assert not tiles([(0, 0, 1280, 360), (0, 360, 1280, 361)], layout.size)  # past the edge
    assert tiles([(0, 0, 1280, 720)], layout.size)


def test_the_presenters_audience_picture_alone_matches_its_layers():
    from tongue_mirror.values import AvatarPose, FaceObservation, Frame, FrameResult, NeuralState
    from tongue_mirror.view.presenter import Presenter, ViewOptions

    def result(i: int) -> FrameResult:
        image = np.random.default_rng(i).integers(0, 256, (480, 640, 3), np.uint8)
        face = None if i % 3 == 2 else FaceObservation(
            landmarks=np.full((478, 3), 200.0 + i, np.float32), blendshapes={},
            yaw=0.0, pitch=0.0, roll=0.0,
            bbox=(180.0 + i, 150.0, 420.0 + i, 400.0), image_size=(640, 480))
        neural = NeuralState(t=i / 30, channels=("tongue",), rates={}, spikes={}, movement={},
                             attribution="none", inhibition=0.2)
        return FrameResult(frame=Frame(image, i / 30, i), face=face, reading=NO_TONGUE,
                           tongue=TongueState(), neural=neural,
                           pose=AvatarPose(tongue_extension=i / 10), attract=face is None, events=())

    layout = Layout.make("composed", (1280, 720))
    both, alone = Presenter(layout), Presenter(layout)
    for i, options in enumerate([ViewOptions(), ViewOptions(mirror=False, puppet=True),
                                 ViewOptions(overlay=False, note="a synthetic clip"),
                                 ViewOptions(), ViewOptions()]):
        expected = both.render_layers(result(i), OPERATOR, options).audience
        assert np.array_equal(alone.render_audience(result(i), OPERATOR, options), expected)
