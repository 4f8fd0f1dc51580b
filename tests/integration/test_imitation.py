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
    events = events_of(clip, "infant", tmp_path)
    starts = [e["t"] for e in events if e["event"] == "tongue_out_start"]
    imitations = [e["t"] for e in events if e["event"] == "imitation_start"]
    assert starts, "the detector found no tongue-out in the sample"
    assert len(imitations) == len(starts)
    latency = expected_imitation_latency(CircuitParams(), mode="infant")
    for seen, imitated in zip(starts, imitations, strict=True):
        assert imitated - seen == pytest.approx(latency, abs=FRAME_S)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"{latency:.3f} s" in readme


@pytest.mark.parametrize("clip", bundled_samples()[:1], ids=lambda p: p.stem)
def test_adult_mirrors_without_imitating(clip, tmp_path):
    events = events_of(clip, "adult", tmp_path)
    assert any(e["event"] == "tongue_out_start" for e in events)
    assert not any(e["event"] == "imitation_start" for e in events)
