"""The live loop: frames in, pipeline, view, keys; recording, replay buffer and snapshots on demand."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from tongue_mirror.app.build import build_pipeline
from tongue_mirror.app.config import DEFAULT_OUT_DIR, RunConfig
from tongue_mirror.app.fps_counter import FpsCounter
from tongue_mirror.app.live_game import LiveGame
from tongue_mirror.core.calibration_session import CalibrationSession
from tongue_mirror.core.circuit_params import MODES
from tongue_mirror.core.game.session import GameConfig
from tongue_mirror.core.pipeline import LivePipeline
from tongue_mirror.errors import UserError
from tongue_mirror.io.detector_files import profile_path, save_calibration
from tongue_mirror.io.face_tracker import FaceTracker
from tongue_mirror.io.protocols import Display, Feed, Recorder, ReplayStore, Worker
from tongue_mirror.io.recorder import VideoRecorder
from tongue_mirror.io.replay_buffer import ReplayBuffer
from tongue_mirror.io.workers import BackgroundWorker
from tongue_mirror.values import FrameResult
from tongue_mirror.view.compositor import Hud, Layout
from tongue_mirror.view.presenter import Presenter, ViewOptions
from tongue_mirror.view.prompts import StagePrompter
from tongue_mirror.view.protocols import FramePresenter, Prompter
from tongue_mirror.view.story import Story
from tongue_mirror.view.text import Box

MESSAGE_S = 4.0
# Threads beside the live loop run at lower priority (nice values, Linux), so the live view
# gets the CPU first: a recording's encoder that falls behind costs held frames in the clip,
# never frames on screen; JPEGs for the replay buffer are small; saving a replay or finishing
# a file can take seconds and waits longest.
RECORD_NICE, BUFFER_NICE, SAVE_NICE = 8, 5, 10


@dataclass(frozen=True)
class LiveConfig:
    """Options of a live session on top of the pipeline's."""

    run: RunConfig = field(default_factory=RunConfig)
    out_dir: Path = DEFAULT_OUT_DIR
    record: Path | None = None  # start recording to this file at once
    replay_s: float = 20.0
    max_frames: int | None = None  # stop after this many frames (tests, benchmarks)
    title: str | None = None  # a small title line on the audience's picture
    game: GameConfig = field(default_factory=GameConfig)  # the imitation game's protocol (g)
    start_game: bool = False  # start in the game (--game)

    def __post_init__(self) -> None:
        if not 1.0 <= self.replay_s <= 120.0:
            raise ValueError("replay_s must be in 1..120 seconds")


def stamp() -> str:
    """Local date and time for output names."""
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _unexpired(timed: tuple[str, float] | None) -> str | None:
    """The text of a (text, expiry on the monotonic clock) pair until it expires."""
    return timed[0] if timed is not None and time.monotonic() < timed[1] else None


