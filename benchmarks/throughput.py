"""Prints what `process` costs: landmarker-only, analysis and full-path fps, their ratios, per-stage ms.

    python benchmarks/throughput.py [CLIP] [--seconds 10] [--repeat 3]

The clip (default: the first bundled sample) is remuxed, looped, into a temporary file of
--seconds. Each round runs three passes back to back: the landmarker alone over the decoded
frames in memory (the one cost `process` cannot cut), then `process --no-video` and `process`
(1280×720 view + H.264) over the file exactly as the command runs them (run_process). Rates
exclude each pass's set-up (model loading) and count from its first frame. Ratios are taken
within a round, so a busy machine moves them less than the fps; the medians over rounds are
the figures. The per-stage table times every stage one after another on one thread over the
same frames, in the same run: what each costs, not how the threads overlap them. CPU ms/frame
is the process's CPU time (every thread, set-up included) over the pass's frames; the last table
splits the two `process` passes' CPU by thread (Linux), which is where the threads' time goes
when they do overlap. The last line is the full path's ceiling: the real-time factor its CPU per
frame would allow with every core busy all the time. Nothing here asserts: it prints tables.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
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
from tongue_mirror.values import Frame
from tongue_mirror.view.compositor import Hud, Layout
from tongue_mirror.view.presenter import Presenter, ViewOptions


def loop_clip(clip: Path, seconds: float, out: Path) -> None:
    """Remuxes the clip's packets (no re-encoding) end to end until `seconds` are written."""
    with av.open(str(clip)) as probe:
        stream = probe.streams.video[0]
        period = 1.0 / float(stream.average_rate or 30)
        length = max(float(p.pts + (p.duration or 0)) * float(stream.time_base)
                     for p in probe.demux(stream) if p.pts is not None)
        length = round(length / period) * period or period
    loops = max(1, int(np.ceil(seconds / length)))
    with av.open(str(out), "w") as dst:
        out_stream = None
        for k in range(loops):
            with av.open(str(clip)) as src:
                in_stream = src.streams.video[0]
                if out_stream is None:
                    out_stream = dst.add_stream_from_template(in_stream)
                shift = round(k * length / float(in_stream.time_base))
                for packet in src.demux(in_stream):
                    if packet.dts is None:
                        continue
                    packet.pts = None if packet.pts is None else packet.pts + shift
                    packet.dts += shift
                    packet.stream = out_stream
                    dst.mux(packet)


def load_frames(path: Path) -> tuple[list[Frame], float]:
    """Every frame of the file, decoded into memory."""
    with VideoFileSource(path) as src:
        return list(src), src.info.fps or 30.0


