"""Bad input on the command line: one line, a non-zero exit, no traceback, nothing written.

Each case runs `tongue-mirror` in-process from an empty working folder (where the default
output folder would appear) with the input in a folder of its own; after the refusal both
folders hold exactly what they held before. Where the check must come before any work,
`run_process` is replaced by a tripwire.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tongue_mirror.app import cli
from tongue_mirror.app import process as process_module
from tongue_mirror.synth.portraits import load_portrait


def _files(*folders: Path) -> set[Path]:
    return {p for folder in folders for p in folder.rglob("*")}


@pytest.fixture
def place(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """(cwd, input folder): an empty working folder and one holding a small clip."""
    cwd, data = tmp_path / "cwd", tmp_path / "data"
    cwd.mkdir()
    data.mkdir()
    writer = cv2.VideoWriter(str(data / "clip.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 10.0,
                             (160, 120))
    for i in range(8):
        writer.write(np.full((120, 160, 3), 60 + 10 * i, np.uint8))
    writer.release()
    monkeypatch.chdir(cwd)
    return cwd, data


@pytest.fixture
def no_work(monkeypatch) -> None:
    """Processing must not start: the refusal has to come first."""

    def tripwire(*args, **kwargs):
        raise AssertionError("processing started before the bad input was refused")

    monkeypatch.setattr(process_module, "run_process", tripwire)


def refused(capsys, argv: list[str], *needles: str, folders: tuple[Path, ...]) -> str:
    """Runs the CLI and checks the refusal's shape; returns the error line."""
    before = _files(*folders)
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tongue-mirror: error: "), err
    assert "Traceback" not in err and out == ""
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert _files(*folders) == before, "something was written"
    return lines[0]


def test_output_with_an_unsupported_suffix_is_refused(place, no_work, capsys) -> None:
    cwd, data = place
    line = refused(capsys, ["process", str(data / "clip.avi"), "-o", str(cwd / "out.txt")],
                   "out.txt", ".mp4", folders=place)
    assert "folder" not in line


@pytest.mark.parametrize("flag,name", [("--events", "e.txt"), ("--frames", "f.json")])
def test_logs_with_an_unsupported_suffix_are_refused(place, no_work, capsys, flag, name) -> None:
    cwd, data = place
    refused(capsys, ["process", str(data / "clip.avi"), flag, str(cwd / name)], name,
            folders=place)


def test_output_naming_a_folder_is_refused_before_processing(place, no_work, capsys) -> None:
    cwd, data = place
    (cwd / "results").mkdir()
    refused(capsys, ["process", str(data / "clip.avi"), "-o", str(cwd / "results") + "/"],
            "results", "folder", folders=place)
    refused(capsys, ["process", str(data / "clip.avi"), "-o", str(cwd / "new-folder") + "/"],
            "new-folder", folders=place)


def test_output_under_a_file_is_refused_before_processing(place, no_work, capsys) -> None:
    cwd, data = place
    (cwd / "blocker").write_text("x")
    refused(capsys, ["process", str(data / "clip.avi"), "-o", str(cwd / "blocker" / "o.mp4")],
            "blocker", folders=place)


def test_missing_input_is_named_before_the_outputs(place, no_work, capsys) -> None:
    cwd, data = place
    refused(capsys, ["process", str(data / "nope.mp4"), "-o", str(cwd / "out.txt")], "nope.mp4",
            folders=place)


@pytest.mark.parametrize("canvas,needles", [
    ("99999x99999", ("99999x99999", "3840x2160")),
    ("100x100", ("100x100", "320x240")),
    ("1281x720", ("1281x720", "even")),
])
def test_canvas_out_of_bounds_says_the_bounds(place, no_work, capsys, canvas, needles) -> None:
    _, data = place
    line = refused(capsys, ["process", str(data / "clip.avi"), "--canvas", canvas], *needles,
                   folders=place)
    assert "at least" not in line or "even" not in line  # one reason, not a guess at two


