"""A pool of engine samples with provenance (donor and target person), so a validation fold can
drop every sample built on its held-out person's face or tongue."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tools.tongue_data import engine

DIRS = ("center", "left", "right", "up", "down")


@dataclass
class Pool:
    """Patches (64×64 BGR), their skin Lab, labels and who they came from."""

    patch: list = field(default_factory=list)
    skin: list = field(default_factory=list)
    y: list = field(default_factory=list)
    direction: list = field(default_factory=list)  # index into DIRS, -1 unknown / none
    donor: list = field(default_factory=list)  # person group of the tongue ("" none)
    target: list = field(default_factory=list)  # person group of the face
    kind: list = field(default_factory=list)  # out, tip, inside, marks, plain

    def add(self, patch, skin, y, direction, donor, target, kind) -> None:
        """One sample and where it came from."""
        self.patch.append(patch)
        self.skin.append(skin)
        self.y.append(y)
        self.direction.append(direction)
        self.donor.append(donor)
        self.target.append(target)
        self.kind.append(kind)

    def arrays(self) -> dict[str, np.ndarray]:
        """The pool as arrays (what training and validation index)."""
        return {"patch": np.stack(self.patch), "skin": np.stack(self.skin).astype(np.float32),
                "y": np.array(self.y, np.int8), "direction": np.array(self.direction, np.int8),
                "donor": np.array(self.donor), "target": np.array(self.target),
                "kind": np.array(self.kind)}


def finish(patch: np.ndarray, px: np.ndarray, skin: np.ndarray, direction: int,
           rng: np.random.Generator, marks: float = 0.25):
    """Light, marks, mirror and webcam degradations on one sample (skin lit alike)."""
    if rng.random() < 0.7:
        light = engine.random_light(rng)
        patch = light.apply(patch)
        skin = engine.to_lab(light.apply(engine.from_lab(skin[None, None]))[0:1])[0, 0]
    if rng.random() < marks:
        patch = engine.draw_marks(patch, px, rng)
    if rng.random() < 0.5:
        patch = patch[:, ::-1].copy()
        direction = {1: 2, 2: 1}.get(direction, direction)
    return engine.degrade(patch, rng), skin, direction


def cut_donors(rows: list[tuple], stride: int = 3, per_person: int = 40,
               seed: int = 0) -> list[engine.Tongue]:
    """Tongues cut from real positives: (patch, px, skin, group, direction, is_photo) rows; at
    most `per_person` from one person, so one clip's tongue does not become every tongue."""
    got: dict[str, list[engine.Tongue]] = {}
    for i, (patch, px, skin, group, direction, is_photo) in enumerate(rows):
        if not is_photo and i % stride:
            continue
        t = engine.cut_tongue(patch, px, skin, group, direction)
        if t is not None:
            got.setdefault(group, []).append(t)
    rng = np.random.default_rng(seed)
    out = []
    for ts in got.values():
        keep = rng.permutation(len(ts))[:per_person]
        out += [ts[k] for k in sorted(keep)]
    return out


def build(targets: list[tuple], donors: list[engine.Tongue], rng: np.random.Generator,
          per_target: int = 3) -> Pool:
    """Positives (full, partial tips, all directions, unusual colours) and hard negatives (tongue
    inside an open mouth, marks near the lips) on every target face (patch, px, skin, group)."""
    pool = Pool()
    for patch, px, skin, group in targets:
        mouth = engine.mouth_of(px)
        others = [t for t in donors if t.group != group]
        if not others:
            continue
        for _ in range(per_target):
            t = others[int(rng.integers(len(others)))]
            d = str(rng.choice(["center", "left", "right"], p=[0.5, 0.25, 0.25]))
            tip = rng.random() < 0.3
            ext = rng.uniform(0.02, 0.3) if tip else rng.uniform(0.3, 1.0)
            img = engine.transplant(patch, px, skin, t, rng, d, ext,
                                    unusual=rng.random() < 0.2)
            if img is None:
                continue
            p2, s2, di = finish(img, px, skin, DIRS.index(d), rng)
            pool.add(p2, s2, 1, di, t.group, group, "tip" if tip else "out")
        if mouth.open_px >= 4.0:
            t = others[int(rng.integers(len(others)))]
            img = engine.transplant(patch, px, skin, t, rng, "center", 0.0, inside=True)
            if img is not None:
                p2, s2, _ = finish(img, px, skin, -1, rng)
                pool.add(p2, s2, 0, -1, t.group, group, "inside")
        p2, s2, _ = finish(patch, px, skin, -1, rng, marks=0.6)
        pool.add(p2, s2, 0, -1, "", group, "plain")
    return pool
