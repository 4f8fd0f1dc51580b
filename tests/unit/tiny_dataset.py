"""A tiny labelled dataset made by the synthetic performer from the public-domain portraits, laid
out as the dev set is (manifest.csv, images/, videos/, labels/), for running training end to end."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import cv2

from tongue_mirror.synth.labels import labels_path
from tongue_mirror.synth.performer import Performer, PerformerConfig
from tongue_mirror.synth.portraits import load_portrait
from tongue_mirror.synth.script import parse_script

PORTRAITS = ("astronaut", "hopper")
MIXED = "neutral:0.6,tongue:1.2,talk:0.6,tongue-left:1.0,neutral:0.6"
NEGATIVE = "neutral:0.5,talk:1.0,smile:0.6,mouth-open:0.6"


def write_tiny_dataset(root: Path, fps: float = 8.0, size: tuple[int, int] = (320, 240)) -> Path:
    """Per portrait: photos with the tongue out straight and to the left and one at rest, a
    labelled clip with those two tongue-outs and a negative clip; returns `root`. Deterministic
    (seeded performers)."""
    rows = []
    for k, name in enumerate(PORTRAITS):
        performer = Performer(load_portrait(name), PerformerConfig(fps=fps, size=size,
                                                                   head_motion=0.5, seed=k))
        frames = list(performer.perform(parse_script(MIXED)))
        split = round(2.4 * fps)  # the straight tongue before, the sideways one after
        photos = {"tongue_out": max(frames[:split], key=lambda f: f.pose.extension),
                  "tongue_left": max(frames[split:], key=lambda f: f.pose.extension),
                  "no_tongue": frames[1]}
        for what, frame in photos.items():
            label = "no_tongue" if what == "no_tongue" else "tongue_out"
            assert frame.tongue_out == (label == "tongue_out")
            path = root / "images" / label / f"{name}__{what}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(path), frame.image)
            rows.append((path.relative_to(root), "image", label,
                         {"tongue_out": "center", "tongue_left": "left"}.get(what, "")))
        for label, script in (("mixed_video", MIXED), ("no_tongue", NEGATIVE)):
            clip = root / "videos" / f"{name}__{label}.mp4"
            clip.parent.mkdir(parents=True, exist_ok=True)
            performer.write_clip(clip, parse_script(script))
            labels = labels_path(clip)
            if label == "mixed_video":
                (root / "labels").mkdir(exist_ok=True)
                shutil.move(labels, root / "labels" / f"{clip.stem}.csv")
            else:
                labels.unlink()
            rows.append((clip.relative_to(root), "video", label, ""))
    with (root / "manifest.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("path", "kind", "label", "direction", "source_repo", "person"))
        for rel, kind, label, direction in rows:
            person = rel.name.split("__")[0]
            w.writerow((rel.as_posix(), kind, label, direction, f"synthetic/{person}", person))
    return root
