"""`tongue-mirror make-sample`: a SYNTHETIC labelled tongue-out clip from a public-domain photo."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tongue_mirror.errors import UserError

if TYPE_CHECKING:
    from tongue_mirror.synth.variations import Variation

HELP = ("make a SYNTHETIC labelled clip: a still public-domain portrait animated by warping, "
        "with a drawn tongue (for tests and the no-camera demo, not a real recording)")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 640x480, got {text!r}") from None
    return w, h


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds the make-sample subcommand."""
    p = subparsers.add_parser(
        "make-sample", help=HELP, description=HELP + ". Writes OUT.mp4 (H.264) and "
        "OUT.labels.csv (start_s,end_s,start_frame,end_frame,confidence; tongue out = the tip "
        "is past the lower lip's inner edge, exact by construction). Detector accuracy must "
        "never be reported on these clips alone.")
    p.add_argument("out", type=Path, metavar="OUT.mp4", help="the clip to write")
    p.add_argument("--portrait", default="astronaut",
                   help="'astronaut' or 'hopper' (public-domain portraits shipped with "
                        "tongue-mirror) or an image file (default: astronaut)")
    p.add_argument("--seed", type=int, default=0, help="seeds the random script, tongue "
                   "look, head motion and --random-variation (default 0)")
    p.add_argument("--script", help="comma list of action:seconds, actions: neutral blink smile "
                   "talk yawn mouth-open pucker tongue tongue-left tongue-right tongue-up "
                   "tongue-down (left/right as seen in the image), e.g. "
                   "'neutral:2,tongue:1.5,talk:2,yawn:1,tongue-left:1'")
    p.add_argument("--seconds", type=float, default=6.0,
                   help="length of a seeded random script when --script is not given (default 6)")
    p.add_argument("--fps", type=float, default=30.0)
    p.add_argument("--size", type=_size, default=(640, 480), help="WxH (default 640x480)")
    p.add_argument("--crf", type=int, default=23, help="H.264 quality, lower = bigger file")
    p.add_argument("--head-motion", type=float, default=1.0, help="0 still .. 2 restless")
    g = p.add_argument_group("variations (camera and light)")
    g.add_argument("--random-variation", action="store_true",
                   help="draw brightness/temperature/noise/blur/JPEG/framing from --seed; "
                        "explicit flags below override")
    g.add_argument("--brightness", type=float, help="gain 0.3..2 (1 = as photographed)")
    g.add_argument("--temperature", type=float, help="-1 cold .. 1 warm")
    g.add_argument("--noise", type=float, help="sensor noise sigma in 8-bit levels, 0..40")
    g.add_argument("--blur", type=float, help="Gaussian blur sigma in pixels, 0..6")
    g.add_argument("--jpeg", type=int, help="JPEG re-compression quality 5..100 (0 = off)")
    g.add_argument("--scale", type=float, help="face size relative to default framing, 0.4..2")
    g.add_argument("--offset", type=float, nargs=2, metavar=("DX", "DY"),
                   help="face shift as fractions of the frame, each within ±0.3")
    p.set_defaults(handler=run)


def _variation(args: argparse.Namespace) -> Variation:
    import dataclasses

    import numpy as np

    from tongue_mirror.synth.variations import Variation

    base = (Variation.sample(np.random.default_rng([args.seed, 7]))
            if args.random_variation else Variation())
    changes = {k: getattr(args, k) for k in ("brightness", "temperature", "noise", "blur",
                                             "jpeg", "scale") if getattr(args, k) is not None}
    if args.offset is not None:
        changes["offset"] = tuple(args.offset)
    try:
        return dataclasses.replace(base, **changes)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    """Builds the clip and its labels, then says what it made."""
    from tongue_mirror.synth.labels import labels_path
    from tongue_mirror.synth.performer import PerformerConfig, make_clip
    from tongue_mirror.synth.portraits import load_portrait
    from tongue_mirror.synth.script import format_script, parse_script, random_script

    if args.out.suffix.lower() not in {".mp4", ".mov", ".mkv"}:
        raise UserError(f"{args.out}: the output must be a .mp4 (or .mov/.mkv) file")
    steps = parse_script(args.script) if args.script else random_script(args.seconds, args.seed)
    try:
        config = PerformerConfig(fps=args.fps, size=args.size, head_motion=args.head_motion,
                                 variation=_variation(args), seed=args.seed)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if not 0 <= args.crf <= 51:
        raise UserError(f"--crf must be in 0..51, got {args.crf}")
    portrait = load_portrait(args.portrait)
    t0 = time.perf_counter()
    runs = make_clip(args.out, portrait, steps, config, crf=args.crf)
    took = time.perf_counter() - t0
    print(f"script: {format_script(steps)}")
    print(f"wrote {args.out} (SYNTHETIC, {config.size[0]}x{config.size[1]} @ {config.fps:g} fps, "
          f"{took:.1f} s) and {labels_path(args.out)}: {len(runs)} tongue-out interval(s)")
    return 0