def cpu_s() -> float:
    """CPU seconds of this process so far, every thread."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class PassFigure:
    """One pass: frames per second from its first frame, and CPU ms per frame."""

    fps: float
    cpu_ms: float
    threads_ms: dict[str, float] = field(default_factory=dict)  # CPU ms/frame by thread name


class ThreadCpu:
    """CPU seconds by thread while a block runs (Linux /proc; empty elsewhere). Python threads
    go by their names; native ones (MediaPipe's, x264's, FFmpeg's) by what the OS calls them."""

    def __init__(self, every_s: float = 0.2) -> None:
        self.every_s = every_s
        self.seconds: dict[str, float] = {}
        self._last: dict[int, tuple[str, float]] = {}
        self._start: dict[int, float] = {}
        self._stop = threading.Event()

    def _sample(self) -> None:
        names = {t.native_id: t.name for t in threading.enumerate()}
        tick = os.sysconf("SC_CLK_TCK")
        for tid_name in os.listdir("/proc/self/task"):
            tid = int(tid_name)
            try:
                stat = Path(f"/proc/self/task/{tid}/stat").read_text()
                comm = Path(f"/proc/self/task/{tid}/comm").read_text().strip()
            except OSError:
                continue  # the thread ended meanwhile
            fields = stat.rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / tick
            name = names.get(tid) or self._last.get(tid, (comm, 0.0))[0]
            self._last[tid] = (name, cpu)

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self._sample()

    def __enter__(self) -> ThreadCpu:
        if Path("/proc/self/task").is_dir():
            self._sample()
            self._start = {tid: cpu for tid, (_, cpu) in self._last.items()}
            self._thread = threading.Thread(target=self._run, name="cpu sampler", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._start:
            return
        self._stop.set()
        self._thread.join()
        self._sample()
        for tid, (name, cpu) in self._last.items():
            if name != "cpu sampler":
                name = re.sub(r"-\d+_\d+$", "", name)  # ThreadPoolExecutor-3_0: one per tracker
                self.seconds[name] = self.seconds.get(name, 0.0) + cpu - self._start.get(tid, 0.0)


def landmarker_pass(frames: list[Frame], config: RunConfig) -> PassFigure:
    """The landmarker alone over frames in memory; the first frame (warm-up) is not counted."""
    with FaceTracker(config.tracker) as tracker:
        tracker.track(frames[0])
        t0, c0 = time.perf_counter(), cpu_s()
        for f in frames[1:]:
            tracker.track(f)
        wall, cpu = time.perf_counter() - t0, cpu_s() - c0
    n = len(frames) - 1
    return PassFigure(n / wall, cpu / n * 1e3)


def process_pass(clip: Path, tmp: Path, config: RunConfig, video: bool) -> PassFigure:
    """`process` (run_process) over the file; counted from its first frame."""
    out = tmp / ("full.mp4" if video else "analysis.mp4")
    outputs = ProcessOutputs(video=out if video else None, events=out.with_suffix(".jsonl"),
                             frames=out.with_suffix(".csv"))
    c0 = cpu_s()
    with ThreadCpu() as threads:
        summary = run_process(clip, outputs, config, show_progress=False)
    cpu = cpu_s() - c0  # includes set-up: a small overstatement, said in the docstring's terms
    running = summary.wall_s - summary.setup_s
    by_thread = {name: s / summary.frames * 1e3 for name, s in threads.seconds.items()}
    return PassFigure(summary.frames / running, cpu / summary.frames * 1e3, by_thread)


class StageClock:
    """Collects wall and this thread's CPU milliseconds per stage, in the order stages report."""

    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = {}
        self.cpu_ms: dict[str, list[float]] = {}

    def add(self, name: str, ms: float, cpu_ms: float = float("nan")) -> None:
        self.ms.setdefault(name, []).append(ms)
        self.cpu_ms.setdefault(name, []).append(cpu_ms)

    @contextmanager
    def time(self, name: str) -> Iterator[None]:
        t0, c0 = time.perf_counter(), time.thread_time()
        yield
        self.add(name, (time.perf_counter() - t0) * 1e3, (time.thread_time() - c0) * 1e3)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """`fn`, timed under `name` at each call."""
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.time(name):
                return fn(*args, **kwargs)
        return timed


def stage_pass(clip: Path, frames: list[Frame], fps: float, config: RunConfig, tmp: Path
               ) -> StageClock:
    """Every stage of `process` one after another on this thread, each timed on its own."""
    clock = StageClock()
    with VideoFileSource(clip) as src:
        it = iter(src)
        while True:
            with clock.time("decode (to BGR)"):
                if next(it, None) is None:
                    break
    for times in (clock.ms, clock.cpu_ms):
        times["decode (to BGR)"].pop()  # the end-of-file call
    layout = Layout.make(config.layout, config.canvas_size)
    presenter = Presenter(layout, config.gesture, camera_fit=config.camera_fit)
    # The presenter's own parts, timed where the presenter calls them.
    assert presenter.camera is not None and presenter.neural is not None
    presenter.camera.render = clock.wrap("camera panel", presenter.camera.render)  # type: ignore[method-assign]
    presenter.neural.render = clock.wrap("neural panel", presenter.neural.render)  # type: ignore[method-assign]
    presenter.avatar.render = clock.wrap("avatar renderer", presenter.avatar.render)  # type: ignore[method-assign]
    compositor = presenter.compositor
    compositor.compose_audience = clock.wrap("compositor", compositor.compose_audience)  # type: ignore[method-assign]
    hud = Hud(show_help=False)
    options = ViewOptions(mirror=config.mirror, puppet=config.avatar == "puppet")  # as process
    with FaceTracker(config.tracker) as tracker, \
            VideoRecorder(tmp / "stages.mp4", fps, config.canvas_size) as recorder, \
            EventLog(tmp / "stages.jsonl") as events, FrameLog(tmp / "stages.csv") as rows:
        recorder._to_video_frame = clock.wrap(  # type: ignore[method-assign]
            "colour conversion (BGR to YUV)", recorder._to_video_frame)
        recorder._encode_safely = clock.wrap(  # type: ignore[method-assign]
            "H.264 encoder (x264)", recorder._encode_safely)
        pipeline = build_pipeline(config, tracker)
        # The analysis stages, timed where Pipeline.analyse calls them.
        stages: list[tuple[Any, str, str]] = [
            (pipeline.detector, "read_with_patch", "detector"),
            (pipeline.gesture, "update", "gesture"), (pipeline.circuit, "advance_to", "circuit"),
            (pipeline.animator, "step", "avatar animator")]
        for stage, method, name in stages:
            setattr(stage, method, clock.wrap(name, getattr(stage, method)))
        for frame in frames:
            with clock.time("landmarker"):
                face = tracker.track(frame)
            result = pipeline.analyse(frame, face)
            with clock.time("logs (events + frames.csv)"):
                events.write(result.events)
                rows.write(frame_row(result))
            with clock.time("view total"):
                picture = presenter.render_audience(result, hud, options)
            recorder.write(picture, result.frame.t)
    for times in (clock.ms, clock.cpu_ms):
        times["H.264 encoder (x264)"].pop()  # the flush at close
    return clock


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=None)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the three passes")
    args = parser.parse_args()
    clip = args.clip or bundled_samples()[0]
    config = RunConfig()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        looped = tmp / f"{clip.stem}.loop{clip.suffix}"
        loop_clip(clip, args.seconds, looped)
        frames, fps = load_frames(looped)
        h, w = frames[0].image.shape[:2]
        rounds = []
        for _ in range(max(1, args.repeat)):
            rounds.append((landmarker_pass(frames, config),
                           process_pass(looped, tmp, config, video=False),
                           process_pass(looped, tmp, config, video=True)))
        clock = stage_pass(looped, frames, fps, config, tmp)

    print(f"clip: {clip.name} {w}x{h} @ {fps:.0f} fps, looped to {len(frames)} frames "
          f"({len(frames) / fps:.1f} s); output canvas {config.canvas_size[0]}x"
          f"{config.canvas_size[1]}; {len(rounds)} rounds")
    print()
    print(f"{'round':<7}{'landmarker':>12}{'analysis':>10}{'full':>8}   "
          f"{'analysis/landmarker':>20}{'full/clip':>11}   cpu ms/frame (lm, an, full)")
    analysis_ratios, realtime, full_ratios = [], [], []
    for i, (lm, an, full) in enumerate(rounds, 1):
        analysis_ratios.append(an.fps / lm.fps)
        realtime.append(full.fps / fps)
        full_ratios.append(full.fps / lm.fps)
        print(f"{i:<7}{lm.fps:10.1f}  {an.fps:10.1f}{full.fps:8.1f}   "
              f"{analysis_ratios[-1]:20.3f}{realtime[-1]:10.2f}x   "
              f"{lm.cpu_ms:5.1f} {an.cpu_ms:5.1f} {full.cpu_ms:5.1f}")
    print()
    print(f"{'stage (one thread, one after another)':<40}{'mean ms':>9}{'p95 ms':>9}"
          f"{'CPU ms':>9}  (CPU: of the calling thread; stages with their own threads more)")
    view_parts = ("camera panel", "neural panel", "avatar renderer", "compositor")

    def row(label: str, wall: np.ndarray, cpu: np.ndarray) -> None:
        print(f"{label:<40}{wall.mean():9.2f}{pct(list(wall), 95):9.2f}{cpu.mean():9.2f}")

    for name, values in clock.ms.items():
        if name == "view total":
            continue
        row(("  " if name in view_parts else "") + name, np.array(values),
            np.array(clock.cpu_ms[name]))
        if name == "compositor":
            rest = [np.array(times["view total"]) - sum(np.array(times[p]) for p in view_parts)
                    for times in (clock.ms, clock.cpu_ms)]
            row("  presenter, the rest", *rest)
    sums = [sum(statistics.fmean(v) for k, v in times.items() if k not in view_parts)
            for times in (clock.ms, clock.cpu_ms)]
    print(f"{'sum':<40}{sums[0]:9.2f}{'':9}{sums[1]:9.2f}")
    print()
    print(f"{'CPU by thread, ms/frame (median of rounds)':<44}{'analysis':>9}{'full':>9}")
    names = sorted({n for _, an, full in rounds for n in (*an.threads_ms, *full.threads_ms)},
                   key=lambda n: -statistics.median(r[2].threads_ms.get(n, 0.0) for r in rounds))
    for name in names:
        an_ms = statistics.median(r[1].threads_ms.get(name, 0.0) for r in rounds)
        full_ms = statistics.median(r[2].threads_ms.get(name, 0.0) for r in rounds)
        if max(an_ms, full_ms) >= 0.05:
            print(f"{name:<44}{an_ms:9.2f}{full_ms:9.2f}")
    print()
    print(f"analysis_ratio (process --no-video fps / landmarker-only fps): "
          f"{statistics.median(analysis_ratios):.3f} median of {len(rounds)}")
    print(f"realtime_factor (process fps / clip fps): {statistics.median(realtime):.2f}x "
          f"median of {len(rounds)}")
    # The real-time factor moves with the machine's load; this ratio, like the analysis one, less.
    print(f"full_ratio (process fps / landmarker-only fps): {statistics.median(full_ratios):.3f} "
          f"median of {len(rounds)}")
    # What the full path's CPU allows even if every core were kept busy all the time.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    full_cpu = statistics.median(r[2].cpu_ms for r in rounds)
    print(f"full path CPU ceiling ({cores or 1} cores x 1000 / {full_cpu:.1f} CPU ms per frame "
          f"/ clip fps): {(cores or 1) * 1000.0 / full_cpu / fps:.2f}x")


if __name__ == "__main__":
    main()
