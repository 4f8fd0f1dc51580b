"""Screenshots of the real live window under Xvfb (openbox for decorations), for docs/screenshots.

usage: python tools/window_screenshots.py OUT_DIR [--shots N]

Runs `tongue-mirror live` on the bundled sample twice: in a window on a 1440x900 screen
(captured with its window-manager frame) and fullscreen on 1920x1080 (the whole screen); a
recording made during the first run gives the audience's frames. Every shot is kept under a
numbered name so the best moments can be chosen by eye. Needs Xvfb, openbox, xdotool, imagemagick.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import cv2


@contextlib.contextmanager
def x_screen(n: int, size: str) -> Iterator[dict]:
    """An Xvfb screen :n with openbox; yields the environment that draws on it, both end after."""
    xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    env = {**os.environ, "DISPLAY": f":{n}"}
    wm = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    try:
        yield env
    finally:
        for proc in (wm, xvfb):
            proc.terminate()
            proc.wait(timeout=10)


@contextlib.contextmanager
def running(cmd: list[str], env: dict, **popen: Any) -> Iterator[subprocess.Popen]:
    """A process started for the block and killed if it is still running after it."""
    proc = subprocess.Popen(cmd, env=env, **popen)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()


def run(cmd: list[str], env: dict) -> str:
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60).stdout


def session(out: Path, n: int, size: str, name: str, shots: int, extra: list[str]) -> None:
    with x_screen(n, size) as env, running(
            [sys.executable, "-m", "tongue_mirror", "live", "--out-dir", str(out / "tmp"), *extra],
            env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as live:
        time.sleep(8.0)
        window = run(["xdotool", "search", "--name", "^tongue-mirror$"], env).split()[0]
        for i in range(shots):
            path = out / f"{name}-{i:02d}.png"
            if name == "fullscreen":
                run(["import", "-window", "root", str(path)], env)
            else:
                run(["import", "-frame", "-window", window, str(path)], env)
            time.sleep(0.7)
        run(["xdotool", "windowfocus", "--sync", window, "key", "q"], env)
        live.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--shots", type=int, default=8)
    args = parser.parse_args()
    for tool in ("Xvfb", "openbox", "xdotool", "import"):
        if not shutil.which(tool):
            print(f"window_screenshots: needs {tool}", file=sys.stderr)
            return 2
    args.out.mkdir(parents=True, exist_ok=True)
    recording = args.out / "tmp" / "recording.mp4"
    session(args.out, 71, "1440x900", "window", args.shots, ["--record", str(recording)])
    session(args.out, 72, "1920x1080", "fullscreen", args.shots, ["--fullscreen"])
    with av.open(str(recording)) as c:
        for i, frame in enumerate(c.decode(video=0)):
            if i % 15 == 0:
                cv2.imwrite(str(args.out / f"recording-{i:04d}.png"), frame.to_ndarray(format="bgr24"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
