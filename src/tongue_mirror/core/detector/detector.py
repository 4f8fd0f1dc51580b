"""Tongue-out detector: mouth-patch features → a small shipped model evaluated in plain numpy.

The weights (standardisation, then gradient-boosted trees, a logistic or a one-hidden-layer model,
and the operating point) live in
`assets/detector/model.json`, written by tools/train_detector.py. The model's logit is shifted so
that the trained operating threshold sits at probability 0.5; a per-user Calibration moves that
boundary (and sharpens it) for one person. Inference never imports the training stack.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from tongue_mirror.core.detector.features import FEATURE_NAMES, MouthFeatures, PatchConfig, extract
from tongue_mirror.errors import UserError
from tongue_mirror.io.assets import asset_path
from tongue_mirror.values import FaceObservation, TongueReading

DEFAULT_MODEL = "detector/model.json"
DIRECTION_LABELS = ("center", "left", "right", "up", "down")

# Inputs of the sideways-direction model: all odd under a left-right mirror of the image (so the
# model is trained on mirrored copies too). MediaPipe's jaw/mouth Left/Right are the person's
# sides, i.e. the image's right/left.
_IDX = {n: i for i, n in enumerate(FEATURE_NAMES)}
DIRECTION_INPUTS = ("pink_cx", "corner_mid_x", "jaw_lr", "mouth_lr", "yaw_signed", "tongue_dx",
                    "side_pink_lr", "side_red_lr", "side_pinkhue_lr", "lowlip_asym")


def direction_inputs(x: np.ndarray) -> np.ndarray:
    """The direction model's inputs from feature vectors (n × F or F,); image-right positive."""
    x = np.asarray(x, np.float64)
    col = lambda name: x[..., _IDX[name]]  # noqa: E731
    return np.stack([col("pink_cx"), col("corner_mid_x"),
                     col("bs_jawLeft") - col("bs_jawRight"),
                     col("bs_mouthLeft") - col("bs_mouthRight"),
                     col("yaw_signed"), col("tongue_dx"),
                     col("side_r_pink") - col("side_l_pink"), col("side_r_red") - col("side_l_red"),
                     col("side_r_pinkhue") - col("side_l_pinkhue"), col("lowlip_asym")], axis=-1)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


@dataclass(frozen=True)
class DetectorConfig:
    """Which weights to load and how to turn the direction vector into a label."""

    model_path: Path | None = None  # None = the shipped assets/detector/model.json
    patch: PatchConfig = field(default_factory=PatchConfig)
    side_angle_deg: float = 40.0  # |angle from straight down| beyond which the tongue is left/right
    up_angle_deg: float = 120.0  # beyond which it points up
    min_probability_for_direction: float = 0.3  # below this, no direction is reported

    def __post_init__(self) -> None:
        if not 0.0 < self.side_angle_deg < self.up_angle_deg < 180.0:
            raise ValueError("need 0 < side_angle_deg < up_angle_deg < 180")
        if not 0.0 <= self.min_probability_for_direction <= 1.0:
            raise ValueError("min_probability_for_direction must be in 0..1")


@dataclass(frozen=True, eq=False)
class TreeEnsemble:
    """Gradient-boosted trees padded to complete binary trees, so all of them walk in lockstep.

    Node k of a tree (heap order: children 2k+1, 2k+2) sends z to the right when
    z[feature] > threshold; a leaf reached early is padded with never-taken splits (threshold
    +huge) whose subtrees repeat its value. Evaluating 200 depth-3 trees is three fancy-indexing
    steps in numpy: tens of microseconds, no scikit-learn at run time.
    """

    feature: np.ndarray  # (T, 2^D − 1) int
    threshold: np.ndarray  # (T, 2^D − 1) float
    leaf: np.ndarray  # (T, 2^D) float, learning rate included
    base: float

    def __post_init__(self) -> None:
        t, n_inner = self.feature.shape
        if self.threshold.shape != (t, n_inner) or self.leaf.shape != (t, n_inner + 1):
            raise ValueError("tree arrays disagree in shape")
        if n_inner + 1 & n_inner:
            raise ValueError("trees must be complete binary trees (2^D leaves)")

    @cached_property
    def _tree_index(self) -> np.ndarray:
        """(1, T) tree numbers for fancy indexing, built once rather than on every frame."""
        return np.arange(self.feature.shape[0])[None, :]

    @property
    def depth(self) -> int:
        """Levels of splits."""
        return int(self.leaf.shape[1]).bit_length() - 1

    @classmethod
    def from_json(cls, m: dict) -> TreeEnsemble:
        """From the "model" object of model.json."""
        return cls(np.asarray(m["feature"], np.int64), np.asarray(m["threshold"], np.float64),
                   np.asarray(m["leaf"], np.float64), float(m["base"]))

    def to_json(self) -> dict:
        """The "model" object of model.json."""
        return {"type": "trees", "depth": self.depth, "feature": self.feature.tolist(),
                "threshold": self.threshold.tolist(), "leaf": self.leaf.tolist(),
                "base": self.base}

    def decision(self, z: np.ndarray) -> np.ndarray | float:
        """Summed leaf values plus base, for one standardised vector (F,) or a batch (n, F)."""
        z = np.asarray(z, np.float64)
        single = z.ndim == 1
        zz = z[None, :] if single else z
        trees = self._tree_index
        rows = np.arange(len(zz))[:, None]
        node = np.zeros((len(zz), trees.shape[1]), np.int64)
        for _ in range(self.depth):
            f = self.feature[trees, node]
            node = 2 * node + 1 + (zz[rows, f] > self.threshold[trees, node])
        out = self.base + self.leaf[trees, node - self.feature.shape[1]].sum(axis=1)
        return float(out[0]) if single else out