def test_no_video_logs_go_beside_the_named_output_not_the_input(place, capsys) -> None:
    cwd, data = place
    before = _files(data)
    code = cli.main(["process", str(data / "clip.avi"), "-o", str(cwd / "talk.mp4"),
                     "--no-video", "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert (cwd / "talk.events.jsonl").is_file() and (cwd / "talk.frames.csv").is_file()
    assert not (cwd / "talk.mp4").exists()
    assert _files(data) == before  # nothing beside the input


def test_default_outputs_go_to_the_output_folder_not_beside_the_input(place, capsys) -> None:
    cwd, data = place
    before = _files(data)
    assert cli.main(["process", str(data / "clip.avi"), "--no-video", "--quiet"]) == 0
    assert (cwd / "tongue-mirror-output" / "clip.mirror.events.jsonl").is_file()
    assert (cwd / "tongue-mirror-output" / "clip.mirror.frames.csv").is_file()
    assert _files(data) == before


@pytest.fixture(scope="module")
def no_tongue_clip(tmp_path_factory) -> Path:
    """7 s at 10 fps of the astronaut's closed mouth: a face in both phases, never a tongue."""
    image = load_portrait("astronaut")
    path = tmp_path_factory.mktemp("calib") / "neutral.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (512, 512))
    for _ in range(70):
        writer.write(image)
    writer.release()
    return path


def test_calibrate_that_saw_no_tongue_never_says_it_succeeded(no_tongue_clip, tmp_path,
                                                               capsys) -> None:
    profiles = tmp_path / "profiles"
    code = cli.main(["calibrate", "--source", str(no_tongue_clip), "--profiles-dir",
                     str(profiles), "--neutral", "3.5", "--tongue", "3.4"])
    out, err = capsys.readouterr()
    assert code != 0
    assert "[neutral]" in out and "[tongue]" in out  # the countdown ran
    assert "[done]" not in out and "alibrated" not in out, out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "saw no tongue" in lines[0] and "Traceback" not in err
    assert not any(profiles.glob("*")), "a failed calibration saved a profile"


@pytest.fixture
def screen_but_no_start(monkeypatch) -> None:
    """`live` believes there is a screen; opening the camera (the start of work) trips."""
    from tongue_mirror.io import live_feed, window

    def tripwire(*args, **kwargs):
        raise AssertionError("live started before the bad input was refused")

    monkeypatch.setattr(window, "display_available", lambda: True)
    monkeypatch.setattr(live_feed, "open_feed", tripwire)


@pytest.mark.parametrize("argv,needles", [
    (["--record", "show.txt"], ("show.txt", ".mp4")),
    (["--record", "folder/"], ("folder",)),
    (["--out-dir", "a-file"], ("a-file", "not a folder")),
])
def test_live_output_paths_are_checked_before_the_camera_opens(place, screen_but_no_start,
                                                                capsys, argv, needles) -> None:
    cwd, _ = place
    (cwd / "folder").mkdir()
    (cwd / "a-file").write_text("x")
    refused(capsys, ["live", *argv], *needles, folders=place)



@pytest.mark.parametrize(("screen", "canvas"), [
    ((1920, 1080), (1920, 1080)),  # a projector: drawn 1:1
    ((1366, 768), (1344, 756)),
    ((1280, 800), (1280, 720)),  # 16:10: the widest 16:9 that fits
    ((1024, 768), (1024, 576)),  # 4:3
    ((7680, 4320), (3840, 2160)),  # capped at the largest canvas
    ((300, 200), (1280, 720)),  # a screen smaller than any canvas: the default, scaled down
])
def test_fullscreen_canvas_is_the_screens_own_16_9(screen, canvas):
    from tongue_mirror.app.config import RunConfig, canvas_for_screen

    assert canvas_for_screen(screen) == canvas
    RunConfig(canvas_size=canvas)  # a valid canvas: even, within bounds
