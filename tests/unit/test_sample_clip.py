"""The bundled fallback sample is there, small, and plays as the live demo would play it."""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import numpy as np

from tongue_mirror.io.assets import asset_path
from tongue_mirror.io.recorder import VideoRecorder
from tongue_mirror.io.replay_buffer import ReplayBuffer
from tongue_mirror.io.sources import PacedSource, VideoFileSource

SAMPLE = "samples/astronaut_tongue.mp4"


def test_bundled_samples_are_small_labelled_vga_clips() -> None:
    clips = sorted(asset_path("samples").glob("*.mp4"))
    assert len(clips) >= 2
    for path in clips:
        assert path.stat().st_size < 500 * 1024
        assert path.with_suffix(".labels.csv").is_file()
        with VideoFileSource(path) as src:
            info = src.info
            frames = list(src)
        assert (info.width, info.height, info.fps) == (640, 480, 30.0)
        assert len(frames) == info.frame_count and src.lost_frames == 0
        # the performer moves: first and last frames differ
        assert np.abs(frames[0].image.astype(int) - frames[-1].image).mean() > 1


def test_demo_loop_sample_to_recorder_and_replay(tmp_path: Path) -> None:
    """The no-camera demo path: looping sample, paced, recorded, and kept for a replay."""
    clock = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    src = PacedSource(VideoFileSource(asset_path(SAMPLE), loop=True), fps=30,
                      clock=lambda: clock[0], sleep=sleep)
    replay = ReplayBuffer(seconds=2.0, fps=30)
    with src, VideoRecorder(tmp_path / "demo.mp4", fps=30, size=(640, 480),
                            threaded=True) as rec:
        for frame in src:
            rec.write(frame.image, frame.t)
            replay.push(frame.image, frame.t)
            if frame.index == 240:  # past the end of the 180-frame sample: it looped
                break
    assert replay.save(tmp_path / "replay.mp4") == 61
    with av.open(str(tmp_path / "demo.mp4")) as container:
        times = [f.time for f in container.decode(video=0)]
    assert len(times) == 241
    assert all(b > a for a, b in itertools.pairwise(times))
