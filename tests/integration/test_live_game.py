"""The imitation game in `live`: g starts it, the cards are on the recorded picture, n the next player."""

from __future__ import annotations

import argparse
import csv

import av
import numpy as np
import pytest
from test_live_loop import ScriptedDisplay

from tongue_mirror.app.commands.live import register
from tongue_mirror.app.live import LiveApp, LiveConfig
from tongue_mirror.core.game.session import PRACTICE, REVIEW, TRIALS, GameConfig
from tongue_mirror.io.live_feed import LiveFeed, bundled_samples
from tongue_mirror.io.trial_log import COLUMNS
from tongue_mirror.io.video_file import VideoFileSource
from tongue_mirror.view.compositor import HELP_KEYS, KEY_BAR
from tongue_mirror.view.game_cards import CARD


def card_share(image: np.ndarray, rect) -> float:
    """Share of a rectangle painted in the card's colour."""
    x, y, w, h = rect
    region = image[y:y + h, x:x + w].astype(int)
    return float((np.abs(region - np.array(CARD)).sum(axis=2) < 12).mean())


def test_g_plays_the_game_recorded_with_its_cards_and_n_starts_the_next_participant(tmp_path):
    keys = {2: "g", 5: "r", 30: "r", 35: "n", 40: "g", 45: "q"}
    display = ScriptedDisplay(keys)
    config = LiveConfig(out_dir=tmp_path, game=GameConfig(fixation_s=(0.3, 0.4)))
    with LiveFeed(VideoFileSource(bundled_samples()[0])) as feed:
        app = LiveApp(config, feed, display)
        phases, modes = [], []
        original = display.show

        def show(canvas, wait_ms=1):
            phases.append(app.live_game.game.phase)
            modes.append(app.pipeline.circuit.mode if app.pipeline else "")
            return original(canvas, wait_ms)

        display.show = show
        assert app.run() == 0
    assert phases[3:38] == [PRACTICE] * 35 and modes[3] == "adult"
    assert app.live_game.game._participant == 2  # n started the next participant
    assert not app.live_game.active and app.pipeline.circuit.mode == "infant"  # g left it
    logs = sorted(tmp_path.glob("tongue-mirror-game-*.csv"))
    assert len(logs) == 1
    with logs[0].open(newline="") as fh:
        assert tuple(next(csv.reader(fh))) == COLUMNS
    (recording,) = tmp_path.glob("tongue-mirror-recording-*.mp4")
    with av.open(str(recording)) as c:
        first = next(c.decode(video=0)).to_ndarray(format="bgr24")
    rect = app.live_game.view.card_rect()
    assert card_share(first, rect) > 0.5  # the audience's picture carries the game's card
    assert card_share(display.shown[-1], rect) < 0.5  # and after g, no card


def test_after_a_practice_that_missed_p_practises_again_and_enter_starts():
    from types import SimpleNamespace

    feed = SimpleNamespace(info=SimpleNamespace(fps=30.0))
    app = LiveApp(LiveConfig(), feed, display=None)
    app.live_game.game.start_participant()
    app.live_game.game._phase = REVIEW
    app.handle_key(ord("p"))
    assert app.live_game.game.phase == PRACTICE
    app.live_game.game._phase = REVIEW
    app.handle_key(13)
    assert app.live_game.game.phase == TRIALS
    app._replay_worker.close()


def test_game_key_and_flag_are_listed():
    assert any(k == "g" for k, _ in HELP_KEYS) and "g game" in KEY_BAR
    sub = argparse.ArgumentParser().add_subparsers()
    register(sub)
    live = sub.choices["live"]
    assert "g imitation game" in " ".join(live.description.split())
    args = live.parse_args(["--game", "--trials", "24"])
    assert args.game and args.trials == 24


@pytest.mark.parametrize("bad", [["--trials", "7"], ["--window", "0"]])
def test_bad_game_options_are_one_line_errors(bad, capsys):
    from tongue_mirror.app.cli import main

    assert main(["game", str(bundled_samples()[0]), *bad]) == 2
    assert capsys.readouterr().err.startswith("tongue-mirror: error:")
