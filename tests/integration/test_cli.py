"""The command line end to end on the committed sample clips, and its answers to bad input."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from tongue_mirror.app.cli import main
from tongue_mirror.io.live_feed import bundled_samples

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str, timeout: float = 300, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Runs `python -m tongue_mirror` as a user would, capturing both streams."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-m", "tongue_mirror", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd, env=env)


def assert_one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    """Non-zero exit, no traceback, and a `tongue-mirror: error:` line naming the problem."""
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("tongue-mirror: error:")]
    assert len(errors) == 1, proc.stderr
    for needle in needles:
        assert needle in errors[0]


@pytest.fixture(scope="module")
def sample() -> Path:
    clips = bundled_samples()
    assert clips, "assets/samples must ship at least one clip"
    return clips[0]


def test_version_and_help():
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("tongue-mirror ")
    helptext = run_cli("--help").stdout
    for command in ("live", "process", "cameras", "make-sample", "calibrate", "eval"):
        assert command in helptext


def test_process_writes_video_events_and_frame_log(sample, tmp_path):
    out, events, frames = tmp_path / "o.mp4", tmp_path / "e.jsonl", tmp_path / "f.csv"
    proc = run_cli("process", str(sample), "-o", str(out), "--events", str(events),
                   "--frames", str(frames), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "processed" in proc.stdout
    with av.open(str(sample)) as c:
        n_in = sum(1 for _ in c.decode(video=0))
    with av.open(str(out)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.width, stream.height) == (1280, 720)
        n_out = sum(1 for _ in c.decode(video=0))
    assert n_out == n_in
    rows = list(csv.DictReader(frames.open()))
    assert len(rows) == n_in
    assert {"t", "face", "tongue_probability", "tongue_out", "attribution"} <= set(rows[0])
    assert all(r["face"] == "1" for r in rows)
    ts = [float(r["t"]) for r in rows]
    assert ts == sorted(ts)
    for line in events.read_text().splitlines():
        assert {"t", "frame", "event"} <= set(json.loads(line))


def test_process_default_names_derive_from_the_input(sample, tmp_path):
    clip = tmp_path / "data" / "clip.mp4"
    clip.parent.mkdir()
    clip.write_bytes(sample.read_bytes())
    cwd = tmp_path / "work"
    cwd.mkdir()
    proc = run_cli("process", str(clip), "--no-video", "--quiet", cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    out = cwd / "tongue-mirror-output"
    assert (out / "clip.mirror.events.jsonl").is_file()
    assert (out / "clip.mirror.frames.csv").is_file()
    assert not (out / "clip.mirror.mp4").exists()
    assert [p.name for p in clip.parent.iterdir()] == ["clip.mp4"]  # nothing beside the input


def test_a_video_without_a_face_runs_through_and_says_so(tmp_path):
    clip = tmp_path / "blank.mp4"
    with av.open(str(clip), "w") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 160, 120, "yuv420p"
        for i in range(15):
            img = np.full((120, 160, 3), 40 + i, np.uint8)
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="bgr24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    proc = run_cli("process", str(clip), "--no-video", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "no face was found" in proc.stdout


def test_missing_file(tmp_path):
    assert_one_line_error(run_cli("process", str(tmp_path / "nope.mp4")), "nope.mp4")


def test_not_a_video(tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("this is not a video\n" * 50)
    assert_one_line_error(run_cli("process", str(bad)), "notes.mp4")


def test_truncated_video_processes_what_decodes_and_says_what_was_lost(sample, tmp_path):
    data = sample.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 2 // 3])
    proc = run_cli("process", str(cut), "--no-video", "--quiet", cwd=tmp_path)
    assert "Traceback" not in proc.stderr
    if proc.returncode == 0:
        assert "processed" in proc.stdout
        assert "could not be decoded" in proc.stdout or "damaged" in proc.stdout
    else:  # a cut that removes the index leaves nothing decodable: a clear error instead
        assert_one_line_error(proc, "cut.mp4")


def test_unwritable_output_path(sample, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert_one_line_error(run_cli("process", str(sample), "-o", str(blocker / "out.mp4"),
                                  "--events", str(tmp_path / "e.jsonl"), "--frames",
                                  str(tmp_path / "f.csv"), "--quiet"), "out.mp4")


def test_output_may_not_overwrite_the_input(sample, tmp_path):
    clip = tmp_path / "c.mp4"
    clip.write_bytes(sample.read_bytes())
    assert_one_line_error(run_cli("process", str(clip), "-o", str(clip)), "overwrite")
    assert clip.read_bytes() == sample.read_bytes()


def test_bad_option_values_are_one_line_errors(sample, tmp_path):
    proc = run_cli("process", str(sample), "--canvas", "huge")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "WIDTHxHEIGHT" in proc.stderr
    assert_one_line_error(run_cli("process", str(sample), "--inhibition", "7", "--events",
                                  str(tmp_path / "e.jsonl")), "inhibition")


def test_live_without_a_display_points_to_process(monkeypatch, capsys):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["live"]) == 2
    err = capsys.readouterr().err
    assert "no display" in err and "process" in err


def test_an_explicit_camera_that_does_not_open_is_an_error():
    # Pretend there is a screen, so the camera is what fails.
    proc = subprocess.run([sys.executable, "-m", "tongue_mirror", "live", "--camera", "7"],
                          capture_output=True, text=True, timeout=60, cwd=REPO,
                          env={**os.environ, "DISPLAY": ":12345"})
    assert_one_line_error(proc, "camera 7")
