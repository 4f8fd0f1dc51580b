"""The skia text renderer: an outline that surrounds its letters (no ghost), boxes, fitting, sizes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tongue_mirror.view.draw import put_text, text_width
from tongue_mirror.view.text import Box, TextLayer, TextRenderer, TextStyle, TypeScale, overlapping

GREY = 128


def outline_margins(img: np.ndarray) -> tuple[int, int, int, int]:
    """How far the dark outline reaches beyond the white fill: (left, right, top, bottom) in px."""
    fill = img.min(axis=2) > 200
    ink = np.abs(img.astype(int) - GREY).sum(axis=2) > 30
    ys, xs = np.nonzero(fill)
    oy, ox = np.nonzero(ink)
    return (int(xs.min() - ox.min()), int(ox.max() - xs.max()),
            int(ys.min() - oy.min()), int(oy.max() - ys.max()))


def is_ghost_free(img: np.ndarray) -> bool:
    """The outline encloses the fill on every side, equally left and right (within a pixel)."""
    left, right, top, bottom = outline_margins(img)
    return min(left, right, top, bottom) >= 1 and abs(left - right) <= 1


def old_cv2_put_text(img, text, org, scale, thickness):
    """What the overlays did before: the outline as a heavier putText (drifts on OpenCV 5)."""
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_DUPLEX, scale, (0, 0, 0), thickness + 2,
                cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_DUPLEX, scale, (255, 255, 255), thickness,
                cv2.LINE_AA)


CASES = [("directory", 0.6, 1), ("infant - inhibition 0.20", 0.9, 2), ("a.png", 1.2, 2),
         ("no face: look at the camera", 0.45, 1)]


@pytest.mark.parametrize(("text", "scale", "thickness"), CASES)
def test_put_text_outline_surrounds_the_letters(text, scale, thickness):
    img = np.full((120, 900, 3), GREY, np.uint8)
    put_text(img, text, (20, 70), scale, (255, 255, 255), thickness)
    assert is_ghost_free(img), outline_margins(img)


def test_the_ghost_check_catches_the_old_cv2_outline():
    caught = 0
    for text, scale, thickness in CASES:
        img = np.full((120, 900, 3), GREY, np.uint8)
        old_cv2_put_text(img, text, (20, 70), scale, thickness)
        caught += not is_ghost_free(img)
    assert caught >= 3  # the old approach fails the very check the renderer passes


@pytest.mark.parametrize("size", [12, 18, 27, 48, 97])
def test_renderer_outline_and_fill_share_one_glyph_box(size):
    renderer = TextRenderer()
    img = np.full((200, 1600, 3), GREY, np.uint8)
    box = renderer.draw(img, "saved last 20 s to out.mp4", TextStyle(size), (10, 10))
    assert is_ghost_free(img)
    ys, xs = np.nonzero(np.abs(img.astype(int) - GREY).sum(axis=2) > 30)
    assert box.x <= xs.min() and xs.max() < box.x + box.w  # the recorded box holds all the ink
    assert box.y <= ys.min() and ys.max() < box.y + box.h


def test_plate_draws_behind_the_text_and_anchor_places_the_box():
    renderer = TextRenderer()
    img = np.full((200, 600, 3), 255, np.uint8)
    style = TextStyle(30, (255, 255, 255), outline=None, plate=(0, 0, 0), plate_alpha=1.0)
    box = renderer.draw(img, "PAUSED", style, (300, 100), "mm")
    assert abs(box.x + box.w / 2 - 300) <= 1 and abs(box.y + box.h / 2 - 100) <= 1
    inner = img[box.y + 2:box.y + box.h - 2, box.x + 4:box.x + box.w - 4]
    assert (inner.max(axis=2) < 20).mean() > 0.5 and (inner.min(axis=2) > 230).any()
    assert img[5, 5].tolist() == [255, 255, 255]


def test_fit_shrinks_then_elides_the_middle_keeping_the_end():
    renderer = TextRenderer()
    style = TextStyle(30)
    long = "saved to /very/long/folder/name/that/goes/on/tongue-mirror-replay-20261129.mp4"
    text, fitted = renderer.fit(long, style, 400)
    assert renderer.measure(text, fitted)[0] <= 400 and fitted.size_px >= 24
    assert text.endswith(".mp4") and "\u2026" in text


def test_text_layer_records_boxes_and_finds_overlaps():
    layer = TextLayer(TextRenderer(), np.zeros((200, 400, 3), np.uint8))
    a = layer.draw("one", TextStyle(20), (10, 10))
    b = layer.draw("two", TextStyle(20), (10, 100))
    assert layer.boxes == [a, b] and not overlapping(layer.boxes)
    layer.draw("three", TextStyle(20), (a.x + 5, a.y + 5))
    assert len(overlapping(layer.boxes)) == 1
    assert Box(0, 0, 10, 10).overlaps(Box(9, 9, 5, 5)) and not Box(0, 0, 10, 10).overlaps(
        Box(10, 0, 5, 5))


def test_type_scale_keeps_audience_text_above_two_and_a_half_percent():
    scale = TypeScale(1080)
    assert scale.small >= 27 and scale.body > scale.small and scale.prompt > scale.body
    assert TypeScale(720).small == 18


def test_text_width_matches_what_put_text_draws():
    img = np.zeros((60, 600, 3), np.uint8)
    box = put_text(img, "hello", (5, 40), 0.8)
    assert box.w == text_width("hello", 0.8)


def test_evening_wrapped_lines_never_elides_a_word_that_fits():
    from tongue_mirror.view.text import TextRenderer, TextStyle

    text = TextRenderer()
    style = TextStyle(119, bold=True)
    width = text.measure("MOUTH OPEN", style)[0] - 20  # the pair does not fit, each word does
    assert text.wrap("MOUTH OPEN", style, width, 2) == ["MOUTH", "OPEN"]
