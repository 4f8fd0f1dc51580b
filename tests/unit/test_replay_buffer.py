"""Replay buffer: trimmed by time, bounded in memory, saved through the recorder."""

from __future__ import annotations

import itertools
import tracemalloc
from pathlib import Path

import av
import numpy as np
import pytest
from io_helpers import pattern

from tongue_mirror.io.replay_buffer import ReplayBuffer


def test_keeps_only_the_last_seconds() -> None:
    buf = ReplayBuffer(seconds=2.0, fps=10, size=(64, 48))
    for i in range(100):
        buf.push(pattern(i), i / 10)
    assert len(buf) == 21  # t from 7.9 to 9.9 inclusive
    assert buf.span == pytest.approx(2.0)
    assert buf.snapshot()[0].t == pytest.approx(7.9)


def test_holds_encoded_bytes_not_raw_frames_and_respects_the_cap() -> None:
    rng = np.random.default_rng(1)
    cap = 400_000
    buf = ReplayBuffer(seconds=60.0, fps=30, max_bytes=cap)
    raw = 0
    for i in range(60):
        image = rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)  # noise: JPEG can't shrink it
        raw += image.nbytes
        buf.push(image, i / 30)
        assert buf.nbytes <= cap
    assert 0 < len(buf) < 60  # the byte cap, not the time window, dropped frames
    assert all(isinstance(item.jpeg, bytes) for item in buf.snapshot())
    assert buf.nbytes == sum(len(item.jpeg) for item in buf.snapshot())


def test_default_window_of_camera_like_720p_fits_the_budget() -> None:
    # 2 s of 720p measured, extrapolated to the default 20 s at 30 fps
    from skimage.data import astronaut

    base = np.ascontiguousarray(np.repeat(np.repeat(astronaut()[:, :, ::-1], 2, 0), 2, 1)[:720])
    buf = ReplayBuffer(fps=30)
    for i in range(60):
        buf.push(np.ascontiguousarray(np.roll(base, 4 * i, axis=1)[:, :1280]), i / 30)
    per_frame = buf.nbytes / len(buf)
    assert per_frame * 20 * 30 < 190_000_000
    assert buf.config.max_bytes <= 200_000_000


def test_time_going_back_starts_a_fresh_replay() -> None:
    buf = ReplayBuffer(seconds=5.0, fps=10)
    for i in range(10):
        buf.push(pattern(i), 3.0 + i / 10)
    buf.push(pattern(0), 0.0)
    assert len(buf) == 1


def test_wrong_frames_rejected() -> None:
    buf = ReplayBuffer(seconds=1.0, fps=10)
    buf.push(pattern(0), 0.0)
    with pytest.raises(ValueError, match="64x48"):
        buf.push(pattern(0, (32, 24)), 0.1)
    with pytest.raises(ValueError, match="uint8"):
        buf.push(np.zeros((48, 64, 3), np.float32), 0.2)
    with pytest.raises(ValueError):
        ReplayBuffer(seconds=0, fps=10)


def test_save_round_trip(tmp_path: Path) -> None:
    buf = ReplayBuffer(seconds=1.0, fps=20)
    for i in range(50):
        buf.push(pattern(i), 10.0 + i / 20)
    frames = buf.snapshot()
    assert buf.save(tmp_path / "replay.mp4") == len(frames) == 21
    for i in range(50, 55):  # pushing on does not change a snapshot already taken
        buf.push(pattern(i), 10.0 + i / 20)
    assert len(frames) == 21
    with av.open(str(tmp_path / "replay.mp4")) as container:
        stream = container.streams.video[0]
        decoded = list(container.decode(stream))
        assert stream.codec_context.name == "h264"
    assert len(decoded) == 21
    assert decoded[-1].time == pytest.approx(1.0, abs=1e-3)
    last = decoded[-1].to_ndarray(format="bgr24").astype(int)
    assert np.abs(last - pattern(49)).mean() < 6


def test_save_of_an_empty_buffer_writes_nothing(tmp_path: Path) -> None:
    assert ReplayBuffer(fps=30).save(tmp_path / "none.mp4") == 0
    assert not (tmp_path / "none.mp4").exists()


def test_memory_actually_held_stays_near_the_cap() -> None:
    rng = np.random.default_rng(2)
    images = [rng.integers(0, 256, (240, 320, 3), dtype=np.uint8) for _ in range(4)]
    cap = 1_000_000
    buf = ReplayBuffer(seconds=60.0, fps=30, max_bytes=cap)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(80):  # 80 raw frames would be 18 MB
            buf.push(images[i % 4], i / 30)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert buf.nbytes <= cap
    assert held < cap + 100_000


def test_a_replay_with_missing_frames_is_constant_rate_and_as_long_as_the_capture(
        tmp_path: Path) -> None:
    """Frames the live loop could not buffer (it was busy) hold the previous picture."""
    buf = ReplayBuffer(seconds=5.0, fps=30)
    times = [3.0 + i / 30 for i in range(90) if i % 7 not in (2, 3) and not 40 <= i < 52]
    for i, t in enumerate(times):
        buf.push(pattern(i), t)
    assert buf.save(tmp_path / "gaps.mp4") == 90
    with av.open(str(tmp_path / "gaps.mp4")) as container:
        decoded = list(container.decode(container.streams.video[0]))
    pts = [f.pts for f in decoded]
    assert len({b - a for a, b in itertools.pairwise(pts)}) == 1
    assert decoded[-1].time == pytest.approx(89 / 30, abs=1e-3)
