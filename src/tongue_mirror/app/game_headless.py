"""The imitation game over a video file: the same game logic as `live --game`, frame-exact, logged.

A recorded session is scored again by running it through the pipeline and the game on the file's
own presentation timestamps; the trial plan comes from the seed, so the cues fall on the frames
they fell on live (when the face was neutral at the same moments).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from tongue_mirror.app.build import build_pipeline
from tongue_mirror.app.config import RunConfig
from tongue_mirror.core.circuit_params import MODES
from tongue_mirror.core.game.scoring import Summary, TrialResult
from tongue_mirror.core.game.session import RESULTS, Game, GameConfig, GameState
from tongue_mirror.errors import UserError
from tongue_mirror.io.face_tracker import tracker_for
from tongue_mirror.io.recorder import VideoRecorder
from tongue_mirror.io.sources import open_source
from tongue_mirror.io.trial_log import TrialLog
from tongue_mirror.values import FrameResult
from tongue_mirror.view.compositor import Hud, Layout
from tongue_mirror.view.game_cards import GameView
from tongue_mirror.view.presenter import Presenter, ViewOptions

GAME_MODE = MODES[1]  # the adult preset: the baby watches you without copying you back


@dataclass(frozen=True)
class GameRun:
    """What a headless game did."""

    frames: int
    trials: tuple[TrialResult, ...]
    summary: Summary | None
    wall_s: float

    def lines(self, csv_path: Path, video: Path | None) -> list[str]:
        """Human-readable summary."""
        real = [r for r in self.trials if not r.practice]
        out = [f"read {self.frames} frames in {self.wall_s:.1f} s: {len(real)} trials scored"]
        s = self.summary
        if s is None:
            out.append("the round did not finish before the video ended")
        else:
            cost = s.imitation_cost_ms
            out.append(f"participant {s.participant}: median RT compatible "
                       f"{_ms(s.median_compatible_ms)}, incompatible "
                       f"{_ms(s.median_incompatible_ms)}, imitation cost {_ms(cost)}")
            out.append(f"errors {s.errors}, imitation errors {s.imitation_errors}, misses "
                       f"{s.misses}, face lost {s.face_lost}")
        out.append(f"trials: {csv_path}")
        if video is not None:
            out.append(f"video: {video}")
        return out


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} ms"


def run_game(source_path: Path, csv_path: Path, config: RunConfig, game_config: GameConfig,
             session: str, participant: int = 1, video: Path | None = None) -> GameRun:
    """Plays one participant's round over a file; the log holds every trial that ended."""
    start = time.perf_counter()
    game = Game(game_config)
    for _ in range(participant - 1):  # the plan depends on the participant's number
        game.start_participant()
    game.start_participant()
    trials: list[TrialResult] = []
    summary: Summary | None = None
    frames = 0
    with ExitStack() as stack:
        source = stack.enter_context(open_source(str(source_path)))
        if source.info.kind != "video":
            raise UserError(f"{source_path} is not a video file")
        tracker = tracker_for(source.info.kind, config.tracker)
        stack.enter_context(tracker)
        pipeline = build_pipeline(config, tracker)
        pipeline.circuit.set_mode(GAME_MODE)
        draw = None
        if video is not None:
            draw = _drawer(stack, video, config, source.info.fps or 30.0)
        log = stack.enter_context(TrialLog(csv_path, session, append=False))
        for frame in source:
            result = pipeline.step(frame)
            frames += 1
            state = game.update(result.face, result.tongue, frame.t, frame.index)
            pipeline.intent = state.intent
            for ended in state.ended:
                log.write(ended)
                trials.append(ended)
            if state.phase == RESULTS and summary is None and state.summary is not None:
                summary = state.summary
                log.summary(summary)
            if draw is not None:
                draw(result, state)
            elif summary is not None:
                break  # nothing left to score or draw
    return GameRun(frames, tuple(trials), summary, time.perf_counter() - start)


def _drawer(stack: ExitStack, path: Path, config: RunConfig, fps: float
            ) -> Callable[[FrameResult, GameState], None]:
    """The annotated video: the audience's picture with the game's cards on it."""
    layout = Layout.make(config.layout, config.canvas_size)
    presenter = Presenter(layout, config.gesture, camera_fit=config.camera_fit)
    cards = GameView(layout)
    recorder = stack.enter_context(VideoRecorder(path, fps, config.canvas_size))
    options = ViewOptions(mirror=config.mirror)
    hud = Hud(show_help=False)

    def draw(result: FrameResult, state: GameState) -> None:
        picture = presenter.render_audience(result, hud, options)
        recorder.write(cards.draw(picture, state), result.frame.t)

    return draw
