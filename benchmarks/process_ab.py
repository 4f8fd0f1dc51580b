"""Compares `process` speed between two checkouts, alternated round by round on the same machine.

    git archive REV src assets | tar -x -C /tmp/before     # a checkout without git metadata
    python benchmarks/process_ab.py /tmp/before . [--seconds 20] [--rounds 4]

Each round runs, for each checkout in turn and in its own interpreter: the landmarker alone over
the clip's frames in memory, then `run_process` without and with video over the clip looped to
--seconds (rates include each run's set-up, so both sides carry the same small bias). A busy
machine moves the fps a lot and the CPU per frame little; alternating puts both sides under the
same load. Nothing here asserts: it prints a table and the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

# Runs inside each checkout's interpreter; needs only names both sides have.
PROBE = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from throughput import load_frames, loop_clip
from tongue_mirror.app.config import RunConfig
from tongue_mirror.app.process import ProcessOutputs, run_process
from tongue_mirror.io.face_tracker import FaceTracker

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

config, out = RunConfig(), {}
with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    clip = tmp / "loop.mp4"
    loop_clip(Path(sys.argv[1]), float(sys.argv[2]), clip)
    frames, _ = load_frames(clip)
    with FaceTracker(config.tracker) as tracker:
        tracker.track(frames[0])
        c0, t0 = cpu(), time.perf_counter()
        for frame in frames[1:]:
            tracker.track(frame)
        out["landmarker"] = ((len(frames) - 1) / (time.perf_counter() - t0),
                             (cpu() - c0) / (len(frames) - 1) * 1e3)
    for name, video in (("analysis", None), ("full", tmp / "out.mp4")):
        c0, t0 = cpu(), time.perf_counter()
        summary = run_process(clip, ProcessOutputs(video, tmp / "e.jsonl", tmp / "f.csv"), config,
                              show_progress=False)
        out[name] = (summary.frames / (time.perf_counter() - t0),
                     (cpu() - c0) / summary.frames * 1e3)
print(json.dumps(out))
"""

PASSES = ("landmarker", "analysis", "full")


def probe(tree: Path, clip: Path, seconds: float) -> dict[str, tuple[float, float]]:
    """One round's figures for the checkout at `tree` (its src/ first on the path)."""
    env = dict(os.environ, PYTHONPATH=str(tree.resolve() / "src"))
    done = subprocess.run([sys.executable, "-c", PROBE, str(clip), str(seconds),
                           str(Path(__file__).resolve().parent)],
                          env=env, capture_output=True, text=True, check=True)
    return {k: (v[0], v[1]) for k, v in json.loads(done.stdout.splitlines()[-1]).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="a checkout (with src/ and assets/)")
    parser.add_argument("after", type=Path)
    parser.add_argument("clip", nargs="?", type=Path,
                        default=Path(__file__).resolve().parents[1] / "assets" / "samples"
                        / "astronaut_tongue.mp4")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--clip-fps", type=float, default=30.0)
    args = parser.parse_args()
    sides = {"before": args.before, "after": args.after}
    runs: dict[str, list[dict[str, tuple[float, float]]]] = {side: [] for side in sides}
    print(f"{'round':<7}{'side':<8}" + "".join(f"{p + ' fps':>16}" for p in PASSES)
          + "".join(f"{p + ' cpu ms':>18}" for p in PASSES))
    for i in range(1, args.rounds + 1):
        order = list(sides) if i % 2 else list(sides)[::-1]
        for side in order:
            figures = probe(sides[side], args.clip, args.seconds)
            runs[side].append(figures)
            print(f"{i:<7}{side:<8}" + "".join(f"{figures[p][0]:16.1f}" for p in PASSES)
                  + "".join(f"{figures[p][1]:18.2f}" for p in PASSES))
    print()
    print(f"{'median':<15}{'analysis/landmarker':>21}{'full/clip':>11}"
          + "".join(f"{p + ' cpu ms':>18}" for p in PASSES))
    for side, rounds in runs.items():
        ratio = statistics.median(r["analysis"][0] / r["landmarker"][0] for r in rounds)
        realtime = statistics.median(r["full"][0] / args.clip_fps for r in rounds)
        cpus = [statistics.median(r[p][1] for r in rounds) for p in PASSES]
        print(f"{side:<15}{ratio:21.3f}{realtime:10.2f}x" + "".join(f"{c:18.2f}" for c in cpus))


if __name__ == "__main__":
    main()
