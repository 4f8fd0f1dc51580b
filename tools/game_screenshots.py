"""Plays the imitation game in the real `live` window under Xvfb + openbox at 1920x1080, with a
SYNTHETIC performer as the camera, and keeps screenshots for docs/screenshots.

usage: python tools/game_screenshots.py OUT_DIR [--seconds-between 3.0] [--only round|practice|headless]

`headless` scores the round's clip with `tongue-mirror game -o` at 1920x1080 and keeps two frames
of its annotated video, frame-exact whatever the machine's load: game_trial.jpg (half a second
after the cue of the first incompatible trial where the baby sticks its tongue out) and
game_results.jpg. Then two live sessions: a full round (no practice) whose performer answers
each cue on a script, and a practice round whose performer cannot push its lips out
(MediaPipe scores the synthetic pucker at about 0.04), so the practice review asks to practise
again. The performer is scripted: its
"imitation cost" is the one written in `answer` below, not a measurement of anybody. Screen shots
are taken every few seconds (numbered, to be chosen by eye; each costs the loop frames on a
busy machine, so not every second) and the game's own CSV is printed. Needs Xvfb, openbox,
xdotool and imagemagick.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import time
from pathlib import Path

import av
import cv2

from tongue_mirror.core.game.session import GameConfig
from tongue_mirror.synth.game_script import game_script
from tongue_mirror.synth.performer import Performer, PerformerConfig
from tongue_mirror.synth.script import script_seconds
from tools.window_screenshots import running, x_screen

REPO = Path(__file__).resolve().parents[1]
FPS = 30.0
SEED = 3


def answer(trial, practice):
    """Right answers, 100 ms later when the baby does something else; lips cues (the performer
    cannot pucker) copy the baby once and are missed otherwise."""
    if trial.cue in ("tongue", "mouth"):
        base = 0.55 if trial.condition != "incompatible" else 0.65
        return trial.cue, base + 0.03 * (trial.index % 4)
    if trial.condition == "incompatible" and trial.baby in ("tongue", "mouth") and trial.index % 2:
        return trial.baby, 0.5
    return None


def make_clip(path: Path, config: GameConfig, seconds: float) -> None:
    # gestures held 1.5 s, as people do: a loop that a busy machine slows to a few frames a
    # second still sees each one on several frames
    steps, _ = game_script(config, FPS, seconds, answer, hold_s=1.5)
    portrait = cv2.imread(str(REPO / "assets" / "portraits" / "astronaut.png"))
    Performer(portrait, PerformerConfig(fps=FPS, head_motion=0.5, seed=1)).write_clip(path, steps)
    print(f"{path}: {script_seconds(steps):.1f} s")


def play(out: Path, n: int, name: str, clip: Path, seconds: float, every: float,
         extra: list[str]) -> Path:
    """Runs live on the clip, screenshots every `every` s; returns its out-dir."""
    tmp = out / "tmp" / name
    tmp.mkdir(parents=True, exist_ok=True)
    with x_screen(n, "1920x1080") as env, open(tmp / "stderr.txt", "w") as err, running(
            [sys.executable, "-m", "tongue_mirror", "live", "--fullscreen", "--game", "--seed",
             str(SEED), "--source", str(clip), "--out-dir", str(tmp), *extra],
            env, stdout=subprocess.DEVNULL, stderr=err) as live:
        deadline = time.monotonic() + 60
        window = ""
        while not window and time.monotonic() < deadline:
            time.sleep(0.5)
            found = subprocess.run(["xdotool", "search", "--name", "^tongue-mirror$"], env=env,
                                   capture_output=True, text=True).stdout.split()
            window = found[0] if found else ""
        start = time.monotonic()
        i = 0
        while time.monotonic() - start < seconds:
            subprocess.run(["import", "-window", "root", str(tmp / f"{name}-{i:03d}.png")],
                           env=env, timeout=60)
            i += 1
            time.sleep(max(0.0, start + i * every - time.monotonic()))
        subprocess.run(["xdotool", "windowfocus", "--sync", window, "key", "q"], env=env,
                       timeout=30)
        live.wait(timeout=60)
    return tmp


def headless(out: Path, clip: Path, config: GameConfig) -> None:
    """The annotated video of `game` over the clip; two of its frames into OUT_DIR."""
    tmp = out / "tmp"
    log, video = tmp / "headless.csv", tmp / "headless.mp4"
    subprocess.run([sys.executable, "-m", "tongue_mirror", "game", str(clip), "--seed",
                    str(config.seed), "--no-practice", "--canvas", "1920x1080", "--csv", str(log),
                    "-o", str(video)], check=True)
    with log.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    shown = next(r for r in rows if r["kind"] == "trial" and r["condition"] == "incompatible"
                 and r["baby"] == "tongue")
    wanted = {int(shown["cue_frame"]) + round(0.5 * FPS): "game_trial.jpg"}
    with av.open(str(video)) as c:
        last = None
        for i, frame in enumerate(c.decode(video=0)):
            last = frame
            if i in wanted:
                cv2.imwrite(str(out / wanted[i]), frame.to_ndarray(format="bgr24"),
                            [cv2.IMWRITE_JPEG_QUALITY, 90])
    if last is not None:  # the results card stays to the end of the clip
        cv2.imwrite(str(out / "game_results.jpg"), last.to_ndarray(format="bgr24"),
                    [cv2.IMWRITE_JPEG_QUALITY, 90])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seconds-between", type=float, default=3.0)
    parser.add_argument("--only", choices=("round", "practice", "headless"), default=None)
    args = parser.parse_args()
    for tool in ("Xvfb", "openbox", "xdotool", "import"):
        if not shutil.which(tool):
            print(f"game_screenshots: needs {tool}", file=sys.stderr)
            return 2
    out = args.out
    (out / "tmp").mkdir(parents=True, exist_ok=True)
    round_config = GameConfig(seed=SEED, practice=False)
    round_clip, round_s = out / "tmp" / "round.mp4", 62.0
    if args.only in (None, "round", "headless") and not round_clip.exists():
        make_clip(round_clip, round_config, round_s)
    if args.only in (None, "headless"):
        headless(out, round_clip, round_config)
    if args.only in (None, "round"):
        tmp = play(out, 73, "round", round_clip, round_s, args.seconds_between, ["--no-practice"])
        for log in tmp.glob("tongue-mirror-game-*.csv"):
            with log.open(newline="") as fh:
                for row in csv.DictReader(fh):
                    print(",".join(row[k] for k in ("kind", "trial", "condition", "cue", "baby",
                                                    "response", "rt_ms", "outcome", "cue_t")))
    if args.only in (None, "practice"):
        practice_clip, practice_s = out / "tmp" / "practice.mp4", 30.0
        make_clip(practice_clip, GameConfig(seed=SEED, auto_continue=True), practice_s)
        play(out, 74, "practice", practice_clip, practice_s, args.seconds_between, [])
    return 0


if __name__ == "__main__":
    sys.exit(main())
