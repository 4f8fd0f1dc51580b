"""The game's command-line options (`game`, `live --game`) and their GameConfig."""

from __future__ import annotations

import argparse

from tongue_mirror.core.game.plan import BLOCK
from tongue_mirror.core.game.session import GameConfig
from tongue_mirror.errors import UserError


def add_game_options(parser: argparse.ArgumentParser) -> None:
    """--trials, --window, --no-practice (the plan's seed is --seed)."""
    g = parser.add_argument_group("imitation game")
    g.add_argument("--trials", type=int, default=BLOCK,
                   help=f"trials per participant, a multiple of {BLOCK} (default {BLOCK}); the "
                        "order and fixations are drawn from --seed and the participant number")
    g.add_argument("--window", type=float, default=2.5, metavar="SECONDS",
                   help="response window after each cue (default 2.5)")
    g.add_argument("--no-practice", action="store_true",
                   help="skip the practice round (each gesture once, the baby still)")


def game_config_from(args: argparse.Namespace, auto_continue: bool) -> GameConfig:
    """The validated GameConfig; a bad value is a one-line error."""
    try:
        return GameConfig(trials=args.trials, seed=args.seed, window_s=args.window,
                          practice=not args.no_practice, auto_continue=auto_continue)
    except ValueError as exc:
        raise UserError(f"--trials/--window: {exc}") from exc
