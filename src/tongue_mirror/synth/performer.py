"""The synthetic performer: turns one still portrait and a script into a labelled, SYNTHETIC clip.

    perf = Performer(portrait_bgr, PerformerConfig(seed=3))      # tracks the portrait once
    for frame in perf.perform(parse_script("neutral:1,tongue:1.5,talk:2")):
        frame.image, frame.t, frame.index, frame.tongue_out       # BGR, pts/fps, 0-based, label

    make_clip("out.mp4", portrait, steps, config) writes the H.264 clip and out.labels.csv.

Each frame: the script gives an Expression and a tongue (extension, direction); the photo is warped
along the face mesh into that expression, the opened mouth painted as a cavity with teeth, the
tongue drawn by render_tongue, then camera variations applied. `tongue_out` is render_tongue's
tip_past_lip for that very frame, so the labels are exact by construction.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import cv2
import numpy as np

from tongue_mirror.errors import UserError
from tongue_mirror.io.recorder import VideoRecorder
from tongue_mirror.synth import expressions as ex
from tongue_mirror.synth.eyelids import close_eyes
from tongue_mirror.synth.face_warp import FaceMesh, warp
from tongue_mirror.synth.labels import labels_path, write_labels
from tongue_mirror.synth.script import TONGUE_DIRECTIONS, Step, script_seconds
from tongue_mirror.synth.tongue import (
    DIRECTIONS,
    TongueRender,
    TongueStyle,
    face_direction,
    paint_mouth_interior,
    render_tongue,
    skin_lab,
)
from tongue_mirror.synth.variations import Variation, apply_photometric

# How far each tongue gesture reaches at its peak (straight out is foreshortened, down is long).
REACH = {"center": 0.75, "down": 1.0, "left": 0.9, "right": 0.9, "up": 0.85}


@dataclass(frozen=True)
class PerformerConfig:
    """How a clip is framed, timed and varied."""

    fps: float = 30.0
    size: tuple[int, int] = (640, 480)
    face_width: float = 0.34  # face width as a fraction of the frame width
    head_motion: float = 1.0  # 0 = a still head, 1 = gentle drift, 2 = restless
    variation: Variation = field(default_factory=Variation)
    seed: int = 0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.fps) and 1.0 <= self.fps <= 120.0):
            raise ValueError(f"fps must be in 1..120, got {self.fps}")
        w, h = self.size
        if not (64 <= w <= 4096 and 64 <= h <= 4096 and w % 2 == 0 and h % 2 == 0):
            raise ValueError(f"size must be even and within 64..4096, got {self.size}")
        if not 0.1 <= self.face_width <= 0.9:
            raise ValueError(f"face_width must be in 0.1..0.9, got {self.face_width}")
        if not 0.0 <= self.head_motion <= 2.0:
            raise ValueError(f"head_motion must be in 0..2, got {self.head_motion}")


@dataclass(frozen=True)
class Pose:
    """What the performer does in one frame."""

    expression: ex.Expression
    extension: float  # tongue 0..1
    direction: tuple[float, float]  # in the face's own frame (see tongue.DIRECTIONS)
    tongue_step: bool  # a tongue gesture is under way (no resting tongue drawn inside)


@dataclass(frozen=True, eq=False)
class PerformedFrame:
    """One synthetic frame and its ground truth."""

    index: int
    t: float  # presentation time = index / fps
    image: np.ndarray
    tongue_out: bool  # the tongue tip is past the lower lip's inner edge
    pose: Pose


def _smoothstep(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return x * x * (3.0 - 2.0 * x)


def envelope(u: float, duration: float, ramp: float) -> float:
    """0→1→0 over a step: smooth rise over `ramp` s, hold, smooth fall at the end."""
    if u <= 0.0 or u >= duration:
        return 0.0
    ramp = min(ramp, duration / 3.0)
    if ramp <= 0.0:
        return 1.0
    return _smoothstep(u / ramp) * _smoothstep((duration - u) / ramp)


class _StepDraw(TypedDict):
    """One script step's random parameters, drawn once per step."""

    peak: float
    rate: float
    syll: np.ndarray
    shape: np.ndarray
    yawn: float
    smile: float
    wobble: float


