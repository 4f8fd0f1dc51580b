"""`eval --predictions`: one row per scored photo or clip frame, from which the figures recompute."""

from __future__ import annotations

import csv
import itertools
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tongue_mirror.app.cli import main
from tongue_mirror.core.gesture import TONGUE_OUT_START
from tongue_mirror.errors import UserError
from tongue_mirror.evaluation.dataset import ImageItem, Interval, VideoItem, load_dataset
from tongue_mirror.evaluation.metrics import binary_counts
from tongue_mirror.evaluation.predictions import COLUMNS, open_predictions, write_predictions
from tongue_mirror.evaluation.report import summarize
from tongue_mirror.evaluation.runner import ImageResult, VideoResult
from tongue_mirror.values import GestureEvent, TongueReading

SAMPLES = Path(__file__).resolve().parents[2] / "assets" / "samples"


def read_rows(path: Path) -> list[dict]:
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == COLUMNS
        return list(reader)


def made_up_results():
    photos = [
        ImageResult(ImageItem(Path("p/a.jpg"), "images/a.jpg", "S", True), True,
                    TongueReading(probability=0.75)),
        ImageResult(ImageItem(Path("p/b.jpg"), "images/b.jpg", "S", False), True,
                    TongueReading(probability=0.5)),  # at the threshold: out
        ImageResult(ImageItem(Path("p/c.jpg"), "images/c.jpg", "S", False), False, None,
                    "unreadable image"),
    ]
    # The detector is sure on frames 2..5, but the tracker's state (is_out) lags one frame.
    prob = np.array([0.0, 0.1, 0.9, 0.95, 0.9, 0.9, 0.2, 0.0])
    state = np.array([0, 0, 0, 1, 1, 1, 1, 0], bool)
    fps = 10.0
    clip = VideoResult(VideoItem(Path("v/m.mp4"), "videos/m.mp4", "S",
                                 (Interval(0.2, 0.5, 2, 5, True),), mixed=True),
                       np.arange(8) / fps, np.arange(8), prob, prob, state, np.ones(8, bool),
                       (GestureEvent(0.3, 3, TONGUE_OUT_START),), fps)
    return photos, [clip]


def test_rows_say_what_was_scored(tmp_path):
    photos, clips = made_up_results()
    out = tmp_path / "pred.csv"
    with open_predictions(out) as fh:
        assert write_predictions(fh, photos, clips) == 2 + 8
    rows = read_rows(out)
    assert [r["path"] for r in rows] == ["images/a.jpg", "images/b.jpg"] + ["videos/m.mp4"] * 8
    assert [(r["frame_idx"], r["t_s"], r["is_out"]) for r in rows[:2]] == [
        ("0", "0.000000", "1"), ("0", "0.000000", "1")]
    clip = rows[2:]
    assert [int(r["frame_idx"]) for r in clip] == list(range(8))
    assert [float(r["t_s"]) for r in clip] == pytest.approx(np.arange(8) / 10.0)
    # is_out is the gesture tracker's state, not the thresholded score
    assert [int(r["is_out"]) for r in clip] == [0, 0, 0, 1, 1, 1, 1, 0]
    assert [float(r["score"]) for r in clip] == clips[0].probability.tolist()  # exact round trip


def test_the_report_figures_recompute_from_the_rows(tmp_path):
    photos, clips = made_up_results()
    out = tmp_path / "pred.csv"
    with open_predictions(out) as fh:
        write_predictions(fh, photos, clips)
    rows = read_rows(out)
    s = summarize(photos, clips, detector="x", dataset="x")
    truth = {"images/a.jpg": True, "images/b.jpg": False}
    photo_rows = [r for r in rows if r["path"] in truth]
    c = binary_counts([truth[r["path"]] for r in photo_rows],
                      [r["is_out"] == "1" for r in photo_rows])
    assert (c.tp, c.fp, c.tn, c.fn) == tuple(s["images"][k] for k in ("tp", "fp", "tn", "fn"))
    frames = [r for r in rows if r["path"] == "videos/m.mp4"]
    labels = clips[0].item.frame_truth(len(frames))
    c = binary_counts([bool(v) for v in labels], [r["is_out"] == "1" for r in frames])
    v = s["videos"]
    assert (c.tp, c.fp, c.tn, c.fn) == (v["frame_tp"], v["frame_fp"], v["frame_tn"], v["frame_fn"])


@pytest.mark.parametrize("make_bad", [
    lambda tmp: tmp,  # a folder
    lambda tmp: tmp / "no" / "such" / "dir" / "p.csv",  # a folder that does not exist
])
def test_a_bad_output_path_is_one_line_before_any_work(tmp_path, monkeypatch, capsys, make_bad):
    import tongue_mirror.evaluation.runner as runner

    def must_not_run(*args, **kwargs):
        raise AssertionError("scoring started before the output was checked")

    monkeypatch.setattr(runner, "run_dataset", must_not_run)
    code = main(["eval", str(SAMPLES / "hopper_tongue.mp4"), "--detector", "baseline",
                 "--predictions", str(make_bad(tmp_path))])
    err = capsys.readouterr().err
    assert code == 2 and "--predictions" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(UserError):
        open_predictions(tmp_path)


@pytest.mark.slow
def test_eval_writes_a_row_per_frame_of_a_sample_clip(tmp_path, capsys):
    clip = tmp_path / "hopper_tongue.mp4"  # copied, so no output lands in assets/
    shutil.copy(SAMPLES / "hopper_tongue.mp4", clip)
    shutil.copy(SAMPLES / "hopper_tongue.labels.csv", tmp_path / "hopper_tongue.labels.csv")
    out, js = tmp_path / "pred.csv", tmp_path / "s.json"
    assert main(["eval", str(clip), "--detector", "baseline", "--predictions", str(out),
                 "--json", str(js), "--quiet"]) == 0
    summary = json.loads(js.read_text())
    rows = read_rows(out)
    assert len(rows) == summary["clips"][0]["frames"] and {r["path"] for r in rows} == {clip.name}
    item = load_dataset(clip).videos[0]
    truth = item.frame_truth(len(rows))
    kept = [(bool(t), r["is_out"] == "1") for t, r in zip(truth, rows, strict=True)
            if t is not None]
    c = binary_counts(*zip(*kept, strict=True))
    v = summary["videos"]
    assert (c.tp, c.fp, c.tn, c.fn) == (v["frame_tp"], v["frame_fp"], v["frame_tn"], v["frame_fn"])
    starts = [int(r["frame_idx"]) for prev, r in itertools.pairwise(rows)
              if prev["is_out"] == "0" and r["is_out"] == "1"]
    assert starts == [s["frame"] for s in summary["clips"][0]["starts"]]
