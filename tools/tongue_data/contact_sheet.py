"""A contact sheet of 100 random tongue-data engine samples (canonical mouth patches).

    python -m tools.tongue_data.contact_sheet docs/tongue_data_contact_sheet.png
    python -m tools.tongue_data.contact_sheet /tmp/dev_sheet.png --dev ../shared/data/dev

By default the engine runs on public-domain faces only (scikit-image's astronaut and matplotlib's
Grace Hopper, animated by the synthetic performer, whose rendered tongues stand in for the real
tongue-outs the engine cuts when training): that sheet may be committed. With --dev it runs on the
development set's faces and tongues, for review in /tmp only (never commit crops of dev data).
Each tile's top bar says what it is: green tongue out, yellow tip just past the lip, red tongue
inside an open mouth (negative), grey negative (often with marks drawn near the lips).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from tongue_mirror.io.face_tracker import FaceTracker
from tongue_mirror.synth import expressions as ex
from tongue_mirror.synth.performer import Performer, PerformerConfig, Pose
from tongue_mirror.synth.portraits import load_portrait
from tongue_mirror.synth.tongue import DIRECTIONS as TONGUE_DIRECTIONS
from tongue_mirror.synth.variations import Variation
from tongue_mirror.values import Frame

if not __package__:  # run as a file: `tools.tongue_data` below would not import
    raise SystemExit("error: run it as a module from the repository root: "
                     "python -m tools.tongue_data.contact_sheet OUT.png ...")

from tools.tongue_data import collect
from tools.tongue_data import pool as engine_pool

KIND_COLOURS = {"out": (60, 200, 60), "tip": (0, 210, 230), "inside": (40, 40, 230),
                "plain": (150, 150, 150)}
TILE = 72


def _track(image: np.ndarray) -> dict | None:
    with FaceTracker() as tracker:
        face = tracker.track(Frame(image, 0.0, 0))
    return None if face is None else collect.describe(image, face)


def public_faces(seed: int) -> tuple[list[tuple], list]:
    """(targets, donors) from the two public-domain portraits, in several poses and lights."""
    rng = np.random.default_rng(seed)
    targets, donor_rows = [], []
    expressions = [ex.NEUTRAL, ex.Expression(smile=0.6), ex.Expression(jaw=0.6),
                   ex.Expression(jaw=0.35, stretch=0.4), ex.Expression(pucker=0.7),
                   ex.Expression(jaw=0.9)]
    for name in ("astronaut", "hopper"):
        portrait = load_portrait(name)
        for k in range(3):
            cfg = PerformerConfig(seed=seed + k, variation=Variation())
            perf = Performer(portrait, cfg)
            for e in expressions:
                img = perf.render(Pose(e, 0.0, (0.0, 1.0), False), k).image
                d = _track(img)
                if d is not None:
                    targets.append((d["patch"], d["px"], d["skin"], name))
            for direction in ("center", "left", "right", "down"):
                ext = float(rng.uniform(0.7, 1.0))
                pose = Pose(ex.Expression(jaw=0.15), ext, TONGUE_DIRECTIONS[direction], True)
                img = perf.render(pose, k).image
                d = _track(img)
                if d is not None:
                    donor_rows.append((d["patch"], d["px"], d["skin"], name, direction, True))
    return targets, donor_rows


def dev_faces(dev: Path, rng: np.random.Generator) -> tuple[list[tuple], list]:
    """(targets, donors) from the development set (for /tmp review only)."""
    items, data = collect.load(dev)
    targets, donor_rows = [], []
    for it in items:
        d = data.get(it.path)
        if d is None or d["y"].size == 0:
            continue
        for i in range(len(d["y"])):
            if d["y"][i] == 1 and (it.kind == "image" or i % 3 == 0):
                donor_rows.append((d["patch"][i], d["px"][i], d["skin"][i], it.group,
                                   it.direction, it.kind == "image"))
            elif d["y"][i] == 0 and (it.kind == "image" or i % 6 == 0):
                targets.append((d["patch"][i], d["px"][i], d["skin"][i], it.group))
    pick = rng.choice(len(targets), min(80, len(targets)), replace=False)
    return [targets[i] for i in pick], donor_rows


def sheet(pool: dict, rng: np.random.Generator, n: int = 100, cols: int = 10) -> np.ndarray:
    """n random samples, each tile labelled by a coloured bar."""
    idx = rng.choice(len(pool["y"]), min(n, len(pool["y"])), replace=False)
    tiles = []
    for i in idx:
        t = cv2.resize(pool["patch"][i], (TILE, TILE), interpolation=cv2.INTER_NEAREST)
        t[:5] = KIND_COLOURS[str(pool["kind"][i])]
        tiles.append(cv2.copyMakeBorder(t, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=(0, 0, 0)))
    blank = np.zeros_like(tiles[0])
    rows = [np.hstack((tiles[r:r + cols] + [blank] * cols)[:cols])
            for r in range(0, len(tiles), cols)]
    body = np.vstack(rows)
    legend = np.full((28, body.shape[1], 3), 255, np.uint8)
    x = 6
    for kind, label in (("out", "tongue out"), ("tip", "tip just past the lip"),
                        ("inside", "tongue inside (negative)"), ("plain", "negative")):
        cv2.rectangle(legend, (x, 8), (x + 16, 20), KIND_COLOURS[kind], -1)
        cv2.putText(legend, label, (x + 22, 19), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 1,
                    cv2.LINE_AA)
        x += 28 + 8 * len(label)
    return np.vstack([legend, body])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--dev", type=Path, help="use the development set (review in /tmp only)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    if args.dev is not None:
        if not (args.dev / "manifest.csv").is_file():
            print(f"no dev data at {args.dev}: nothing to show")
            return 0
        if "docs" in args.out.resolve().parts:
            print("refusing to write a sheet of dev data under docs/ (never commit crops of it)")
            return 2
        targets, donor_rows = dev_faces(args.dev, rng)
        per_target = 2
    else:
        targets, donor_rows = public_faces(args.seed)
        per_target = 8
    donors = engine_pool.cut_donors(donor_rows, stride=1)
    pool = engine_pool.build(targets, donors, rng, per_target=per_target).arrays()
    cv2.imwrite(str(args.out), sheet(pool, rng))
    print(f"{len(donors)} tongues, {len(targets)} faces, {len(pool['y'])} samples -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
