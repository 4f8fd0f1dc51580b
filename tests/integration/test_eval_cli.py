"""`tongue-mirror eval` end to end on a tiny dataset made from public-domain images."""

from __future__ import annotations

import csv
import json
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest

from tongue_mirror.app.cli import main

LABELS_HEADER = "start_s,end_s,start_frame,end_frame,confidence\n"
FPS = 15


def astronaut() -> np.ndarray:
    from skimage import data

    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


def with_tongue(image: np.ndarray) -> np.ndarray:
    """An open mouth with a pink tongue past the lower lip, drawn at the astronaut's mouth."""
    out = image.copy()
    cv2.ellipse(out, (223, 146), (17, 8), 0, 0, 360, (40, 30, 60), -1)
    cv2.ellipse(out, (223, 156), (11, 13), 0, 0, 360, (140, 120, 235), -1)
    return out


def write_clip(path: Path, frames: list[np.ndarray]) -> None:
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(FPS))
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        for image in frames:
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory) -> Path:
    from matplotlib import cbook

    root = tmp_path_factory.mktemp("tiny")
    (root / "images" / "tongue_out").mkdir(parents=True)
    (root / "images" / "no_tongue").mkdir(parents=True)
    (root / "videos").mkdir()
    (root / "labels").mkdir()
    face = astronaut()
    cv2.imwrite(str(root / "images/no_tongue/pd__astronaut.png"), face)
    cv2.imwrite(str(root / "images/tongue_out/pd__astronaut_tongue.png"), with_tongue(face))
    with cbook.get_sample_data("grace_hopper.jpg") as fh:
        hopper = cv2.imdecode(np.frombuffer(fh.read(), np.uint8), cv2.IMREAD_COLOR)
    cv2.imwrite(str(root / "images/no_tongue/pd__hopper.jpg"), hopper)
    small = face[:256, 96:352]  # the head, cropped small to keep encoding and tracking quick
    mouth = with_tongue(face)[:256, 96:352]
    write_clip(root / "videos/synth__mixed.mp4", [small] * 8 + [mouth] * 10 + [small] * 8)
    (root / "labels/synth__mixed.csv").write_text(
        LABELS_HEADER + "0.4667,0.4667,7,7,ambiguous\n0.5333,1.1333,8,17,sure\n")
    write_clip(root / "videos/synth__still.mp4", [small] * 10)
    (root / "manifest.csv").write_text(
        "path,kind,label,direction,source_repo,source_path,license,notes,face_found\n"
        "images/tongue_out/pd__astronaut_tongue.png,image,tongue_out,center,skimage,,PD,,1\n"
        "images/no_tongue/pd__astronaut.png,image,no_tongue,,skimage,,PD,,1\n"
        "images/no_tongue/pd__hopper.jpg,image,no_tongue,,matplotlib,,PD,,1\n"
        "videos/synth__mixed.mp4,video,mixed_video,,,,,,1\n"
        "videos/synth__still.mp4,video,no_tongue,,,,,,1\n")
    return root


@pytest.mark.slow
def test_eval_baseline_writes_the_promised_json_and_plots(tiny_dataset, tmp_path, capsys):
    out = tmp_path / "out.json"
    plots = tmp_path / "plots"
    code = main(["eval", str(tiny_dataset), "--detector", "baseline", "--json", str(out),
                 "--plots", str(plots), "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "IMAGES" in printed and "MIXED VIDEOS" in printed and "NEGATIVE VIDEOS" in printed
    summary = json.loads(out.read_text())
    keys = {
        "images": {"n", "precision", "recall", "f1", "auc", "direction_accuracy",
                   "false_alarm_rate", "people"},
        "videos": {"frame_precision", "frame_recall", "frame_f1", "frame_f1_collar",
                   "events_total", "events_hit", "false_events", "onset_latency_ms_median",
                   "onset_latency_ms_p90", "people"},
        "negatives": {"minutes", "false_activations", "per_minute", "people"},
    }
    by_person = {"images": {"recall", "false_alarm_rate", "precision", "f1", "f1_ci95",
                            "direction_accuracy"},
                 "videos": {"frame_f1", "frame_f1_collar", "event_recall"},
                 "negatives": {"per_minute"}}
    for section in (summary, *summary["per_source"].values()):
        for name, wanted in keys.items():
            assert wanted <= set(section[name]), name
            assert by_person[name] <= set(section[name]["people"]), name
        assert isinstance(section["no_face"], list)
    assert set(summary["per_source"]) == {"skimage", "matplotlib", "synth"}
    assert summary["images"]["n"] == 3
    assert summary["videos"]["events_total"] == 1
    assert summary["videos"]["frames"] == 25  # 26 frames, one ambiguous
    assert summary["negatives"]["minutes"] == pytest.approx(10 / FPS / 60)
    names = sorted(p.name for p in plots.iterdir())
    assert names[:2] == ["roc_images.png", "timeline_synth__mixed.png"]
    if summary["negatives"]["false_activations"]:
        assert names[2:] == ["timeline_synth__still.png"]


def test_eval_on_a_missing_dataset_is_a_one_line_error(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "nothing"), "--detector", "baseline"]) == 2
    assert "dataset not found" in capsys.readouterr().err


@pytest.mark.slow
def test_eval_with_the_learned_detector_scores_every_photo_and_frame(tiny_dataset, tmp_path,
                                                                     capsys):
    out = tmp_path / "pred.csv"
    assert main(["eval", str(tiny_dataset), "--detector", "ours", "--predictions", str(out),
                 "--quiet"]) == 0
    assert "detector=ours" in capsys.readouterr().out
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    paths = [r["path"] for r in rows]
    assert paths[:3] == ["images/tongue_out/pd__astronaut_tongue.png",
                         "images/no_tongue/pd__astronaut.png", "images/no_tongue/pd__hopper.jpg"]
    assert paths[3:] == ["videos/synth__mixed.mp4"] * 26 + ["videos/synth__still.mp4"] * 10
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)
    clip = [r for r in rows if r["path"] == "videos/synth__mixed.mp4"]
    assert [float(r["t_s"]) for r in clip] == pytest.approx([i / FPS for i in range(26)], abs=1e-3)


@pytest.mark.slow
def test_eval_weights_scores_with_the_given_model_file(tiny_dataset, tmp_path, capsys):
    from tongue_mirror.io.assets import asset_path

    data = json.loads(asset_path("detector/model.json").read_text())
    data["offset"] = 1e6  # every logit far below the operating point: every score 0
    weights = tmp_path / "silent.json"
    weights.write_text(json.dumps(data))
    scores = {}
    for name, extra in (("shipped", []), ("silent", ["--weights", str(weights)])):
        out = tmp_path / f"{name}.csv"
        assert main(["eval", str(tiny_dataset), "--predictions", str(out), "--limit", "1",
                     "--quiet", *extra]) == 0
        with out.open(newline="") as fh:
            scores[name] = [float(r["score"]) for r in csv.DictReader(fh)]
    assert f"ours ({weights})" in capsys.readouterr().out
    assert len(scores["silent"]) == len(scores["shipped"])
    assert max(scores["silent"]) < 1e-9 < min(scores["shipped"])


def test_eval_weights_that_are_missing_or_for_the_baseline_are_one_line_errors(tmp_path, capsys):
    missing = tmp_path / "none.json"
    assert main(["eval", str(tmp_path), "--weights", str(missing)]) == 2
    assert "no such file" in capsys.readouterr().err
    missing.write_text("{}")
    assert main(["eval", str(tmp_path), "--detector", "baseline", "--weights", str(missing)]) == 2
    assert "not the baseline" in capsys.readouterr().err
