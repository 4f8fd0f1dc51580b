"""`tongue-mirror calibrate` headless over a clip made in the test (astronaut, then a tongue)."""

from __future__ import annotations

import argparse

import cv2
import numpy as np
import pytest

from tongue_mirror import landmarks as lm
from tongue_mirror.app.commands import calibrate
from tongue_mirror.errors import UserError
from tongue_mirror.io.detector_files import load_profile


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tongue-mirror")
    calibrate.register(parser.add_subparsers(dest="command"))
    return parser


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """7 s at 10 fps: 3.5 s of the astronaut's closed mouth, then a pink tongue drawn below it."""
    skdata = pytest.importorskip("skimage.data")
    from tongue_mirror.io.face_tracker import FaceTracker
    from tongue_mirror.values import Frame

    img = cv2.cvtColor(skdata.astronaut(), cv2.COLOR_RGB2BGR)
    with FaceTracker() as tracker:
        face = tracker.track(Frame(img, 0.0, 0))
    pts = face.landmarks
    top, chin = pts[lm.LOWER_LIP_INNER_MID, :2], pts[lm.CHIN_TIP, :2]
    width = float(np.hypot(*(pts[lm.MOUTH_CORNER_RIGHT, :2] - pts[lm.MOUTH_CORNER_LEFT, :2])))
    tongue = img.copy()
    centre = top + 0.3 * (chin - top)
    cv2.ellipse(tongue, (int(centre[0]), int(centre[1])),
                (int(0.33 * width), int(0.3 * np.hypot(*(chin - top)))), 0, 0, 360,
                (150, 140, 235), -1, cv2.LINE_AA)
    path = tmp_path_factory.mktemp("clip") / "calib.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (512, 512))
    for i in range(70):
        writer.write(img if i < 35 else tongue)
    writer.release()
    return path


def test_calibrate_over_a_file_saves_a_profile(clip, tmp_path, capsys):
    args = _parser().parse_args(["calibrate", "--source", str(clip), "--profile", "astro",
                                 "--profiles-dir", str(tmp_path), "--neutral", "3.5",
                                 "--tongue", "3.4"])
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "[neutral]" in out and "[tongue]" in out and "saved profile 'astro'" in out
    cal = load_profile("astro", tmp_path)
    assert cal is not None and cal.n_neutral >= 5 and cal.n_tongue >= 5


def test_calibrate_errors_are_user_errors(tmp_path, clip):
    args = _parser().parse_args(["calibrate", "--source", str(tmp_path / "nope.mp4"),
                                 "--profiles-dir", str(tmp_path)])
    with pytest.raises(UserError):
        args.handler(args)
    short = _parser().parse_args(["calibrate", "--source", str(clip), "--neutral", "6",
                                  "--tongue", "6", "--profiles-dir", str(tmp_path)])
    with pytest.raises(UserError):
        short.handler(short)


def test_an_unusable_profiles_dir_is_refused_before_capture(tmp_path, clip, capsys):
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("x")
    args = _parser().parse_args(["calibrate", "--source", str(clip), "--profiles-dir",
                                 str(blocker)])
    with pytest.raises(UserError, match="cannot keep profiles"):
        args.handler(args)
    assert "[neutral]" not in capsys.readouterr().out  # refused before any capture


def test_an_unforeseen_os_error_is_one_line_not_a_traceback(monkeypatch, capsys):
    from tongue_mirror.app import cli

    def boom(_args):
        raise PermissionError(13, "Permission denied", "/somewhere/file")

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    args = parser.parse_args(["cameras"])
    monkeypatch.setattr(args, "handler", boom, raising=False)
    monkeypatch.setattr(parser, "parse_args", lambda argv=None: args)
    assert cli.main(["cameras"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "tongue-mirror: error: Permission denied (/somewhere/file)"


def test_calibrate_builds_its_stages_from_the_run_configuration(clip, tmp_path, monkeypatch):
    from tongue_mirror.app import build
    from tongue_mirror.app.config import RunConfig

    built = []

    def spy(config, tracker):
        built.append((config, tracker.config))
        raise KeyboardInterrupt  # stop before any frame

    monkeypatch.setattr(build, "build_slice", spy)
    args = _parser().parse_args(["calibrate", "--source", str(clip), "--max-faces", "2",
                                 "--profiles-dir", str(tmp_path)])
    with pytest.raises(KeyboardInterrupt):
        args.handler(args)
    (config, tracker_config), = built
    assert config.tracker.max_faces == 2 and tracker_config is config.tracker
    assert config.gesture == RunConfig().gesture and config.detector == RunConfig().detector
    bad = _parser().parse_args(["calibrate", "--source", str(clip), "--max-faces", "0"])
    with pytest.raises(UserError, match="max_faces"):
        bad.handler(bad)
