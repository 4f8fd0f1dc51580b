"""The glue between stages, in one place: what the circuit observes, what drives the avatar, the puppet.

Each function takes the values one stage produced and returns what the next one needs; none owns a
device, draws or keeps state: what carries over between frames (where the tongue last pointed) is
passed in and handed back. Upstream glitches (non-finite numbers) become neutral values here rather
than errors, so a live demo keeps running.
"""

from __future__ import annotations

import math

from tongue_mirror import landmarks as lm
from tongue_mirror.core.avatar_motion import AvatarDrive
from tongue_mirror.values import (
    AvatarPose,
    FaceObservation,
    NeuralState,
    TongueReading,
    TongueState,
)

IMITATION_END = "imitation_end"
STRAIGHT_OUT = (0.0, 1.0)  # the tongue's direction on screen before any was seen: down, out of the mouth


def _unit(value: float) -> float:
    value = float(value)
    return 0.0 if not math.isfinite(value) else min(max(value, 0.0), 1.0)


def _finite_or(value: float, default: float = 0.0) -> float:
    value = float(value)
    return value if math.isfinite(value) else default


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def observed_from(face: FaceObservation | None, tongue: TongueState) -> dict[str, float]:
    """What the avatar sees the user do, per action channel, 0..1.

    The tongue is seen while the gesture tracker says it is out: debounced, so detector noise
    never makes the baby imitate, and a step, so it imitates with the same latency every time.
    Mouth opening and lip protrusion come straight from MediaPipe's blendshapes.
    """
    jaw = lips = 0.0
    if face is not None:
        jaw = face.blendshape(lm.BS_JAW_OPEN)
        lips = max(face.blendshape(lm.BS_MOUTH_PUCKER), face.blendshape(lm.BS_MOUTH_FUNNEL))
    return {"tongue": 1.0 if tongue.is_out else 0.0, "jaw": _unit(jaw), "lips": _unit(lips)}


def tongue_direction(reading: TongueReading, previous: tuple[float, float], mirror: bool,
                     min_probability: float = 0.5) -> tuple[float, float]:
    """Where the baby's tongue points: this reading's direction when it is evidence of a tongue
    out (mirrored like the screen), else `previous`, so the baby keeps pointing where you last did.

    The caller keeps the answer and hands it back next frame (`Pipeline` does; STRAIGHT_OUT for a
    new person): this function remembers nothing.
    """
    d = reading.direction
    if (d is not None and reading.probability >= min_probability
            and all(math.isfinite(v) for v in d)):
        dx, dy = float(d[0]), float(d[1])
        # The baby faces you like a mirror: your tongue on the screen's left → its on the left.
        return (-dx if mirror else dx, dy)
    return previous


def avatar_drive(face: FaceObservation | None, neural: NeuralState,
                 direction: tuple[float, float]) -> AvatarDrive:
    """The avatar's drive for one frame: the circuit's movement, the user's pose, `direction`."""
    position = None
    yaw = pitch = roll = 0.0
    if face is not None:
        w, h = face.image_size
        cx, cy = face.center
        x, y = 2.0 * cx / max(w, 1) - 1.0, 2.0 * cy / max(h, 1) - 1.0
        if math.isfinite(x) and math.isfinite(y):
            position = (x, y)
        yaw, pitch, roll = _finite_or(face.yaw), _finite_or(face.pitch), _finite_or(face.roll)
    move = neural.movement
    return AvatarDrive(
        tongue=_finite_or(move.get("tongue", 0.0)), jaw=_finite_or(move.get("jaw", 0.0)),
        lips=_finite_or(move.get("lips", 0.0)), tongue_direction=direction,
        face_position=position, user_yaw=yaw, user_pitch=pitch, user_roll=roll,
        imitation_success=any(e.event == IMITATION_END for e in neural.events),
    )


def puppet_pose(face: FaceObservation, tongue: TongueReading | None = None) -> AvatarPose:
    """Mirror the user's face directly (for checking tracking): the avatar is the user's reflection.

    The display is a mirror, so the user's own left eye drives the eye on the screen's left and
    head yaw/roll and the tongue's x direction change sign.
    """
    bs = face.blendshape
    # Person's left eye: looking "out" is towards their left = screen left in a mirror.
    gx_left = bs(lm.BS_LOOK_IN_LEFT) - bs(lm.BS_LOOK_OUT_LEFT)
    gx_right = bs(lm.BS_LOOK_OUT_RIGHT) - bs(lm.BS_LOOK_IN_RIGHT)
    gy = (bs(lm.BS_LOOK_DOWN_LEFT) + bs(lm.BS_LOOK_DOWN_RIGHT)
          - bs(lm.BS_LOOK_UP_LEFT) - bs(lm.BS_LOOK_UP_RIGHT)) / 2.0
    brow = max(bs(lm.BS_BROW_INNER_UP),
               (bs(lm.BS_BROW_OUTER_UP_LEFT) + bs(lm.BS_BROW_OUTER_UP_RIGHT)) / 2.0)
    ext, direction = 0.0, (0.0, 1.0)
    if tongue is not None:
        ext = _clip(tongue.extension if tongue.extension > 0 else tongue.probability, 0.0, 1.0)
        if tongue.direction is not None:
            dx, dy = tongue.direction
            n = math.hypot(dx, dy)
            if n > 1e-6 and math.isfinite(n):
                direction = (-dx / n, dy / n)
    return AvatarPose(
        head_yaw=-face.yaw, head_pitch=face.pitch, head_roll=-face.roll,
        gaze=(_clip((gx_left + gx_right) / 2.0 * 1.6, -1.0, 1.0), _clip(gy * 1.6, -1.0, 1.0)),
        eye_open_left=_clip(1.0 - bs(lm.BS_BLINK_LEFT) * 1.2, 0.0, 1.0),
        eye_open_right=_clip(1.0 - bs(lm.BS_BLINK_RIGHT) * 1.2, 0.0, 1.0),
        brow_raise=_clip(brow, 0.0, 1.0), jaw_open=_clip(bs(lm.BS_JAW_OPEN) * 1.3, 0.0, 1.0),
        smile=_clip((bs(lm.BS_SMILE_LEFT) + bs(lm.BS_SMILE_RIGHT)) / 2.0 * 1.4, 0.0, 1.0),
        lip_protrusion=_clip(max(bs(lm.BS_MOUTH_PUCKER), bs(lm.BS_MOUTH_FUNNEL)) * 1.3, 0.0, 1.0),
        tongue_extension=ext, tongue_direction=direction)
