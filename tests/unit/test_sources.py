"""Video file, image and paced sources: timestamps, counts, looping, rotation, pixel formats."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from io_helpers import pattern, write_vfr_clip

from tongue_mirror.io.camera import CameraSource
from tongue_mirror.io.sources import (
    ImageSource,
    PacedSource,
    SourceInfo,
    VideoFileSource,
    open_source,
)
from tongue_mirror.io.video_file import apply_display_matrix


def test_video_file_counts_and_monotonic_presentation_times(clip: Path) -> None:
    with VideoFileSource(clip) as src:
        info = src.info
        frames = list(src)
    assert info == SourceInfo(kind="video", name=str(clip), width=64, height=48, fps=30.0,
                              frame_count=30, duration=info.duration)
    assert info.duration == pytest.approx(1.0)
    assert len(frames) == 30
    assert [f.index for f in frames] == list(range(30))
    times = np.array([f.t for f in frames])
    assert np.all(np.diff(times) > 0)
    np.testing.assert_allclose(times, np.arange(30) / 30.0, atol=1e-4)
    assert frames[0].image.dtype == np.uint8 and frames[0].image.shape == (48, 64, 3)
    assert src.lost_frames == 0 and src.decode_errors == 0


def test_video_file_keeps_variable_frame_timing(tmp_path: Path) -> None:
    times = [0.0, 0.03, 0.09, 0.10, 0.25, 0.26, 0.40]
    path = write_vfr_clip(tmp_path / "vfr.mp4", times)
    with VideoFileSource(path) as src:
        got = [f.t for f in src]
    np.testing.assert_allclose(got, times, atol=1e-4)


def test_video_file_times_count_from_the_first_frame(tmp_path: Path) -> None:
    """A container that starts at 0.6 s (as cut MPEG-TS and phone clips do) still starts at t 0."""
    path = tmp_path / "late_start.mkv"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("ffv1", rate=Fraction(25))
        stream.width, stream.height, stream.pix_fmt = 32, 16, "yuv444p"
        for i in range(4):
            frame = av.VideoFrame.from_ndarray(pattern(i, (32, 16)), format="bgr24")
            frame.pts = 15 + i
            for packet in stream.encode(frame.reformat(format="yuv444p")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with VideoFileSource(path) as src:
        got = [f.t for f in src]
    np.testing.assert_allclose(got, [0.0, 0.04, 0.08, 0.12], atol=1e-4)


def test_looping_keeps_time_increasing_across_loops(clip: Path) -> None:
    with VideoFileSource(clip, loop=True) as src:
        frames = []
        for frame in src:
            frames.append(frame)
            if len(frames) == 75:
                break
    times = np.array([f.t for f in frames])
    assert np.all(np.diff(times) > 0)
    # the second pass starts one frame period after the first ended
    assert times[30] == pytest.approx(1.0, abs=1e-4)
    assert times[60] == pytest.approx(2.0, abs=1e-4)
    assert [f.index for f in frames] == list(range(75))
    assert src.decoded == 30


def _clip_with_display(path: Path, degrees: int, hflip: bool, image: np.ndarray) -> None:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.height, stream.width = image.shape[:2]
        stream.pix_fmt = "yuv444p"
        stream.options = {"crf": "0"}
        stream.set_display_rotation(degrees, hflip=hflip)
        for i in range(3):
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def _quadrant_image() -> np.ndarray:
    """64×32 with four distinct colour blocks, so any rotation or flip is recognisable."""
    image = np.zeros((32, 64, 3), np.uint8)
    image[:16, :32] = (255, 0, 0)
    image[:16, 32:] = (0, 255, 0)
    image[16:, :32] = (0, 0, 255)
    image[16:, 32:] = (255, 255, 255)
    return image


@pytest.mark.skipif(not hasattr(av.video.stream.VideoStream, "set_display_rotation"),
                    reason="this PyAV cannot write rotation metadata; the matrix test covers it")
@pytest.mark.parametrize("degrees", [0, 90, 180, -90])
@pytest.mark.parametrize("hflip", [False, True])
def test_rotation_metadata_is_honoured(tmp_path: Path, degrees: int, hflip: bool) -> None:
    image = _quadrant_image()
    path = tmp_path / f"rot{degrees}{hflip}.mp4"
    _clip_with_display(path, degrees, hflip, image)
    # PyAV's convention: `degrees` counter-clockwise, then the mirror.
    expected = np.rot90(image, k=(degrees // 90) % 4)
    if hflip:
        expected = expected[:, ::-1]
    with VideoFileSource(path) as src:
        frame = next(iter(src))
        assert src.info.size == (expected.shape[1], expected.shape[0])
    assert frame.image.shape == expected.shape
    assert np.abs(frame.image.astype(int) - expected).max() < 40


def test_display_matrix_function_directly() -> None:
    image = _quadrant_image()
    one = 1 << 16
    # FFmpeg layout: a pure 90° counter-clockwise rotation as written by av_display_rotation_set(90)
    ccw90 = (0, -one, 0, one, 0, 0, 0, 0, 1 << 30)
    np.testing.assert_array_equal(apply_display_matrix(image, ccw90), np.rot90(image, 1))
    vflip = (one, 0, 0, 0, -one, 0, 0, 0, 1 << 30)
    np.testing.assert_array_equal(apply_display_matrix(image, vflip), image[::-1])
    assert apply_display_matrix(image, None) is image


@pytest.mark.parametrize("pix_fmt", ["gray", "yuv444p", "yuv420p10le"])
def test_odd_pixel_formats_become_bgr(tmp_path: Path, pix_fmt: str) -> None:
    path = tmp_path / f"{pix_fmt}.mkv"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("ffv1", rate=Fraction(25))
        stream.width, stream.height, stream.pix_fmt = 32, 16, pix_fmt
        for i in range(5):
            frame = av.VideoFrame.from_ndarray(pattern(i, (32, 16)), format="bgr24")
            frame.pts = i
            for packet in stream.encode(frame.reformat(format=pix_fmt)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with VideoFileSource(path) as src:
        frames = list(src)
    assert len(frames) == 5
    assert all(f.image.shape == (16, 32, 3) and f.image.dtype == np.uint8 for f in frames)
    if pix_fmt == "gray":
        img = frames[0].image.astype(int)
        assert np.abs(img[..., 0] - img[..., 2]).max() <= 1


def test_image_folder_sorted_with_times(tmp_path: Path) -> None:
    for i in (2, 0, 1):
        cv2.imwrite(str(tmp_path / f"img{i}.png"), pattern(i))
    gray = cv2.cvtColor(pattern(3), cv2.COLOR_BGR2GRAY)
    cv2.imwrite(str(tmp_path / "img3.png"), gray)
    (tmp_path / "notes.txt").write_text("not an image")
    with ImageSource(tmp_path, fps=2.0) as src:
        frames = list(src)
        assert src.info.kind == "images" and src.info.frame_count == 4
    assert [f.t for f in frames] == [0.0, 0.5, 1.0, 1.5]
    for i, frame in enumerate(frames[:3]):
        np.testing.assert_array_equal(frame.image, pattern(i))
    assert frames[3].image.shape == (48, 64, 3)


def test_single_image(tmp_path: Path) -> None:
    path = tmp_path / "one.jpg"
    cv2.imwrite(str(path), pattern(0))
    with ImageSource(path) as src:
        frames = list(src)
        assert src.info.kind == "image" and src.info.size == (64, 48)
    assert len(frames) == 1 and frames[0].t == 0.0


class _FakeClock:
    """A clock that only moves when the paced source sleeps or the test says so."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds


