"""The story key in `live`: steps through the cards, shows adult mode live, puts the mode back."""

from __future__ import annotations

import argparse
from pathlib import Path
from types import SimpleNamespace

from tongue_mirror.app.commands.live import register
from tongue_mirror.app.live import LiveApp, LiveConfig
from tongue_mirror.core.circuit import MirrorCircuit
from tongue_mirror.view.compositor import HELP_KEYS, KEY_BAR
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
    assert ("t", "story cards") in HELP_KEYS and "t story" in KEY_BAR
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "`t` story mode" in readme
    sub = argparse.ArgumentParser().add_subparsers()
    register(sub)
    assert "t story mode" in " ".join(sub.choices["live"].description.split())


class _Presenter:
    picture = SimpleNamespace(screen="canvas", audience="canvas", boxes=())

    def __init__(self):
        self.rendered, self.recomposed = [], 0

    def render_layers(self, result, hud, options):
        self.rendered.append(options.story)
        return self.picture

    def recompose_layers(self, hud, options):
        self.recomposed += 1
        return self.picture


class _Display:
    def show(self, canvas, wait_ms=1):
        return None

    def is_open(self):
        return True


def test_paused_on_a_card_the_next_card_is_drawn():
    feed = SimpleNamespace(info=SimpleNamespace(fps=30.0), problem=None, note=None)
    app = LiveApp(LiveConfig(), feed, display=_Display())
    pipeline = SimpleNamespace(circuit=MirrorCircuit())
    app.pipeline = pipeline
    app.presenter = _Presenter()
    app.last_result = object()
    app.paused = True
    app.step(pipeline)
    assert app.presenter.rendered == [] and app.presenter.recomposed == 1
    app.handle_key(ord("t"))
    app.step(pipeline)
    app.step(pipeline)  # nothing changed: no redraw
    assert app.presenter.rendered == [CARDS[0]]
    app._replay_worker.close()
