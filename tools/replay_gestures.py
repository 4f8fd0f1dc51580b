"""Replays the gesture tracker on held-out per-frame readings, to compare tracker settings on
strangers without retraining.

    python -m tools.replay_gestures READINGS.npz --data ../shared/data/dev \
        [--set min_evidence=4 --set release_s=0.1 ...] [--shift -0.5 0 0.5] [--per-clip]

READINGS.npz is what `python -m tools.train_detector --heldout-readings` saves: every clip's per-frame
probabilities from a model that never saw its person. Each `--set` overrides one field of
`RunConfig().gesture` (the app's tracker, validated as the app validates it); each `--shift` moves
every reading's log-odds down by that much (a higher bar). Clips are scored by `tongue-mirror
eval`'s own scorer (evaluation.report): pooled frame F1, events, false starts and onset over the
clips with tongue-outs, false activations on the negative clips. Nothing is written.
"""

from __future__ import annotations

import dataclasses
import json
import sys

import numpy as np

from tongue_mirror.app.config import RunConfig
from tongue_mirror.core.gesture import GestureConfig
from tongue_mirror.errors import UserError
from tongue_mirror.evaluation.dataset import VideoItem, load_dataset
from tongue_mirror.evaluation.report import negatives_section, video_section
from tongue_mirror.evaluation.runner import replay_clip
from tools.readings import open_readings, readings_parser


def overrides(pairs: list[str]) -> dict:
    """`name=value` pairs as GestureConfig fields (values read as JSON: 4, 0.1, null)."""
    fields = {f.name for f in dataclasses.fields(GestureConfig)}
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name not in fields:
            raise UserError(f"--set {pair!r}: expected NAME=VALUE with NAME one of "
                            f"{', '.join(sorted(fields))}")
        try:
            out[name] = json.loads(value)
        except json.JSONDecodeError as exc:
            raise UserError(f"--set {pair!r}: {value!r} is not a number or null") from exc
    return out


def replay(readings: dict[str, np.ndarray], items: dict[str, VideoItem], cfg: GestureConfig,
           shift: float = 0.0) -> tuple[dict, dict, dict[str, dict]]:
    """(pooled clips with tongue-outs, pooled negative clips, per clip) for one tracker setting."""
    mixed, negative, per = [], [], {}
    for k, name in enumerate(str(n) for n in readings["names"]):
        item = items.get(name)
        if item is None:
            raise UserError(f"clip {name} of the readings is not in the dataset")
        p = np.clip(readings[f"p{k}"].astype(np.float64), 1e-9, 1.0 - 1e-9)
        if shift:
            p = 1.0 / (1.0 + np.exp(-(np.log(p / (1.0 - p)) - shift)))
        result = replay_clip(item, readings[f"t{k}"], readings[f"index{k}"], p,
                             readings[f"face{k}"].astype(bool), cfg, float(readings[f"fps{k}"]))
        (mixed if item.mixed else negative).append(result)
        per[name] = video_section([result]) if item.mixed else negatives_section([result])
    return video_section(mixed), negatives_section(negative), per


def line(label: str, clips: dict, neg: dict) -> str:
    """One setting's figures on one line."""
    onset = clips.get("onset_latency_ms_median")
    onset_s = f"{onset:.0f} ms" if onset is not None and np.isfinite(onset) else "–"
    return (f"{label:34s} frame F1 {clips['frame_f1']:.3f}  events {clips['events_hit']}/"
            f"{clips['events_total']}  false starts {clips['false_events']}  onset {onset_s}  |  "
            f"negatives: {neg['false_activations']} false activations "
            f"({neg['per_minute']:.2f}/min)")


def main(argv: list[str] | None = None) -> int:
    ap = readings_parser(__doc__.splitlines()[0],
                         "the dataset the readings were taken on (its clips' labels score them)")
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--per-clip", action="store_true")
    args = ap.parse_args(argv)
    try:
        readings = open_readings(args.readings, args.data)
        cfg = dataclasses.replace(RunConfig().gesture, **overrides(args.sets))
        if "names" not in readings:
            raise UserError(f"{args.readings} holds no clip readings (tools.train_detector "
                            "--heldout-readings writes them)")
        items = {it.name: it for it in load_dataset(args.data).items if isinstance(it, VideoItem)}
    except (UserError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    changed = ", ".join(args.sets) or "the app's defaults"
    print(f"gesture tracker: {changed}")
    for shift in args.shift:
        try:
            clips, neg, per = replay(readings, items, cfg, shift)
        except UserError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(line(f"bar shifted {shift:+.2f} log-odds", clips, neg))
        if args.per_clip:
            for name, r in per.items():
                if "frame_f1" in r:
                    print(f"    {name[:50]:50s} frame F1 {r['frame_f1']:.3f}  events "
                          f"{r['events_hit']}/{r['events_total']}  false starts {r['false_events']}")
                elif r["false_activations"]:
                    print(f"    {name[:50]:50s} {r['false_activations']} false activation(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
