"""The front of the pipeline alone (tracker → detector → gesture), which eval and training score."""

from __future__ import annotations

from dataclasses import dataclass

from tongue_mirror.core.pipeline import Detector, Gesture, Tracker
from tongue_mirror.values import NO_TONGUE, FaceObservation, Frame, TongueReading, TongueState


@dataclass(frozen=True, eq=False)
class SliceResult:
    """What the slice knows about one frame."""

    frame: Frame
    face: FaceObservation | None
    reading: TongueReading  # the detector's raw reading
    tongue: TongueState  # the gesture tracker after this frame


class TongueSlice:
    """Runs the same stages as `Pipeline.step` up to the gesture tracker, without circuit or avatar,
    so a scored figure is what the app would have shown. One instance per clip or photo."""

    def __init__(self, tracker: Tracker, detector: Detector, gesture: Gesture) -> None:
        self.tracker = tracker
        self.detector = detector
        self.gesture = gesture

    def step(self, frame: Frame) -> SliceResult:
        """Analyses one frame."""
        face = self.tracker.track(frame)
        reading = self.detector.read(frame.image, face) if face is not None else NO_TONGUE
        return SliceResult(frame, face, reading, self.gesture.update(reading, frame.t, frame.index))