class Performer:
    """Animates one portrait; landmarks come from our own FaceTracker, found once."""

    def __init__(self, portrait_bgr: np.ndarray, config: PerformerConfig = PerformerConfig(),
                 landmarks: np.ndarray | None = None) -> None:
        self.config = config
        self.rng = np.random.default_rng(config.seed)
        if landmarks is None:
            landmarks = find_landmarks(portrait_bgr)
        self.base, self.neutral = self._frame_portrait(portrait_bgr, landmarks)
        self.mesh = FaceMesh.build(self.neutral, config.size)
        self.face = ex.FaceFrame.of(self.neutral)
        self.jaw_w = ex.jaw_weights(self.neutral, self.face)
        self.style = TongueStyle.sample(self.rng)
        self.skin = skin_lab(self.base, self.neutral)
        self.gap0 = ex.mouth_gap(self.neutral)
        self.tongue_seed = int(self.rng.integers(1 << 31))
        self._motion = self.rng.uniform(0.0, 2.0 * np.pi, size=12)

    def _frame_portrait(self, portrait: np.ndarray, lms: np.ndarray,
                        ) -> tuple[np.ndarray, np.ndarray]:
        """Scales and places the portrait so the face sits like a webcam user's."""
        w, h = self.config.size
        v = self.config.variation
        x0, y0 = lms[:, :2].min(axis=0)
        x1, y1 = lms[:, :2].max(axis=0)
        ph, pw = portrait.shape[:2]
        # never smaller than the frame: a mirrored border would give the fake away
        s = max(self.config.face_width * v.scale * w / max(float(x1 - x0), 1.0), w / pw, h / ph)
        cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
        tx = float(np.clip(w * (0.5 + v.offset[0]) - s * cx, w - s * pw, 0.0))
        ty = float(np.clip(h * (0.47 + v.offset[1]) - s * cy, h - s * ph, 0.0))
        m = np.array([[s, 0, tx], [0, s, ty]], np.float32)
        interp = cv2.INTER_AREA if s < 1.0 else cv2.INTER_CUBIC
        base = cv2.warpAffine(portrait, m, (w, h), flags=interp, borderMode=cv2.BORDER_REFLECT101)
        pts = np.asarray(lms, dtype=np.float64).copy()
        pts[:, 0] = pts[:, 0] * s + tx
        pts[:, 1] = pts[:, 1] * s + ty
        pts[:, 2] *= s
        return base, pts

    # -- the plan -----------------------------------------------------------------------------
    def n_frames(self, steps: Sequence[Step]) -> int:
        """Frames a script fills at this frame rate."""
        return max(1, round(script_seconds(steps) * self.config.fps))

    def poses(self, steps: Sequence[Step]) -> list[Pose]:
        """The per-frame plan of a script (deterministic for a seed)."""
        fps = self.config.fps
        n = self.n_frames(steps)
        rng = np.random.default_rng([self.config.seed, 1])
        starts = np.concatenate([[0.0], np.cumsum([s.seconds for s in steps])])
        # per-step random parameters drawn once, so they do not depend on the frame rate
        params: list[_StepDraw] = []
        for st in steps:
            params.append({
                "peak": float(rng.uniform(0.85, 1.0)),
                "rate": float(rng.uniform(3.5, 5.0)),
                "syll": rng.uniform(0.08, 0.32, size=64),
                "shape": rng.uniform(0.0, 1.0, size=64),
                "yawn": float(rng.uniform(0.65, 0.85)),
                "smile": float(rng.uniform(0.6, 1.0)),
                "wobble": float(rng.uniform(0.0, 2.0 * np.pi)),
            })
            del st
        blinks = []
        t = float(rng.uniform(0.8, 3.0))
        while t < starts[-1]:
            blinks.append(t)
            t += float(rng.uniform(2.0, 5.5))
        need_jaw = max(0.0, (self.style.thickness * self.face.mouth_width - self.gap0 + 1.5)
                       / (0.95 * self.face.mouth_width))
        out = []
        for i in range(n):
            t = i / fps
            k = int(np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(steps) - 1))
            st, pr = steps[k], params[k]
            u, dur = t - starts[k], st.seconds
            jaw = smile = pucker = stretch = blink = ext = 0.0
            direction = (0.0, 1.0)
            a = st.action
            if st.is_tongue:
                label = TONGUE_DIRECTIONS[a]
                direction, reach = DIRECTIONS[label], REACH[label]
                # a held tongue is never quite still: it wavers a little in reach and aim
                wob = pr["wobble"]
                reach *= 1.0 - 0.05 * (0.5 + 0.5 * math.sin(2.0 * math.pi * 1.1 * u + wob))
                aim = 0.08 * math.sin(2.0 * math.pi * 0.7 * u + 2.0 * wob)
                direction = (direction[0] + aim * direction[1], direction[1] - aim * direction[0])
                # the jaw opens first and closes last, so the tongue always has room
                lead = min(0.12, dur / 5.0)
                ext = reach * pr["peak"] * envelope(u - lead, dur - 2.0 * lead, 0.3)
                jaw = need_jaw * envelope(u, dur, lead)
            elif a == "talk":
                j = int(u * pr["rate"]) % 64
                phase = u * pr["rate"] - int(u * pr["rate"])
                jaw = pr["syll"][j] * math.sin(math.pi * phase) * envelope(u, dur, 0.1)
                shape = pr["shape"][j]
                stretch = 0.5 * max(0.0, shape - 0.5) * 2.0 * envelope(u, dur, 0.1)
                pucker = 0.5 * max(0.0, 0.3 - shape) / 0.3 * envelope(u, dur, 0.1)
            elif a == "yawn":
                e = envelope(u, dur, 0.4 * dur)
                jaw = pr["yawn"] * e
                blink = 0.55 * e
            elif a == "mouth-open":
                jaw = 0.45 * envelope(u, dur, 0.2)
            elif a == "smile":
                smile = pr["smile"] * envelope(u, dur, 0.3)
                jaw = 0.04 * envelope(u, dur, 0.3)
            elif a == "pucker":
                pucker = 0.9 * envelope(u, dur, 0.25)
            elif a == "blink":
                blink = _blink_shape(u - dur / 2.0 + 0.1)
            for tb in blinks:
                blink = max(blink, _blink_shape(t - tb))
            hm = self.config.head_motion
            ph = self._motion
            face_w = self.face.face_half_width * 2.0
            yaw_extra = -0.04 * envelope(u, dur, 0.4 * dur) if a == "yawn" else 0.0
            expr = ex.Expression(
                jaw=float(np.clip(jaw, 0, 1)), smile=float(np.clip(smile, 0, 1)),
                pucker=float(np.clip(pucker, 0, 1)), stretch=float(np.clip(stretch, 0, 1)),
                blink_left=float(np.clip(blink, 0, 1)), blink_right=float(np.clip(blink, 0, 1)),
                yaw=hm * (0.06 * math.sin(0.9 * t + ph[0]) + 0.02 * math.sin(2.3 * t + ph[1])),
                pitch=hm * (0.04 * math.sin(0.7 * t + ph[2]) + 0.015 * math.sin(1.9 * t + ph[3]))
                + yaw_extra,
                roll=hm * 0.03 * math.sin(0.5 * t + ph[4]),
                dx=hm * face_w * (0.03 * math.sin(0.4 * t + ph[5])
                                  + 0.01 * math.sin(1.3 * t + ph[6])),
                dy=hm * face_w * (0.02 * math.sin(0.35 * t + ph[7])
                                  + 0.008 * math.sin(1.7 * t + ph[8])),
                scale=1.0 + hm * 0.02 * math.sin(0.3 * t + ph[9]),
            )
            out.append(Pose(expr, float(np.clip(ext, 0.0, 1.0)), direction, st.is_tongue))
        return out

    # -- the pictures -------------------------------------------------------------------------
    def posed_landmarks(self, pose: Pose) -> np.ndarray:
        """Where the face's landmarks are (frame pixels, 478×3) in a pose."""
        return ex.pose(self.neutral, pose.expression, self.face, self.jaw_w)

    def render(self, pose: Pose, index: int = 0) -> TongueRender:
        """One frame for a pose: BGR image, tongue mask, tongue tip past the lower lip."""
        lms = self.posed_landmarks(pose)
        img = warp(self.base, self.mesh.points, self.mesh.control_points(lms),
                   self.mesh.triangles, step=2)
        e = pose.expression
        img = close_eyes(img, lms, (e.blink_left, e.blink_right))
        opened = ex.mouth_gap(lms) - self.gap0 * pose.expression.scale
        if opened > 0.3:
            painted = paint_mouth_interior(img, lms, style=self.style,
                                           tongue_inside=not pose.tongue_step, skin=self.skin)
            w = min(opened / 3.0, 1.0)
            img = cv2.addWeighted(painted, w, img, 1.0 - w, 0.0) if w < 1.0 else painted
        tongue_out = False
        mask = np.zeros(img.shape[:2], np.uint8)
        if pose.extension > 0.0:
            r = render_tongue(img, lms, pose.extension, face_direction(lms, pose.direction),
                              rng=self.tongue_seed, style=self.style)
            img, mask, tongue_out = r
        frame_rng = np.random.default_rng([self.config.seed, 2, index])
        img = apply_photometric(img, self.config.variation, frame_rng)
        return TongueRender(img, mask, tongue_out)

    def write_clip(self, out: str | Path, steps: Sequence[Step],
                   crf: int = 23) -> list[tuple[int, int]]:
        """Writes the H.264 clip and its sibling .labels.csv; returns the tongue-out runs."""
        flags = []
        with VideoRecorder(out, self.config.fps, self.config.size, crf=crf, preset="medium") as writer:
            for frame in self.perform(steps):
                writer.write(frame.image, frame.t)
                flags.append(frame.tongue_out)
        return write_labels(labels_path(out), flags, self.config.fps)

    def perform(self, steps: Sequence[Step]) -> Iterator[PerformedFrame]:
        """Every frame of a script, in order."""
        for i, p in enumerate(self.poses(steps)):
            image, _, out = self.render(p, i)
            yield PerformedFrame(i, i / self.config.fps, image, out, p)


