"""People-weighted held-out photo figures, for all photos and for kinds of face picked by the
manifest's notes, from the readings a training run saved.

    python -m tools.heldout_photos READINGS.npz --data ../shared/data/dev \
        [--group LABEL=REGEX ...] [--shift 0 0.5]

READINGS.npz is what `python -m tools.train_detector --heldout-readings` saves: each real photo's
decision value from the fold that held its person out, with its label, person and the bar the
shipped model uses. Each photo counts as tongue out at the bar (moved up by each `--shift`, in
log-odds), as `eval` and the app read it. For every group of photos this prints the figures by
person (each person once per class: one man's 61 tongue photos are one person; recall is the mean
over the people with a tongue out, the false-alarm rate the mean over the people's negatives)
beside the pooled F1. A group is the photos whose manifest notes match REGEX (case-insensitive;
`!REGEX`: those that do not). Without `--group`: the people mined from face collections (issue
21), the earlier people, babies and children, adults. Nothing is written.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

from tongue_mirror.errors import UserError
from tongue_mirror.evaluation.dataset import ImageItem, load_dataset
from tongue_mirror.evaluation.metrics import detection_figures
from tools.readings import open_readings, readings_parser

MINED = r"mined|detector-ranked"
CHILD = (r"\b(baby|babies|toddler|infant|newborn|boy|girl|child|children|kid|teen|schoolgirl|"
         r"schoolboy)\b")
DEFAULT_GROUPS = (f"new people (mined from face collections)={MINED}",
                  f"earlier people=!{MINED}", f"babies and children={CHILD}", f"adults=!{CHILD}")


def parse_group(spec: str) -> tuple[str, re.Pattern[str], bool]:
    """`LABEL=REGEX` (or `LABEL=!REGEX`) as (label, pattern, negated)."""
    label, sep, pattern = spec.partition("=")
    if not sep or not label or not pattern:
        raise UserError(f"--group {spec!r}: expected LABEL=REGEX")
    negated = pattern.startswith("!")
    try:
        return label, re.compile(pattern[1:] if negated else pattern, re.IGNORECASE), negated
    except re.error as exc:
        raise UserError(f"--group {spec!r}: {exc}") from None


def manifest_notes(data: Path) -> dict[str, str]:
    """Each photo's notes in the manifest, read by `eval`'s reader ('' where there are none)."""
    return {it.name: it.notes for it in load_dataset(data).items if isinstance(it, ImageItem)}


def photo_rows(readings: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    """(decision value, tongue out, person, manifest path) of every held-out photo."""
    if "row_kind" not in readings:
        raise UserError("the readings hold no photo rows (tools.train_detector "
                        "--heldout-readings writes them)")
    photo = readings["row_kind"].astype(str) == "image"
    paths = np.array([s.split("#")[0] for s in readings["row_source"][photo].astype(str)])
    return (readings["oof"][photo].astype(np.float64), readings["row_y"][photo] == 1,
            readings["row_group"][photo].astype(str), paths)


def figures_line(label: str, persons: np.ndarray, y: np.ndarray, out: np.ndarray) -> str:
    """One group's figures by person, and pooled."""
    if not y.any() or y.all():
        return f"  {label:42s} {len(y)} photos: needs tongue-outs and negatives both"
    f = detection_figures(persons, y, out)
    p = f.people  # weighted by person, its class totals count the people
    return (f"  {label:42s} people {p.positives:3d} out, {p.negatives:3d} not | by person: caught "
            f"{p.recall:.3f}, false alarms {p.false_alarm_rate:.3f}, F1 {p.f1:.3f} | pooled F1 "
            f"{f.pooled.f1:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = readings_parser(__doc__.splitlines()[0], "the dataset the readings were taken on (its "
                         "manifest's notes pick the groups)")
    ap.add_argument("--group", dest="groups", action="append", default=[],
                    metavar="LABEL=REGEX")
    args = ap.parse_args(argv)
    try:
        readings = open_readings(args.readings, args.data)
        groups = [parse_group(g) for g in args.groups or DEFAULT_GROUPS]
        z, y, persons, paths = photo_rows(readings)
        notes = manifest_notes(args.data)
        missing = sorted(set(paths) - set(notes))
        if missing:
            raise UserError(f"photo {missing[0]} of the readings is not in the manifest")
    except (UserError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bar = float(readings["t_logit"])
    text = np.array([notes[p] for p in paths])
    for shift in args.shift:
        out = z >= bar + shift
        print(f"bar {bar + shift:+.3f} (the stored bar {bar:+.3f} shifted {shift:+.2f} log-odds)")
        print(figures_line("all photos", persons, y, out))
        for label, pattern, negated in groups:
            sel = np.array([bool(pattern.search(t)) != negated for t in text], dtype=bool)
            print(figures_line(label, persons[sel], y[sel], out[sel]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
