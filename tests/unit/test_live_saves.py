"""Saving a replay or finishing a recording happens on the saver thread, never in the live loop."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from tongue_mirror.app.live import LiveApp, LiveConfig
from tongue_mirror.io.live_feed import LiveFeed, bundled_samples
from tongue_mirror.io.video_file import VideoFileSource
from tongue_mirror.io.window import NullWindow


def _app(tmp_path: Path, feed: LiveFeed) -> LiveApp:
    app = LiveApp(LiveConfig(out_dir=tmp_path), feed, NullWindow())
    for i in range(30):
        app.replay.push(np.full((720, 1280, 3), i, np.uint8), i / 30)
    return app


def test_b_returns_at_once_while_the_save_runs_and_a_third_press_is_told_to_wait(
        tmp_path: Path, monkeypatch) -> None:
    gate = threading.Event()
    with LiveFeed(VideoFileSource(bundled_samples()[0])) as feed:
        app = _app(tmp_path, feed)
        real_save = app.replay.save

        def gated_save(path, frames=None):
            gate.wait(10)
            return real_save(path, frames)

        monkeypatch.setattr(app.replay, "save", gated_save)
        t0 = time.perf_counter()
        app.save_replay()
        app.save_replay()
        took = time.perf_counter() - t0
        assert took < 1.0  # never waited for the gated saves
        assert app.saving == 2
        app.save_replay()
        assert "still saving" in app.message[0]
        gate.set()
        app._replay_worker.close()
        app.wait_for_saves()
    replays = sorted(tmp_path.glob("tongue-mirror-replay-*.mp4"))
    assert len(replays) == 2 and app.saving == 0  # two presses, two files, even in one second


def test_stopping_a_recording_does_not_wait_for_the_file_to_be_finished(tmp_path: Path,
                                                                        monkeypatch) -> None:
    gate = threading.Event()
    with LiveFeed(VideoFileSource(bundled_samples()[0])) as feed:
        app = _app(tmp_path, feed)
        app.start_recording(tmp_path / "r.mp4")
        rec = app.recorder
        assert rec is not None
        rec.write(np.zeros((720, 1280, 3), np.uint8), 0.0)
        real_close = rec.close

        def gated_close():
            gate.wait(10)
            real_close()

        monkeypatch.setattr(rec, "close", gated_close)
        t0 = time.perf_counter()
        app.stop_recording()
        assert time.perf_counter() - t0 < 1.0 and app.recorder is None
        gate.set()
        app._replay_worker.close()
        app.wait_for_saves()
    assert (tmp_path / "r.mp4").is_file()
    assert "saved" in app.message[0]
