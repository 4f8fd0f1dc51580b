"""`tongue-mirror cameras`: which cameras open here, and at what size."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Adds the `cameras` subcommand."""
    p = sub.add_parser("cameras", help="list the cameras that open, with their resolutions")
    p.add_argument("--max-index", type=int, default=6, help="probe indices 0..N-1 (default 6)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Probes and prints."""
    from tongue_mirror.camera import list_cameras

    found = list_cameras(args.max_index)
    if not found:
        print("no camera opened (tongue-mirror live will play the bundled sample instead)")
        return 1
    for info in found:
        print(f"{info.name}: {info.width}x{info.height} @ {info.fps:.0f} fps")
    return 0
