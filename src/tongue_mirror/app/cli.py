"""Command-line entry point: parses arguments, runs a subcommand, turns user errors into one line."""

from __future__ import annotations

import argparse
import importlib
import sys

from tongue_mirror import __version__
from tongue_mirror.errors import UserError

# Subcommand modules under tongue_mirror.app.commands, in the order --help lists them.
COMMANDS = ("live", "process", "game", "cameras", "make_sample", "calibrate", "eval")


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="tongue-mirror",
        description="Stick your tongue out at a baby avatar; it imitates you through a "
        "simulated mirror-neuron circuit.",
    )
    parser.add_argument("--version", action="version", version=f"tongue-mirror {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"tongue_mirror.app.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs the CLI; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"tongue-mirror: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tongue-mirror: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a disk or device problem no command anticipated: still one line
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"tongue-mirror: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
