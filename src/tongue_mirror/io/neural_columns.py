"""Flattens a NeuralState into named columns, so the per-frame CSV logs what the panel shows."""

from __future__ import annotations

import math

from tongue_mirror.values import NeuralState


def neural_columns(state: NeuralState) -> dict[str, float | str]:
    """Column name → value: rates per population and channel, movement, comparator, attribution."""
    row: dict[str, float | str] = {}
    for pop, rates in state.rates.items():
        for i, channel in enumerate(state.channels):
            row[f"rate_{pop}_{channel}"] = round(float(rates[i]), 3)
    for i, channel in enumerate(state.channels):
        row[f"movement_{channel}"] = round(float(state.movement.get(channel, math.nan)), 4)
        for name, values in state.signals.items():
            row[f"{name}_{channel}"] = round(float(values[i]), 4)
    row["attribution"] = state.attribution
    row["phase"] = state.phase
    row["inhibition"] = round(state.inhibition, 4)
    return row
