"""Where `process` writes when the user names some outputs and not others."""

from __future__ import annotations

from pathlib import Path

import pytest

from tongue_mirror.app.process import ProcessOutputs
from tongue_mirror.errors import UserError


def test_defaults_go_to_the_output_folder_not_beside_the_input(tmp_path):
    clip = tmp_path / "data" / "clip.mp4"
    clip.parent.mkdir()
    clip.write_bytes(b"x")
    results = tmp_path / "results"
    out = ProcessOutputs.derive(clip, None, None, None, no_video=False, out_dir=results)
    assert out.video == results / "clip.mirror.mp4"
    assert out.events == results / "clip.mirror.events.jsonl"
    assert out.frames == results / "clip.mirror.frames.csv"


def test_logs_follow_the_named_video(tmp_path):
    clip = tmp_path / "in" / "clip.mp4"
    clip.parent.mkdir()
    clip.write_bytes(b"x")
    video = tmp_path / "out" / "talk.mp4"
    out = ProcessOutputs.derive(clip, video, None, None, no_video=False)
    assert out.video == video
    assert out.events == tmp_path / "out" / "talk.events.jsonl"
    assert out.frames == tmp_path / "out" / "talk.frames.csv"


def test_named_logs_win_and_no_video_keeps_the_logs_beside_the_named_video(tmp_path):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x")
    out = ProcessOutputs.derive(clip, tmp_path / "v.mp4", Path(tmp_path / "e.jsonl"), None,
                                no_video=True)
    assert out.video is None
    assert out.events == tmp_path / "e.jsonl"
    assert out.frames == tmp_path / "v.frames.csv"


def test_an_output_that_is_the_input_is_refused(tmp_path):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x")
    with pytest.raises(UserError, match="overwrite the input"):
        ProcessOutputs.derive(clip, clip, None, None, no_video=False)


def test_an_image_folder_is_tracked_one_photo_at_a_time(tmp_path, monkeypatch):
    """Unrelated photos: a fresh landmarker per photo (PhotoTracker), as eval's photos get."""
    import cv2
    import numpy as np

    from tongue_mirror.app import process as headless
    from tongue_mirror.app.config import RunConfig
    from tongue_mirror.io.face_tracker import PhotoTracker, tracker_for

    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(2):
        cv2.imwrite(str(folder / f"p{i}.png"), np.full((120, 160, 3), 90 + 40 * i, np.uint8))
    made = []

    def spy(kind, config):
        made.append(tracker_for(kind, config))
        return made[-1]

    monkeypatch.setattr(headless, "tracker_for", spy)
    out = ProcessOutputs(video=None, events=tmp_path / "e.jsonl", frames=tmp_path / "f.csv")
    summary = headless.run_process(folder, out, RunConfig(), show_progress=False)
    assert summary.frames == 2
    assert len(made) == 1 and isinstance(made[0], PhotoTracker)
