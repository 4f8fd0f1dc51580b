"""The imitation game inside `live`: the circuit in the adult preset, the baby leading, a CSV per session.

`g` starts it (or leaves it), `n` starts the next participant, and after a practice round that
missed a gesture `p` practises again and Enter starts the trials (`c` calibrates as always).
The cards are drawn on the audience's picture, so recordings carry the cues and the results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from tongue_mirror.core.circuit_params import MODES
from tongue_mirror.core.game.session import IDLE, REVIEW, Game, GameConfig, GameState
from tongue_mirror.core.pipeline import LivePipeline
from tongue_mirror.errors import UserError
from tongue_mirror.io.trial_log import TrialLog
from tongue_mirror.values import FrameResult
from tongue_mirror.view.compositor import Layout, Picture
from tongue_mirror.view.game_cards import GameView

GAME_MODE = MODES[1]  # adult: the baby watches you without copying you back
ENTER = (10, 13)


class LiveGame:
    """The game's part of a live session; inactive until `start`."""

    def __init__(self, config: GameConfig, layout: Layout,
                 log_path: Callable[[], Path], session: str) -> None:
        self.game = Game(config)
        self.view = GameView(layout)
        self._log_path = log_path
        self._session = session
        self.log: TrialLog | None = None
        self.state = GameState()
        self._mode_before: str | None = None

    @property
    def active(self) -> bool:
        """The game runs (practice, trials, review or results on screen)."""
        return self.game.phase != IDLE

    def start(self, pipeline: LivePipeline | None) -> str:
        """Enters the game with the next participant; returns what to tell the audience."""
        if self.log is None:
            log = TrialLog(self._log_path(), self._session)
            log.open()  # a UserError (disk) reaches the caller before the game starts
            self.log = log
        if pipeline is not None:
            self._mode_before = pipeline.circuit.mode or None
            pipeline.circuit.set_mode(GAME_MODE)
        self.game.start_participant()
        return "imitation game: do what the card says, not what the baby does"

    def stop(self, pipeline: LivePipeline | None) -> None:
        """Leaves the game: the baby imitates again (the mode from before)."""
        self.game.stop()
        self.state = GameState()
        if pipeline is not None:
            pipeline.intent = {}
            pipeline.circuit.set_mode(self._mode_before or MODES[0])

    def next_participant(self) -> None:
        """The next participant's practice (the app resets gesture, circuit and calibration)."""
        self.game.start_participant()

    def handle_key(self, ch: str, key: int) -> bool:
        """p and Enter after a practice that missed a gesture; True when the key was taken."""
        if self.game.phase != REVIEW:
            return False
        if ch == "p":
            self.game.retry_practice()
            return True
        if key in ENTER:
            self.game.start_trials()
            return True
        return False

    def on_frame(self, result: FrameResult, pipeline: LivePipeline) -> GameState:
        """Advances the game on this frame's timestamp, commands the baby, logs ended trials."""
        frame = result.frame
        self.state = self.game.update(result.face, result.tongue, frame.t, frame.index)
        pipeline.intent = self.state.intent
        if self.log is not None:
            try:
                for ended in self.state.ended:
                    self.log.write(ended)
                if self.state.summary is not None and any(not r.practice for r in self.state.ended):
                    self.log.summary(self.state.summary)
            except (OSError, UserError) as exc:
                self.log = None
                raise UserError(f"cannot write the game log: {exc}") from exc
        return self.state

    def draw(self, picture: Picture) -> Picture:
        """Both pictures with this state's card (the audience's is what recordings carry)."""
        if not self.active:
            return picture
        return replace(picture, audience=self.view.draw(picture.audience, self.state),
                       screen=self.view.draw(picture.screen, self.state))

    def close(self) -> None:
        """Closes the log (every row is already on disk)."""
        if self.log is not None:
            self.log.close()
            self.log = None