@dataclass(frozen=True, eq=False)
class DetectorModel:
    """Loaded weights: standardisation, then boosted trees, logistic (w·z + b) or a tanh MLP."""

    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    kind: str  # "trees" | "logistic" | "mlp"
    weights: tuple  # trees: (TreeEnsemble,); logistic: (w, b); mlp: (W1, b1, w2, b2)
    offset: float  # subtracted from the raw logit so the operating threshold is at p = 0.5
    info: dict
    direction: dict | None = None  # sideways model: scale, coef (3×k), intercept, classes
    gain: float = 1.0  # slope fitted on held-out predictions, so probabilities are calibrated

    @classmethod
    def load(cls, path: Path) -> DetectorModel:
        """Reads model.json; a clear UserError if it is missing or does not match our features."""
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, ValueError) as exc:
            raise UserError(f"cannot read detector weights {path}: {exc}") from exc
        return cls.from_dict(data, path)

    @classmethod
    def from_dict(cls, data: dict, path: Path | str = "<weights>") -> DetectorModel:
        """From model.json's contents (training scores its folds through this very code)."""
        names = tuple(data.get("feature_names", ()))
        if names != FEATURE_NAMES:
            raise UserError(f"detector weights {path} were trained on different features; "
                            "retrain with tools/train_detector.py")
        kind = data["model"]["type"]
        m = data["model"]
        if kind == "logistic":
            weights = (np.asarray(m["coef"], np.float64), np.float64(m["intercept"]))
        elif kind == "trees":
            try:
                weights = (TreeEnsemble.from_json(m),)
            except (KeyError, ValueError) as exc:
                raise UserError(f"detector weights {path} hold a malformed tree ensemble: "
                                f"{exc}") from exc
            if int(weights[0].feature.max(initial=0)) >= len(names):
                raise UserError(f"detector weights {path} split on features they do not have")
        elif kind == "mlp":
            weights = (np.asarray(m["W1"], np.float64), np.asarray(m["b1"], np.float64),
                       np.asarray(m["w2"], np.float64), np.float64(m["b2"]))
        else:
            raise UserError(f"unknown detector model type {kind!r} in {path}")
        direction = data.get("direction")
        if direction is not None:
            direction = {"scale": np.asarray(direction["scale"], np.float64),
                         "coef": np.asarray(direction["coef"], np.float64),
                         "intercept": np.asarray(direction["intercept"], np.float64),
                         "classes": tuple(direction["classes"])}
            if direction["coef"].shape != (len(direction["classes"]), len(DIRECTION_INPUTS)):
                raise UserError(f"detector weights {path} have a direction model for other "
                                "inputs; retrain with tools/train_detector.py")
        return cls(names, np.asarray(data["mean"], np.float64),
                   np.asarray(data["scale"], np.float64), kind, weights,
                   float(data.get("offset", 0.0)), dict(data.get("info", {})), direction,
                   float(data.get("gain", 1.0)))

    def side_probabilities(self, x: np.ndarray) -> dict[str, float] | None:
        """P(center/left/right) of the sideways model, or None where the weights have none."""
        if self.direction is None:
            return None
        d = self.direction
        z = direction_inputs(x) / d["scale"]
        s = d["coef"] @ z + d["intercept"]
        e = np.exp(s - s.max())
        p = e / e.sum()
        return dict(zip(d["classes"], (float(v) for v in p), strict=True))

    def logit(self, x: np.ndarray) -> np.ndarray:
        """Decision values (operating threshold at 0) for one vector or a batch."""
        z = (np.asarray(x, np.float64) - self.mean) / self.scale
        if self.kind == "trees":
            out = self.weights[0].decision(z)
        elif self.kind == "logistic":
            w, b = self.weights
            out = z @ w + b
        else:
            w1, b1, w2, b2 = self.weights
            out = np.tanh(z @ w1 + b1) @ w2 + b2
        return self.gain * (out - self.offset)


