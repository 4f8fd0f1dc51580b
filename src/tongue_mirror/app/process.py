"""`process`: the live pipeline run headless over a file, writing video, events and per-frame log."""

from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from tongue_mirror.app.build import build_pipeline
from tongue_mirror.app.config import DEFAULT_OUT_DIR, RunConfig
from tongue_mirror.app.output_paths import VIDEO_SUFFIXES, check_suffix, check_writable
from tongue_mirror.errors import UserError
from tongue_mirror.io.face_tracker import tracker_for
from tongue_mirror.io.frame_row import frame_row
from tongue_mirror.io.logs import EventLog, FrameLog
from tongue_mirror.io.progress import Progress
from tongue_mirror.io.protocols import StagedTracker
from tongue_mirror.io.recorder import VideoRecorder
from tongue_mirror.io.sources import open_source
from tongue_mirror.io.workers import BackgroundWorker, ReadAhead, opencv_threads, switch_interval
from tongue_mirror.values import FaceObservation, Frame, FrameResult
from tongue_mirror.view.compositor import Hud, Layout
from tongue_mirror.view.presenter import Presenter, ViewOptions

LOG_SUFFIXES = {"events": (".jsonl",), "frames": (".csv",)}

# The landmarker (this thread and MediaPipe's own) is the one cost a run cannot cut, so it comes
# first: decoding, analysis, drawing and encoding run at a lower CPU priority on the cores it
# leaves, and a Python thread hands the GIL back within 0.2 ms (not CPython's 5 ms) when the
# tracking thread returns from MediaPipe. Measured with benchmarks/throughput.py; the order of
# work, hence every output byte, is the same either way.
WORKER_NICE = 10
SWITCH_INTERVAL_S = 0.0002
# The stages' threads fill both cores, so OpenCV's calls run on the thread that makes them: its
# pool (one worker per core) drew the same pictures for 0.5 ms more CPU a frame.
OPENCV_THREADS = 1


@dataclass(frozen=True)
class ProcessOutputs:
    """Where a headless run writes; None = not written."""

    video: Path | None
    events: Path | None
    frames: Path | None

    @staticmethod
    def derive(source: Path, video: Path | None, events: Path | None, frames: Path | None,
               no_video: bool, out_dir: Path = DEFAULT_OUT_DIR) -> ProcessOutputs:
        """Defaults travel together: beside -o when it is given (talk.mp4 → talk.events.jsonl,
        talk.frames.csv, also with --no-video), else in `out_dir` (clip.mp4 →
        out_dir/clip.mirror.mp4 and so on): nothing lands in the input's folder unless asked.
        Every path is checked here, before any work, so a bad one is one line at once."""
        if video is not None:
            check_suffix("-o", video, VIDEO_SUFFIXES)
            base = video.with_suffix("")
        else:
            name = source.stem if source.suffix else source.name
            base = out_dir / f"{name or 'frames'}.mirror"
        for flag, path in (("--events", events), ("--frames", frames)):
            if path is not None:
                check_suffix(flag, path, LOG_SUFFIXES[flag[2:]])
        outputs = ProcessOutputs(
            video=None if no_video else (video or Path(f"{base}.mp4")),
            events=events or Path(f"{base}.events.jsonl"),
            frames=frames or Path(f"{base}.frames.csv"),
        )
        chosen = [p for p in (outputs.video, outputs.events, outputs.frames) if p is not None]
        for path in chosen:
            if path.exists() and source.exists() and path.samefile(source):
                raise UserError(f"output {path} would overwrite the input")
            check_writable(path)
        return outputs


@dataclass(frozen=True)
class ProcessSummary:
    """What a run did, for the closing lines and for tests."""

    frames: int
    faces: int
    tongue_events: int
    imitation_events: int
    seconds: float
    wall_s: float
    damage: str | None
    interrupted: bool
    setup_s: float = 0.0  # of wall_s: opening the source and the models, before the first frame

    def lines(self, outputs: ProcessOutputs) -> list[str]:
        """Human-readable summary."""
        fps = self.frames / self.wall_s if self.wall_s > 0 else 0.0
        speed = self.seconds / self.wall_s if self.wall_s > 0 else 0.0
        out = [f"processed {self.frames} frames ({self.seconds:.1f} s of video) in "
               f"{self.wall_s:.1f} s: {fps:.1f} fps, {speed:.2f}x real time"]
        if self.frames and self.faces == 0:
            out.append("no face was found in this video")
        elif self.frames:
            out.append(f"face found in {self.faces}/{self.frames} frames "
                       f"({100.0 * self.faces / self.frames:.0f}%)")
        out.append(f"tongue-out events: {self.tongue_events}; imitations: {self.imitation_events}")
        if self.damage:
            out.append(self.damage)
        if self.interrupted:
            out.append("interrupted: outputs hold everything up to that point")
        for label, path in (("video", outputs.video), ("events", outputs.events),
                            ("frames", outputs.frames)):
            if path is not None:
                out.append(f"{label}: {path}")
        return out


