"""The bundled fallback sample is there, small, and plays as the live demo would play it."""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import numpy as np

from tongue_mirror.assets import asset_path
from tongue_mirror.recorder import VideoRecorder
from tongue_mirror.replay_buffer import ReplayBuffer
from tongue_mirror.sources import PacedSource, VideoFileSource

SAMPLE = "samples/astronaut_zoom.mp4"


def test_bundled_sample_is_a_small_4s_vga_clip() -> None:
    path = asset_path(SAMPLE)
    assert path.stat().st_size < 500 * 1024
    with VideoFileSource(path) as src:
        info = src.info
        frames = list(src)
    assert (info.width, info.height, info.fps, info.frame_count) == (640, 480, 30.0, 120)
    assert len(frames) == 120 and src.lost_frames == 0
    # it zooms: the first and last frames differ a lot
    assert np.abs(frames[0].image.astype(int) - frames[-1].image).mean() > 20


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
            if frame.index == 150:  # past the end of the 120-frame sample: it looped
                break
    assert replay.save(tmp_path / "replay.mp4") == 61
    with av.open(str(tmp_path / "demo.mp4")) as container:
        times = [f.time for f in container.decode(video=0)]
    assert len(times) == 151
    assert all(b > a for a, b in itertools.pairwise(times))
