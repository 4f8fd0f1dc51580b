"""`tongue-mirror calibrate`: fits a per-user boundary from a neutral and a tongue-out phase.

Headless: it reads a camera or a video file, prints the phase and countdown, and saves the profile
(loaded automatically next time by name). With a file, the first `--neutral` seconds must show the
neutral face and the next `--tongue` seconds the tongue out.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from tongue_mirror.app.config import add_tracker_options
from tongue_mirror.errors import UserError

if TYPE_CHECKING:
    from tongue_mirror.io.frame_source import FrameSource


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds the `calibrate` subcommand."""
    p = subparsers.add_parser(
        "calibrate", help="calibrate the tongue detector for one person",
        description="Guided calibration: 3 s neutral face, then 3 s tongue out.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--source", type=Path, help="video file to calibrate from")
    src.add_argument("--camera", type=int, default=None, help="camera index (default 0)")
    p.add_argument("--profile", default="default", help="profile name (default: default)")
    p.add_argument("--profiles-dir", type=Path, default=None,
                   help="where profiles are kept (default ~/.config/tongue-mirror/profiles)")
    p.add_argument("--neutral", type=float, default=3.0, help="neutral phase seconds")
    p.add_argument("--tongue", type=float, default=3.0, help="tongue-out phase seconds")
    add_tracker_options(p.add_argument_group("model"))
    p.set_defaults(handler=run)


def _source(args: argparse.Namespace) -> FrameSource:
    """The project's own frame source: the file (presentation times) or the camera."""
    from tongue_mirror.io.camera import CameraSource
    from tongue_mirror.io.video_file import VideoFileSource

    if args.source is not None:
        if not args.source.is_file():
            raise UserError(f"video file not found: {args.source}")
        return VideoFileSource(args.source)
    return CameraSource(0 if args.camera is None else args.camera)


def run(args: argparse.Namespace) -> int:
    """Runs the guided session and saves the profile."""
    from tongue_mirror.app.build import build_slice
    from tongue_mirror.app.config import RunConfig, tracker_config_from
    from tongue_mirror.core.calibration_session import CalibrationConfig, CalibrationSession
    from tongue_mirror.io.detector_files import profile_path, save_calibration
    from tongue_mirror.io.face_tracker import FaceTracker

    try:
        cfg = CalibrationConfig(neutral_s=args.neutral, tongue_s=args.tongue)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    # The stages `live` runs, from the same configuration; no profile: a calibration is fitted
    # on the model's own logits, and a broken old profile must not stop a new one.
    config = RunConfig(tracker=tracker_config_from(args))
    target = profile_path(args.profile, args.profiles_dir)
    try:  # before the 6 s of capture, not after: a person should not calibrate in vain
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot keep profiles in {target.parent}: "
                        f"{exc.strerror or exc}") from None
    session = CalibrationSession(cfg, args.profile)
    last = None
    with FaceTracker(config.tracker) as tracker, _source(args) as source:
        front = build_slice(config, tracker)
        for frame in source:  # the session runs on the frames' clock from the first one
            step = front.step(frame)
            logit = step.reading.logit
            status = session.add(frame.t, logit)
            shown = (status.phase, status.countdown)
            # The closing line comes after the fit: "done" only means both phases ran.
            if shown != last and status.phase in ("neutral", "tongue"):
                print(f"[{status.phase}] {status.prompt} ... {status.countdown}", flush=True)
                last = shown
            if session.finished:
                break
    if not session.finished:
        raise UserError("the video ended before both calibration phases were complete")
    cal = session.result()  # a UserError (no face, no tongue seen) is the only closing line
    try:
        save_calibration(cal, target)
    except OSError as exc:
        raise UserError(f"cannot save profile {target}: {exc.strerror or exc}") from None
    print(f"[done] calibrated: saved profile {args.profile!r} to {target}: "
          f"boundary shift {cal.shift:+.2f} logits, "
          f"gain {cal.gain:.2f} ({cal.n_neutral} neutral, {cal.n_tongue} tongue-out frames)")
    return 0
