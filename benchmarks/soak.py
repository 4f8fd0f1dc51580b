"""Long run of the live loop, headless, on a looping paced source: memory and frame time per minute.

    python benchmarks/soak.py --minutes 30 [--record]

Prints one row a minute (RSS in MB, frame time median/p95 in ms, frames, dropped) and, at the
end, the RSS growth after the first minute. Linux (reads /proc/self/statm).
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from tongue_mirror.app.live import LiveApp, LiveConfig
from tongue_mirror.io.frame_source import FrameSource, SourceInfo
from tongue_mirror.io.live_feed import LiveFeed, bundled_samples
from tongue_mirror.io.sources import PacedSource
from tongue_mirror.io.video_file import VideoFileSource
from tongue_mirror.io.window import NullWindow
from tongue_mirror.values import Frame


class MemoryLoop(FrameSource):
    """The sample's frames decoded once and replayed forever with increasing times."""

    def __init__(self, path: Path) -> None:
        with VideoFileSource(path) as src:
            self._info = src.info
            self._frames = [f.image for f in src]

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    @property
    def info(self) -> SourceInfo:
        return self._info

    def __iter__(self) -> Iterator[Frame]:
        for i in itertools.count():
            yield Frame(self._frames[i % len(self._frames)], i / self._info.fps, i)


def rss_mb() -> float:
    """Resident set size of this process."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--record", action="store_true", help="record the whole run too")
    parser.add_argument("--period", type=float, default=60.0, help="seconds between rows")
    parser.add_argument("--preload", action="store_true",
                        help="decode the sample once and loop it from memory, like a camera: "
                        "keeps the file decoder's own memory out of the figures")
    args = parser.parse_args()
    inner = MemoryLoop(bundled_samples()[0]) if args.preload else VideoFileSource(
        bundled_samples()[0], loop=True)
    source = PacedSource(inner, fps=args.fps)
    rows: list[tuple[float, float, float, float, int, int]] = []
    with tempfile.TemporaryDirectory() as tmp, LiveFeed(source) as feed:
        times: list[float] = []
        state = {"last": time.perf_counter(), "next": time.perf_counter() + args.period,
                 "start": time.perf_counter()}

        def on_show(_canvas: np.ndarray) -> None:
            now = time.perf_counter()
            times.append((now - state["last"]) * 1e3)
            state["last"] = now
            if now >= state["next"]:
                state["next"] += args.period
                row = (now - state["start"], rss_mb(), float(np.median(times)),
                       float(np.percentile(times, 95)), app.frames, source.dropped)
                rows.append(row)
                print(f"{row[0] / 60:6.1f} min  rss {row[1]:7.1f} MB  frame {row[2]:6.2f} ms "
                      f"(p95 {row[3]:6.2f})  frames {row[4]:7d}  dropped {row[5]:5d}",
                      flush=True)
                times.clear()

        config = LiveConfig(out_dir=Path(tmp), max_frames=round(args.minutes * 60 * args.fps),
                            record=Path(tmp) / "soak.mp4" if args.record else None)
        app = LiveApp(config, feed, NullWindow(on_show))
        print(f"{'time':>10}  start rss {rss_mb():.1f} MB", flush=True)
        app.run()
    if len(rows) >= 2:
        growth = rows[-1][1] - rows[0][1]
        print(f"rss_growth_after_first_minute_mb: {growth:.1f}")
        print(f"frame_time_median_first_last_ms: {rows[0][2]:.2f} {rows[-1][2]:.2f}")


if __name__ == "__main__":
    main()
