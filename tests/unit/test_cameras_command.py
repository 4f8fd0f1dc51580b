"""The `cameras` subcommand's output, with the camera probe replaced."""

from __future__ import annotations

import argparse

import pytest

from tongue_mirror.app.commands import cameras
from tongue_mirror.io.frame_source import SourceInfo


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cameras.register(parser.add_subparsers())
    return parser.parse_args(argv)


def test_lists_cameras(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    found = [SourceInfo("camera", "camera 0", 1280, 720, 30.0),
             SourceInfo("camera", "camera 2", 640, 480, 15.0)]
    monkeypatch.setattr(cameras, "list_cameras", lambda max_index: found[:max_index])
    args = _parse(["cameras", "--max-index", "4"])
    assert args.handler(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["camera 0: 1280x720 @ 30 fps  (tongue-mirror live --camera 0)",
                   "camera 2: 640x480 @ 15 fps  (tongue-mirror live --camera 2)"]


def test_no_camera(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(cameras, "list_cameras", lambda max_index: [])
    args = _parse(["cameras"])
    assert args.handler(args) == 1
    assert "no camera opened (tried 0..5)" in capsys.readouterr().out
