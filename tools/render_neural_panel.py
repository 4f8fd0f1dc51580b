"""Writes example PNGs of the neural panel (infant and adult) so a person can look at them."""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2

from tongue_mirror.core.circuit import MirrorCircuit, expected_imitation_latency
from tongue_mirror.view.neural_panel import NeuralPanel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("neural_panel"))
    parser.add_argument("--size", type=int, nargs=2, default=(1280, 720), metavar=("W", "H"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"infant imitation latency: {expected_imitation_latency():.3f} s")
    for mode, stop in (("infant", 6.5), ("infant", 2.4), ("adult", 2.4), ("adult", 6.5)):
        circuit = MirrorCircuit(mode=mode, seed=3)
        panel = NeuralPanel(tuple(args.size))
        img = None
        for i in range(int(stop * 30)):
            t = i / 30
            seen = 1.0 if (1.0 <= t < 3.0) or (4.5 <= t < 5.5) else 0.0
            img = panel.render(circuit.advance_to(t, {"tongue": seen}, frame=i))
        path = args.out / f"{mode}_{stop:.1f}s.png"
        cv2.imwrite(str(path), img)
        print(path)


if __name__ == "__main__":
    main()
