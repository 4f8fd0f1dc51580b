"""Turns run results into the JSON-ready summary and the printed table, overall and per source."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tongue_mirror.evaluation.dataset import DIRECTIONS
from tongue_mirror.evaluation.metrics import (
    Counts,
    accuracy,
    binary_counts,
    bootstrap_ci,
    collar_truth,
    confusion_table,
    detection_figures,
    f1_of,
    frame_counts,
    match_events,
    median_and_p90,
    people_bootstrap_ci,
    people_f1,
    people_f1_of,
    people_mean,
    people_ratio,
    per_minute,
    precision_recall_f1,
    roc_auc,
)
from tongue_mirror.evaluation.runner import ImageResult, VideoResult

IMAGE_THRESHOLD = 0.5  # a photo counts as "tongue out" at probability >= this
EVENT_TOLERANCE_S = 0.2  # a start this close before a labelled interval still hits it
# The summary is JSON-shaped: sections of figures, lists and nested sections by name.
Summary = dict[str, Any]


def image_section(results: list[ImageResult], threshold: float = IMAGE_THRESHOLD,
                  persons: Sequence[str] | None = None) -> Summary:
    """Photo-level detection and direction figures, pooled and (under "people") each person once;
    unreadable photos are left out (and listed). `persons` (one per result) overrides who is who."""
    who = _persons(results, persons)
    kept = [i for i, r in enumerate(results) if r.reading is not None]
    scored = [results[i] for i in kept]
    people = [who[i] for i in kept]
    truth = np.array([r.item.tongue_out for r in scored], dtype=bool)
    scores = np.array([r.reading.probability for r in scored if r.reading is not None],
                      dtype=np.float64)
    counts = binary_counts(truth, scores >= threshold)
    prf = precision_recall_f1(counts)
    figures = detection_figures(people, truth, scores >= threshold, scores)
    directed = [i for i, r in enumerate(scored) if r.item.tongue_out and r.item.direction is not None]
    true_dir = [scored[i].item.direction for i in directed]
    pred_dir = [r.reading.direction_label for r in (scored[i] for i in directed)
                if r.reading is not None]
    cols, table = confusion_table(true_dir, pred_dir, DIRECTIONS)
    f1_lo, f1_hi = bootstrap_ci(f1_of, truth, scores >= threshold) if len(scored) else (
        math.nan, math.nan)
    dir_people = [people[i] for i in directed]
    return {
        "n": len(scored), "positives": int(truth.sum()), "negatives": int((~truth).sum()),
        "tp": counts.tp, "fp": counts.fp, "tn": counts.tn, "fn": counts.fn,
        "precision": prf.precision, "recall": prf.recall, "f1": prf.f1,
        "false_alarm_rate": figures.pooled.false_alarm_rate,
        "f1_ci95": [f1_lo, f1_hi],
        "auc": figures.auc if len(scored) else math.nan,
        "threshold": threshold,
        "direction_n": len(directed),
        "direction_accuracy": accuracy(true_dir, pred_dir),
        "direction_confusion": {"columns": list(cols), "rows": {
            name: table[i].tolist() for i, name in enumerate(DIRECTIONS) if table[i].sum()}},
        "no_face": sum(1 for r in scored if not r.face_found),
        "people": {
            "n": len(set(people)), "positives": figures.people.positives,
            "negatives": figures.people.negatives,
            "precision": figures.people.precision, "recall": figures.people.recall,
            "f1": figures.people.f1, "false_alarm_rate": figures.people.false_alarm_rate,
            "f1_ci95": list(people_bootstrap_ci(people_f1_of, people, truth, scores >= threshold)),
            "auc": figures.people_auc,
            "direction_n": len(set(dir_people)),
            "direction_accuracy": people_mean(
                dir_people, [float(a == b) for a, b in zip(true_dir, pred_dir, strict=True)]),
        },
    }


def _persons(results: Sequence[ImageResult] | Sequence[VideoResult],
             persons: Sequence[str] | None) -> list[str]:
    """Who is in each result: `persons` when given (one per result), else each item's person."""
    if persons is None:
        return [r.item.person for r in results]
    if len(persons) != len(results):
        raise ValueError(f"{len(persons)} persons for {len(results)} results")
    return list(persons)


