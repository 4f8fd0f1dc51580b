"""The run's configuration, built once from the command line and handed down as frozen values."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from tongue_mirror.core.avatar_motion import AvatarMotionConfig
from tongue_mirror.core.circuit_params import MODES as CIRCUIT_MODES
from tongue_mirror.core.circuit_params import CircuitParams
from tongue_mirror.core.detector.detector import DetectorConfig
from tongue_mirror.core.gesture import GestureConfig
from tongue_mirror.core.pipeline import AVATAR_MODES
from tongue_mirror.errors import UserError
from tongue_mirror.io.face_tracker import TrackerConfig
from tongue_mirror.view.camera_panel import FITS as CAMERA_FITS
from tongue_mirror.view.compositor import LAYOUTS

DEFAULT_OUT_DIR = Path("tongue-mirror-output")
DEFAULT_CANVAS = (1280, 720)
MIN_CANVAS, MAX_CANVAS = (320, 240), (3840, 2160)  # up to a 4K projector


@dataclass(frozen=True)
class RunConfig:
    """Everything that shapes a run of the pipeline, live or headless: one tree, handed down.

    Every stage's own frozen config hangs here, so the presenter's meter, `eval` and training
    read the same gesture thresholds the live tracker acts on.
    """

    tracker: TrackerConfig = field(default_factory=TrackerConfig)
    detector: DetectorConfig = field(default_factory=DetectorConfig)
    gesture: GestureConfig = field(default_factory=GestureConfig)
    circuit: CircuitParams = field(default_factory=CircuitParams)
    avatar_motion: AvatarMotionConfig = field(default_factory=AvatarMotionConfig)
    mode: str = "infant"  # the circuit's inhibition preset
    inhibition: float | None = None  # overrides the preset's inhibition when given
    avatar: str = "circuit"  # "circuit": imitation through the circuit; "puppet": mirrors blendshapes
    layout: str = "composed"
    canvas_size: tuple[int, int] = DEFAULT_CANVAS
    mirror: bool = True
    profile: str | None = None  # per-user calibration profile name
    seed: int = 0
    camera_fit: str = "crop"  # "crop": the camera fills its panel around the face; "letterbox"

    def __post_init__(self) -> None:
        if self.mode not in CIRCUIT_MODES:
            raise ValueError(f"mode must be one of {CIRCUIT_MODES}")
        if self.avatar not in AVATAR_MODES:
            raise ValueError(f"avatar must be one of {AVATAR_MODES}")
        if self.layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}")
        w, h = self.canvas_size
        (w0, h0), (w1, h1) = MIN_CANVAS, MAX_CANVAS
        if not (w0 <= w <= w1 and h0 <= h <= h1):
            raise ValueError(f"canvas {w}x{h} is out of range: from {w0}x{h0} up to {w1}x{h1} "
                             "(e.g. 1280x720 or 1920x1080)")
        if w % 2 or h % 2:
            raise ValueError(f"canvas {w}x{h}: width and height must be even (video needs it), "
                             f"e.g. {w + w % 2}x{h + h % 2}")
        if self.camera_fit not in CAMERA_FITS:
            raise ValueError(f"camera fit must be one of {CAMERA_FITS}")
        c = self.circuit
        if self.inhibition is not None and not 0.0 <= self.inhibition <= c.inhibition_max:
            raise ValueError(f"inhibition must be in 0..{c.inhibition_max:g} (infant preset "
                             f"{c.inhibition_infant:g}, adult {c.inhibition_adult:g})")


def canvas_for_screen(screen: tuple[int, int]) -> tuple[int, int]:
    """The largest even 16:9 canvas that fits the screen (within bounds), drawn 1:1 when shown
    fullscreen: a projector's 1920x1080 gets 1920x1080, not a 1280x720 picture scaled up blurry."""
    sw, sh = screen
    w = min(sw, MAX_CANVAS[0], (sh * 16) // 9)
    w -= w % 32  # a multiple of 32: 9/16 of it is a whole, even height
    h = w * 9 // 16
    if w < MIN_CANVAS[0] or h < MIN_CANVAS[1]:
        return DEFAULT_CANVAS
    return w, h


def parse_size(text: str) -> tuple[int, int]:
    """'1280x720' → (1280, 720), with a one-line error for anything else."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 1280x720, not {text!r}") from None
    if w <= 0 or h <= 0:
        raise argparse.ArgumentTypeError("width and height must be positive")
    return w, h


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by `live` and `process`."""
    g = parser.add_argument_group("model")
    g.add_argument("--mode", choices=CIRCUIT_MODES, default="infant",
                   help="mirror-circuit preset: infant imitates overtly, adult only mirrors "
                        "(default: infant)")
    c = CircuitParams()
    g.add_argument("--inhibition", type=float, default=None,
                   help=f"motor inhibition 0..{c.inhibition_max:g} overriding the preset "
                        f"(infant {c.inhibition_infant:g}, adult {c.inhibition_adult:g})")
    g.add_argument("--avatar", choices=AVATAR_MODES, default="circuit",
                   help="circuit: the baby imitates through the circuit; puppet: it copies your "
                        "face directly (for checking tracking)")
    g.add_argument("--profile", default=None, help="calibration profile name to load")
    add_tracker_options(g)
    g.add_argument("--seed", type=int, default=0, help="seed for the model neurons and avatar")
    v = parser.add_argument_group("view")
    v.add_argument("--layout", choices=LAYOUTS, default="composed",
                   help="composed (camera, baby, neurons) or avatar (baby only)")
    v.add_argument("--canvas", type=parse_size, default=None, metavar="WxH",
                   help="size of the composed view and of recordings (default 1280x720; "
                        "`live --fullscreen`: the screen's, so text is drawn at its own pixels)")
    v.add_argument("--no-mirror", action="store_true", help="show the camera unmirrored")
    v.add_argument("--fit", choices=CAMERA_FITS, default="crop",
                   help="how the camera fills its panel: crop around the face (default) or "
                        "letterbox the whole picture")


def add_tracker_options(group: argparse._ActionsContainer) -> None:
    """The face tracker's options, shared by every command that tracks faces."""
    group.add_argument("--max-faces", type=int, default=1,
                       help="faces to track; the most prominent drives the baby (default 1)")
    group.add_argument("--model", type=Path, default=None,
                       help="face landmarker .task file (default: the bundled one)")


def tracker_config_from(args: argparse.Namespace) -> TrackerConfig:
    """The tracker's configuration from `add_tracker_options`; bad values are one-line errors."""
    try:
        return TrackerConfig(model_path=args.model, max_faces=args.max_faces)
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def run_config_from(args: argparse.Namespace) -> RunConfig:
    """Builds and validates the run configuration; bad values become one-line errors."""
    try:
        return RunConfig(
            tracker=tracker_config_from(args),
            mode=args.mode, inhibition=args.inhibition, avatar=args.avatar, layout=args.layout,
            canvas_size=tuple(args.canvas or DEFAULT_CANVAS), mirror=not args.no_mirror,
            profile=args.profile,
            seed=args.seed, camera_fit=getattr(args, "fit", "crop"),
        )
    except ValueError as exc:
        raise UserError(str(exc)) from exc
