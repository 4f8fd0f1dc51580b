"""make-sample on a plain install: the portraits ship with the package, not with scikit-image."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from tongue_mirror.app.cli import main
from tongue_mirror.io.assets import asset_path
from tongue_mirror.synth.portraits import BUILTIN, load_portrait


def _refuse_imports(monkeypatch, packages: tuple[str, ...]) -> None:
    """`packages` cannot be imported, as after a plain `pip install .`."""
    real_import = builtins.__import__

    def refuse(name, *args, **kwargs):
        if name.split(".")[0] in packages:
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    for module in list(sys.modules):
        if module.split(".")[0] in packages:
            monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(builtins, "__import__", refuse)


@pytest.fixture
def plain_install(monkeypatch):
    """No scikit-image (matplotlib comes with mediapipe, so a plain install has it)."""
    _refuse_imports(monkeypatch, ("skimage",))


@pytest.fixture
def no_portrait_packages(monkeypatch):
    """Neither package the portraits first came from."""
    _refuse_imports(monkeypatch, ("skimage", "matplotlib"))


def test_make_sample_works_without_scikit_image_or_matplotlib(plain_install, tmp_path: Path,
                                                             capsys) -> None:
    with pytest.raises(ImportError):
        import skimage  # noqa: F401  (the fixture works)
    out = tmp_path / "out.mp4"
    code = main(["make-sample", str(out), "--script", "neutral:0.4,tongue:0.6", "--fps", "10",
                 "--size", "320x240"])
    assert code == 0, capsys.readouterr().err
    assert out.with_suffix(".labels.csv").is_file()
    with av.open(str(out)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 10


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_builtin_portraits_load_without_the_packages(no_portrait_packages, name: str) -> None:
    image = load_portrait(name)
    assert image.dtype == np.uint8 and image.ndim == 3 and min(image.shape[:2]) >= 500


def test_shipped_portraits_are_the_packages_pixels_and_say_where_they_come_from() -> None:
    data = pytest.importorskip("skimage.data")
    cbook = pytest.importorskip("matplotlib.cbook")
    import cv2

    assert np.array_equal(load_portrait("astronaut"),
                          cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    hopper = Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    assert asset_path(BUILTIN["hopper"]).read_bytes() == hopper.read_bytes()
    notice = asset_path("portraits/NOTICE").read_text()
    assert "public domain" in notice and "astronaut.png" in notice and "grace_hopper" in notice
    for relative in BUILTIN.values():
        assert asset_path(relative).stat().st_size < 600 * 1024
