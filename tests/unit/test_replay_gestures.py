"""tools/replay_gestures.py: held-out readings through the app's tracker and eval's scorer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tool_module import load_tool

FPS = 30.0


@pytest.fixture(scope="module")
def tool():
    return load_tool("replay_gestures")


@pytest.fixture
def readings(tmp_path) -> tuple[Path, Path]:
    """A dataset folder (placeholder clip files: the replay never decodes them) with a labelled
    clip whose tongue is out on frames 10–29, a negative clip with a moderate five-frame blip,
    and the readings a training run would have saved for them."""
    root = tmp_path / "data"
    (root / "videos").mkdir(parents=True)
    (root / "labels").mkdir()
    for name in ("mixed", "neg"):
        (root / "videos" / f"t__{name}.mp4").write_bytes(b"")
    (root / "labels" / "t__mixed.csv").write_text(
        "start_s,end_s,start_frame,end_frame,confidence\n0.3333,0.9667,10,29,sure\n")
    (root / "manifest.csv").write_text(
        "path,kind,label,direction,source_repo,source_path,license,notes,face_found\n"
        "videos/t__mixed.mp4,video,mixed_video,,t,,,,1\n"
        "videos/t__neg.mp4,video,no_tongue,,t,,,,1\n")
    mixed = np.full(60, 0.01)
    mixed[10:30] = 0.97
    neg = np.full(90, 0.01)
    # Log-odds 1.39 each, less the 0.4 the person's baseline raises this face's bar by (its rest
    # reads -4.6, the reference is -5): five frames reach 4, not 6.
    neg[40:45] = 0.8
    arrays: dict[str, np.ndarray] = {"names": np.array(["videos/t__mixed.mp4",
                                                        "videos/t__neg.mp4"])}
    for k, p in enumerate((mixed, neg)):
        n = len(p)
        arrays.update({f"t{k}": np.arange(n) / FPS, f"index{k}": np.arange(n), f"p{k}": p,
                       f"ext{k}": np.zeros(n), f"face{k}": np.ones(n, bool),
                       f"fps{k}": np.array(FPS)})
    path = tmp_path / "readings.npz"
    np.savez(path, **arrays)
    return path, root


def test_replay_scores_the_clips_as_eval_does(tool, readings, capsys):
    path, root = readings
    assert tool.main([str(path), "--data", str(root), "--per-clip"]) == 0
    out = capsys.readouterr().out
    assert "events 1/1" in out and "1 false activations" in out
    # The blip's summed log-odds never reach 6; the tongue's first two frames do.
    assert tool.main([str(path), "--data", str(root), "--set", "min_evidence=6"]) == 0
    out = capsys.readouterr().out
    assert "events 1/1" in out and "0 false activations" in out
    # A bar raised by 2 log-odds puts the blip (1.39) below it.
    assert tool.main([str(path), "--data", str(root), "--shift", "2"]) == 0
    assert "0 false activations" in capsys.readouterr().out


def test_replay_matches_the_frames_it_was_given(tool, readings):
    from tongue_mirror.app.config import RunConfig
    from tongue_mirror.evaluation.dataset import VideoItem, load_dataset

    path, root = readings
    items = {it.name: it for it in load_dataset(root).items if isinstance(it, VideoItem)}
    clips, neg, per = tool.replay(dict(np.load(path)), items, RunConfig().gesture)
    assert clips["events_hit"] == 1 and clips["false_events"] == 0
    assert clips["frame_f1"] > 0.85
    assert neg["false_activations"] == 1
    assert set(per) == {"videos/t__mixed.mp4", "videos/t__neg.mp4"}


@pytest.mark.parametrize("args", [["--set", "min_evidenc=3"], ["--set", "min_evidence=x"],
                                  ["--set", "min_evidence=-1"], ["--set", "confirm_frames"]])
def test_bad_settings_are_one_line_errors(tool, readings, capsys, args):
    path, root = readings
    assert tool.main([str(path), "--data", str(root), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_missing_readings_and_foreign_clips_are_one_line_errors(tool, readings, tmp_path, capsys):
    path, root = readings
    assert tool.main([str(tmp_path / "nope.npz"), "--data", str(root)]) == 2
    assert capsys.readouterr().err.startswith("error: no readings file")
    other = tmp_path / "other.npz"
    np.savez(other, **{**dict(np.load(path)), "names": np.array(["videos/x.mp4",
                                                                 "videos/t__neg.mp4"])})
    assert tool.main([str(other), "--data", str(root)]) == 2
    assert "not in the dataset" in capsys.readouterr().err