def test_paced_source_releases_on_schedule(clip: Path) -> None:
    clock = _FakeClock()
    with PacedSource(VideoFileSource(clip), fps=10, clock=clock, sleep=clock.sleep) as src:
        frames = list(src)
        assert src.info.fps == 10
    assert len(frames) == 30 and src.dropped == 0
    assert [f.t for f in frames] == pytest.approx([i / 10 for i in range(30)])
    assert clock.slept == pytest.approx(2.9)


def test_paced_source_drops_what_a_slow_consumer_missed(clip: Path) -> None:
    clock = _FakeClock()
    src = PacedSource(VideoFileSource(clip), fps=10, clock=clock, sleep=clock.sleep)
    with src:
        released = []
        for frame in src:
            released.append(frame)
            clock.now += 0.25  # the consumer needs 2.5 frame periods per frame
    assert src.dropped > 0
    assert len(released) + src.dropped <= 30
    indices = [f.index for f in released]
    assert all(b - a >= 2 for a, b in itertools.pairwise(indices))
    # the image released in slot k is the inner frame k: content keeps pace with the clock
    for frame in released:
        np.testing.assert_allclose(frame.image[20:, :4].mean(),
                                   40 + (frame.index * 7) % 180, atol=3)


def test_open_source_picks_the_class(tmp_path: Path, clip: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.png"), pattern(0))
    assert isinstance(open_source("0"), CameraSource)
    assert isinstance(open_source(2), CameraSource)
    assert isinstance(open_source(str(tmp_path / "a.png")), ImageSource)
    assert isinstance(open_source(str(tmp_path)), ImageSource)
    src = open_source(str(clip), loop=True)
    assert isinstance(src, VideoFileSource) and src.loop


def test_non_ascii_image_path(tmp_path: Path) -> None:
    folder = tmp_path / "Bilder äöü 写真"
    folder.mkdir()
    cv2.imencode(".png", pattern(1))[1].tofile(str(folder / "ö.png"))
    with open_source(str(folder)) as src:
        frames = list(src)
    assert len(frames) == 1
    np.testing.assert_array_equal(frames[0].image, pattern(1))


def test_paced_info_reports_the_paced_rate(clip: Path) -> None:
    with PacedSource(VideoFileSource(clip), fps=15) as src:
        info = src.info
    assert (info.kind, info.fps, info.frame_count, info.duration) == ("video", 15, 30, 2.0)
