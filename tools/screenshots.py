"""Writes the README's screenshots (1280x720): the panel during each of the three imitated gestures
and each story card, from a SYNTHETIC clip run through the real pipeline.

PYTHONPATH=src python tools/screenshots.py [--out docs/screenshots]

MediaPipe scores the synthetic performer's pucker at about 0.04 (mouthPucker), far below what a
real pucker gives, so for the lip-protrusion shot the circuit is shown a scripted lip level during
the clip's pucker segment; that is the only observation not read from the video, and the file
name says so.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import cv2

from tongue_mirror.app.build import build_pipeline
from tongue_mirror.app.config import RunConfig
from tongue_mirror.io.face_tracker import FaceTracker
from tongue_mirror.io.sources import open_source
from tongue_mirror.view.compositor import Hud, Layout
from tongue_mirror.view.presenter import Presenter, ViewOptions
from tongue_mirror.view.story import CARDS

SCRIPT = "neutral:1.5,tongue:3,neutral:1.5,mouth-open:3,neutral:1.5,pucker:3,neutral:1.5"
PUCKER = (10.5, 13.5)  # seconds of the pucker segment in SCRIPT
GESTURE_SHOTS = {3.6: "panel_tongue_out.jpg", 8.3: "panel_mouth_open.jpg",
                 12.7: "panel_lips_pushed_out_scripted.jpg"}
# Card shots: (time, card index, circuit mode for the whole run)
CARD_SHOTS = ((3.2, 0, "infant"), (8.0, 1, "infant"), (3.6, 2, "adult"), (4.9, 3, "infant"))


class ScriptedLips:
    """Wraps the circuit: during the pucker segment it also sees lips pushed out (see docstring)."""

    def __init__(self, circuit, window: tuple[float, float]) -> None:
        self._circuit, self._window = circuit, window

    def advance_to(self, t: float, observed: Mapping[str, float] | None, frame: int = -1,
                   intent: Mapping[str, float] | None = None):
        seen = dict(observed or {})
        a, b = self._window
        if a + 0.3 <= t < b:
            seen["lips"] = max(seen.get("lips", 0.0), 0.8)
        return self._circuit.advance_to(t, seen, frame, intent)

    def __getattr__(self, name: str):
        return getattr(self._circuit, name)


def run(clip: Path, mode: str, shots: dict[float, tuple[str, int | None]], out: Path,
        scripted_lips: bool) -> None:
    config = RunConfig(mode=mode)
    presenter = Presenter(Layout.make("composed", config.canvas_size))
    with open_source(str(clip)) as source, FaceTracker(config.tracker) as tracker:
        pipeline = build_pipeline(config, tracker)
        if scripted_lips:
            pipeline.circuit = ScriptedLips(pipeline.circuit, PUCKER)
        pending = sorted(shots.items())
        for frame in source:
            result = pipeline.step(frame)
            if not pending:
                break
            t, (name, card) = pending[0]
            story = CARDS[card] if card is not None else None
            scripted = scripted_lips and PUCKER[0] <= frame.t < PUCKER[1]
            options = ViewOptions(story=story,
                                  story_position=f"{card + 1}/{len(CARDS)}" if story else "",
                                  note="lips scripted: this synthetic clip cannot pucker"
                                  if scripted else None)
            canvas = presenter.render(result, Hud(show_help=story is not None), options)
            if frame.t >= t:
                cv2.imwrite(str(out / name), canvas, [cv2.IMWRITE_JPEG_QUALITY, 92])
                print(out / name)
                pending.pop(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "gestures.mp4"
        subprocess.run([sys.executable, "-m", "tongue_mirror", "make-sample", str(clip),
                        "--script", SCRIPT, "--head-motion", "0.3"], check=True)
        run(clip, "infant", {t: (name, None) for t, name in GESTURE_SHOTS.items()}, args.out,
            scripted_lips=True)
        for t, card, mode in CARD_SHOTS:
            name = f"story_{card + 1}.jpg"
            run(clip, mode, {t: (name, card)}, args.out, scripted_lips=False)


if __name__ == "__main__":
    main()
