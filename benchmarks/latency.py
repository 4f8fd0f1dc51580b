"""Live view drops and latency from a paced 30 fps camera: live only, game, recording, replays.

    python benchmarks/latency.py [--seconds 20] [--fps 30] [--only live|game|record|replay]

A PacedSource releases the bundled sample's frames in real time, like a camera (a frame that
the loop takes late was captured when it was due, and frames it never took are dropped). The
live loop runs headless (NullWindow) in three runs:
  live     nothing written
  game     live in the imitation game from the first frame (`--game`: cards, the baby's own
           action, the trial log)
  record   `--fill` s with nothing written, then recording on (the file is then checked:
           constant pts steps, and its duration against the capture's)
  replay   the replay buffer fills for `--fill` s, then `b` is pressed again each time the last
           save has finished; drops are counted over the frames shown while a save runs, and
           (as a baseline from the same run) while the buffer filled
Prints one table; drops are the share of camera frames the live view never showed.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np

from tongue_mirror.app.live import LiveApp, LiveConfig
from tongue_mirror.io.live_feed import LiveFeed, bundled_samples
from tongue_mirror.io.sources import PacedSource
from tongue_mirror.io.video_file import VideoFileSource
from tongue_mirror.io.window import NullWindow


@dataclass
class Run:
    """What one run measured."""

    name: str
    shown: int = 0
    dropped: int = 0
    wall_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    window_shown: int = 0  # frames shown while the measured activity ran (record: all)
    window_dropped: int = 0
    fill_shown: int = 0  # replay: frames shown while the buffer filled, no save running
    fill_dropped: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def fill_drop_pct(self) -> float:
        return 100.0 * self.fill_dropped / max(1, self.fill_shown + self.fill_dropped)

    @property
    def window_drop_pct(self) -> float:
        return 100.0 * self.window_dropped / max(1, self.window_shown + self.window_dropped)


def run_once(name: str, seconds: float, fps: float, fill_s: float, tmp: Path) -> Run:
    """One live session on a paced source; `name` says what runs beside the loop."""
    source = PacedSource(VideoFileSource(bundled_samples()[0], loop=True), fps=fps)
    run = Run(name)
    warm = round(fps)  # the first second warms up (model load, first encodes)
    fill = round(fill_s * fps) if name not in ("live", "game") else 0  # the same run's baseline
    total = warm + fill + round(seconds * fps)
    record = tmp / f"{name}.mp4"
    state: dict = {"last_dropped": 0, "saving": False, "saves": 0, "save_started": 0.0,
                   "save_s": [], "first_t": None, "last_t": 0.0, "recorder": None}
    with LiveFeed(source) as feed:
        app: LiveApp | None = None

        def on_show(_canvas: np.ndarray) -> None:
            if app is None or app.last_result is None:
                return
            capture = app.last_result.frame.capture_time
            dropped_now = source.dropped - state["last_dropped"]
            state["last_dropped"] = source.dropped
            if app.frames <= warm:
                return
            if capture is not None:
                run.latencies_ms.append((time.perf_counter() - capture) * 1e3)
            if app.frames <= warm + fill:
                run.fill_shown += 1
                run.fill_dropped += dropped_now
                if name == "record" and app.frames == warm + fill:
                    app.start_recording(record)  # as the `r` key does
                    state["recorder"] = app.recorder
                return
            if name == "record":
                if state["first_t"] is None:
                    state["first_t"] = app.last_result.frame.t
                state["last_t"] = app.last_result.frame.t
                run.window_shown += 1
                run.window_dropped += dropped_now
            elif name == "replay":
                if state["saving"]:
                    run.window_shown += 1
                    run.window_dropped += dropped_now
                    if app.saving == 0:
                        state["saving"] = False
                        state["saves"] += 1
                        state["save_s"].append(time.perf_counter() - state["save_started"])
                if not state["saving"] and app.frames < total - fps:
                    app.save_replay()  # as the `b` key does
                    state["saving"], state["save_started"] = True, time.perf_counter()

        config = LiveConfig(out_dir=tmp, max_frames=total, start_game=name == "game")
        app = LiveApp(config, feed, NullWindow(on_show))
        start = time.perf_counter()
        app.run()
        run.wall_s = time.perf_counter() - start
    run.shown, run.dropped = app.frames, source.dropped
    if name == "replay":
        saves = state["save_s"]
        run.notes.append(f"{state['saves']} replays (up to {config.replay_s:.0f} s each) saved "
                         f"in {np.mean(saves) if saves else float('nan'):.1f} s each")
    if name == "record" and record.exists():
        run.notes.append(check_recording(record, fps,
                                         state["last_t"] - state["first_t"] + 1.0 / fps))
        rec = state["recorder"]
        if rec is not None and hasattr(rec, "frames_held"):  # (older recorders lack these)
            run.notes.append(f"recorder: {rec.frames_written} frames written, "
                             f"{rec.frames_held} of them holding the previous picture, "
                             f"{rec.frames_dropped} frames not encoded (slot taken or busy)")
    return run


def check_recording(path: Path, fps: float, captured_s: float) -> str:
    """Frame-by-frame check of a recording: constant pts steps, duration against capture."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        pts = [p.pts for p in container.demux(stream) if p.pts is not None]
        base = float(stream.time_base)
    steps = {b - a for a, b in itertools.pairwise(sorted(pts))}
    duration = (max(pts) - min(pts)) * base + 1.0 / fps
    return (f"recording: {len(pts)} frames, pts steps {sorted(steps)} "
            f"({'constant' if len(steps) == 1 else 'VARIABLE'}), {duration:.2f} s long; "
            f"captured from first to last frame shown: {captured_s:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per run")
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--fill", type=float, default=10.0,
                        help="seconds the replay buffer fills before the first save")
    parser.add_argument("--only", choices=("live", "game", "record", "replay"), default=None)
    args = parser.parse_args()
    names = [args.only] if args.only else ["live", "game", "record", "replay"]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            runs.append(run_once(name, args.seconds, args.fps, args.fill, Path(tmp)))
    print(f"paced source {args.fps:.0f} fps, {args.seconds:.0f} s measured per run, "
          "canvas 1280x720, headless")
    print()
    head = (f"{'run':<8}{'shown':>7}{'dropped':>9}{'drop %':>8}{'drop % before':>15}"
            f"{'drop % while':>14}{'shown fps':>11}{'lat p50 ms':>12}{'lat p95 ms':>12}"
            f"{'lat max ms':>12}")
    print(head)
    for r in runs:
        lat = np.array(r.latencies_ms) if r.latencies_ms else np.array([np.nan])
        window = "-" if r.name in ("live", "game") else f"{r.window_drop_pct:.2f}"
        before = "-" if r.name in ("live", "game") else f"{r.fill_drop_pct:.2f}"
        print(f"{r.name:<8}{r.shown:>7d}{r.dropped:>9d}"
              f"{100.0 * r.dropped / max(1, r.shown + r.dropped):>8.2f}{before:>15}{window:>14}"
              f"{r.shown / r.wall_s:>11.1f}{np.median(lat):>12.1f}"
              f"{np.percentile(lat, 95):>12.1f}{lat.max():>12.1f}")
    print()
    print("drop % before: the same run's first --fill seconds (after warm-up), nothing written; "
          "drop % while: record = while recording, replay = while a save ran; drop % counts "
          "start-up too")
    for r in runs:
        for note in r.notes:
            print(f"{r.name}: {note}")


if __name__ == "__main__":
    main()
