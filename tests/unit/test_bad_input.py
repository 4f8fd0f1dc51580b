"""Bad inputs to the sources: one clear UserError, or a decoded prefix with the loss reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from io_helpers import write_clip

from tongue_mirror.errors import UserError
from tongue_mirror.io.sources import ImageSource, VideoFileSource, open_source


def _one_line(exc: pytest.ExceptionInfo[UserError]) -> str:
    text = str(exc.value)
    assert "\n" not in text and text
    return text


def test_missing_video_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not found") as exc:
        VideoFileSource(tmp_path / "nope.mp4").open()
    _one_line(exc)


def test_text_file_renamed_mp4(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("this is not a video\n" * 50)
    with pytest.raises(UserError, match="not a readable video") as exc:
        VideoFileSource(path).open()
    _one_line(exc)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    with pytest.raises(UserError):
        VideoFileSource(path).open()


def test_folder_given_as_video(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="folder"):
        VideoFileSource(tmp_path).open()


def test_audio_only_file_has_no_video_stream(tmp_path: Path) -> None:
    import av
    import numpy as np

    path = tmp_path / "tone.m4a"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=8000)
        samples = (np.sin(np.arange(8000) / 5) * 0.3).astype(np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate = 8000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with pytest.raises(UserError, match="no video stream"):
        VideoFileSource(path).open()


@pytest.mark.parametrize("keep", [0.35, 0.7])
def test_truncated_mp4_decodes_a_prefix_and_reports_the_loss(tmp_path: Path, keep: float) -> None:
    whole = write_clip(tmp_path / "whole.mp4", n=90, size=(96, 64))
    data = whole.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(len(data) * keep)])
    with VideoFileSource(cut) as src:
        frames = list(src)
        assert src.info.frame_count == 90  # the index (written first) still announces all
    assert 0 < len(frames) < 90
    assert src.lost_frames == 90 - len(frames)
    assert src.damage_report() == f"cut.mp4: {90 - len(frames)} of 90 frames could not be " \
        "decoded (file truncated or damaged)"
    times = [f.t for f in frames]
    assert times == sorted(times)


def test_corrupted_middle_keeps_decoding(tmp_path: Path) -> None:
    whole = write_clip(tmp_path / "whole.mp4", n=90, size=(96, 64))
    data = bytearray(whole.read_bytes())
    start = len(data) // 2
    data[start:start + 400] = bytes(400)  # zeroed bytes in the middle of the media data
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(bytes(data))
    with VideoFileSource(bad) as src:
        frames = list(src)
    assert len(frames) >= 45  # decoding went on past the damage or at least up to it
    assert src.lost_frames == 90 - len(frames)
    assert src.decode_errors > 0 and "damaged packets skipped" in (src.damage_report() or "")


def test_image_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not found"):
        ImageSource(tmp_path / "none.png").open()
    bad = tmp_path / "bad.png"
    bad.write_text("not a png")
    with pytest.raises(UserError, match="not a readable image"):
        ImageSource(bad).open()
    with pytest.raises(UserError, match="no images"):
        ImageSource(_empty_folder(tmp_path)).open()


def _empty_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "readme.txt").write_text("no images here")
    return folder


def test_open_source_missing_path(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        open_source(str(tmp_path / "missing.mov"))
