"""Prints landmarker-only, analysis and full-pipeline fps on one clip, per-stage ms and their ratios.

    python benchmarks/throughput.py [CLIP] [--seconds 10]

The clip (default: the first bundled sample, looped to --seconds) is decoded into memory first,
so every pass sees the same frames. Nothing here asserts: it prints a table.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from tongue_mirror.app.build import build_pipeline
from tongue_mirror.app.config import RunConfig
from tongue_mirror.io.face_tracker import FaceTracker
from tongue_mirror.io.live_feed import bundled_samples
from tongue_mirror.io.recorder import VideoRecorder
from tongue_mirror.io.video_file import VideoFileSource
from tongue_mirror.io.workers import BackgroundWorker
from tongue_mirror.values import Frame
from tongue_mirror.view.compositor import Hud, Layout
from tongue_mirror.view.presenter import Presenter


def load_frames(path: Path, seconds: float) -> tuple[list[Frame], float]:
    """Decodes the clip (looping it) until `seconds` of frames are in memory."""
    with VideoFileSource(path, loop=True) as src:
        fps = src.info.fps or 30.0
        frames = []
        for frame in src:
            frames.append(frame)
            if len(frames) >= round(seconds * fps):
                break
    return frames, fps


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=None)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    clip = args.clip or bundled_samples()[0]
    frames, fps = load_frames(clip, args.seconds)
    h, w = frames[0].image.shape[:2]
    config = RunConfig()

    # 1. Landmarker only.
    with FaceTracker(config.tracker) as tracker:
        t0 = time.perf_counter()
        for f in frames:
            tracker.track(f)
        landmarker_fps = len(frames) / (time.perf_counter() - t0)

    # 2. Analysis: tracker + detector + gesture + circuit + animator, as `process --no-video`
    # runs them: tracking on this thread, the rest on a worker beside it.
    stages: dict[str, list[float]] = {}

    def collect(result) -> None:
        for k, v in result.timings_ms.items():
            stages.setdefault(k, []).append(v)

    with FaceTracker(config.tracker) as tracker:
        pipeline = build_pipeline(config, tracker)
        t0 = time.perf_counter()
        with BackgroundWorker(lambda item: collect(pipeline.analyse(*item))) as analyser:
            for f in frames:
                a = time.perf_counter()
                face = tracker.track(f)
                analyser.submit((f, face, (time.perf_counter() - a) * 1e3))
        analysis_fps = len(frames) / (time.perf_counter() - t0)

    # 3. Full: analysis + avatar, neural and camera panels, compositing, H.264 encoding, with
    # drawing on its own thread and encoding on another, as `process` does.
    with tempfile.TemporaryDirectory() as tmp, FaceTracker(config.tracker) as tracker:
        pipeline = build_pipeline(config, tracker)
        presenter = Presenter(Layout.make(config.layout, config.canvas_size))
        hud = Hud(show_help=False)
        render_ms, encode_ms = [], []
        with VideoRecorder(Path(tmp) / "out.mp4", fps, config.canvas_size, threaded=True) as rec:

            def draw(result) -> None:
                a = time.perf_counter()
                canvas = presenter.render(result, hud)
                b = time.perf_counter()
                rec.write(canvas, result.frame.t)
                render_ms.append((b - a) * 1e3)
                encode_ms.append((time.perf_counter() - b) * 1e3)

            t0 = time.perf_counter()
            with BackgroundWorker(draw, max_queue=4) as drawer, BackgroundWorker(
                    lambda item: drawer.submit(pipeline.analyse(*item))) as analyser:
                for f in frames:
                    analyser.submit((f, tracker.track(f), 0.0))
        full_fps = len(frames) / (time.perf_counter() - t0)  # includes the encoder's flush
    stages["render+compose (draw thread)"] = render_ms
    stages["encode, draw thread blocked"] = encode_ms

    print(f"clip: {clip.name}  {w}x{h} @ {fps:.0f} fps, {len(frames)} frames "
          f"({len(frames) / fps:.1f} s); output canvas {config.canvas_size[0]}x"
          f"{config.canvas_size[1]}")
    print()
    print(f"{'pass':<34}{'fps':>8}")
    print(f"{'landmarker only':<34}{landmarker_fps:8.1f}")
    print(f"{'analysis (process --no-video)':<34}{analysis_fps:8.1f}")
    print(f"{'full (view + H.264 encode)':<34}{full_fps:8.1f}")
    print()
    print(f"{'stage':<34}{'mean ms':>9}{'p95 ms':>9}")
    for name, values in stages.items():
        print(f"{name:<34}{statistics.fmean(values):9.2f}{pct(values, 95):9.2f}")
    print()
    print(f"analysis_ratio: {analysis_fps / landmarker_fps:.3f}")
    print(f"full_ratio: {full_fps / landmarker_fps:.3f}")
    print(f"realtime_factor: {full_fps / fps:.3f}")


if __name__ == "__main__":
    main()
