"""The story key in `live`: steps through the cards, shows adult mode live, puts the mode back."""

from __future__ import annotations

import argparse
from pathlib import Path
from types import SimpleNamespace

from tongue_mirror.app.commands.live import register
from tongue_mirror.app.live import LiveApp, LiveConfig
from tongue_mirror.core.circuit import MirrorCircuit
from tongue_mirror.view.compositor import HELP_KEYS
from tongue_mirror.view.story import CARDS


def test_t_steps_through_the_story_switching_modes_and_restoring_the_last():
    feed = SimpleNamespace(info=SimpleNamespace(fps=30.0))
    app = LiveApp(LiveConfig(), feed, display=None)
    circuit = MirrorCircuit(mode="adult")
    app.pipeline = SimpleNamespace(circuit=circuit)
    app.overlay = False
    modes, titles = [], []
    for _ in CARDS:
        app.handle_key(ord("t"))
        titles.append(app.story.card.title)
        modes.append(circuit.mode)
    assert titles == [c.title for c in CARDS]
    assert modes == ["infant", "infant", "adult", "infant"]
    assert app.overlay  # the cards sit on the neural panel
    app.handle_key(ord("T"))
    assert app.story.card is None
    assert circuit.mode == "adult"  # what the presenter had before the story
    app._replay_worker.close()


def test_story_key_is_listed():
    assert "t story" in HELP_KEYS
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "`t` story mode" in readme
    sub = argparse.ArgumentParser().add_subparsers()
    register(sub)
    assert "t story mode" in " ".join(sub.choices["live"].description.split())
