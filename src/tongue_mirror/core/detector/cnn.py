"""A small CNN on the canonical mouth patch, run in plain numpy (no deep-learning library at run time).

Input: the 64×64 mouth patch `features.extract` warps, area-downscaled to 32×32, as six planes:
BGR and Lab relative to the same face's cheek skin (so skin tone and light largely cancel).
Three 3×3 conv + ReLU + 2×2 max-pool stages (16, 24, 32 channels), a 32-unit hidden layer, and
two heads: the tongue-out logit and the direction (center, left, right, up, down) logits.
Weights come as named arrays (PyTorch layout: conv O×C×3×3, linear out×in), trained by
`tools/train_cnn.py`; `io.detector_files.load_cnn`/`save_cnn` keep them as .npz files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.lib.stride_tricks import as_strided

INPUT = 32
CHANNELS = 6
CONVS = (16, 24, 32)
HIDDEN = 32
DIRECTIONS = ("center", "left", "right", "up", "down")
WEIGHT_NAMES = ("c1w", "c1b", "c2w", "c2b", "c3w", "c3b", "f1w", "f1b", "ow", "ob", "dw", "db")
SKIN_SCALE = np.array([50.0, 30.0, 30.0], np.float32)  # Lab differences to about ±1


def prepare(patch_bgr: np.ndarray, skin_lab: np.ndarray) -> np.ndarray:
    """The network's input (6×32×32 float32) from a mouth patch and the face's skin Lab."""
    small = patch_bgr
    if small.shape[:2] != (INPUT, INPUT):
        small = cv2.resize(small, (INPUT, INPUT), interpolation=cv2.INTER_AREA)
    rgb01 = small.astype(np.float32) * np.float32(1.0 / 255.0)
    lab = cv2.cvtColor(rgb01, cv2.COLOR_BGR2Lab)
    rel = (lab - np.asarray(skin_lab, np.float32)) / SKIN_SCALE
    return np.concatenate([rgb01 - 0.5, rel], axis=2).transpose(2, 0, 1).copy()


def _conv_relu_pool(x: np.ndarray, w2: np.ndarray, b: np.ndarray) -> np.ndarray:
    """3×3 'same' convolution as one matrix product, then ReLU and 2×2 max-pool.

    The input is zero-padded and flattened row by row (rows W+2 long); the nine kernel taps are
    then nine plain offsets into it, gathered by one strided view (rows ordered ky, kx, channel:
    see `_kernel_matrix`). Each output row carries two spare columns, dropped after the product.
    """
    c, h, wd = x.shape
    wp = wd + 2
    n = (h + 2) * wp + 2  # two spare cells so the last tap's window stays inside
    flat = np.zeros((c, n), np.float32)
    flat[:, :(h + 2) * wp].reshape(c, h + 2, wp)[:, 1:h + 1, 1:wd + 1] = x
    s_c, s_i = flat.strides
    taps = as_strided(flat, (3, 3, c, h * wp), (wp * s_i, s_i, s_c, s_i), writeable=False)
    y = (w2 @ taps.reshape(9 * c, h * wp)).reshape(-1, h, wp)[:, :, :wd]
    pooled = np.maximum(np.maximum(y[:, 0::2, 0::2], y[:, 1::2, 0::2]),
                        np.maximum(y[:, 0::2, 1::2], y[:, 1::2, 1::2]))
    pooled += b[:, None, None]  # a per-channel bias commutes with max-pool, and so does ReLU
    return np.maximum(pooled, 0.0, out=pooled)


def _kernel_matrix(w: np.ndarray) -> np.ndarray:
    """O×C×3×3 kernels as the O×(9·C) matrix `_conv_relu_pool` multiplies by."""
    return np.ascontiguousarray(w.transpose(0, 2, 3, 1).reshape(w.shape[0], -1), np.float32)


@dataclass(frozen=True, eq=False)
class PatchCNN:
    """The network's weights, with the forward pass."""

    weights: dict[str, np.ndarray]

    def __post_init__(self) -> None:
        missing = [k for k in WEIGHT_NAMES if k not in self.weights]
        if missing:
            raise ValueError(f"CNN weights lack {', '.join(missing)}")
        chans = (CHANNELS, *CONVS)
        for i in range(3):
            if self.weights[f"c{i + 1}w"].shape != (chans[i + 1], chans[i], 3, 3):
                raise ValueError(f"CNN layer c{i + 1}w has shape "
                                 f"{self.weights[f'c{i + 1}w'].shape}")
        # conv kernels flattened once, in the order of the gathered taps (ky, kx, channel)
        mats = {f"m{i}": _kernel_matrix(self.weights[f"c{i}w"]) for i in (1, 2, 3)}
        object.__setattr__(self, "_mats", mats)

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> PatchCNN:
        """The network from named arrays (an .npz file's contents), as float32."""
        return cls({k: np.asarray(v, np.float32) for k, v in arrays.items()})

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The named arrays `from_arrays` takes back: the weight file's contents."""
        return {k: self.weights[k] for k in WEIGHT_NAMES}

    def forward(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """(tongue-out logit, direction logits) of one prepared input."""
        w = self.weights
        m = self._mats  # type: ignore[attr-defined]
        h = _conv_relu_pool(x, m["m1"], w["c1b"])
        h = _conv_relu_pool(h, m["m2"], w["c2b"])
        h = _conv_relu_pool(h, m["m3"], w["c3b"])
        f = np.maximum(w["f1w"] @ h.reshape(-1) + w["f1b"], 0.0)
        return float((w["ow"] @ f + w["ob"])[0]), w["dw"] @ f + w["db"]

    def read(self, patch_bgr: np.ndarray, skin_lab: np.ndarray) -> tuple[float, str]:
        """Logit and most likely direction of one mouth patch."""
        logit, d = self.forward(prepare(patch_bgr, skin_lab))
        return logit, DIRECTIONS[int(np.argmax(d))]


def random_weights(seed: int) -> PatchCNN:
    """Small random weights of the right shapes (tests, and the trainer's layout check)."""
    rng = np.random.default_rng(seed)
    chans = (CHANNELS, *CONVS)
    side = INPUT // 8
    w: dict[str, np.ndarray] = {}
    for i in range(3):
        w[f"c{i + 1}w"] = rng.normal(0, 0.3, (chans[i + 1], chans[i], 3, 3)).astype(np.float32)
        w[f"c{i + 1}b"] = rng.normal(0, 0.1, chans[i + 1]).astype(np.float32)
    w["f1w"] = rng.normal(0, 0.1, (HIDDEN, CONVS[-1] * side * side)).astype(np.float32)
    w["f1b"] = rng.normal(0, 0.1, HIDDEN).astype(np.float32)
    w["ow"] = rng.normal(0, 0.3, (1, HIDDEN)).astype(np.float32)
    w["ob"] = rng.normal(0, 0.1, 1).astype(np.float32)
    w["dw"] = rng.normal(0, 0.3, (len(DIRECTIONS), HIDDEN)).astype(np.float32)
    w["db"] = rng.normal(0, 0.1, len(DIRECTIONS)).astype(np.float32)
    return PatchCNN(w)
