"""The detector's weights format (model.json): one owner, symmetric `to_dict`/`from_dict`.

Standardisation, then gradient-boosted trees (or a logistic or one-hidden-layer model), an
operating-point offset and a held-out gain, plus the sideways-direction model. Reading the file
is `io.detector_files`; training writes it through `DetectorModel.to_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from tongue_mirror.core.detector.features import FEATURE_NAMES
from tongue_mirror.errors import UserError

# Inputs of the sideways-direction model: all odd under a left-right mirror of the image (so the
# model is trained on mirrored copies too). MediaPipe's jaw/mouth Left/Right are the person's
# sides, i.e. the image's right/left.
_IDX = {n: i for i, n in enumerate(FEATURE_NAMES)}
DIRECTION_INPUTS = ("pink_cx", "corner_mid_x", "jaw_lr", "mouth_lr", "yaw_signed", "tongue_dx",
                    "side_pink_lr", "side_red_lr", "side_pinkhue_lr", "lowlip_asym")


def direction_inputs(x: np.ndarray) -> np.ndarray:
    """The direction model's inputs from feature vectors (n × F or F,); image-right positive."""
    x = np.asarray(x, np.float64)

    def col(name: str) -> np.ndarray:
        return x[..., _IDX[name]]

    return np.stack([col("pink_cx"), col("corner_mid_x"),
                     col("bs_jawLeft") - col("bs_jawRight"),
                     col("bs_mouthLeft") - col("bs_mouthRight"),
                     col("yaw_signed"), col("tongue_dx"),
                     col("side_r_pink") - col("side_l_pink"), col("side_r_red") - col("side_l_red"),
                     col("side_r_pinkhue") - col("side_l_pinkhue"), col("lowlip_asym")], axis=-1)


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
    def from_dict(cls, m: dict[str, Any]) -> TreeEnsemble:
        """From the "model" object of model.json."""
        return cls(np.asarray(m["feature"], np.int64), np.asarray(m["threshold"], np.float64),
                   np.asarray(m["leaf"], np.float64), float(m["base"]))

    def to_dict(self) -> dict[str, Any]:
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
    weights: tuple[Any, ...]  # trees: (TreeEnsemble,); logistic: (w, b); mlp: (W1, b1, w2, b2)
    offset: float  # subtracted from the raw logit so the operating threshold is at p = 0.5
    info: dict[str, Any]
    direction: dict[str, Any] | None = None  # sideways model: scale, coef (3×k), intercept, classes
    gain: float = 1.0  # slope fitted on held-out predictions, so probabilities are calibrated

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path | str = "<weights>") -> DetectorModel:
        """From model.json's contents (training scores its folds through this very code)."""
        names = tuple(data.get("feature_names", ()))
        if names != FEATURE_NAMES:
            raise UserError(f"detector weights {path} were trained on different features; "
                            "retrain with tools/train_detector.py")
        kind = data["model"]["type"]
        m = data["model"]
        weights: tuple[Any, ...]
        if kind == "logistic":
            weights = (np.asarray(m["coef"], np.float64), np.float64(m["intercept"]))
        elif kind == "trees":
            try:
                trees = TreeEnsemble.from_dict(m)
            except (KeyError, ValueError) as exc:
                raise UserError(f"detector weights {path} hold a malformed tree ensemble: "
                                f"{exc}") from exc
            weights = (trees,)
            if int(trees.feature.max(initial=0)) >= len(names):
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

    def to_dict(self) -> dict[str, Any]:
        """model.json's contents: `from_dict(to_dict())` gives the same model back."""
        if self.kind == "trees":
            model: dict[str, Any] = self.weights[0].to_dict()
        elif self.kind == "logistic":
            model = {"type": "logistic", "coef": np.asarray(self.weights[0]).tolist(),
                     "intercept": float(self.weights[1])}
        else:
            w1, b1, w2, b2 = self.weights
            model = {"type": "mlp", "W1": np.asarray(w1).tolist(), "b1": np.asarray(b1).tolist(),
                     "w2": np.asarray(w2).tolist(), "b2": float(b2)}
        out: dict[str, Any] = {"feature_names": list(self.feature_names),
                               "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                               "model": model, "offset": self.offset, "gain": self.gain,
                               "info": dict(self.info)}
        if self.direction is not None:
            d = self.direction
            out["direction"] = {"scale": d["scale"].tolist(), "coef": d["coef"].tolist(),
                                "intercept": d["intercept"].tolist(), "classes": list(d["classes"])}
        return out

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