@dataclass(frozen=True)
class Calibration:
    """One person's boundary: p = sigmoid(gain · (logit − shift)); identity when uncalibrated."""

    shift: float = 0.0
    gain: float = 1.0
    profile: str = "default"
    n_neutral: int = 0
    n_tongue: int = 0

    def __post_init__(self) -> None:
        if not math.isfinite(self.shift) or abs(self.shift) > 20.0:
            raise ValueError("calibration shift must be finite and within ±20 logits")
        if not 0.25 <= self.gain <= 4.0:
            raise ValueError("calibration gain must be in 0.25..4")

    @classmethod
    def fit(cls, neutral_logits: np.ndarray, tongue_logits: np.ndarray,
            profile: str = "default", max_shift: float = 6.0,
            min_separation: float = 2.0) -> Calibration:
        """Puts the boundary between this person's neutral and tongue-out logits.

        The new boundary is the midpoint between the 90th percentile of the neutral logits and the
        10th percentile of the tongue-out ones (robust to a few frames of the wrong phase), pulled
        halfway back to the model's own boundary (0) so one odd session cannot wreck it, and never
        within 1 logit of this person's resting face (their neutral 90th percentile). The gain
        makes the gap between the two sets span about ±3 logits, within 0.5..2. A tongue phase
        whose median is not `min_separation` logits above the neutral one saw no tongue: that is
        refused rather than turned into a boundary that fires on a resting face.
        """
        neutral = np.asarray(neutral_logits, np.float64)
        tongue = np.asarray(tongue_logits, np.float64)
        if neutral.size < 3 or tongue.size < 3:
            raise UserError("calibration needs at least 3 frames with a face in each phase")
        if float(np.median(tongue)) - float(np.median(neutral)) < min_separation:
            raise UserError("calibration saw no tongue in the tongue-out phase: keep it out "
                            "for the whole countdown, then try again")
        lo = float(np.percentile(neutral, 90))
        hi = float(np.percentile(tongue, 10))
        if hi <= lo:
            # Not separable by this model for this person: keep the boundary where the model had
            # it, moved only toward the middle of the two medians.
            mid = 0.5 * (float(np.median(neutral)) + float(np.median(tongue)))
            gain = 1.0
        else:
            mid = 0.5 * (lo + hi)
            gain = float(np.clip(6.0 / max(hi - lo, 1e-3), 0.5, 2.0))
        shift = max(0.5 * mid, lo + 1.0)
        return cls(shift=float(np.clip(shift, -max_shift, max_shift)), gain=gain,
                   profile=profile, n_neutral=int(neutral.size), n_tongue=int(tongue.size))

    def apply(self, logit: float) -> float:
        """Probability for one logit under this calibration."""
        return _sigmoid(self.gain * (logit - self.shift))

    def to_json(self) -> dict:
        """Plain dict for the profile file."""
        return {"profile": self.profile, "shift": self.shift, "gain": self.gain,
                "n_neutral": self.n_neutral, "n_tongue": self.n_tongue, "version": 1}

    def save(self, path: Path) -> None:
        """Writes the profile atomically (a crash mid-write must not leave a broken profile)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=2))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Calibration:
        """Reads a profile; UserError if it is unreadable or out of range."""
        try:
            d = json.loads(Path(path).read_text())
            return cls(shift=float(d["shift"]), gain=float(d["gain"]),
                       profile=str(d.get("profile", "default")),
                       n_neutral=int(d.get("n_neutral", 0)), n_tongue=int(d.get("n_tongue", 0)))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UserError(f"cannot read calibration profile {path}: {exc}") from exc


def profiles_dir() -> Path:
    """Where per-user calibration profiles live (~/.config/tongue-mirror/profiles)."""
    import os

    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "tongue-mirror" / "profiles"


def profile_path(name: str, directory: Path | None = None) -> Path:
    """The JSON file of one named profile."""
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "-_.").strip(".")
    if not safe:
        raise UserError(f"invalid profile name {name!r}: use letters, digits, - _ .")
    return (directory or profiles_dir()) / f"{safe}.json"


def direction_label(direction: tuple[float, float] | None, cfg: DetectorConfig) -> str | None:
    """center/left/right/up as seen in the unmirrored image, from the angle to straight down."""
    if direction is None:
        return None
    dx, dy = direction
    angle = math.degrees(math.atan2(dx, dy))  # 0 = down, +90 = image right, ±180 = up
    if abs(angle) >= cfg.up_angle_deg:
        return "up"
    if angle >= cfg.side_angle_deg:
        return "right"
    if angle <= -cfg.side_angle_deg:
        return "left"
    return "center"


class TongueDetector:
    """Reads a FaceObservation and its frame; says whether, how far and where the tongue is out."""

    def __init__(self, config: DetectorConfig = DetectorConfig(),
                 calibration: Calibration | None = None) -> None:
        self.config = config
        path = config.model_path if config.model_path is not None else asset_path(DEFAULT_MODEL)
        self.model = DetectorModel.load(path)
        self.calibration = calibration or Calibration()

    def with_calibration(self, calibration: Calibration | None) -> TongueDetector:
        """The same weights under another person's calibration (no reload)."""
        other = object.__new__(TongueDetector)
        other.config = self.config
        other.model = self.model
        other.calibration = calibration or Calibration()
        return other

    def features(self, image_bgr: np.ndarray, face: FaceObservation) -> MouthFeatures:
        """The feature vector the model reads (also used by calibration and training)."""
        return extract(image_bgr, face, self.config.patch)

    def logit(self, feats: MouthFeatures) -> float:
        """Uncalibrated decision value; 0 is the trained operating threshold."""
        return float(self.model.logit(feats.vector))

    def direction_of(self, feats: MouthFeatures) -> tuple[tuple[float, float] | None, str | None]:
        """Unit vector (image coordinates) and label of where the tongue points.

        Sideways: the trained center/left/right model (dx = P(right) − P(left)); up: the
        tongue-coloured mass above the mouth centre. Without a sideways model, the colour centroid.
        """
        side = self.model.side_probabilities(feats.vector)
        if side is None:
            d = feats.direction
            return d, direction_label(d, self.config)
        v = feats.vector
        up = v[_IDX["tongue_dy"]] < -0.05 and v[_IDX["pink_cy"]] < -0.02
        dx = side.get("right", 0.0) - side.get("left", 0.0)
        dy = -1.0 if up else 1.0
        norm = math.hypot(dx, dy)
        label = "up" if up else max(side, key=side.get)
        return (dx / norm, dy / norm), label

    def reading(self, feats: MouthFeatures) -> TongueReading:
        """TongueReading from already-extracted features."""
        logit = self.logit(feats)
        p = self.calibration.apply(logit)
        direction, label = None, None
        if p >= self.config.min_probability_for_direction:
            direction, label = self.direction_of(feats)
        # A confidently seen tongue is drawn at least part-way out; colour extent adds the rest.
        ext = p * float(np.clip(0.4 + 0.6 * feats.extension, 0.0, 1.0))
        named = feats.as_dict()
        named["logit"] = logit
        return TongueReading(probability=p, extension=ext, direction=direction,
                             direction_label=label, features=named)

    def read(self, image_bgr: np.ndarray, face: FaceObservation | None) -> TongueReading:
        """One frame's reading; no face means probability 0 (never raises on odd frames)."""
        return self.read_with_patch(image_bgr, face)[0]

    def read_with_patch(self, image_bgr: np.ndarray, face: FaceObservation | None
                        ) -> tuple[TongueReading, np.ndarray | None]:
        """The reading and the canonical mouth patch (BGR) the camera panel shows, or None."""
        if face is None or image_bgr is None or image_bgr.size == 0:
            return TongueReading(probability=0.0), None
        try:
            feats = self.features(image_bgr, face)
        except (cv2_error(), ValueError, FloatingPointError, IndexError):
            return TongueReading(probability=0.0), None
        return self.reading(feats), feats.patch


def cv2_error() -> type[Exception]:
    """OpenCV's exception type (imported lazily to keep this module light to import)."""
    import cv2

    return cv2.error


def load_profile(name: str, directory: Path | None = None) -> Calibration | None:
    """The saved calibration of a named profile, or None when this person has not calibrated yet."""
    path = profile_path(name, directory)
    return Calibration.load(path) if path.is_file() else None
