"""One frame in, everything the app knows about it out: tracker → detector → gesture → circuit → avatar."""

from __future__ import annotations

import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol

import numpy as np

from tongue_mirror.core.adapters import DriveBuilder
from tongue_mirror.core.avatar_motion import AvatarDrive, puppet_pose
from tongue_mirror.core.circuit import observed_from
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
    def track(self, frame: Frame) -> FaceObservation | None: ...


class Detector(Protocol):
    def read(self, image: np.ndarray, face: FaceObservation | None) -> TongueReading: ...


class Gesture(Protocol):
    def update(self, reading: TongueReading, t: float, frame: int) -> TongueState: ...
    def reset(self) -> None: ...


class Circuit(Protocol):
    def advance_to(self, t: float, observed: Mapping[str, float], frame: int = -1) -> NeuralState: ...
    def reset(self) -> None: ...


class Animator(Protocol):
    attract: bool

    def step(self, t: float, drive: AvatarDrive) -> AvatarPose: ...


class Pipeline:
    """Runs the analysis stages in order; owns no device, draws nothing."""

    def __init__(self, tracker: Tracker, detector: Detector, gesture: Gesture, circuit: Circuit,
                 animator: Animator, avatar_mode: str = "circuit", mirror: bool = True) -> None:
        if avatar_mode not in AVATAR_MODES:
            raise ValueError(f"avatar_mode must be one of {AVATAR_MODES}")
        self.tracker = tracker
        self.detector = detector
        self.gesture = gesture
        self.circuit = circuit
        self.animator = animator
        self.avatar_mode = avatar_mode
        self.mirror = mirror
        self._drive = DriveBuilder()

    def reset_person(self) -> None:
        """Forgets everything about the previous person (gesture, circuit, avatar mood)."""
        self.gesture.reset()
        self.circuit.reset()
        self._drive.reset()
        forget = getattr(self.tracker, "forget_face", None)
        if forget is not None:
            forget()

    def _read(self, image: np.ndarray, face: FaceObservation | None
              ) -> tuple[TongueReading, np.ndarray | None]:
        """The detector's reading, and its mouth patch where the detector offers one."""
        if face is None:
            return NO_TONGUE, None
        with_patch = getattr(self.detector, "read_with_patch", None)
        if with_patch is not None:
            return with_patch(image, face)
        return self.detector.read(image, face), None

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
        # The baby sees a tongue while the gesture tracker says it is out: debounced, so noise
        # never makes it imitate, and a step, so it imitates with the same latency every time.
        observed = {**observed_from(reading, face), "tongue": float(tongue.is_out)}
        neural = self.circuit.advance_to(frame.t, observed, frame.index)
        t3 = time.perf_counter()
        drive = self._drive(frame, face, reading, neural, self.mirror)
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
