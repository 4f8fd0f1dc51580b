"""Summary and table from hand-made run results (no camera, no MediaPipe)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tongue_mirror.core.gesture import TONGUE_OUT_END, TONGUE_OUT_START
from tongue_mirror.evaluation.dataset import ImageItem, Interval, VideoItem
from tongue_mirror.evaluation.report import format_table, summarize, write_json
from tongue_mirror.evaluation.runner import ImageResult, VideoResult
from tongue_mirror.values import GestureEvent, TongueReading


def image(name, source, out, p, face=True, direction=None, predicted=None):
    item = ImageItem(Path(name), name, source, out, direction)
    return ImageResult(item, face, TongueReading(probability=p, direction_label=predicted))


def video(name, source, intervals, is_out, starts, fps=10.0, face=None):
    n = len(is_out)
    item = VideoItem(Path(name), name, source, tuple(intervals), mixed=bool(intervals))
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
