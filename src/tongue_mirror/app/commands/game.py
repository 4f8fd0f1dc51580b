"""`tongue-mirror game VIDEO`: the imitation game scored headless over a recorded session."""

from __future__ import annotations

import argparse
from pathlib import Path

from tongue_mirror.app.config import DEFAULT_OUT_DIR, add_run_options, run_config_from
from tongue_mirror.app.game_options import add_game_options, game_config_from
from tongue_mirror.errors import UserError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds the `game` subcommand."""
    p = sub.add_parser(
        "game", help="score the imitation game over a video file (a recorded session)",
        description="Runs the imitation game of `live --game` over a video file, on the file's "
        "own frame timestamps: the same trial plan (from --seed, --trials and --participant), "
        "the same response reading. Writes one CSV row per trial and a summary row "
        f"(default ./{DEFAULT_OUT_DIR}/CLIP.game.csv) and, with -o, an annotated video with "
        "the cues and the results card. The circuit runs in the adult preset, as in the live "
        "game (--mode is not used). A session is only scored the same as live when the plan "
        "and the participant number match the ones used live.")
    p.add_argument("input", type=Path, help="video file")
    p.add_argument("--csv", type=Path, default=None, help="trial log (.csv) to write")
    p.add_argument("-o", "--output", type=Path, default=None,
                   help="annotated video (.mp4, .mov or .mkv); none by default")
    p.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR,
                   help=f"where the CSV goes when --csv is not given (default ./{DEFAULT_OUT_DIR})")
    p.add_argument("--participant", type=int, default=1,
                   help="participant number (chooses the plan; default 1)")
    p.add_argument("--session", default=None, help="session name in the CSV (default: the "
                   "video's name)")
    add_game_options(p)
    add_run_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Scores the file and prints the participant's summary."""
    from tongue_mirror.app.game_headless import run_game
    from tongue_mirror.app.output_paths import VIDEO_SUFFIXES, check_suffix, check_writable

    config = run_config_from(args)
    game_config = game_config_from(args, auto_continue=True)
    if not args.input.is_file():
        raise UserError(f"no such video file: {args.input}")
    if args.participant < 1:
        raise UserError(f"--participant numbers start at 1, got {args.participant}")
    csv_path = args.csv or args.out_dir / f"{args.input.stem}.game.csv"
    check_suffix("--csv", csv_path, (".csv",))
    check_writable(csv_path)
    if args.output is not None:
        check_suffix("-o", args.output, VIDEO_SUFFIXES)
        check_writable(args.output)
    for path in (csv_path, args.output):
        if path is not None and path.exists() and path.samefile(args.input):
            raise UserError(f"output {path} would overwrite the input")
    session = args.session or args.input.stem
    if "," in session or "\n" in session:
        raise UserError("--session must be one plain word or phrase, without commas")
    summary = run_game(args.input, csv_path, config, game_config, session, args.participant,
                       args.output)
    for line in summary.lines(csv_path, args.output):
        print(line)
    return 0
