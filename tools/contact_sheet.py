"""Contact sheet of labelled avatar poses: the poster image that shows what the baby can do.

    PYTHONPATH=src python tools/contact_sheet.py [--out docs/avatar_contact_sheet.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np
import skia

from tongue_mirror.values import AvatarPose
from tongue_mirror.view.avatar_renderer import TEXT_INK, AvatarRenderer

POSES: tuple[tuple[str, AvatarPose], ...] = (
    ("resting", AvatarPose(smile=0.15)),
    # Half out: the tip between the lips, lying on the lower one, its root under the upper one.
    ("tongue half out", AvatarPose(tongue_extension=0.35, tongue_direction=(0.0, 1.0),
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
    ("smile", AvatarPose(smile=1.0, eye_open_left=0.9, eye_open_right=0.9, brow_raise=0.3)),
    ("blink", AvatarPose(eye_open_left=0.0, eye_open_right=0.0)),
    ("head turned", AvatarPose(head_yaw=0.5, head_roll=0.15, gaze=(0.7, 0.0), smile=0.3)),
    ("curious", AvatarPose(head_roll=-0.2, head_pitch=0.1, brow_raise=1.0, jaw_open=0.25,
                           gaze=(-0.4, -0.3))),
)


def contact_sheet(width: int = 1280, height: int = 720, cols: int = 4,
                  zoom: float = 1.15) -> np.ndarray:
    """All labelled poses in a grid, as one BGR image."""
    rows = -(-len(POSES) // cols)
    cell_w, cell_h = width // cols, height // rows
    renderer = AvatarRenderer((cell_w, cell_h), zoom=zoom)
    sheet = np.full((height, width, 4), 255, np.uint8)
    for i, (_, pose) in enumerate(POSES):
        r, c = divmod(i, cols)
        sheet[r * cell_h:(r + 1) * cell_h, c * cell_w:(c + 1) * cell_w] = renderer.render_bgra(pose)
    surface = skia.Surface(sheet, colorType=skia.kBGRA_8888_ColorType,
                           alphaType=skia.kPremul_AlphaType)
    canvas = surface.getCanvas()
    size = round(cell_h * 0.075)
    font = skia.Font(skia.Typeface("DejaVu Sans", skia.FontStyle.Bold()), size)
    pill = skia.Paint(AntiAlias=True, Color=skia.Color(255, 255, 255, 225))
    ink = skia.Paint(AntiAlias=True, Color=skia.Color(*TEXT_INK))
    for i, (label, _) in enumerate(POSES):
        r, c = divmod(i, cols)
        x, y = c * cell_w + size * 0.6, (r + 1) * cell_h - size * 2.2
        tw = font.measureText(label)
        box = skia.Rect.MakeXYWH(x, y, tw + size, size * 1.6)
        canvas.drawRoundRect(box, size * 0.8, size * 0.8, pill)
        canvas.drawString(label, x + size * 0.5, y + size * 1.17, font, ink)
    line = skia.Paint(Color=skia.ColorWHITE, StrokeWidth=2, Style=skia.Paint.kStroke_Style)
    for c in range(1, cols):
        canvas.drawLine(c * cell_w, 0, c * cell_w, height, line)
    for r in range(1, rows):
        canvas.drawLine(0, r * cell_h, width, r * cell_h, line)
    return cv2.cvtColor(sheet, cv2.COLOR_BGRA2BGR)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/avatar_contact_sheet.png"))
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(args.out), contact_sheet(), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
