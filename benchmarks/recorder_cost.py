"""What recording and the replay buffer cost the live loop per frame at 1280×720 (prints a table).

Rows:
  recorder sync            write() encodes in the caller: the full x264 cost lands in the frame
  recorder threaded, paced write() at 30 fps with ~12 ms of other work per frame (as the live
                           loop); the time the caller blocks in write()
  recorder threaded, flat  write() as fast as possible: the queue fills, the caller waits on x264
  replay push              ReplayBuffer.push (JPEG q85) in the caller
  replay save (per frame)  ReplayBuffer.save of a full buffer, per frame (off the live loop, on
                           one thread: JPEG decode + x264, both releasing the GIL)
Run: PYTHONPATH=src python benchmarks/recorder_cost.py [--frames 150]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from tongue_mirror.io.recorder import VideoRecorder
from tongue_mirror.io.replay_buffer import ReplayBuffer
from tongue_mirror.synth.portraits import load_portrait

SIZE = (1280, 720)
FPS = 30.0


def frames(n_distinct: int = 30) -> list[np.ndarray]:
    """Camera-like 720p frames: a textured photo panning, so x264 and JPEG see real detail."""
    photo = cv2.resize(load_portrait("astronaut"), (1600, 1600))
    return [np.ascontiguousarray(photo[200 + 3 * i:920 + 3 * i, 10 * i:1280 + 10 * i])
            for i in range(n_distinct)]


def other_work(image: np.ndarray) -> None:
    """Stand-in for tracking and compositing: ~10 ms of OpenCV on the frame."""
    cv2.GaussianBlur(image, (31, 31), 0)


def time_recorder(path: Path, images: list[np.ndarray], n: int, threaded: bool,
                  paced: bool) -> tuple[list[float], float]:
    blocked = []
    with VideoRecorder(path, fps=FPS, size=SIZE, threaded=threaded) as rec:
        start = time.perf_counter()
        for i in range(n):
            image = images[i % len(images)]
            if paced:
                other_work(image)
            t0 = time.perf_counter()
            rec.write(image, i / FPS)
            blocked.append((time.perf_counter() - t0) * 1000)
            if paced:
                wait = start + (i + 1) / FPS - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
        t_close = time.perf_counter()
    return blocked, (time.perf_counter() - t_close) * 1000


def row(name: str, ms: list[float], note: str = "") -> str:
    ms_sorted = sorted(ms)
    p95 = ms_sorted[min(len(ms) - 1, int(0.95 * len(ms)))]
    return (f"{name:<28} {statistics.mean(ms):8.2f} {statistics.median(ms):8.2f} {p95:8.2f} "
            f"{max(ms):8.2f}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description="per-frame cost of recording at 1280x720")
    parser.add_argument("--frames", type=int, default=150)
    args = parser.parse_args()
    n = args.frames
    images = frames()
    lines = [f"{'per frame, ms (1280x720)':<28} {'mean':>8} {'median':>8} {'p95':>8} {'max':>8}"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        sync, close_ms = time_recorder(out / "sync.mp4", images, n, threaded=False, paced=False)
        size_kb = (out / "sync.mp4").stat().st_size / 1024
        lines.append(row("recorder sync", sync, f"close {close_ms:.0f} ms, {size_kb:.0f} KB"))
        paced, close_ms = time_recorder(out / "paced.mp4", images, n, threaded=True, paced=True)
        lines.append(row("recorder threaded, paced", paced, f"close {close_ms:.0f} ms"))
        flat, close_ms = time_recorder(out / "flat.mp4", images, n, threaded=True, paced=False)
        lines.append(row("recorder threaded, flat", flat, f"close {close_ms:.0f} ms"))
        buf = ReplayBuffer(seconds=20.0, fps=FPS, size=SIZE)
        push = []
        for i in range(n):
            t0 = time.perf_counter()
            buf.push(images[i % len(images)], i / FPS)
            push.append((time.perf_counter() - t0) * 1000)
        per_frame_kb = buf.nbytes / len(buf) / 1024
        lines.append(row("replay push (JPEG q85)", push,
                         f"{per_frame_kb:.0f} KB/frame -> {per_frame_kb * 600 / 1024:.0f} MB "
                         "for 20 s at 30 fps"))
        t0 = time.perf_counter()
        saved = buf.save(out / "replay.mp4")
        save_ms = (time.perf_counter() - t0) * 1000
        lines.append(row("replay save (per frame)", [save_ms / saved],
                         f"{saved} frames in {save_ms / 1000:.1f} s"))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
