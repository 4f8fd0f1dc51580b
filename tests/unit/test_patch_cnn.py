"""The numpy mouth-patch CNN: its forward pass against an independent loop implementation, a
closed-form answer, its weight file round trip, and (where torch is installed) PyTorch itself."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tongue_mirror.core.detector import cnn
from tongue_mirror.errors import UserError
from tongue_mirror.io.detector_files import load_cnn, save_cnn


def _reference_forward(w: dict[str, np.ndarray], x: np.ndarray) -> tuple[float, np.ndarray]:
    """The same network written with explicit loops (slow, obviously correct)."""
    h = x.astype(np.float64)
    for i in (1, 2, 3):
        k, b = w[f"c{i}w"].astype(np.float64), w[f"c{i}b"].astype(np.float64)
        c, hh, ww = h.shape
        p = np.pad(h, ((0, 0), (1, 1), (1, 1)))
        out = np.zeros((k.shape[0], hh, ww))
        for o in range(k.shape[0]):
            acc = np.full((hh, ww), b[o])
            for ci in range(c):
                for dy in range(3):
                    for dx in range(3):
                        acc += k[o, ci, dy, dx] * p[ci, dy:dy + hh, dx:dx + ww]
            out[o] = acc
        out = np.maximum(out, 0.0)
        h = np.maximum(np.maximum(out[:, 0::2, 0::2], out[:, 1::2, 0::2]),
                       np.maximum(out[:, 0::2, 1::2], out[:, 1::2, 1::2]))
    f = np.maximum(w["f1w"] @ h.reshape(-1) + w["f1b"], 0.0)
    return float((w["ow"] @ f + w["ob"])[0]), w["dw"] @ f + w["db"]


def _input(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    patch = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    return cnn.prepare(patch, np.array([60.0, 14.0, 16.0], np.float32))


def test_forward_equals_loop_reference() -> None:
    model = cnn.random_weights(3)
    x = _input(1)
    logit, dirs = model.forward(x)
    ref_logit, ref_dirs = _reference_forward(model.weights, x)
    assert logit == pytest.approx(ref_logit, rel=1e-4, abs=1e-4)
    np.testing.assert_allclose(dirs, ref_dirs, rtol=1e-4, atol=1e-4)


def test_closed_form_answer_with_bias_only_weights() -> None:
    w = {k: np.zeros_like(v) for k, v in cnn.random_weights(0).weights.items()}
    w["f1b"][:] = np.arange(cnn.HIDDEN, dtype=np.float32) - 10.0  # relu keeps 11..21 → 0..21
    w["ow"][0, :] = 0.5
    w["ob"][:] = -3.0
    w["db"][:] = np.array([0.0, 2.0, 1.0, 0.0, 0.0], np.float32)
    model = cnn.PatchCNN(w)
    logit, dirs = model.forward(_input(2))
    assert logit == pytest.approx(0.5 * sum(range(1, cnn.HIDDEN - 10)) - 3.0)
    assert cnn.DIRECTIONS[int(np.argmax(dirs))] == "left"


def test_weight_file_round_trip(tmp_path) -> None:
    model = cnn.random_weights(5)
    path = tmp_path / "tiny.npz"
    save_cnn(model, path)
    again = load_cnn(path)
    x = _input(4)
    assert again.forward(x)[0] == model.forward(x)[0]


def test_an_unreadable_weight_file_is_one_line(tmp_path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_text("not a zip")
    with pytest.raises(UserError, match="cannot read CNN weights"):
        load_cnn(bad)
    short = dict(cnn.random_weights(0).to_arrays())
    del short["ow"]
    np.savez(tmp_path / "short.npz", **short)
    with pytest.raises(UserError, match="lack ow"):
        load_cnn(tmp_path / "short.npz")


def test_wrong_layer_shape_is_refused() -> None:
    w = dict(cnn.random_weights(0).weights)
    w["c2w"] = np.zeros((24, 7, 3, 3), np.float32)
    with pytest.raises(ValueError, match="c2w"):
        cnn.PatchCNN(w)
    del w["dw"]
    with pytest.raises(ValueError, match="dw"):
        cnn.PatchCNN(w)


def test_prepare_is_skin_relative() -> None:
    skin_bgr = np.full((64, 64, 3), (90, 120, 170), np.uint8)
    skin_lab = cv2.cvtColor(skin_bgr[:1, :1].astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)[0, 0]
    x = cnn.prepare(skin_bgr, skin_lab)
    assert x.shape == (cnn.CHANNELS, cnn.INPUT, cnn.INPUT) and x.dtype == np.float32
    np.testing.assert_allclose(x[3:], 0.0, atol=1e-3)  # the skin itself: no difference
    redder = skin_bgr.copy()
    redder[..., 2] = 230
    assert cnn.prepare(redder, skin_lab)[4].mean() > 0.2  # a* above the skin's


def test_forward_equals_torch() -> None:
    torch = pytest.importorskip("torch")
    nn = torch.nn
    model = cnn.random_weights(7)
    w = {k: torch.from_numpy(v) for k, v in model.weights.items()}
    x = torch.from_numpy(_input(8))[None]
    h = x
    for i in (1, 2, 3):
        h = nn.functional.max_pool2d(torch.relu(nn.functional.conv2d(
            h, w[f"c{i}w"], w[f"c{i}b"], padding=1)), 2)
    f = torch.relu(h.flatten(1) @ w["f1w"].T + w["f1b"])
    logit = (f @ w["ow"].T + w["ob"])[0, 0].item()
    dirs = (f @ w["dw"].T + w["db"])[0].numpy()
    got_logit, got_dirs = model.forward(x[0].numpy())
    assert got_logit == pytest.approx(logit, rel=1e-4, abs=1e-5)
    np.testing.assert_allclose(got_dirs, dirs, rtol=1e-4, atol=1e-5)