class LiveApp:
    """One live session; `run()` returns when the user quits or the feed ends."""

    def __init__(self, config: LiveConfig, feed: Feed, display: Display) -> None:
        self.config = config
        self.feed = feed
        self.display = display
        self.run_config = config.run
        self.mirror = config.run.mirror
        self.overlay = True
        self.show_help = True  # the key bar
        self.help_open = False  # the full key list ("h")
        self.story = Story()
        self._drawn_story = self.story
        self.paused = False
        self.quit = False
        self.fps = FpsCounter()
        self.recorder: Recorder | None = None
        self.recording_started = 0.0
        self.message: tuple[str, float] | None = None
        self.calibration: CalibrationSession | None = None
        self.frames = 0
        self._issued: set[Path] = set()  # output names handed out this session
        size = config.run.canvas_size
        fps = feed.info.fps or 30.0
        self.replay: ReplayStore = ReplayBuffer(seconds=config.replay_s, fps=fps, size=size)
        self._replay_worker: Worker[tuple[np.ndarray, float]] = BackgroundWorker(
            lambda item: self.replay.push(*item), max_queue=2, name="replay", nice=BUFFER_NICE)
        # Replay saves and finishing recordings, one at a time, off the live loop.
        self._saver: Worker[Callable[[], None]] = BackgroundWorker(
            lambda job: job(), max_queue=4, name="saver", nice=SAVE_NICE)
        self.presenter: FramePresenter = Presenter(Layout.make(config.run.layout, size),
                                   config.run.gesture, camera_fit=config.run.camera_fit)
        self.prompter: Prompter = StagePrompter()
        self.banner: tuple[str, float] | None = None
        self.pipeline: LivePipeline | None = None
        self.last_canvas: np.ndarray | None = None  # the screen's picture
        self.last_audience: np.ndarray | None = None  # the audience's (recorded) picture
        self.last_result: FrameResult | None = None
        self.last_text_boxes: tuple[Box, ...] = ()  # text boxes on the last screen picture (layout checks)
        self.live_game = LiveGame(config.game, self.presenter.layout,
                                  lambda: self._out_path("game", ".csv"), stamp())

    # ---- messages ----------------------------------------------------------------------------
    def say(self, text: str) -> None:
        """Shows a transient message on screen (and nowhere else)."""
        self.message = (text, time.monotonic() + MESSAGE_S)

    def announce(self, text: str) -> None:
        """Shows a transient line to the audience (recorded too), e.g. a mode change."""
        self.banner = (text, time.monotonic() + MESSAGE_S)

    def _message(self) -> str | None:
        return _unexpired(self.message)

    def _banner(self) -> str | None:
        return _unexpired(self.banner)

    # ---- outputs -----------------------------------------------------------------------------
    def _out_path(self, kind: str, suffix: str) -> Path:
        folder = self.config.out_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot write to {folder}: {exc.strerror}") from exc
        # Two presses in one second get two names: saves run later, so the file may not exist yet.
        name = f"tongue-mirror-{kind}-{stamp()}"
        path, n = folder / f"{name}{suffix}", 1
        while path in self._issued or path.exists():
            n += 1
            path = folder / f"{name}-{n}{suffix}"
        self._issued.add(path)
        return path

    def start_recording(self, path: Path | None = None) -> None:
        """Starts an H.264 recording of the composed view."""
        try:
            path = path or self._out_path("recording", ".mp4")
            # Constant rate at the camera's nominal fps; a frame the encoder has no room for
            # holds the previous picture in its slot rather than stalling the live view.
            rec = VideoRecorder(path, self.feed.info.fps or 30.0, self.run_config.canvas_size,
                                threaded=True, drop_when_busy=True, nice=RECORD_NICE)
            rec.open()
        except (UserError, OSError, ValueError) as exc:
            self.say(f"cannot record: {exc}")
            return
        self.recorder = rec
        self.recording_started = time.monotonic()
        self.say(f"recording to {path}")

    def stop_recording(self) -> None:
        """Finalises the recording off the live loop; a failure to finish is shown, never raised."""
        rec, self.recorder = self.recorder, None
        if rec is None:
            return

        def finish() -> None:
            try:
                rec.close()
                self.say(f"saved {rec.path} ({rec.frames_written} frames)")
            except (UserError, OSError) as exc:
                self.say(f"recording stopped: {exc}")

        if not self._saver.try_submit(finish):
            finish()  # the saver is full of replays: finish here rather than lose the file

    def save_replay(self) -> None:
        """Writes the last N seconds to a file on a low-priority worker (a save takes seconds)."""
        if self._saver.pending >= 2:
            self.say("still saving the last replay: press b again in a moment")
            return
        self._replay_worker.flush()  # the frames still being encoded belong in the replay
        frames = self.replay.snapshot()
        if not frames:
            self.say("nothing to save yet")
            return
        try:
            path = self._out_path("replay", ".mp4")
        except UserError as exc:
            self.say(f"cannot save replay: {exc}")
            return
        span = frames[-1].t - frames[0].t

        def save() -> None:
            try:
                n = self.replay.save(path, frames)
                self.say(f"saved last {span:.0f} s to {path} ({n} frames)")
            except (UserError, OSError, ValueError) as exc:
                self.say(f"cannot save replay: {exc}")

        self.say(f"saving last {span:.0f} s to {path}...")
        self._saver.submit(save)  # pending < 2 of 4: never waits

    @property
    def saving(self) -> int:
        """Replay saves and recordings still being written."""
        return self._saver.pending

    def wait_for_saves(self) -> None:
        """Lets replay saves and recordings in flight finish, so quitting never loses one."""
        self._saver.close()

    def snapshot(self) -> None:
        """Saves the audience's current picture as a PNG."""
        if self.last_audience is None:
            return
        try:
            path = self._out_path("snapshot", ".png")
            ok = cv2.imwrite(str(path), self.last_audience)
        except (UserError, cv2.error) as exc:
            self.say(f"cannot save snapshot: {exc}")
            return
        self.say(f"snapshot saved to {path}" if ok else f"cannot write {path}")

    # ---- keys --------------------------------------------------------------------------------
    def handle_key(self, key: int | None) -> None:
        """Acts on one key press."""
        if key is None:
            return
        ch = chr(key).lower() if 0 <= key < 256 else ""
        circuit = self.pipeline.circuit if self.pipeline else None
        if self.live_game.active and self.live_game.handle_key(ch, key):
            return
        if key == 27 or ch == "q":
            self.quit = True
        elif ch == " ":
            self.paused = not self.paused
        elif ch == "f":
            self.display.toggle_fullscreen()
        elif ch == "m":
            self.mirror = not self.mirror
            if self.pipeline:
                self.pipeline.mirror = self.mirror
        elif ch == "o":
            self.overlay = not self.overlay
        elif ch == "h":
            self.help_open = not self.help_open
        elif ch == "r":
            if self.recorder is None:
                self.start_recording()
            else:
                self.stop_recording()
        elif ch == "b":
            self.save_replay()
        elif ch == "s":
            self.snapshot()
        elif ch == "n":
            self.next_person()
        elif ch == "c":
            self.start_calibration()
        elif ch == "i" and circuit is not None:
            mode = MODES[(MODES.index(circuit.mode) + 1) % len(MODES)] if circuit.mode in MODES \
                else MODES[0]
            circuit.set_mode(mode)
            self.announce(f"{mode} mode: " + ("the baby imitates you" if mode == "infant"
                                               else "mirror neurons fire, the body stays still"))
        elif ch == "t":
            self.next_story_card()
        elif ch == "g":
            self.toggle_game()
        elif ch in "[]" and ch and circuit is not None:
            value = circuit.nudge_inhibition(-0.1 if ch == "[" else 0.1)
            self.say(f"inhibition {value:.2f}")

    def next_story_card(self) -> None:
        """Story mode: the next card over the panel (off after the last), switching the mode it shows."""
        circuit = self.pipeline.circuit if self.pipeline else None
        self.story = self.story.next(circuit.mode if circuit is not None else "")
        card = self.story.card
        if card is not None:
            self.overlay = True  # the cards are drawn over the neural panel
        mode = card.mode if card is not None else self.story.mode_before
        if circuit is not None and mode in MODES:
            circuit.set_mode(mode)

    def next_person(self) -> None:
        """Clears per-person state: gesture, circuit, calibration, traces."""
        if self.pipeline is not None:
            self.pipeline.reset_person()
        self.presenter.clear()
        self.prompter.clear()
        self.calibration = None
        self.say("ready for the next person")
        if self.live_game.active:
            self.live_game.next_participant()

    def toggle_game(self) -> None:
        """Starts the imitation game with the next participant, or leaves it."""
        if self.live_game.active:
            self.live_game.stop(self.pipeline)
            self.announce("the game is over: the baby imitates you again")
            return
        try:
            self.announce(self.live_game.start(self.pipeline))
        except UserError as exc:
            self.say(f"cannot start the game: {exc}")

    def start_calibration(self) -> None:
        """Begins the guided neutral / tongue-out calibration at the next frame, on frame time."""
        self.calibration = CalibrationSession(profile=self.run_config.profile or "default")

    def _calibrate(self, result: FrameResult) -> str | None:
        """Feeds the calibration one frame; returns the prompt to show while it runs."""
        session = self.calibration
        if session is None or self.pipeline is None:
            return None
        logit = result.reading.logit
        status = session.add(result.frame.t, logit)
        if not session.finished:
            return f"{status.prompt}: {status.countdown}"
        self.calibration = None
        try:
            calibration = session.result()
        except UserError as exc:
            self.say(str(exc))
            return None
        self.pipeline.calibrate(calibration)
        try:
            save_calibration(calibration, profile_path(session.profile))
            self.say(f"calibrated and saved as profile '{session.profile}'")
        except OSError as exc:
            self.say(f"calibrated (not saved: {exc.strerror})")
        return None

    # ---- loop --------------------------------------------------------------------------------
    def _hud(self, prompt: str | None) -> Hud:
        circuit = self.pipeline.circuit if self.pipeline else None
        status = None
        if circuit is not None:  # after [ or ] the nearest preset keeps naming the mode
            mode = circuit.mode or min(MODES, key=lambda m: abs(
                self.run_config.circuit.inhibition_for(m) - circuit.inhibition))
            status = f"{mode} \u00b7 inhibition {circuit.inhibition:.2f}"
        problem = self.feed.problem
        return Hud(fps=self.fps.fps, latency_ms=self.fps.latency_ms,
                   recording_s=(time.monotonic() - self.recording_started) if self.recorder
                   else None,
                   message=problem or self._message(), prompt=prompt, status=status,
                   show_help=self.show_help, paused=self.paused, banner=self._banner(),
                   title=self.config.title, help_open=self.help_open)

    def _options(self) -> ViewOptions:
        return ViewOptions(mirror=self.mirror, overlay=self.overlay, note=self.feed.note,
                           puppet=self.run_config.avatar == "puppet",
                           story=self.story.card, story_position=self.story.position)

    def _record(self, canvas: np.ndarray, t: float) -> None:
        # JPEG-encoded beside the loop, not in it; when that thread is behind, the frame is
        # skipped (a replay holds the previous picture in its slot) rather than waited for.
        self._replay_worker.try_submit((canvas, t))
        if self.recorder is not None:
            try:
                self.recorder.write(canvas, t)
            except (UserError, OSError) as exc:
                rec, self.recorder = self.recorder, None
                with contextlib.suppress(UserError, OSError):
                    rec.close()  # finalise what was written, as far as the disk allows
                self.say(f"recording stopped: {exc} (what was written is kept)")

    def step(self, tracker_pipeline: LivePipeline) -> None:
        """One iteration: a frame (unless paused), the view, a key."""
        self.pipeline = tracker_pipeline
        frame = None if self.paused else self.feed.next_frame()
        if frame is not None:
            result = tracker_pipeline.step(frame)
            self.last_result = result
            self.frames += 1
            prompt = self.prompter.update(result)
            if self.live_game.active:
                prompt = None  # the game's cards say what to do
                try:
                    self.live_game.on_frame(result, tracker_pipeline)
                except UserError as exc:
                    self.say(str(exc))
            prompt = self._calibrate(result) or prompt
            picture = self.presenter.render_layers(result, self._hud(prompt), self._options())
            picture = self.live_game.draw(picture)
            self.last_canvas, self.last_audience = picture.screen, picture.audience
            self.last_text_boxes = picture.boxes
            self.fps.tick(frame.capture_time)
            self._record(picture.audience, frame.t)  # recordings and replays: the audience's view
        elif self.last_result is not None and self._drawn_story != self.story:
            # paused on a story card: redraw the last frame with the new card
            picture = self.live_game.draw(self.presenter.render_layers(
                self.last_result, self._hud(None), self._options()))
            self.last_canvas, self.last_text_boxes = picture.screen, picture.boxes
        else:  # paused, camera away, or not started: same panels, fresh HUD
            picture = self.live_game.draw(
                self.presenter.recompose_layers(self._hud(None), self._options()))
            self.last_canvas, self.last_text_boxes = picture.screen, picture.boxes
        self._drawn_story = self.story
        key = self.display.show(self.last_canvas, 1 if frame is not None else 15)
        self.handle_key(key)
        if not self.display.is_open():
            self.quit = True

    def run(self) -> int:
        """Runs until quit, feed end or `max_frames`; outputs are finalised on every exit path."""
        with FaceTracker(self.run_config.tracker) as tracker:
            pipeline = build_pipeline(self.run_config, tracker)
            self.pipeline = pipeline
            if self.config.record is not None:
                self.start_recording(self.config.record)
            if self.config.start_game:
                self.toggle_game()
            try:
                while not self.quit:
                    if self.config.max_frames is not None and self.frames >= self.config.max_frames:
                        break
                    self.step(pipeline)
                    if self.feed.ended:
                        break
            finally:
                self.stop_recording()
                self.live_game.close()
                self._replay_worker.close()
                self.wait_for_saves()
        return 0

