"""`tongue-mirror live`: the workshop demo in a window."""

from __future__ import annotations

import argparse
from pathlib import Path

from tongue_mirror.app.config import DEFAULT_OUT_DIR, add_run_options, parse_size, run_config_from
from tongue_mirror.app.game_options import add_game_options, game_config_from


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds the `live` subcommand."""
    p = sub.add_parser(
        "live", help="the live demo: your webcam, the baby, its neurons",
        description="Opens a window with your camera, the baby avatar and its simulated mirror "
        "neurons. With no camera it plays a bundled synthetic sample clip (and says so). Keys: "
        "q/Esc quit, space pause, f fullscreen, m mirror, o overlay, r record, b save the last "
        "20 s, s snapshot, n next person, c calibrate, i infant/adult, [ ] inhibition, t story "
        "mode (next card), g imitation game (n next participant; after a practice that missed "
        "a gesture: p practise again, Enter start), h help.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--camera", type=int, default=None, metavar="N",
                     help="camera index (an error if it does not open)")
    src.add_argument("--source", type=Path, default=None, metavar="FILE",
                     help="play a video file as if it were the camera (looped)")
    p.add_argument("--resolution", type=parse_size, default=None, metavar="WxH",
                   help="camera resolution to request, e.g. 1280x720")
    p.add_argument("--fullscreen", action="store_true", help="start fullscreen (f toggles)")
    p.add_argument("--record", type=Path, default=None, metavar="OUT.mp4",
                   help="start recording to this file at once")
    p.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR,
                   help=f"where recordings, replays and snapshots go (default ./{DEFAULT_OUT_DIR})")
    p.add_argument("--title", default=None,
                   help="a small title line shown to the audience and kept in recordings")
    p.add_argument("--game", action="store_true",
                   help="start in the imitation game (g toggles): the baby leads, a cue says "
                        "what to do; one CSV row per trial in --out-dir")
    p.add_argument("--max-frames", type=int, default=None, help=argparse.SUPPRESS)
    add_run_options(p)
    add_game_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Opens the window and runs the demo."""
    from tongue_mirror.app.live import LiveApp, LiveConfig
    from tongue_mirror.app.output_paths import (
        VIDEO_SUFFIXES,
        check_folder,
        check_suffix,
        check_writable,
    )
    from tongue_mirror.errors import UserError
    from tongue_mirror.io.live_feed import open_feed
    from tongue_mirror.io.window import Window, display_available

    if not display_available():
        raise UserError("no display found (no screen here): use `tongue-mirror process VIDEO` "
                        "to run headless")
    if args.record is not None:
        check_suffix("--record", args.record, VIDEO_SUFFIXES)
        check_writable(args.record)
    check_folder(args.out_dir, what=f"--out-dir {args.out_dir}")
    if args.fullscreen and args.canvas is None:
        from tongue_mirror.app.config import canvas_for_screen
        from tongue_mirror.io.x11 import screen_size

        screen = screen_size()
        if screen is not None:
            args.canvas = canvas_for_screen(screen)
    config = LiveConfig(run=run_config_from(args), out_dir=args.out_dir, record=args.record,
                        max_frames=args.max_frames, title=args.title,
                        game=game_config_from(args, auto_continue=False), start_game=args.game)
    feed = open_feed(args.camera, args.source, args.resolution)
    if feed.note:
        print(f"tongue-mirror: {feed.note}")
    with feed, Window(fullscreen=args.fullscreen, size=config.run.canvas_size) as window:
        return LiveApp(config, feed, window).run()
