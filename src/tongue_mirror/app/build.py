"""Builds the pipeline's stages and the view's renderers from one RunConfig."""

from __future__ import annotations

from tongue_mirror.app.config import RunConfig
from tongue_mirror.core.avatar_motion import AvatarAnimator
from tongue_mirror.core.circuit import MirrorCircuit
from tongue_mirror.core.detector.detector import TongueDetector
from tongue_mirror.core.gesture import GestureTracker
from tongue_mirror.core.pipeline import Pipeline, Tracker
from tongue_mirror.core.tongue_slice import TongueSlice
from tongue_mirror.errors import UserError
from tongue_mirror.io.detector_files import load_detector, load_profile


def build_detector(config: RunConfig) -> TongueDetector:
    """The shipped detector, under this person's calibration when a profile is named and saved."""
    detector = load_detector(config.detector)
    if config.profile:
        calibration = load_profile(config.profile)
        if calibration is not None:
            detector = detector.with_calibration(calibration)
    return detector


def build_slice(config: RunConfig, tracker: Tracker) -> TongueSlice:
    """The front of the pipeline (tracker → detector → gesture) as `build_pipeline` wires it."""
    return TongueSlice(tracker, build_detector(config), GestureTracker(config.gesture))


def build_pipeline(config: RunConfig, tracker: Tracker) -> Pipeline:
    """Every analysis stage, wired; the tracker is opened by the caller (it owns a model)."""
    circuit = MirrorCircuit(config.circuit, seed=config.seed, mode=config.mode)
    if config.inhibition is not None:
        try:
            circuit.set_inhibition(config.inhibition)
        except ValueError as exc:
            raise UserError(str(exc)) from exc
    return Pipeline(
        tracker=tracker, detector=build_detector(config), gesture=GestureTracker(config.gesture),
        circuit=circuit, animator=AvatarAnimator(config.avatar_motion, seed=config.seed),
        avatar_mode=config.avatar, mirror=config.mirror,
        direction_min_probability=config.gesture.on_threshold,
    )
