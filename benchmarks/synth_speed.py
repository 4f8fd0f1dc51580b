"""How fast the synthetic performer makes frames and clips (prints a table; asserts nothing).

    PYTHONPATH=src python benchmarks/synth_speed.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from tongue_mirror.synth.performer import Performer, PerformerConfig
from tongue_mirror.synth.portraits import load_portrait
from tongue_mirror.synth.script import parse_script
from tongue_mirror.synth.tongue import render_tongue

SCRIPT = "neutral:0.5,tongue:1.0,talk:1.0,yawn:0.5"


def _ms(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def _measure(name: str) -> tuple:
    perf = Performer(load_portrait(name), PerformerConfig(seed=1))
    poses = perf.poses(parse_script(SCRIPT))
    frame_ms = [_ms(lambda p=p, i=i: perf.render(p, i), 1)[0] for i, p in enumerate(poses)]
    pose = max(poses, key=lambda p: p.extension)
    lms = perf.posed_landmarks(pose)
    tongue_ms = _ms(lambda: render_tongue(perf.base, lms, pose.extension, pose.direction,
                                          rng=1, style=perf.style), 20)
    closed_ms = _ms(lambda: render_tongue(perf.base, perf.neutral, 0.9, (0.0, 1.0), rng=1), 10)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        perf.write_clip(Path(tmp) / "c.mp4", parse_script(SCRIPT))
        clip_s = time.perf_counter() - t0
    return (name, statistics.median(frame_ms), float(np.percentile(frame_ms, 90)),
            statistics.median(tongue_ms), statistics.median(closed_ms), clip_s)


def main() -> None:
    rows = [_measure(name) for name in ("astronaut", "hopper")]
    print(f"synthetic performer, 640x480 @ 30 fps, script {SCRIPT} (3.0 s = 90 frames)")
    print(f"{'portrait':<10} {'frame ms':>9} {'p90 ms':>7} {'tongue ms':>10} "
          f"{'tongue+open ms':>15} {'3 s clip s':>11}")
    for name, med, p90, tongue, closed, clip in rows:
        print(f"{name:<10} {med:>9.1f} {p90:>7.1f} {tongue:>10.1f} {closed:>15.1f} {clip:>11.2f}")


if __name__ == "__main__":
    main()