def _blink_shape(dt: float) -> float:
    """Lid closure of a blink `dt` s after it starts: 70 ms down, 50 ms shut, 110 ms up."""
    if dt < 0.0 or dt > 0.23:
        return 0.0
    if dt < 0.07:
        return _smoothstep(dt / 0.07)
    if dt < 0.12:
        return 1.0
    return 1.0 - _smoothstep((dt - 0.12) / 0.11)


def find_landmarks(image_bgr: np.ndarray) -> np.ndarray:
    """The portrait's landmarks from our own tracker; a UserError when it sees no face."""
    from tongue_mirror.io.face_tracker import FaceTracker
    from tongue_mirror.values import Frame

    with FaceTracker() as tracker:
        obs = tracker.track(Frame(image_bgr, 0.0, 0))
    if obs is None:
        raise UserError("no face found in the portrait: use a clear, frontal face photo")
    return np.asarray(obs.landmarks, dtype=np.float64)


def make_clip(out: str | Path, portrait_bgr: np.ndarray, steps: Sequence[Step],
              config: PerformerConfig = PerformerConfig(), crf: int = 23,
              landmarks: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Writes a synthetic H.264 clip and its sibling .labels.csv; returns the tongue-out runs."""
    return Performer(portrait_bgr, config, landmarks).write_clip(out, steps, crf)
