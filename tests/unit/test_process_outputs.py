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
