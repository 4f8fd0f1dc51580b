"""One frame in, everything the app knows about it out: tracker → detector → gesture → circuit → avatar."""

from __future__ import annotations

import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol

import numpy as np

from tongue_mirror.core.adapters import (
    STRAIGHT_OUT,
    avatar_drive,
    observed_from,
    puppet_pose,
    tongue_direction,
)
from tongue_mirror.core.avatar_motion import AvatarDrive
from tongue_mirror.core.detector.calibration import Calibration
from tongue_mirror.values import (
    NO_TONGUE,
    AvatarPose,
    FaceObservation,
    Frame,
    FrameResult,
    NeuralState,
    TongueReading,
    TongueState,
)

AVATAR_MODES = ("circuit", "puppet")


class Tracker(Protocol):
    """Finds the face in a frame; remembers it between frames (VIDEO mode)."""

    def track(self, frame: Frame) -> FaceObservation | None: ...
    def forget_face(self) -> None: ...


class Detector(Protocol):
    """Reads the tongue from a frame and its face; a person's calibration gives a new detector."""

    def read(self, image: np.ndarray, face: FaceObservation | None) -> TongueReading: ...
    def read_with_patch(self, image: np.ndarray, face: FaceObservation | None
                        ) -> tuple[TongueReading, np.ndarray | None]: ...
    def with_calibration(self, calibration: Calibration | None) -> Detector: ...


class Gesture(Protocol):
    """Turns per-frame readings into a debounced out/in state and its events."""

    def update(self, reading: TongueReading, t: float, frame: int) -> TongueState: ...
    def reset(self) -> None: ...


class Circuit(Protocol):
    """The mirror circuit on its own clock; inhibition and mode are the presenter's knobs."""

    @property
    def mode(self) -> str: ...
    @property
    def inhibition(self) -> float: ...
    def set_mode(self, mode: str) -> None: ...
    def nudge_inhibition(self, delta: float) -> float: ...
    def advance_to(self, t: float, observed: Mapping[str, float] | None,
                   frame: int = -1, intent: Mapping[str, float] | None = None
                   ) -> NeuralState: ...
    def reset(self) -> None: ...


class Animator(Protocol):
    """Turns the drive into a living pose; idles ("attract") when nobody is there."""

    @property
    def attract(self) -> bool: ...
    def step(self, t: float, drive: AvatarDrive) -> AvatarPose: ...


class LivePipeline(Protocol):
    """What the live loop calls on the pipeline (`Pipeline`): a frame in, a result out, the
    presenter's knobs (mirror, the circuit), a calibration, the next person, and the baby's own
    action (`intent`: the imitation game lets the baby lead)."""

    mirror: bool
    intent: Mapping[str, float]

    @property
    def circuit(self) -> Circuit: ...
    def step(self, frame: Frame) -> FrameResult: ...
    def calibrate(self, calibration: Calibration | None) -> None: ...
    def reset_person(self) -> None: ...


class Pipeline:
    """Runs the analysis stages in order; owns no device, draws nothing."""

    def __init__(self, tracker: Tracker, detector: Detector, gesture: Gesture, circuit: Circuit,
                 animator: Animator, avatar_mode: str = "circuit", mirror: bool = True,
                 direction_min_probability: float = 0.5) -> None:
        if avatar_mode not in AVATAR_MODES:
            raise ValueError(f"avatar_mode must be one of {AVATAR_MODES}")
        self.tracker = tracker
        self.detector = detector
        self.gesture = gesture
        self.circuit = circuit
        self.animator = animator
        self.avatar_mode = avatar_mode
        self.mirror = mirror
        if not 0.0 <= direction_min_probability <= 1.0:
            raise ValueError("direction_min_probability must be in 0..1")
        # The baby copies the direction of readings that count as evidence of a tongue out,
        # and keeps the last one (the state the pure adapters hand back).
        self.direction_min_probability = direction_min_probability
        self._tongue_direction = STRAIGHT_OUT
        # The baby's own action, per channel 0..1 (the game's "baby leads"), held until changed.
        self.intent: Mapping[str, float] = MappingProxyType({})

    def reset_person(self) -> None:
        """Forgets everything about the previous person: gesture, circuit, face, calibration."""
        self.gesture.reset()
        self.circuit.reset()
        self._tongue_direction = STRAIGHT_OUT
        self.intent = MappingProxyType({})
        self.tracker.forget_face()
        self.calibrate(None)

    def calibrate(self, calibration: Calibration | None) -> None:
        """Reads this person's tongue under their calibration (None: the shipped boundary)."""
        self.detector = self.detector.with_calibration(calibration)

    def _read(self, image: np.ndarray, face: FaceObservation | None
              ) -> tuple[TongueReading, np.ndarray | None]:
        """The detector's reading and its mouth patch (for display)."""
        if face is None:
            return NO_TONGUE, None
        return self.detector.read_with_patch(image, face)

    def step(self, frame: Frame) -> FrameResult:
        """Analyses one frame."""
        t0 = time.perf_counter()
        face = self.tracker.track(frame)
        return self.analyse(frame, face, (time.perf_counter() - t0) * 1e3)

    def analyse(self, frame: Frame, face: FaceObservation | None,
                tracker_ms: float = 0.0) -> FrameResult:
        """Everything after the tracker; `process` runs it beside the next frame's tracking."""
        t1 = time.perf_counter()
        reading, patch = self._read(frame.image, face)
        t2 = time.perf_counter()
        tongue = self.gesture.update(reading, frame.t, frame.index)
        neural = self.circuit.advance_to(frame.t, observed_from(face, tongue), frame.index,
                                         self.intent)
        t3 = time.perf_counter()
        self._tongue_direction = tongue_direction(reading, self._tongue_direction, self.mirror,
                                                  self.direction_min_probability)
        drive = avatar_drive(face, neural, self._tongue_direction)
        pose = self.animator.step(frame.t, drive)
        if self.avatar_mode == "puppet" and face is not None:
            pose = puppet_pose(face, reading)
        t4 = time.perf_counter()
        timings = {"tracker": tracker_ms, "detector": (t2 - t1) * 1e3,
                   "circuit": (t3 - t2) * 1e3, "animator": (t4 - t3) * 1e3}
        return FrameResult(frame=frame, face=face, reading=reading, tongue=tongue, neural=neural,
                           pose=pose, attract=self.animator.attract, mouth_patch=patch,
                           events=tuple(tongue.events) + tuple(neural.events),
                           timings_ms=MappingProxyType(timings))
