"""`tongue-mirror eval`: scores a tongue detector on a labelled dataset and prints the table."""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from pathlib import Path

from tongue_mirror.errors import UserError


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds the `eval` subcommand."""
    p = subparsers.add_parser(
        "eval", help="score the tongue detector on a labelled dataset",
        description="Runs face tracking, a tongue detector and the gesture tracker over a dataset "
        "(a folder with manifest.csv and labels/, a folder of clips with .labels.csv, or one "
        "such clip) and prints photo, clip and false-activation figures, overall and per source, "
        "each pooled over items and weighted by person (each person once: the manifest's person "
        "column says who is who). Clip frame F1 is given strict and with a collar: frames within "
        "one frame period (at least 0.1 s) of a labelled start or end count neither way.")
    p.add_argument("dataset", type=Path, metavar="DATASET",
                   help="folder with manifest.csv, folder of labelled clips, or one clip")
    p.add_argument("--json", type=Path, metavar="OUT.json", help="also write the figures as JSON")
    p.add_argument("--predictions", type=Path, metavar="OUT.csv",
                   help="also write one row per scored photo or clip frame "
                   "(path,frame_idx,t_s,is_out,score), so any scorer can check the figures")
    p.add_argument("--plots", type=Path, metavar="DIR",
                   help="write a timeline PNG per labelled clip and the photo ROC curve here")
    p.add_argument("--detector", choices=("ours", "baseline"), default="ours",
                   help="ours = the learned detector (default); baseline = red pixels in the lips")
    p.add_argument("--weights", type=Path, metavar="PATH",
                   help="score the learned detector with this model.json instead of the shipped one")
    p.add_argument("--limit", type=_positive_int, metavar="N",
                   help="score only the first N photos and the first N clips")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Loads, runs, reports; returns the exit code."""
    from tongue_mirror.app.config import RunConfig
    from tongue_mirror.evaluation.dataset import load_dataset
    from tongue_mirror.evaluation.predictions import open_predictions, write_predictions
    from tongue_mirror.evaluation.report import format_table, summarize, write_json
    from tongue_mirror.evaluation.runner import make_detector, run_dataset

    detector = make_detector(args.detector, args.weights)
    dataset = load_dataset(args.dataset).limited(args.limit)
    if args.json is not None and args.json.is_dir():
        raise UserError(f"--json {args.json} is a folder, expected a file name")
    if args.plots is not None and args.plots.exists() and not args.plots.is_dir():
        raise UserError(f"--plots {args.plots} exists and is not a folder")
    with ExitStack() as stack:
        predictions = (stack.enter_context(open_predictions(args.predictions))
                       if args.predictions is not None else None)
        gesture = RunConfig().gesture  # the thresholds live and process act on
        images, videos = run_dataset(dataset, detector, gesture, show_progress=not args.quiet)
        label = args.detector if args.weights is None else f"{args.detector} ({args.weights})"
        summary = summarize(images, videos, detector=label, dataset=str(args.dataset))
        print(format_table(summary))
        if args.json is not None:
            write_json(summary, args.json)
            print(f"\nwrote {args.json}")
        if predictions is not None:
            rows = write_predictions(predictions, images, videos)
            print(f"wrote {rows} prediction row(s) to {args.predictions}")
    if args.plots is not None:
        from tongue_mirror.evaluation.plots import write_plots

        written = write_plots(images, videos, args.plots, gesture)
        print(f"wrote {len(written)} plot(s) to {args.plots}")
    return 0
