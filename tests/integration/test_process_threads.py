"""`process`'s threads change nothing: the frames and logs one thread makes doing each step in turn."""

from __future__ import annotations

import sys

import av
import cv2
import numpy as np

from tongue_mirror.app.build import build_pipeline
from tongue_mirror.app.config import RunConfig
from tongue_mirror.app.process import ProcessOutputs, run_process
from tongue_mirror.io.face_tracker import FaceTracker
from tongue_mirror.io.frame_row import frame_row
from tongue_mirror.io.live_feed import bundled_samples
from tongue_mirror.io.logs import EventLog, FrameLog
from tongue_mirror.io.recorder import VideoRecorder
from tongue_mirror.io.video_file import VideoFileSource
from tongue_mirror.view.compositor import Hud, Layout
from tongue_mirror.view.presenter import Presenter, ViewOptions


def one_step_at_a_time(clip, out, config: RunConfig) -> None:
    """The reference: decode, track, analyse, log, draw both layers, encode, frame by frame."""
    with VideoFileSource(clip) as source, FaceTracker(config.tracker) as tracker, \
            VideoRecorder(out.video, source.info.fps or 30.0, config.canvas_size) as recorder, \
            EventLog(out.events) as events, FrameLog(out.frames) as rows:
        pipeline = build_pipeline(config, tracker)
        presenter = Presenter(Layout.make(config.layout, config.canvas_size), config.gesture,
                              camera_fit=config.camera_fit)
        options = ViewOptions(mirror=config.mirror, puppet=config.avatar == "puppet")
        for frame in source:
            result = pipeline.step(frame)
            events.write(result.events)
            rows.write(frame_row(result))
            picture = presenter.render_layers(result, Hud(show_help=False), options)
            recorder.write(picture.audience, frame.t)


def frames_of(path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="yuv420p") for f in container.decode(video=0)]


def test_process_writes_what_one_thread_doing_each_step_in_turn_writes(tmp_path):
    clip = bundled_samples()[0]
    config = RunConfig()
    threaded = ProcessOutputs(tmp_path / "p.mp4", tmp_path / "p.jsonl", tmp_path / "p.csv")
    reference = ProcessOutputs(tmp_path / "r.mp4", tmp_path / "r.jsonl", tmp_path / "r.csv")
    interval, cv_threads = sys.getswitchinterval(), cv2.getNumThreads()
    summary = run_process(clip, threaded, config, show_progress=False)
    assert sys.getswitchinterval() == interval  # process's own settings end with it
    assert cv2.getNumThreads() == cv_threads
    one_step_at_a_time(clip, reference, config)
    ours, expected = frames_of(threaded.video), frames_of(reference.video)
    assert summary.frames == len(expected) > 100
    assert len(ours) == len(expected)  # no frame dropped or held
    assert all(np.array_equal(a, b) for a, b in zip(ours, expected, strict=True))
    for path, ref in ((threaded.events, reference.events), (threaded.frames, reference.frames)):
        assert path is not None and ref is not None
        assert path.read_bytes() == ref.read_bytes()