def clip_fps(r: VideoResult) -> float:
    """The clip's frame rate; from its frame times when the container did not say (0 if unknown)."""
    if r.fps > 0:
        return r.fps
    steps = np.diff(r.t)
    steps = steps[steps > 0]
    return float(1.0 / np.median(steps)) if steps.size else 0.0


def clip_frames(r: VideoResult) -> tuple[Counts, Counts, int, int]:
    """One clip's frame counts strict and with the collar, frames ambiguous, and frames the collar
    left out besides. Without a known frame rate the collar is 0.1 s at 30 fps (3 frames)."""
    truth = r.item.frame_truth(r.n_frames)
    strict, ambiguous = frame_counts(truth, r.is_out.tolist())
    sure = [iv.labelled() for iv in r.item.sure_intervals]
    collared, left_out = frame_counts(collar_truth(truth, sure, clip_fps(r) or 30.0),
                                      r.is_out.tolist())
    return strict, collared, ambiguous, left_out - ambiguous


def video_section(results: list[VideoResult], tolerance_s: float = EVENT_TOLERANCE_S,
                  persons: Sequence[str] | None = None) -> Summary:
    """Frame-level (strict and with the collar) and event-level figures on clips with labelled
    intervals, pooled and (under "people") each person once. `persons` overrides who is who."""
    who = _persons(results, persons)
    frames = collared = Counts()
    ignored = collar_left_out = 0
    total = hit = false = dup = unsure_events = 0
    auc_truth: list[bool] = []
    auc_scores: list[float] = []
    lat_s: list[float] = []
    lat_f: list[float] = []
    per_clip: list[tuple[Counts, Counts, int, int]] = []
    for r in results:
        truth = r.item.frame_truth(r.n_frames)
        c, c_col, ign, col = clip_frames(r)
        frames, collared = frames + c, collared + c_col
        ignored, collar_left_out = ignored + ign, collar_left_out + col
        unsure = [iv.labelled() for iv in r.item.intervals if not iv.sure]
        m = match_events(r.starts, [iv.labelled() for iv in r.item.sure_intervals], tolerance_s,
                         ambiguous=unsure)
        per_clip.append((c, c_col, len(m.hits), len(m.hits) + len(m.missed)))
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
        "frames_collar": collar_left_out,
        "collar_tp": collared.tp, "collar_fp": collared.fp, "collar_tn": collared.tn,
        "collar_fn": collared.fn, "frame_f1_collar": precision_recall_f1(collared).f1,
        "frame_auc": roc_auc(auc_truth, auc_scores) if auc_truth else math.nan,
        "events_total": total, "events_hit": hit, "events_missed": total - hit,
        "false_events": false, "duplicate_events": dup, "ambiguous_events": unsure_events,
        "onset_latency_ms_median": ms_med, "onset_latency_ms_p90": ms_p90,
        "onset_latency_frames_median": f_med, "onset_latency_frames_p90": f_p90,
        "no_face_frames": int(sum(int((~r.face_found).sum()) for r in results)),
        "people": {
            "n": len(set(who)),
            "frame_f1": people_f1(who, [c[0] for c in per_clip]),
            "frame_f1_collar": people_f1(who, [c[1] for c in per_clip]),
            "event_recall": people_ratio(who, [c[2] for c in per_clip],
                                         [c[3] for c in per_clip]),
        },
    }


def negatives_section(results: list[VideoResult], persons: Sequence[str] | None = None) -> Summary:
    """False activations on clips where the tongue is never out: pooled over the footage, and
    (under "people") the mean over people of each person's rate."""
    who = _persons(results, persons)
    seconds = sum(r.duration_s for r in results)
    activations = sum(len(r.starts) for r in results)
    return {
        "n": len(results), "minutes": seconds / 60.0, "false_activations": activations,
        "per_minute": per_minute(activations, seconds),
        "no_face_frames": int(sum(int((~r.face_found).sum()) for r in results)),
        "people": {
            "n": len(set(who)),
            "per_minute": people_ratio(who, [len(r.starts) for r in results],
                                       [r.duration_s / 60.0 for r in results]),
        },
    }


