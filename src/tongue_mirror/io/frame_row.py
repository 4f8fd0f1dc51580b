"""Flattens one frame's results into the per-frame CSV row."""

from __future__ import annotations

import math

from tongue_mirror import landmarks as lm
from tongue_mirror.io.neural_columns import neural_columns
from tongue_mirror.values import FrameResult


def _r(x: float, nd: int = 4) -> float:
    return round(float(x), nd)


def frame_row(result: FrameResult) -> dict[str, object]:
    """Time, face, pose, the blendshapes later stages use, tongue reading and state, circuit rates."""
    face = result.face
    reading = result.reading
    row: dict[str, object] = {
        "frame": result.frame.index,
        "t": _r(result.frame.t),
        "face": int(face is not None),
        "yaw_deg": _r(math.degrees(face.yaw), 2) if face else "",
        "pitch_deg": _r(math.degrees(face.pitch), 2) if face else "",
        "roll_deg": _r(math.degrees(face.roll), 2) if face else "",
        "face_width": _r(face.width, 1) if face else "",
    }
    for name in lm.LOGGED_BLENDSHAPES:
        row[name] = _r(face.blendshape(name)) if face else ""
    direction = reading.direction
    row.update(
        tongue_probability=_r(reading.probability),
        tongue_extension=_r(reading.extension),
        tongue_dir_x=_r(direction[0]) if direction else "",
        tongue_dir_y=_r(direction[1]) if direction else "",
        tongue_direction=reading.direction_label or "",
        tongue_smoothed=_r(result.tongue.probability),
        tongue_out=int(result.tongue.is_out),
    )
    row.update(neural_columns(result.neural))
    row["avatar_tongue"] = _r(result.pose.tongue_extension)
    return row
