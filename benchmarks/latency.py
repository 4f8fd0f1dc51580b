"""Capture-to-display latency of the live loop, fed by a paced synthetic camera at 30 fps.

    python benchmarks/latency.py [--seconds 20] [--no-record]

A PacedSource releases the bundled sample's frames in real time, like a camera (a frame that
the loop takes late was captured when it was due, and frames it never took are dropped). The
live loop runs headless (NullWindow) with recording on, so encoding counts. Prints a table.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from tongue_mirror.app.live import LiveApp, LiveConfig
from tongue_mirror.io.live_feed import LiveFeed, bundled_samples
from tongue_mirror.io.sources import PacedSource
from tongue_mirror.io.video_file import VideoFileSource
from tongue_mirror.io.window import NullWindow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    source = PacedSource(VideoFileSource(bundled_samples()[0], loop=True), fps=args.fps)
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, LiveFeed(source) as feed:
        app: LiveApp | None = None

        def on_show(_canvas: np.ndarray) -> None:
            if app is not None and app.last_result is not None:
                capture = app.last_result.frame.capture_time
                if capture is not None:
                    latencies.append((time.perf_counter() - capture) * 1e3)

        config = LiveConfig(out_dir=Path(tmp), max_frames=round(args.seconds * args.fps),
                            record=None if args.no_record else Path(tmp) / "rec.mp4")
        app = LiveApp(config, feed, NullWindow(on_show))
        start = time.perf_counter()
        app.run()
        wall = time.perf_counter() - start
    lat = np.array(latencies[int(args.fps):])  # the first second warms up
    slots = app.frames + source.dropped
    print(f"paced source {args.fps:.0f} fps for {wall:.1f} s; recording "
          f"{'off' if args.no_record else 'on'}; canvas {config.run.canvas_size[0]}x"
          f"{config.run.canvas_size[1]}")
    print()
    print(f"{'metric':<28}{'value':>10}")
    print(f"{'frames shown':<28}{app.frames:>10d}")
    print(f"{'frames dropped':<28}{source.dropped:>10d}")
    print(f"{'dropped %':<28}{100.0 * source.dropped / max(1, slots):>10.2f}")
    print(f"{'shown fps':<28}{app.frames / wall:>10.1f}")
    print(f"{'latency median ms':<28}{np.median(lat):>10.1f}")
    print(f"{'latency p95 ms':<28}{np.percentile(lat, 95):>10.1f}")
    print(f"{'latency max ms':<28}{lat.max():>10.1f}")


if __name__ == "__main__":
    main()
