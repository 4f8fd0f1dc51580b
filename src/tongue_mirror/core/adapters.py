"""Turns one frame's analysis into what moves the avatar: the circuit's movement plus where you are."""

from __future__ import annotations

from tongue_mirror.core.avatar_motion import AvatarDrive
from tongue_mirror.values import FaceObservation, Frame, NeuralState, TongueReading

IMITATION_END = "imitation_end"


class DriveBuilder:
    """Remembers the last direction the user's tongue pointed, so the baby points the same way."""

    def __init__(self) -> None:
        self._direction = (0.0, 1.0)

    def reset(self) -> None:
        """Next person: back to straight out."""
        self._direction = (0.0, 1.0)

    def __call__(self, frame: Frame, face: FaceObservation | None, reading: TongueReading,
                 neural: NeuralState, mirror: bool) -> AvatarDrive:
        """The avatar's drive for this frame."""
        if reading.direction is not None and reading.probability >= 0.5:
            dx, dy = reading.direction
            # The baby faces you like a mirror: your tongue on the screen's left → its on the left.
            self._direction = (-dx if mirror else dx, dy)
        position = None
        yaw = pitch = roll = 0.0
        if face is not None:
            w, h = frame.size
            cx, cy = face.center
            position = (2.0 * cx / w - 1.0, 2.0 * cy / h - 1.0)
            yaw, pitch, roll = face.yaw, face.pitch, face.roll
        move = neural.movement
        return AvatarDrive(
            tongue=float(move.get("tongue", 0.0)), jaw=float(move.get("jaw", 0.0)),
            lips=float(move.get("lips", 0.0)), tongue_direction=self._direction,
            face_position=position, user_yaw=yaw, user_pitch=pitch, user_roll=roll,
            imitation_success=any(e.event == IMITATION_END for e in neural.events),
        )