def _no_face(images: list[ImageResult], videos: list[VideoResult]) -> list[str]:
    """Photos with no face, and clips with no face in any frame."""
    names = [r.item.name for r in images if r.reading is not None and not r.face_found]
    names += [r.item.name for r in videos if r.n_frames and not r.face_found.any()]
    return names


def clips_section(results: list[VideoResult], persons: Sequence[str] | None = None,
                  tolerance_s: float = EVENT_TOLERANCE_S) -> Summary:
    """Labelled clips ("videos") and negative clips ("negatives") scored apart, pooled and by
    person; `persons` (one per result) overrides who is who, e.g. for held-out scoring."""
    who = _persons(results, persons)
    mixed = [i for i, r in enumerate(results) if r.item.mixed]
    negative = [i for i, r in enumerate(results) if not r.item.mixed]
    return {
        "videos": video_section([results[i] for i in mixed], tolerance_s, [who[i] for i in mixed]),
        "negatives": negatives_section([results[i] for i in negative],
                                       [who[i] for i in negative]),
    }


def _sections(images: list[ImageResult], videos: list[VideoResult]) -> Summary:
    return {"images": image_section(images), **clips_section(videos),
            "no_face": _no_face(images, videos)}


CLIP_FIGURES = ("frame_f1", "frame_f1_collar", "events_hit", "events_total", "false_events")


def _clip_figures(r: VideoResult) -> Summary:
    """One clip's own figures: frame F1 strict and with the collar and its events if labelled,
    its false activations if not (what the per-clip floors are judged on)."""
    if r.item.mixed:
        section = video_section([r])
        return {key: section[key] for key in CLIP_FIGURES}
    return {"false_activations": len(r.starts), "per_minute": per_minute(len(r.starts),
                                                                         r.duration_s)}


