"""Immutable values the pipeline stages hand to each other, so every stage is testable alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

# Where a tongue points, as seen in the (unmirrored) image: the labels of the data, the detector,
# the synthetic performer and the evaluation, defined once.
TONGUE_DIRECTIONS = ("center", "left", "right", "up", "down")


def _frozen_mapping(d: Mapping[str, float] | None) -> Mapping[str, float]:
    """Read-only copy so a value cannot be changed behind a later stage's back."""
    return MappingProxyType(dict(d or {}))


@dataclass(frozen=True, eq=False)
class Frame:
    """One image with the time it was captured (camera) or presented (file)."""

    image: np.ndarray  # H×W×3 BGR uint8
    t: float  # seconds: monotonic for a camera, presentation time for a file
    index: int
    capture_time: float | None = None  # time.perf_counter() at capture, for latency

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        h, w = self.image.shape[:2]
        return w, h


@dataclass(frozen=True, eq=False)
class FaceObservation:
    """MediaPipe's face output converted once, in pixels of the frame it came from."""

    landmarks: np.ndarray  # 478×3 float32: x, y in pixels, z in pixel-scaled depth
    blendshapes: Mapping[str, float]
    yaw: float  # radians, positive = face turned to the image's right
    pitch: float  # radians, positive = face tilted up
    roll: float  # radians, positive = clockwise in the image
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 pixels
    image_size: tuple[int, int]  # width, height

    def __post_init__(self) -> None:
        object.__setattr__(self, "blendshapes", _frozen_mapping(self.blendshapes))

    def blendshape(self, name: str) -> float:
        """Score of one blendshape, 0 where the model did not report it."""
        return float(self.blendshapes.get(name, 0.0))

    @property
    def center(self) -> tuple[float, float]:
        """Centre of the face box in pixels."""
        x0, y0, x1, y1 = self.bbox
        return (x0 + x1) / 2.0, (y0 + y1) / 2.0

    @property
    def width(self) -> float:
        """Face box width in pixels: a scale for everything measured on the face."""
        return self.bbox[2] - self.bbox[0]


@dataclass(frozen=True)
class TongueReading:
    """What the tongue detector saw in one frame."""

    probability: float  # 0..1 that the tongue is out
    extension: float = 0.0  # 0..1, how far out (for the avatar)
    direction: tuple[float, float] | None = None  # unit vector in image coordinates (x right, y down)
    direction_label: str | None = None  # center/left/right/up/down as seen in the unmirrored image
    features: Mapping[str, float] = field(default_factory=dict)
    logit: float | None = None  # uncalibrated decision value (0 = operating point); None: no face

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", _frozen_mapping(self.features))


NO_TONGUE = TongueReading(probability=0.0)


@dataclass(frozen=True)
class GestureEvent:
    """A discrete happening on the timeline, logged to the events JSONL."""

    t: float
    frame: int
    event: str  # tongue_out_start, tongue_out_end, imitation_start, ...
    data: Mapping[str, float | str] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """Plain dict for the events log."""
        return {"t": round(self.t, 4), "frame": self.frame, "event": self.event, **dict(self.data)}


@dataclass(frozen=True)
class TongueState:
    """The debounced gesture: is the tongue out, since when, and what just happened."""

    is_out: bool = False
    since: float | None = None
    probability: float = 0.0  # smoothed probability the state machine acted on
    events: tuple[GestureEvent, ...] = ()


@dataclass(frozen=True, eq=False)
class NeuralState:
    """A snapshot of the mirror circuit for drawing and logging."""

    t: float
    channels: tuple[str, ...]  # action channels, e.g. ("tongue", "jaw", "lips")
    rates: Mapping[str, np.ndarray]  # population name → rate per channel (spikes/s)
    # population name → (steps × channels × neurons) bool, the steps since the last state
    spikes: Mapping[str, np.ndarray]
    movement: Mapping[str, float]  # channel → the avatar's own movement 0..1
    attribution: str  # "self", "other" or "none"
    inhibition: float
    events: tuple[GestureEvent, ...] = ()
    # Added by the circuit issue (all defaulted, so older constructors still work):
    # "efference", "feedback", "error" → value per channel, 0..1
    signals: Mapping[str, np.ndarray] = field(default_factory=dict)
    # population → (spontaneous, peak) rate in spikes/s, for scaling traces
    rate_ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    motor_threshold_rate: float = float("nan")  # M1 rate (spikes/s) above which the avatar moves
    phase: str = ""  # "watching", "imitating", "self" or "other": what the model is doing now
    mode: str = ""  # "infant", "adult" or "" when the knob is off a preset
    dt: float = 0.0  # s per spike-raster step
    # channel → the model's own intention to act, 0..1 (the game's baby leading); empty: none
    intent: Mapping[str, float] = field(default_factory=dict)

    def rate(self, population: str, channel: str) -> float:
        """One population's rate on one channel (spikes/s), NaN if absent."""
        if population not in self.rates or channel not in self.channels:
            return float("nan")
        return float(self.rates[population][self.channels.index(channel)])


@dataclass(frozen=True)
class AvatarPose:
    """Everything the avatar renderer needs; the circuit fills mouth/tongue, the user's face the rest."""

    head_yaw: float = 0.0
    head_pitch: float = 0.0
    head_roll: float = 0.0
    gaze: tuple[float, float] = (0.0, 0.0)  # x, y in -1..1
    eye_open_left: float = 1.0
    eye_open_right: float = 1.0
    brow_raise: float = 0.0
    jaw_open: float = 0.0
    smile: float = 0.0
    lip_protrusion: float = 0.0
    tongue_extension: float = 0.0
    tongue_direction: tuple[float, float] = (0.0, 1.0)  # unit vector on screen (x right, y down)


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
    mouth_patch: np.ndarray | None = None  # the detector's canonical mouth patch, for display
    timings_ms: Mapping[str, float] = field(default_factory=dict)
