"""`tongue-mirror cameras`: which camera numbers open here, so `live --camera N` can be chosen."""

from __future__ import annotations

import argparse

from tongue_mirror.errors import UserError
from tongue_mirror.io.camera import list_cameras


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("cameras", help="list the cameras that open, with resolutions",
                                   description="Tries camera numbers 0..N-1 and lists those that "
                                   "deliver a frame, with the size and rate they report.")
    parser.add_argument("--max-index", type=int, default=6, metavar="N",
                        help="how many camera numbers to try (default 6)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.max_index < 1:
        raise UserError("--max-index must be >= 1")
    cameras = list_cameras(max_index=args.max_index)
    if not cameras:
        print(f"no camera opened (tried 0..{args.max_index - 1}); "
              "`tongue-mirror live` will play the bundled sample instead")
        return 1
    for cam in cameras:
        number = cam.name.split()[-1]
        print(f"camera {number}: {cam.width}x{cam.height} @ {cam.fps:g} fps  "
              f"(tongue-mirror live --camera {number})")
    return 0
