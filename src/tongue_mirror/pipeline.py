"""One frame in, everything the app knows about it out: tracker → detector → gesture → circuit → avatar."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

import numpy as np

from tongue_mirror.values import (
    NO_TONGUE,
    AvatarPose,
    FaceObservation,
    Frame,
    GestureEvent,
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
    def advance_to(self, t: float, observed: Mapping[str, float]) -> NeuralState: ...
    def reset(self) -> None: ...


class Animator(Protocol):
    def step(self, t: float, drive) -> AvatarPose: ...
    def reset(self) -> None: ...


@dataclass(frozen=True, eq=False)
class FrameResult:
    """Everything computed for one frame, for drawing and logging."""

    frame: Frame
    face: FaceObservation | None
    reading: TongueReading
    tongue: TongueState
    neural: NeuralState
    pose: AvatarPose
    attract: bool  # nobody in front of the camera: the avatar idles and the screen invites
    events: tuple[GestureEvent, ...]
    timings_ms: Mapping[str, float] = field(default_factory=dict)


class Pipeline:
    """Runs the analysis stages in order; owns no device, draws nothing."""

    def __init__(self, tracker: Tracker, detector: Detector, gesture: Gesture, circuit: Circuit,
                 animator: Animator, drive_builder, observed_builder, mirror: bool = True) -> None:
        self.tracker = tracker
        self.detector = detector
        self.gesture = gesture
        self.circuit = circuit
        self.animator = animator
        self._drive = drive_builder
        self._observed = observed_builder
        self.mirror = mirror

    def reset_person(self) -> None:
        """Forgets everything about the previous person (gesture, circuit, avatar mood)."""
        self.gesture.reset()
        self.circuit.reset()
        self.animator.reset()
        reset = getattr(self.detector, "reset", None)
        if reset:
            reset()

    def step(self, frame: Frame) -> FrameResult:
        """Analyses one frame."""
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        face = self.tracker.track(frame)
        t1 = time.perf_counter()
        reading = self.detector.read(frame.image, face) if face is not None else NO_TONGUE
        t2 = time.perf_counter()
        tongue = self.gesture.update(reading, frame.t, frame.index)
        observed = self._observed(reading if tongue.is_out or face is not None else None, face)
        neural = self.circuit.advance_to(frame.t, observed)
        t3 = time.perf_counter()
        drive = self._drive(frame, face, reading, neural, self.mirror)
        pose = self.animator.step(frame.t, drive)
        t4 = time.perf_counter()
        timings.update(tracker=(t1 - t0) * 1e3, detector=(t2 - t1) * 1e3,
                       circuit=(t3 - t2) * 1e3, animator=(t4 - t3) * 1e3)
        events = tuple(tongue.events) + tuple(neural.events)
        return FrameResult(frame=frame, face=face, reading=reading, tongue=tongue, neural=neural,
                           pose=pose, attract=bool(getattr(self.animator, "attract", face is None)),
                           events=events, timings_ms=MappingProxyType(timings))