def summarize(images: list[ImageResult], videos: list[VideoResult], *, detector: str,
              dataset: str) -> Summary:
    """The whole evaluation as one dict: overall, per source, per clip, and what failed."""
    summary = {"detector": detector, "dataset": dataset, **_sections(images, videos)}
    sources = sorted({r.item.source for r in images} | {r.item.source for r in videos})
    summary["per_source"] = {
        s: _sections([r for r in images if r.item.source == s],
                     [r for r in videos if r.item.source == s]) for s in sources}
    summary["clips"] = [{
        "path": r.item.name, "source": r.item.source, "person": r.item.person,
        "mixed": r.item.mixed, "frames": r.n_frames, "seconds": r.duration_s, "fps": r.fps,
        "no_face_frames": int((~r.face_found).sum()),
        **_clip_figures(r),
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


def _by_person(name: str) -> str:
    """The label of the people-weighted line under a row."""
    return name[: len(name) - len(name.lstrip())] + "  by person"


def _weighs_people(name: str, n: int, people: int, one_each_is_pooled: bool) -> bool:
    """Print a people-weighted line: always overall, else where it can differ from the pooled row
    (photos: someone has several; clips: several clips, since people average clip figures)."""
    if name == "overall":
        return True
    return people < n if one_each_is_pooled else n > 1


def _image_lines(summary: Summary, w: int) -> list[str]:
    out = [f"{'IMAGES (by person: each person once)':<{w}} {'n':>4} {'pos':>4} {'prec':>6} "
           f"{'rec':>6} {'FAR':>6} {'F1':>6} {'F1 95% CI':>13} {'AUC':>6} {'dir acc':>8} "
           f"{'dir n':>5} {'noface':>6}"]
    for name, sec in _rows(summary):
        im = sec["images"]
        if im["n"] == 0:
            continue
        out.append(f"{name:<{w}} {im['n']:>4} {im['positives']:>4} {_f(im['precision']):>6} "
                   f"{_f(im['recall']):>6} {_f(im['false_alarm_rate']):>6} {_f(im['f1']):>6} "
                   f"{_ci(im['f1_ci95']):>13} {_f(im['auc']):>6} "
                   f"{_f(im['direction_accuracy']):>8} {im['direction_n']:>5} {im['no_face']:>6}")
        pe = im["people"]
        if _weighs_people(name, im["n"], pe["n"], one_each_is_pooled=True):
            out.append(f"{_by_person(name):<{w}} {pe['n']:>4} {pe['positives']:>4} "
                       f"{_f(pe['precision']):>6} {_f(pe['recall']):>6} "
                       f"{_f(pe['false_alarm_rate']):>6} {_f(pe['f1']):>6} "
                       f"{_ci(pe['f1_ci95']):>13} {_f(pe['auc']):>6} "
                       f"{_f(pe['direction_accuracy']):>8} {pe['direction_n']:>5}")
    return out


def _video_lines(summary: Summary, w: int) -> list[str]:
    out = [f"{'MIXED VIDEOS (frames: state vs labels)':<{w}} {'clips':>5} {'frames':>6} "
           f"{'prec':>6} {'rec':>6} {'F1':>6} {'F1 col':>6} {'AUC':>6} {'hit/all':>8} "
           f"{'false':>5} {'dup':>4} {'lat ms med/p90':>15} {'lat fr med/p90':>15}"]
    for name, sec in _rows(summary):
        v = sec["videos"]
        if v["n"] == 0:
            continue
        hits = f"{v['events_hit']}/{v['events_total']}"
        ms = f"{_f(v['onset_latency_ms_median'], 0)}/{_f(v['onset_latency_ms_p90'], 0)}"
        fr = (f"{_f(v['onset_latency_frames_median'], 1)}/"
              f"{_f(v['onset_latency_frames_p90'], 1)}")
        out.append(f"{name:<{w}} {v['n']:>5} {v['frames']:>6} {_f(v['frame_precision']):>6} "
                   f"{_f(v['frame_recall']):>6} {_f(v['frame_f1']):>6} "
                   f"{_f(v['frame_f1_collar']):>6} {_f(v['frame_auc']):>6} {hits:>8} "
                   f"{v['false_events']:>5} {v['duplicate_events']:>4} {ms:>15} {fr:>15}")
        pe = v["people"]
        if _weighs_people(name, v["n"], pe["n"], one_each_is_pooled=False):
            out.append(f"{_by_person(name):<{w}} {pe['n']:>5} {'':>6} {'':>6} {'':>6} "
                       f"{_f(pe['frame_f1']):>6} {_f(pe['frame_f1_collar']):>6} {'':>6} "
                       f"{_f(pe['event_recall'], 2):>8}")
    return out


def _negative_lines(summary: Summary, w: int) -> list[str]:
    out = [f"{'NEGATIVE VIDEOS':<{w}} {'clips':>5} {'minutes':>8} {'false act.':>10} "
           f"{'per min':>8}"]
    for name, sec in _rows(summary):
        n = sec["negatives"]
        if n["n"] == 0:
            continue
        out.append(f"{name:<{w}} {n['n']:>5} {_f(n['minutes'], 2):>8} "
                   f"{n['false_activations']:>10} {_f(n['per_minute'], 2):>8}")
        pe = n["people"]
        if _weighs_people(name, n["n"], pe["n"], one_each_is_pooled=False):
            out.append(f"{_by_person(name):<{w}} {pe['n']:>5} {'':>8} {'':>10} "
                       f"{_f(pe['per_minute'], 2):>8}")
    return out


def format_table(summary: Summary) -> str:
    """The printed report: photos, mixed clips, negative clips, directions, faces not found; under
    a row, its people-weighted line ("by person": n counts people, hit/all is their mean share of
    events caught) where it can differ from the pooled one."""
    w = max(38, *(len(name) for name, _ in _rows(summary)))
    out = [f"tongue-mirror eval  detector={summary['detector']}  dataset={summary['dataset']}", ""]
    out += _image_lines(summary, w)
    out += ["", *_video_lines(summary, w)]
    out += ["", *_negative_lines(summary, w)]
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
