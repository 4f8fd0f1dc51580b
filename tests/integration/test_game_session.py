"""The game headless over SYNTHETIC scripted sessions: the performer answers each cue with a known
gesture at a known latency, and the trial log must say what the script did."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from tongue_mirror.app.cli import main
from tongue_mirror.app.config import RunConfig
from tongue_mirror.app.game_headless import GameRun, run_game
from tongue_mirror.core.game.plan import COMPATIBLE, INCOMPATIBLE, Trial
from tongue_mirror.core.game.scoring import (
    CORRECT,
    ERROR,
    FACE_LOST,
    IMITATION_ERROR,
    MISS,
)
from tongue_mirror.core.game.session import GameConfig
from tongue_mirror.io.recorder import VideoRecorder
from tongue_mirror.io.trial_log import COLUMNS
from tongue_mirror.synth.game_script import ScriptedTrial, game_script
from tongue_mirror.synth.performer import Performer, PerformerConfig

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
CONFIG = GameConfig(seed=5, practice=False, window_s=1.8, fixation_s=(0.6, 0.9))
SECONDS = 33.0
LOST = (0.2, 0.4)  # seconds after the cue of the face-lost trial: the camera sees no face


@dataclass
class Session:
    fps: float
    planned: list[ScriptedTrial]
    run: GameRun
    rows: list[dict[str, str]]
    tongue_onsets: list[float]  # first frame time of each labelled tongue-out run
    lost_trial: int | None
    error_trial: int


def answers(plan: tuple[Trial, ...]):
    """Tongue and mouth cues answered right at varied latencies, except one compatible mouth
    trial answered with a tongue (a plain error); lips cues (the performer cannot pucker) answered
    by copying the baby, or not at all when the baby pushed its lips out too (misses)."""
    error_trial = next(t.index for t in plan if t.condition == COMPATIBLE and t.cue == "mouth")

    def answer(trial: Trial, practice: bool) -> tuple[str, float] | None:
        latency = 0.45 + 0.05 * (trial.index % 5)
        if trial.index == error_trial:
            return "tongue", latency
        if trial.cue in ("tongue", "mouth"):
            return trial.cue, latency
        if trial.baby in ("tongue", "mouth"):
            return trial.baby, 0.5
        return None

    return answer, error_trial


def play_session(fps: float, tmp: Path, lose_face: bool) -> Session:
    from tongue_mirror.core.game.plan import make_plan

    plan = make_plan(CONFIG.seed * 1009 + 1, CONFIG.trials, CONFIG.fixation_s)
    answer, error_trial = answers(plan)
    steps, planned = game_script(CONFIG, fps, SECONDS, answer)
    assert [p.trial for p in planned] == list(plan)
    lost = next(p for p in planned if p.trial.condition == INCOMPATIBLE
                and p.trial.cue == "mouth") if lose_face else None
    portrait = cv2.imread(str(REPO / "assets" / "portraits" / "astronaut.png"))
    performer = Performer(portrait, PerformerConfig(fps=fps, head_motion=0.0, seed=1))
    clip = tmp / f"session{fps:g}.mp4"
    onsets, was_out = [], False
    with VideoRecorder(clip, fps, performer.config.size, preset="medium") as writer:
        for frame in performer.perform(steps):
            image = frame.image
            if lost is not None and LOST[0] <= frame.t - lost.cue_t < LOST[1]:
                image = np.full_like(image, 90)  # nobody in front of the camera
            if frame.tongue_out and not was_out:
                onsets.append(frame.t)
            was_out = frame.tongue_out
            writer.write(image, frame.t)
    log = tmp / f"session{fps:g}.csv"
    run = run_game(clip, log, RunConfig(), CONFIG, "scripted")
    with log.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    return Session(fps, planned, run, rows, onsets, lost.trial.index if lost else None,
                   error_trial)


@pytest.fixture(scope="module", params=[30.0, 15.0], ids=["30fps", "15fps"])
def session(request, tmp_path_factory) -> Session:
    fps = request.param
    return play_session(fps, tmp_path_factory.mktemp(f"game{fps:g}"), lose_face=fps == 30.0)


def expected_outcome(s: Session, p: ScriptedTrial) -> str:
    if p.trial.index == s.lost_trial:
        return FACE_LOST
    if not p.answer:
        return MISS
    if p.answer == p.trial.cue:
        return CORRECT
    return IMITATION_ERROR if p.answer == p.trial.baby else ERROR


def test_the_trial_log_of_a_scripted_session_matches_the_script(session):
    trials = [r for r in session.rows if r["kind"] == "trial"]
    assert len(trials) == len(session.planned) == 12
    for row, p in zip(trials, session.planned, strict=True):
        assert int(row["trial"]) == p.trial.index
        assert (row["cue"], row["baby"], row["condition"]) == (
            p.trial.cue, p.trial.baby, p.trial.condition)
        assert int(row["cue_frame"]) == p.cue_frame
        assert row["outcome"] == expected_outcome(session, p), row
        if row["outcome"] != FACE_LOST:
            assert row["response"] == p.answer
    outcomes = {r["outcome"] for r in trials}
    assert {CORRECT, ERROR, IMITATION_ERROR, MISS} <= outcomes
    summary = [r for r in session.rows if r["kind"] == "summary"]
    assert len(summary) == 1
    assert int(summary[0]["imitation_errors"]) == sum(r["outcome"] == IMITATION_ERROR
                                                      for r in trials)


def test_scripted_latencies_are_measured_within_one_frame(session):
    """The same gesture answered at different scripted latencies is measured at the same delay
    (the tracker's: the mouth has to open past the bar) within one frame."""
    frame = 1.0 / session.fps
    by_trial = {r.trial.index: r for r in session.run.trials}
    delays = []
    for p in session.planned:
        r = by_trial[p.trial.index]
        if p.answer == "mouth" and r.outcome in (CORRECT, IMITATION_ERROR, ERROR):
            assert r.rt_s is not None and p.start_s is not None
            delays.append(r.rt_s - (p.start_s - p.cue_t))
            assert r.response_frame == round((r.cue_t + r.rt_s) * session.fps)
    assert len(delays) >= 3
    assert max(delays) - min(delays) <= frame + 1e-6, delays
    assert 0.0 <= min(delays) <= 0.25


def test_tongue_onsets_are_the_labelled_tongue_out_frames(session):
    """A tongue answer's onset (the tracker's first evidence frame) sits on the frame the clip's
    label says the tongue tip passed the lip, within one frame before and two after (the
    detector needs the tongue a little further out on some frames)."""
    frame = 1.0 / session.fps
    onsets = np.array(session.tongue_onsets)
    checked = 0
    for r in session.run.trials:
        if r.response == "tongue" and r.outcome != FACE_LOST:
            assert r.rt_s is not None
            measured = r.cue_t + r.rt_s
            nearest = onsets[np.argmin(np.abs(onsets - measured))]
            assert -frame - 1e-6 <= measured - nearest <= 2 * frame + 1e-6, (measured, nearest)
            checked += 1
    assert checked >= 4


def test_game_command_scores_a_clip_and_refuses_bad_input(tmp_path, capsys):
    from tongue_mirror.io.live_feed import bundled_samples

    clip = bundled_samples()[0]
    log = tmp_path / "g.csv"
    assert main(["game", str(clip), "--csv", str(log), "--no-practice", "--window", "1.5"]) == 0
    out = capsys.readouterr().out
    assert f"trials: {log}" in out
    with log.open(newline="") as fh:
        assert tuple(next(csv.reader(fh))) == COLUMNS
    for argv, needle in ((["game", str(tmp_path / "none.mp4")], "no such video"),
                         (["game", str(clip), "--trials", "10"], "multiple of 12"),
                         (["game", str(clip), "--csv", str(tmp_path / "x.txt")], ".csv"),
                         (["game", str(clip), "--participant", "0"], "start at 1")):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("tongue-mirror: error:") and needle in err, err