class Tally:
    """Counts what the analysis saw, for the summary."""

    def __init__(self) -> None:
        self.frames = self.faces = self.tongue_events = self.imitations = 0
        self.last_t = 0.0

    def add(self, result: FrameResult) -> None:
        self.frames += 1
        self.faces += result.face is not None
        self.last_t = result.frame.t
        for e in result.events:
            self.tongue_events += e.event == "tongue_out_start"
            self.imitations += e.event == "imitation_start"


def run_process(source_path: Path, outputs: ProcessOutputs, config: RunConfig,
                show_progress: bool = True) -> ProcessSummary:
    """Runs the pipeline over a file; every output is finalised even on Ctrl-C or error."""
    source = open_source(str(source_path))
    tally = Tally()
    interrupted = False
    start = time.perf_counter()
    with ExitStack() as stack:
        stack.enter_context(switch_interval(SWITCH_INTERVAL_S))
        stack.enter_context(opencv_threads(OPENCV_THREADS))
        stack.enter_context(source)
        if source.info.kind not in ("video", "images"):
            raise UserError(f"{source_path} is not a video file or image folder")
        info = source.info
        # A folder of unrelated photos gets a fresh landmarker per photo, as eval's photos do.
        tracker = tracker_for(info.kind, config.tracker)
        stack.enter_context(tracker)
        staged: StagedTracker = tracker
        pipeline = build_pipeline(config, tracker)
        recorder = presenter = None
        if outputs.video is not None:  # first: the output most likely to be refused
            presenter = Presenter(Layout.make(config.layout, config.canvas_size),
                                  config.gesture, camera_fit=config.camera_fit)
            recorder = stack.enter_context(
                VideoRecorder(outputs.video, info.fps or 30.0, config.canvas_size, threaded=True,
                              nice=WORKER_NICE))
        events = stack.enter_context(EventLog(outputs.events)) if outputs.events else None
        rows = stack.enter_context(FrameLog(outputs.frames)) if outputs.frames else None
        progress = Progress(info.frame_count, label=source_path.name) if show_progress else None
        options = ViewOptions(mirror=config.mirror, puppet=config.avatar == "puppet")
        hud = Hud(show_help=False)
        drawer = None
        if recorder is not None:
            # Drawing and encoding run behind the analysis: the landmarker releases the GIL,
            # so on two cores the next frame is tracked while this one is drawn.
            assert presenter is not None  # made with the recorder, above
            show = presenter

            def draw(result: FrameResult) -> None:
                recorder.write(show.render_audience(result, hud, options), result.frame.t)

            drawer = stack.enter_context(
                BackgroundWorker(draw, max_queue=4, name="draw", nice=WORKER_NICE))

        def analyse(item: tuple[Frame, FaceObservation | None, float]) -> None:
            result = pipeline.analyse(*item)
            tally.add(result)
            if events is not None:
                events.write(result.events)
            if rows is not None:
                rows.write(frame_row(result))
            if drawer is not None:
                drawer.submit(result)
            if progress is not None:
                progress.update(tally.frames)

        # Tracking (MediaPipe, GIL released) alone on this thread; decoding and the tracker's
        # input (RGB, mediapipe.Image) on one worker before it; the rest of the analysis, the
        # logs and the hand-over to drawing on another after it, in frame order.
        analyser = stack.enter_context(BackgroundWorker(analyse, max_queue=4, name="analyse",
                                                        nice=WORKER_NICE))
        decoded = stack.enter_context(ReadAhead(map(staged.prepare, source), max_queue=4,
                                                name="decode", nice=WORKER_NICE))
        setup_s = time.perf_counter() - start
        try:
            for prepared in decoded:
                t0 = time.perf_counter()
                face = staged.track_prepared(prepared)
                analyser.submit((prepared.frame, face, (time.perf_counter() - t0) * 1e3))
        except KeyboardInterrupt:
            interrupted = True
        finally:
            decoded.close()  # the decoder stops before the file closes
            analyser.close()  # everything tracked is analysed, logged and drawn
            if progress is not None:
                progress.finish()
    damage = getattr(source, "damage_report", lambda: None)()
    frames = tally.frames
    duration = tally.last_t + (1.0 / info.fps if info.fps else 0.0) if frames else 0.0
    return ProcessSummary(frames=frames, faces=tally.faces, tongue_events=tally.tongue_events,
                          imitation_events=tally.imitations, seconds=duration,
                          wall_s=time.perf_counter() - start, damage=damage,
                          interrupted=interrupted, setup_s=setup_s)
