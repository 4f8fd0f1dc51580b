"""On the synthetic performer's clips the infant imitates every tongue-out, the adult none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tongue_mirror.app.config import RunConfig
from tongue_mirror.app.process import ProcessOutputs, run_process
from tongue_mirror.core.circuit import expected_imitation_latency
from tongue_mirror.core.circuit_params import CircuitParams
from tongue_mirror.io.live_feed import bundled_samples

FRAME_S = 1.0 / 30.0


def events_of(clip: Path, mode: str, tmp_path: Path) -> list[dict]:
    outputs = ProcessOutputs(video=None, events=tmp_path / f"{mode}.jsonl", frames=None)
    run_process(clip, outputs, RunConfig(mode=mode), show_progress=False)
    return [json.loads(line) for line in outputs.events.read_text().splitlines()]


@pytest.mark.parametrize("clip", bundled_samples(), ids=lambda p: p.stem)
def test_infant_imitates_each_tongue_out_with_the_stated_latency(clip, tmp_path):
    # The circuit sees the debounced gesture as a step and acts `latency` after it starts: a
    # tongue-out the tracker holds at least that long is imitated then, one it drops sooner (a
    # flick read late, ended before the baby could answer) need not be; no imitation comes
    # without a tongue-out `latency` before it.
    events = events_of(clip, "infant", tmp_path)
    starts = [e["t"] for e in events if e["event"] == "tongue_out_start"]
    ends = [e["t"] for e in events if e["event"] == "tongue_out_end"]
    imitations = [e["t"] for e in events if e["event"] == "imitation_start"]
    assert starts, "the detector found no tongue-out in the sample"
    latency = expected_imitation_latency(CircuitParams(), mode="infant")
    held = [s for s, e in zip(starts, ends, strict=False) if e - s >= latency]
    assert held, "no tongue-out in the sample lasted long enough to be imitated"
    for seen in held:
        assert any(i - seen == pytest.approx(latency, abs=FRAME_S) for i in imitations), seen
    for imitated in imitations:
        assert any(imitated - s == pytest.approx(latency, abs=FRAME_S) for s in starts), imitated
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"{latency:.3f} s" in readme


@pytest.mark.parametrize("clip", bundled_samples()[:1], ids=lambda p: p.stem)
def test_adult_mirrors_without_imitating(clip, tmp_path):
    events = events_of(clip, "adult", tmp_path)
    assert any(e["event"] == "tongue_out_start" for e in events)
    assert not any(e["event"] == "imitation_start" for e in events)
