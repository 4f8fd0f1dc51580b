"""Plays the imitation game in the real `live` window under Xvfb + openbox at 1920x1080, with a
SYNTHETIC performer as the camera, and keeps screenshots for docs/screenshots.

usage: python tools/game_screenshots.py OUT_DIR [--seconds-between 1.0]

Two sessions: a full round (no practice) whose performer answers each cue on a script, and a
practice round whose performer cannot push its lips out (MediaPipe scores the synthetic pucker at
about 0.04), so the practice review asks to practise again. The performer is scripted: its
"imitation cost" is the one written in ANSWER below, not a measurement of anybody. Window shots
are taken every second (numbered, to be chosen by eye); frames of the session's recording (the
audience's picture) are kept at chosen moments from the game's own CSV. Needs Xvfb, openbox,
xdotool and imagemagick.
"""

from __future__ import annotations

import argparse
import csv
import os
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
    steps, _ = game_script(config, FPS, seconds, answer)
    portrait = cv2.imread(str(REPO / "assets" / "portraits" / "astronaut.png"))
    Performer(portrait, PerformerConfig(fps=FPS, head_motion=0.5, seed=1)).write_clip(path, steps)
    print(f"{path}: {script_seconds(steps):.1f} s")


def x_screen(n: int) -> tuple[list[subprocess.Popen], dict]:
    xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    env = {**os.environ, "DISPLAY": f":{n}"}
    wm = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    return [wm, xvfb], env


def play(out: Path, n: int, name: str, clip: Path, seconds: float, every: float,
         extra: list[str]) -> Path:
    """Runs live on the clip, screenshots every `every` s; returns its out-dir."""
    tmp = out / "tmp" / name
    tmp.mkdir(parents=True, exist_ok=True)
    procs, env = x_screen(n)
    live = None
    try:
        live = subprocess.Popen([sys.executable, "-m", "tongue_mirror", "live", "--fullscreen",
                                 "--game", "--seed", str(SEED), "--source", str(clip),
                                 "--record", str(tmp / "recording.mp4"), "--out-dir", str(tmp),
                                 *extra], env=env, stdout=subprocess.DEVNULL,
                                stderr=open(tmp / "stderr.txt", "w"))  # noqa: SIM115
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
    finally:
        if live is not None and live.poll() is None:
            live.kill()
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
    return tmp


def recording_frames(recording: Path, times: dict[str, float], out: Path) -> None:
    """The recording's frames nearest the given session times (the audience's picture)."""
    wanted = sorted(times.items(), key=lambda kv: kv[1])
    with av.open(str(recording)) as c:
        for frame in c.decode(video=0):
            t = float(frame.time or 0.0)
            while wanted and t >= wanted[0][1]:
                name, _ = wanted.pop(0)
                cv2.imwrite(str(out / name), frame.to_ndarray(format="bgr24"),
                            [cv2.IMWRITE_JPEG_QUALITY, 90])
                print(out / name)
            if not wanted:
                break


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seconds-between", type=float, default=1.0)
    args = parser.parse_args()
    for tool in ("Xvfb", "openbox", "xdotool", "import"):
        if not shutil.which(tool):
            print(f"game_screenshots: needs {tool}", file=sys.stderr)
            return 2
    out = args.out
    (out / "tmp").mkdir(parents=True, exist_ok=True)
    round_config = GameConfig(seed=SEED, practice=False)
    round_clip, round_s = out / "tmp" / "round.mp4", 62.0
    make_clip(round_clip, round_config, round_s)
    tmp = play(out, 73, "round", round_clip, round_s, args.seconds_between, ["--no-practice"])
    (log,) = tmp.glob("tongue-mirror-game-*.csv")
    with log.open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["kind"] == "trial"]
    shown = next(r for r in rows if r["condition"] == "incompatible" and r["baby"] == "tongue")
    recording_frames(tmp / "recording.mp4", {
        "game_trial.jpg": float(shown["cue_t"]) + 0.45,
        "game_results.jpg": float(rows[-1]["cue_t"]) + 4.0}, out)
    practice_clip, practice_s = out / "tmp" / "practice.mp4", 18.0
    make_clip(practice_clip, GameConfig(seed=SEED, auto_continue=True), practice_s)
    tmp = play(out, 74, "practice", practice_clip, practice_s, args.seconds_between, [])
    return 0


if __name__ == "__main__":
    sys.exit(main())
