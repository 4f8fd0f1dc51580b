"""Turns run results into the JSON-ready summary and the printed table, overall and per source."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from tongue_mirror.evaluation.dataset import DIRECTIONS
from tongue_mirror.evaluation.metrics import (
    Counts,
    accuracy,
    binary_counts,
    bootstrap_ci,
    confusion_table,
    f1_of,
    frame_counts,
    match_events,
    median_and_p90,
    per_minute,
    precision_recall_f1,
    roc_auc,
)
from tongue_mirror.evaluation.runner import ImageResult, VideoResult

IMAGE_THRESHOLD = 0.5  # a photo counts as "tongue out" at probability >= this
EVENT_TOLERANCE_S = 0.2  # a start this close before a labelled interval still hits it
# The summary is JSON-shaped: sections of figures, lists and nested sections by name.
Summary = dict[str, Any]


def image_section(results: list[ImageResult], threshold: float = IMAGE_THRESHOLD) -> Summary:
    """Photo-level detection and direction figures; unreadable photos are left out (and listed)."""
    scored = [r for r in results if r.reading is not None]
    truth = np.array([r.item.tongue_out for r in scored], dtype=bool)
    scores = np.array([r.reading.probability for r in scored if r.reading is not None],
                      dtype=np.float64)
    counts = binary_counts(truth, scores >= threshold)
    prf = precision_recall_f1(counts)
    directed = [r for r in scored if r.item.tongue_out and r.item.direction is not None]
    true_dir = [r.item.direction for r in directed]
    pred_dir = [r.reading.direction_label for r in directed if r.reading is not None]
    cols, table = confusion_table(true_dir, pred_dir, DIRECTIONS)
    f1_lo, f1_hi = bootstrap_ci(f1_of, truth, scores >= threshold) if len(scored) else (
        math.nan, math.nan)
    return {
        "n": len(scored), "positives": int(truth.sum()), "negatives": int((~truth).sum()),
        "tp": counts.tp, "fp": counts.fp, "tn": counts.tn, "fn": counts.fn,
        "precision": prf.precision, "recall": prf.recall, "f1": prf.f1,
        "f1_ci95": [f1_lo, f1_hi],
        "auc": roc_auc(truth, scores) if len(scored) else math.nan,
        "threshold": threshold,
        "direction_n": len(directed),
        "direction_accuracy": accuracy(true_dir, pred_dir),
        "direction_confusion": {"columns": list(cols), "rows": {
            name: table[i].tolist() for i, name in enumerate(DIRECTIONS) if table[i].sum()}},
        "no_face": sum(1 for r in scored if not r.face_found),
    }


def video_section(results: list[VideoResult], tolerance_s: float = EVENT_TOLERANCE_S) -> Summary:
    """Frame-level and event-level figures on clips with labelled intervals."""
    frames = Counts()
    ignored = 0
    total = hit = false = dup = unsure_events = 0
    auc_truth: list[bool] = []
    auc_scores: list[float] = []
    lat_s: list[float] = []
    lat_f: list[float] = []
    for r in results:
        truth = r.item.frame_truth(r.n_frames)
        c, ign = frame_counts(truth, r.is_out.tolist())
        frames, ignored = frames + c, ignored + ign
        unsure = [iv.labelled() for iv in r.item.intervals if not iv.sure]
        m = match_events(r.starts, [iv.labelled() for iv in r.item.sure_intervals], tolerance_s,
                         ambiguous=unsure)
        total += len(m.hits) + len(m.missed)
        hit += len(m.hits)
        false += len(m.false_events)
        dup += len(m.duplicate_events)
        unsure_events += len(m.ambiguous_events)
        in_truth = [v is not None for v in truth]
        auc_truth.extend(bool(v) for v in truth if v is not None)
        auc_scores.extend(r.probability[in_truth].tolist())
        lat_s.extend(m.latencies_s.tolist())
        lat_f.extend(m.latencies_frames.tolist())
    prf = precision_recall_f1(frames)
    ms_med, ms_p90 = median_and_p90(np.array(lat_s) * 1000.0)
    f_med, f_p90 = median_and_p90(lat_f)
    return {
        "n": len(results), "frames": frames.n, "frames_ambiguous": ignored,
        "frame_tp": frames.tp, "frame_fp": frames.fp, "frame_tn": frames.tn, "frame_fn": frames.fn,
        "frame_precision": prf.precision, "frame_recall": prf.recall, "frame_f1": prf.f1,
        "frame_auc": roc_auc(auc_truth, auc_scores) if auc_truth else math.nan,
        "events_total": total, "events_hit": hit, "events_missed": total - hit,
        "false_events": false, "duplicate_events": dup, "ambiguous_events": unsure_events,
        "onset_latency_ms_median": ms_med, "onset_latency_ms_p90": ms_p90,
        "onset_latency_frames_median": f_med, "onset_latency_frames_p90": f_p90,
        "no_face_frames": int(sum(int((~r.face_found).sum()) for r in results)),
    }


def negatives_section(results: list[VideoResult]) -> Summary:
    """False activations on clips where the tongue is never out."""
    seconds = sum(r.duration_s for r in results)
    activations = sum(len(r.starts) for r in results)
    return {
        "n": len(results), "minutes": seconds / 60.0, "false_activations": activations,
        "per_minute": per_minute(activations, seconds),
        "no_face_frames": int(sum(int((~r.face_found).sum()) for r in results)),
    }


def _no_face(images: list[ImageResult], videos: list[VideoResult]) -> list[str]:
    """Photos with no face, and clips with no face in any frame."""
    names = [r.item.name for r in images if r.reading is not None and not r.face_found]
    names += [r.item.name for r in videos if r.n_frames and not r.face_found.any()]
    return names


def _sections(images: list[ImageResult], videos: list[VideoResult]) -> Summary:
    mixed = [r for r in videos if r.item.mixed]
    negative = [r for r in videos if not r.item.mixed]
    return {
        "images": image_section(images),
        "videos": video_section(mixed),
        "negatives": negatives_section(negative),
        "no_face": _no_face(images, videos),
    }


def summarize(images: list[ImageResult], videos: list[VideoResult], *, detector: str,
              dataset: str) -> Summary:
    """The whole evaluation as one dict: overall, per source, per clip, and what failed."""
    summary = {"detector": detector, "dataset": dataset, **_sections(images, videos)}
    sources = sorted({r.item.source for r in images} | {r.item.source for r in videos})
    summary["per_source"] = {
        s: _sections([r for r in images if r.item.source == s],
                     [r for r in videos if r.item.source == s]) for s in sources}
    summary["clips"] = [{
        "path": r.item.name, "source": r.item.source, "mixed": r.item.mixed,
        "frames": r.n_frames, "seconds": r.duration_s, "fps": r.fps,
        "no_face_frames": int((~r.face_found).sum()),
        "starts": [{"t": t, "frame": f} for t, f in r.starts],
    } for r in videos]
    summary["errors"] = ([{"path": r.item.name, "error": r.error} for r in images if r.error]
                         + [{"path": r.item.name, "error": r.error} for r in videos if r.error])
    return summary


def _clean(value: object) -> object:
    """NaN -> None and numpy scalars -> Python, so the JSON is standard."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_json(summary: Summary, path: Path) -> None:
    """Writes the summary as standard JSON (undefined figures as null)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_clean(summary), indent=2) + "\n", encoding="utf-8")


def _f(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:.{digits}f}"


def _ci(pair: tuple[float | None, float | None]) -> str:
    lo, hi = pair
    if any(v is None or not math.isfinite(v) for v in (lo, hi)):
        return "–"
    return f"{lo:.2f}–{hi:.2f}"


def _rows(summary: Summary) -> Iterable[tuple[str, Summary]]:
    yield "overall", summary
    for name, section in summary["per_source"].items():
        yield "  " + name, section


def format_table(summary: Summary) -> str:
    """The printed report: photos, mixed clips, negative clips, directions, faces not found."""
    w = max(24, *(len(name) for name, _ in _rows(summary)))
    out = [f"tongue-mirror eval  detector={summary['detector']}  dataset={summary['dataset']}", ""]
    out.append(f"{'IMAGES':<{w}} {'n':>4} {'pos':>4} {'prec':>6} {'rec':>6} {'F1':>6} "
               f"{'F1 95% CI':>13} {'AUC':>6} {'dir acc':>8} {'dir n':>5} {'noface':>6}")
    for name, sec in _rows(summary):
        im = sec["images"]
        if im["n"] == 0:
            continue
        out.append(f"{name:<{w}} {im['n']:>4} {im['positives']:>4} {_f(im['precision']):>6} "
                   f"{_f(im['recall']):>6} {_f(im['f1']):>6} {_ci(im['f1_ci95']):>13} "
                   f"{_f(im['auc']):>6} "
                   f"{_f(im['direction_accuracy']):>8} {im['direction_n']:>5} {im['no_face']:>6}")
    out += ["", f"{'MIXED VIDEOS (frames: state vs labels)':<{w}} {'clips':>5} {'frames':>6} "
            f"{'prec':>6} {'rec':>6} {'F1':>6} {'AUC':>6} {'hit/all':>8} {'false':>5} {'dup':>4} "
            f"{'lat ms med/p90':>15} {'lat fr med/p90':>15}"]
    for name, sec in _rows(summary):
        v = sec["videos"]
        if v["n"] == 0:
            continue
        hits = f"{v['events_hit']}/{v['events_total']}"
        ms = f"{_f(v['onset_latency_ms_median'], 0)}/{_f(v['onset_latency_ms_p90'], 0)}"
        fr = (f"{_f(v['onset_latency_frames_median'], 1)}/"
              f"{_f(v['onset_latency_frames_p90'], 1)}")
        out.append(f"{name:<{w}} {v['n']:>5} {v['frames']:>6} {_f(v['frame_precision']):>6} "
                   f"{_f(v['frame_recall']):>6} {_f(v['frame_f1']):>6} {_f(v['frame_auc']):>6} "
                   f"{hits:>8} "
                   f"{v['false_events']:>5} {v['duplicate_events']:>4} {ms:>15} {fr:>15}")
    out += ["", f"{'NEGATIVE VIDEOS':<{w}} {'clips':>5} {'minutes':>8} {'false act.':>10} "
            f"{'per min':>8}"]
    for name, sec in _rows(summary):
        n = sec["negatives"]
        if n["n"] == 0:
            continue
        out.append(f"{name:<{w}} {n['n']:>5} {_f(n['minutes'], 2):>8} "
                   f"{n['false_activations']:>10} {_f(n['per_minute'], 2):>8}")
    conf = summary["images"]["direction_confusion"]
    if conf["rows"]:
        out += ["", "DIRECTION CONFUSION (rows: labelled, columns: predicted)",
                f"{'':<8}" + "".join(f"{c:>8}" for c in conf["columns"])]
        out += [f"{name:<8}" + "".join(f"{v:>8}" for v in row)
                for name, row in conf["rows"].items()]
    no_face = summary["no_face"]
    out += ["", f"NO FACE FOUND: {len(no_face)} item(s) (scored as the detector read them "
            "without a face)"]
    out += [f"  {p}" for p in no_face]
    if summary.get("errors"):
        out += ["", f"ERRORS: {len(summary['errors'])} item(s) could not be read"]
        out += [f"  {e['path']}: {e['error']}" for e in summary["errors"]]
    return "\n".join(out)
