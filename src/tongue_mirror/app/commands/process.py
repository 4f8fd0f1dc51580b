"""`tongue-mirror process INPUT`: headless run over a video file or image folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tongue_mirror.app.config import DEFAULT_OUT_DIR, add_run_options, run_config_from
from tongue_mirror.errors import UserError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds the `process` subcommand."""
    p = sub.add_parser(
        "process", help="run the pipeline headless over a video file and write the results",
        description="Runs the same pipeline as `live`, headless, over a video file (or a folder "
        "of images). Writes an annotated H.264 video, an events log (JSONL) and a per-frame log "
        f"(CSV), by default into ./{DEFAULT_OUT_DIR} (--out-dir): clip.mp4 -> "
        "clip.mirror.mp4, clip.mirror.events.jsonl, clip.mirror.frames.csv; with -o talk.mp4 "
        "the logs go beside it as talk.events.jsonl and talk.frames.csv (also with "
        "--no-video). Nothing is written into the input's folder unless you name a path there.")
    p.add_argument("input", type=Path, help="video file or folder of images")
    p.add_argument("-o", "--output", type=Path, default=None,
                   help="annotated video (.mp4, .mov or .mkv); the logs go beside it")
    p.add_argument("--events", type=Path, default=None, help="events log (.jsonl)")
    p.add_argument("--frames", type=Path, default=None, help="per-frame log (.csv)")
    p.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR,
                   help=f"where outputs go when -o is not given (default ./{DEFAULT_OUT_DIR})")
    p.add_argument("--no-video", action="store_true", help="skip the annotated video (faster)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_run_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Processes the file and prints a summary."""
    from tongue_mirror.app.process import ProcessOutputs, run_process

    config = run_config_from(args)
    if not args.input.exists():  # before the outputs: the first thing wrong is the input
        raise UserError(f"no such file or folder: {args.input}")
    outputs = ProcessOutputs.derive(args.input, args.output, args.events, args.frames,
                                    args.no_video, args.out_dir)
    summary = run_process(args.input, outputs, config, show_progress=not args.quiet)
    for line in summary.lines(outputs):
        print(line)
    if summary.interrupted:
        return 130
    if summary.frames == 0:
        print("tongue-mirror: error: no frame could be decoded from "
              f"{args.input}", file=sys.stderr)
        return 1
    return 0
