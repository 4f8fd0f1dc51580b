"""Avatar cost per frame: render at workshop panel sizes and animator step (target: <= 3 ms render
at 640x720). Prints a table; asserts nothing.

    PYTHONPATH=src python benchmarks/avatar_cost.py [--frames 300]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from tongue_mirror.core.avatar_motion import AvatarAnimator, AvatarDrive
from tongue_mirror.view.avatar_renderer import AvatarRenderer


def drives(n: int, fps: float) -> list[tuple[float, AvatarDrive]]:
    """A busy scripted session: the user moves, sticks the tongue out in all directions."""
    out = []
    for i in range(n):
        t = i / fps
        phase = (t % 4.0) / 4.0
        ext = max(0.0, math.sin(math.pi * phase)) if int(t / 4.0) % 2 == 0 else 0.0
        ang = t * 0.7
        out.append((t, AvatarDrive(tongue=ext, jaw=0.4 * ext, lips=0.2 * (1 - ext),
                                   tongue_direction=(math.cos(ang), math.sin(ang)),
                                   face_position=(0.5 * math.sin(t * 0.5), 0.1),
                                   user_yaw=0.2 * math.sin(t), imitation_success=(i % 150 == 0))))
    return out


def stats(samples: list[float]) -> tuple[float, float]:
    a = np.array(samples) * 1e3
    return float(np.median(a)), float(np.percentile(a, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    script = drives(args.frames, 30.0)
    animator = AvatarAnimator(seed=0)
    step_t, poses = [], []
    for t, d in script:
        t0 = time.perf_counter()
        poses.append(animator.step(t, d))
        step_t.append(time.perf_counter() - t0)
    rows = []
    for size in ((320, 360), (640, 720), (1280, 720), (1920, 1080)):
        t0 = time.perf_counter()
        renderer = AvatarRenderer(size)
        setup = time.perf_counter() - t0
        renderer.render(poses[0])  # warm-up
        times, cpu = [], []
        for i, pose in enumerate(poses):
            caption = "stick your tongue out at the baby" if i % 2 else None
            t0, c0 = time.perf_counter(), time.thread_time()
            renderer.render(pose, overlay_text=caption)
            times.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
        note = f"static layers built in {setup * 1e3:.0f} ms"
        rows.append((f"render {size[0]}x{size[1]}", *stats(times), *stats(cpu), note))
    rows.append(("animator step", *stats(step_t), float("nan"), float("nan"), ""))
    head = ("what", "wall median", "wall p95", "cpu median", "cpu p95")
    print(f"{head[0]:22s} {head[1]:>11s} {head[2]:>9s} {head[3]:>11s} {head[4]:>8s}  (ms)")
    for name, med, p95, cmed, cp95, note in rows:
        print(f"{name:22s} {med:11.3f} {p95:9.3f} {cmed:11.3f} {cp95:8.3f}  {note}")
    print("wall time includes waiting for a core on a loaded machine; cpu is the thread's own")


if __name__ == "__main__":
    main()
