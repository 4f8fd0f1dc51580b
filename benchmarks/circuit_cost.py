"""Prints what the mirror circuit and its panel cost per frame (median, p95); asserts nothing.

Wall-clock times include being descheduled on a busy machine; thread CPU time does not, so both
are shown.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tongue_mirror.core.circuit import MirrorCircuit
from tongue_mirror.view.neural_panel import NeuralPanel


def gesture(t: float) -> dict[str, float]:
    """Tongue out 2 s of every 4 s, jaw a little open, lips still."""
    return {"tongue": 1.0 if (t % 4.0) >= 2.0 else 0.0, "jaw": 0.3, "lips": 0.0}


def measure(fps: float, seconds: float, size: tuple[int, int], mode: str) -> dict[str, list]:
    circuit = MirrorCircuit(mode=mode, seed=0)
    panel = NeuralPanel(size)
    costs: dict[str, list[tuple[float, float]]] = {"circuit advance": [], "panel render": []}
    for i in range(int(seconds * fps)):
        t = i / fps
        w0, c0 = time.perf_counter(), time.thread_time()
        state = circuit.advance_to(t, gesture(t), frame=i)
        w1, c1 = time.perf_counter(), time.thread_time()
        panel.render(state)
        w2, c2 = time.perf_counter(), time.thread_time()
        if i >= fps:  # skip the first second (caches, first allocations)
            costs["circuit advance"].append(((w1 - w0) * 1e3, (c1 - c0) * 1e3))
            costs["panel render"].append(((w2 - w1) * 1e3, (c2 - c1) * 1e3))
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--fps", type=float, default=30.0)
    args = parser.parse_args()
    print(f"{'what':<16} {'size':>10} {'mode':>7} {'wall median':>12} {'wall p95':>9} "
          f"{'cpu median':>11} {'cpu p95':>8}   (ms per frame)")
    for size in ((640, 360), (1280, 720), (1920, 1080)):
        for mode in ("infant", "adult"):
            costs = measure(args.fps, args.seconds, size, mode)
            for what, values in costs.items():
                if what == "circuit advance" and size != (640, 360):
                    continue  # the circuit does not depend on the panel size
                v = np.array(values)
                print(f"{what:<16} {size[0]:>5}x{size[1]:<4} {mode:>7} "
                      f"{np.median(v[:, 0]):>12.3f} {np.percentile(v[:, 0], 95):>9.3f} "
                      f"{np.median(v[:, 1]):>11.3f} {np.percentile(v[:, 1], 95):>8.3f}")

if __name__ == "__main__":
    main()
