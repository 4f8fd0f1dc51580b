"""Contact sheet of labelled avatar poses: the poster image that shows what the baby can do."""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from tongue_mirror.avatar_render import AvatarRenderer
from tongue_mirror.values import AvatarPose

POSES: tuple[tuple[str, AvatarPose], ...] = (
    ("resting", AvatarPose(smile=0.15)),
    # "Centre" is straight out: seen from the front, a tongue stuck straight out hangs over the lip.
    ("tongue centre", AvatarPose(tongue_extension=0.7, tongue_direction=(0.0, 1.0),
                                 brow_raise=0.4)),
    ("tongue left", AvatarPose(tongue_extension=1.0, tongue_direction=(-1.0, 0.0),
                               gaze=(-0.6, 0.2))),
    ("tongue right", AvatarPose(tongue_extension=1.0, tongue_direction=(1.0, 0.0),
                                gaze=(0.6, 0.2))),
    ("tongue up", AvatarPose(tongue_extension=1.0, tongue_direction=(0.0, -1.0), gaze=(0.0, -0.7),
                             brow_raise=0.6)),
    ("tongue down", AvatarPose(tongue_extension=1.0, tongue_direction=(0.0, 1.0), jaw_open=0.6,
                               gaze=(0.0, 0.7), head_pitch=-0.2)),
    ("mouth open", AvatarPose(jaw_open=1.0, brow_raise=0.8)),
    ("pucker", AvatarPose(lip_protrusion=1.0, brow_raise=0.2)),
    ("smile", AvatarPose(smile=1.0, eye_open_left=0.7, eye_open_right=0.7)),
    ("blink", AvatarPose(eye_open_left=0.0, eye_open_right=0.0)),
    ("head turned", AvatarPose(head_yaw=0.5, head_roll=0.15, gaze=(0.7, 0.0))),
    ("curious", AvatarPose(head_roll=-0.2, head_pitch=0.1, brow_raise=1.0, jaw_open=0.25,
                           gaze=(-0.4, -0.3))),
)


def contact_sheet(width: int = 1280, height: int = 720, cols: int = 6) -> np.ndarray:
    """All labelled poses in a grid, as one BGR image."""
    rows = -(-len(POSES) // cols)
    cell_w, cell_h = width // cols, height // rows
    renderer = AvatarRenderer((cell_w, cell_h), zoom=1.45)
    sheet = np.full((height, width, 3), 255, np.uint8)
    for i, (label, pose) in enumerate(POSES):
        r, c = divmod(i, cols)
        img = renderer.render(pose, overlay_text=label)
        sheet[r * cell_h:(r + 1) * cell_h, c * cell_w:(c + 1) * cell_w] = img
    for c in range(1, cols):
        sheet[:, c * cell_w - 1:c * cell_w + 1] = 255
    for r in range(1, rows):
        sheet[r * cell_h - 1:r * cell_h + 1, :] = 255
    return sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/avatar_contact_sheet.png"))
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(args.out), contact_sheet(), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
