"""Summary and table from hand-made run results (no camera, no MediaPipe)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tongue_mirror.core.gesture import TONGUE_OUT_END, TONGUE_OUT_START
from tongue_mirror.evaluation.dataset import ImageItem, Interval, VideoItem
from tongue_mirror.evaluation.report import (
    clips_section,
    format_table,
    image_section,
    negatives_section,
    summarize,
    video_section,
    write_json,
)
from tongue_mirror.evaluation.runner import ImageResult, VideoResult
from tongue_mirror.values import GestureEvent, TongueReading


def image(name, source, out, p, face=True, direction=None, predicted=None, person=""):
    item = ImageItem(Path(name), name, source, out, direction, person=person)
    return ImageResult(item, face, TongueReading(probability=p, direction_label=predicted))


def video(name, source, intervals, is_out, starts, fps=10.0, face=None, person=""):
    n = len(is_out)
    item = VideoItem(Path(name), name, source, tuple(intervals), mixed=bool(intervals),
                     person=person)
    events = []
    for f in starts:
        events.append(GestureEvent(f / fps, f, TONGUE_OUT_START))
    events.append(GestureEvent((n - 1) / fps, n - 1, TONGUE_OUT_END))
    return VideoResult(item, np.arange(n) / fps, np.arange(n), np.asarray(is_out, float),
                       np.asarray(is_out, float), np.asarray(is_out, bool),
                       np.ones(n, bool) if face is None else np.asarray(face, bool),
                       tuple(events), fps)


@pytest.fixture
def results():
    images = [
        image("a.jpg", "A", True, 0.9, direction="left", predicted="left"),
        image("b.jpg", "A", True, 0.3, direction="center", predicted="left"),
        image("c.jpg", "B", False, 0.6),
        image("d.jpg", "B", False, 0.1, face=False),
    ]
    # Labelled out on frames 10..19 (one ambiguous frame 9); the state is out on 11..21.
    is_out = [False] * 11 + [True] * 11 + [False] * 8
    mixed = video("m.mp4", "A", [Interval(0.9, 0.9, 9, 9, False), Interval(1.0, 1.9, 10, 19, True)],
                  is_out, starts=[11])
    negative = video("n.mp4", "B", [], [False] * 600, starts=[100, 300],
                     face=[False] * 600)
    return images, [mixed, negative]


def test_summary_figures_overall_and_per_source(results, tmp_path):
    s = summarize(*results, detector="baseline", dataset="x")
    im = s["images"]
    assert (im["n"], im["tp"], im["fp"], im["tn"], im["fn"]) == (4, 1, 1, 1, 1)
    assert im["precision"] == 0.5 and im["recall"] == 0.5 and im["auc"] == 0.75
    assert im["direction_n"] == 2 and im["direction_accuracy"] == 0.5
    assert im["direction_confusion"]["rows"]["center"] == [0, 1, 0, 0, 0, 0]
    v = s["videos"]
    # frames 10..19 truth, 11..21 state, frame 9 ignored: tp 9, fp 2, fn 1
    assert (v["frame_tp"], v["frame_fp"], v["frame_fn"], v["frames_ambiguous"]) == (9, 2, 1, 1)
    assert (v["events_total"], v["events_hit"], v["false_events"]) == (1, 1, 0)
    # probability = state: 9 of 10 positives score 1, 2 of 19 negatives score 1
    assert v["frame_auc"] == pytest.approx((9 * 17 + 0.5 * (9 * 2 + 1 * 17)) / (10 * 19))
    assert v["onset_latency_ms_median"] == pytest.approx(100.0)
    assert v["onset_latency_frames_median"] == 1.0
    n = s["negatives"]
    assert n["minutes"] == pytest.approx(1.0) and n["false_activations"] == 2
    assert n["per_minute"] == pytest.approx(2.0)
    assert s["no_face"] == ["d.jpg", "n.mp4"]
    assert set(s["per_source"]) == {"A", "B"}
    assert s["per_source"]["B"]["images"]["n"] == 2
    assert s["per_source"]["B"]["videos"]["n"] == 0
    write_json(s, tmp_path / "s.json")
    loaded = json.loads((tmp_path / "s.json").read_text())
    assert loaded["per_source"]["B"]["images"]["recall"] is None  # NaN -> null


def test_table_lists_sections_sources_and_no_face_items(results):
    table = format_table(summarize(*results, detector="baseline", dataset="x"))
    for text in ("IMAGES", "MIXED VIDEOS", "NEGATIVE VIDEOS", "DIRECTION CONFUSION",
                 "NO FACE FOUND: 2", "  d.jpg", "  n.mp4", "  A ", "  B "):
        assert text in table


def test_an_unreadable_clip_is_reported_not_raised(tmp_path):
    from tongue_mirror.core.gesture import GestureConfig
    from tongue_mirror.evaluation.runner import run_video

    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"not a video at all")
    item = VideoItem(bad, "broken.mp4", "x", (), mixed=False)
    result = run_video(item, detector=None, gesture_config=GestureConfig())
    assert result.n_frames == 0 and "not a readable video" in result.error
    summary = summarize([], [result], detector="baseline", dataset="x")
    assert summary["errors"] == [{"path": "broken.mp4", "error": result.error}]
    assert "ERRORS: 1" in format_table(summary)


def test_collar_frame_f1_overall_per_source_and_per_clip(results):
    """Frames 10..19 out (9 ambiguous), state 11..21, 10 fps: the collar is 0.1 s, one frame either
    side of each change (frames 9, 10 and 19, 20), so frame 10 (missed) and 20 (extra) leave."""
    s = summarize(*results, detector="baseline", dataset="x")
    v = s["videos"]
    assert (v["collar_tp"], v["collar_fp"], v["collar_fn"], v["frames_collar"]) == (8, 1, 0, 3)
    assert v["frame_f1_collar"] == pytest.approx(16 / 17)
    assert v["frame_f1"] == pytest.approx(18 / 21)  # strict, as before
    assert s["per_source"]["A"]["videos"]["frame_f1_collar"] == pytest.approx(16 / 17)
    mixed, negative = s["clips"]
    assert mixed["frame_f1_collar"] == pytest.approx(16 / 17)
    assert (mixed["events_hit"], mixed["events_total"]) == (1, 1)
    assert negative["false_activations"] == 2 and negative["per_minute"] == pytest.approx(2.0)
    table = format_table(s)
    assert "F1 col" in table and "0.941" in table


def test_people_weighted_figures_beside_the_pooled_ones():
    """Ann: 6 tongue-outs, all caught, and 4 negatives, one alarm; Bo and Cy: one tongue-out each,
    missed; Di: one negative, no alarm. Pooled recall 6/8; by person (1 + 0 + 0) / 3."""
    images = ([image(f"a{i}.jpg", "S", True, 0.9, person="ann") for i in range(6)]
              + [image(f"n{i}.jpg", "S", False, 0.7 if i == 0 else 0.1, person="ann")
                 for i in range(4)]
              + [image("b.jpg", "S", True, 0.2, person="bo"),
                 image("c.jpg", "T", True, 0.2, person="cy"),
                 image("d.jpg", "T", False, 0.1, person="di")])
    out = [False] * 10 + [True] * 10 + [False] * 10
    clips = [video("m1.mp4", "S", [Interval(1.0, 1.9, 10, 19, True)], out, [10], person="ann"),
             video("m2.mp4", "S", [Interval(1.0, 1.9, 10, 19, True)], [False] * 30, [],
                   person="ann"),
             video("m3.mp4", "T", [Interval(1.0, 1.9, 10, 19, True)], [False, *out[:-1]], [11],
                   person="bo"),  # a frame late: strict F1 0.9, with the collar 1.0
             video("q1.mp4", "S", [], [False] * 600, [5, 50, 500], person="ann"),
             video("q2.mp4", "S", [], [False] * 600, [], person="ann"),
             video("q3.mp4", "T", [], [False] * 300, [5], person="di")]
    s = summarize(images, clips, detector="x", dataset="y")
    im, pe = s["images"], s["images"]["people"]
    assert im["recall"] == pytest.approx(6 / 8) and im["false_alarm_rate"] == pytest.approx(1 / 5)
    assert (pe["n"], pe["positives"], pe["negatives"]) == (4, 3, 2)
    assert pe["recall"] == pytest.approx(1 / 3)
    assert pe["false_alarm_rate"] == pytest.approx((1 / 4 + 0) / 2)
    p_w = (1 / 3) / (1 / 3 + (1 / 8) * 2 / 3)
    assert pe["precision"] == pytest.approx(p_w)
    assert pe["f1"] == pytest.approx(2 * p_w * (1 / 3) / (p_w + 1 / 3))
    lo, hi = pe["f1_ci95"]
    assert lo <= pe["f1"] <= hi
    v = s["videos"]["people"]
    # ann: m1 perfect, m2 never out -> her frames pooled: tp 10, fn 10 -> F1 2/3 (with the
    # collar, frames 10 and 19 of each clip leave: tp 8, fn 8, still 2/3); bo: 0.9, collar 1.0
    assert v["n"] == 2 and v["frame_f1"] == pytest.approx((2 / 3 + 0.9) / 2)
    assert v["frame_f1_collar"] == pytest.approx((2 / 3 + 1.0) / 2)
    assert v["event_recall"] == pytest.approx((1 / 2 + 1) / 2)
    n = s["negatives"]
    # ann: 3 activations in 2 minutes (1.5/min); di: 1 in half a minute (2/min); pooled 4 / 2.5
    assert n["per_minute"] == pytest.approx(4 / 2.5)
    assert n["people"]["per_minute"] == pytest.approx((1.5 + 2.0) / 2)
    table = format_table(s)
    assert "  by person" in table and "    by person" in table  # overall, and source S


def test_persons_can_be_given_beside_the_results():
    """A caller (training's held-out scoring) may say who is who without touching the items."""
    images = [image("a.jpg", "S", True, 0.9), image("b.jpg", "S", True, 0.1)]
    assert image_section(images)["people"]["recall"] == 0.5  # two people
    assert image_section(images, persons=["x", "x"])["people"]["positives"] == 1
    clip = video("q.mp4", "S", [], [False] * 600, [5])
    assert negatives_section([clip, clip], persons=["x", "y"])["people"]["n"] == 2
    assert video_section([], persons=[])["people"]["n"] == 0
    mixed = video("m.mp4", "S", [Interval(1.0, 1.9, 10, 19, True)], [False] * 30, [])
    both = clips_section([mixed, clip, clip], persons=["x", "x", "y"])
    assert both["videos"]["n"] == 1 and both["videos"]["people"]["n"] == 1
    assert both["negatives"]["n"] == 2 and both["negatives"]["people"]["n"] == 2
    with pytest.raises(ValueError):
        image_section(images, persons=["x"])


def test_direction_accuracy_by_person():
    """Ann: three photos, directions all right; Bo: one, wrong. Pooled 3/4, by person 1/2."""
    images = [image(f"a{i}.jpg", "S", True, 0.9, direction="left", predicted="left",
                    person="ann") for i in range(3)]
    images.append(image("b.jpg", "S", True, 0.9, direction="up", predicted="center",
                        person="bo"))
    im = image_section(images)
    assert im["direction_accuracy"] == 0.75
    assert im["people"]["direction_accuracy"] == 0.5 and im["people"]["direction_n"] == 2
