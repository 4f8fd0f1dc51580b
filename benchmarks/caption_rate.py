"""Prints how often the neural panel's caption changes per minute: the circuit's raw phase (the old
caption) against the caption state machine, on the per-frame CSVs `tongue-mirror process` writes.

Usage: python benchmarks/caption_rate.py CLIP.frames.csv [...]   (asserts nothing)
Make the CSVs with: tongue-mirror process CLIP.mp4 --no-video --frames OUT.frames.csv
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
from pathlib import Path

import numpy as np

from tongue_mirror.core.circuit_params import POPULATIONS, CircuitParams
from tongue_mirror.values import NeuralState
from tongue_mirror.view.caption import CaptionMachine, Levels


def states(path: Path, params: CircuitParams) -> list[tuple[NeuralState, str]]:
    """NeuralStates (rates only) and the raw phase, row by row."""
    spont, peak = params.rate_range("motor")
    threshold = spont + (peak - spont) * params.motor_threshold
    out = []
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            rates = {pop: np.array([float(row.get(f"rate_{pop}_{c}") or "nan")
                                    for c in params.channels]) for pop in POPULATIONS}
            out.append((NeuralState(
                t=float(row["t"]), channels=params.channels, rates=rates, spikes={},
                movement={}, attribution=row.get("attribution", ""),
                inhibition=float(row.get("inhibition") or 0.0),
                rate_ranges={pop: params.rate_range(pop) for pop in POPULATIONS},
                motor_threshold_rate=threshold, phase=row.get("phase", "")), row.get("phase", "")))
    return out


def changes(values: list[str]) -> int:
    return sum(a != b for a, b in itertools.pairwise(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv", type=Path, nargs="+")
    args = parser.parse_args()
    params = CircuitParams()
    print(f"{'clip':<44} {'minutes':>7} {'old/min':>8} {'new/min':>8}  new captions seen")
    for path in args.csv:
        rows = states(path, params)
        if len(rows) < 2:
            continue
        minutes = (rows[-1][0].t - rows[0][0].t) / 60.0
        machine = CaptionMachine()
        shown = []
        for state, _ in rows:
            shown.append(machine.update(state.t, Levels.from_state(state)).text(state.mode or "infant"))
        old = changes([phase for _, phase in rows])
        new = changes(shown)
        kinds = sorted(set(shown), key=shown.index)
        old_rate = old / minutes if minutes > 0 else math.nan
        new_rate = new / minutes if minutes > 0 else math.nan
        print(f"{path.name[:44]:<44} {minutes:>7.2f} {old_rate:>8.1f} {new_rate:>8.1f}  "
              f"{' | '.join(kinds)}")


if __name__ == "__main__":
    main()
