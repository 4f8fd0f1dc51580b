"""The H.264 recorder: PyAV round trip, constant-rate timing from t, validation, Ctrl-C, failures."""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import av
import numpy as np
import pytest
from io_helpers import pattern, write_clip

from tongue_mirror.errors import UserError
from tongue_mirror.io.recorder import VideoRecorder
from tongue_mirror.io.video_file import VideoFileSource


def _read_back(path: Path) -> tuple[av.video.stream.VideoStream, list[av.VideoFrame], float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(stream))
        if stream.duration is not None:
            duration = float(stream.duration * stream.time_base)
        else:  # Matroska keeps the duration on the container
            duration = container.duration / av.time_base
        return stream, frames, duration


@pytest.mark.parametrize("threaded", [False, True])
def test_round_trip_h264_yuv420p_count_and_duration(tmp_path: Path, threaded: bool) -> None:
    path = write_clip(tmp_path / "out.mp4", n=45, fps=30, size=(96, 64), threaded=threaded)
    stream, frames, duration = _read_back(path)
    assert stream.codec_context.name == "h264"
    assert stream.codec_context.pix_fmt == "yuv420p"
    assert stream.frames == 45 and len(frames) == 45
    assert duration == pytest.approx(1.5, abs=1e-3)
    assert (stream.width, stream.height) == (96, 64)
    decoded = frames[10].to_ndarray(format="bgr24").astype(int)
    assert np.abs(decoded - pattern(10, (96, 64))).mean() < 6  # x264 at its default quality: 2.7
    # The grey frame hides a channel swap (the red square is 1 % of it); its core must stay red
    # (a few levels off here; swapped, it is 255 off).
    square = decoded[6:10, 32:36]  # inside pattern(10)'s square: rows 4..11, columns 30..37
    assert np.abs(square - np.array([0, 0, 255])).max() < 40


def test_file_starts_with_its_index_for_streaming(tmp_path: Path) -> None:
    path = write_clip(tmp_path / "fast.mp4", n=10)
    head = path.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and head.find(b"moov") < max(head.find(b"mdat"), 4096)


def _pts_steps(path: Path) -> tuple[list[int], float, list[av.VideoFrame]]:
    """Every frame's pts step (in stream ticks), the clip's duration, and the frames."""
    _, frames, duration = _read_back(path)
    pts = [f.pts for f in frames]
    return [b - a for a, b in itertools.pairwise(pts)], duration, frames


@pytest.mark.parametrize("threaded", [False, True])
def test_irregular_capture_gives_a_constant_rate_clip_as_long_as_the_capture(
        tmp_path: Path, threaded: bool) -> None:
    """A loaded live loop: jitter, late frames (gaps up to 0.4 s), bursts two to a slot."""
    rng = np.random.default_rng(1)
    times, t = [], 7.0
    for i in range(150):
        t += 1 / 30 + rng.normal(0, 0.004)
        if i % 17 == 5:
            t += 0.4  # the loop stalled: the camera's frames in between never arrived
        if i % 23 == 9:
            times.append(t + 0.002)  # a second frame inside the same slot
        times.append(t)
    times.sort()
    path = write_clip(tmp_path / "cfr.mp4", n=len(times), times=times, threaded=threaded)
    steps, duration, frames = _pts_steps(path)
    assert len(set(steps)) == 1  # every frame lasts exactly one period
    period = steps[0] * float(av.open(str(path)).streams.video[0].time_base)
    assert period == pytest.approx(1 / 30, rel=1e-4)
    wall = times[-1] - times[0] + 1 / 30
    assert duration == pytest.approx(wall, abs=1 / 30)  # as long as the capture took
    assert frames[0].time == 0.0


def test_each_frame_shows_at_its_capture_time_and_a_late_one_holds_the_previous(
        tmp_path: Path) -> None:
    times = [5.0, 5.0 + 1 / 30, 5.0 + 1 / 30 + 0.001, 5.0 + 4 / 30, 5.0 + 5 / 30]
    path = write_clip(tmp_path / "t.mp4", n=len(times), times=times, size=(64, 48))
    steps, _, frames = _pts_steps(path)
    assert len(frames) == 6 and len(set(steps)) == 1
    shown = [round((f.to_ndarray(format="bgr24")[30:40, 30:40].mean() - 40) / 7)
             for f in frames]
    # slot: 0 1 2 3 4 5 -> pattern 0, 1, (the dropped 2 shares slot 1) 1 held, 1 held, 3, 4
    assert shown == [0, 1, 1, 1, 3, 4]


def test_a_file_that_loops_continues_the_clip_without_a_jump(tmp_path: Path) -> None:
    times = [i / 30 for i in range(20)] + [i / 30 for i in range(20)]
    path = write_clip(tmp_path / "loop.mp4", n=len(times), times=times)
    steps, duration, frames = _pts_steps(path)
    assert len(frames) == 40 and len(set(steps)) == 1
    assert duration == pytest.approx(40 / 30, abs=1e-3)


def test_a_busy_encoder_never_blocks_the_writer_and_holds_the_grid(tmp_path: Path,
                                                                     monkeypatch) -> None:
    """With drop_when_busy a slow encoder costs frames (held in their slots), never a wait."""
    import threading
    import time

    gate = threading.Event()
    path = tmp_path / "busy.mp4"
    rec = VideoRecorder(path, fps=30, size=(64, 48), threaded=True, queue_size=2,
                        drop_when_busy=True)
    original = rec._encode_item

    def slow(item):
        gate.wait(5)
        original(item)

    monkeypatch.setattr(rec, "_encode_item", slow)
    with rec:
        t0 = time.perf_counter()
        for i in range(30):
            rec.write(pattern(i), i / 30)
        blocked = time.perf_counter() - t0
        gate.set()
    assert blocked < 1.0  # never waited for the gated encoder (it would wait 5 s per frame)
    assert rec.frames_dropped >= 27
    steps, duration, frames = _pts_steps(path)
    assert len(set(steps)) <= 1 and len(frames) == 30  # the held frames fill the grid
    assert duration == pytest.approx(1.0, abs=1e-3)


def test_odd_size_is_padded_to_even(tmp_path: Path) -> None:
    path = write_clip(tmp_path / "odd.mp4", n=3, size=(65, 49))
    stream, frames, _ = _read_back(path)
    assert (stream.width, stream.height) == (66, 50)
    assert len(frames) == 3


def test_bad_frames_are_rejected_clearly(tmp_path: Path) -> None:
    with VideoRecorder(tmp_path / "v.mp4", fps=30, size=(32, 24)) as rec:
        with pytest.raises(ValueError, match="32x24"):
            rec.write(np.zeros((24, 40, 3), np.uint8), 0.0)
        with pytest.raises(ValueError, match="uint8"):
            rec.write(np.zeros((24, 32, 3), np.float32), 0.0)
        with pytest.raises(ValueError, match="H×W×3"):
            rec.write(np.zeros((24, 32), np.uint8), 0.0)
        with pytest.raises(TypeError):
            rec.write([[0]], 0.0)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="finite"):
            rec.write(np.zeros((24, 32, 3), np.uint8), float("nan"))
        rec.write(np.zeros((24, 32, 3), np.uint8), 0.0)
    with pytest.raises(ValueError):
        VideoRecorder(tmp_path / "x.mp4", fps=0, size=(32, 24))
    with pytest.raises(ValueError):
        VideoRecorder(tmp_path / "x.mp4", fps=30, size=(32,))
    with pytest.raises(ValueError, match="preset"):
        VideoRecorder(tmp_path / "x.mp4", fps=30, size=(32, 24), preset="quick")
    with pytest.raises(ValueError, match="threads"):
        VideoRecorder(tmp_path / "x.mp4", fps=30, size=(32, 24), threads=-1)


@pytest.mark.parametrize("threaded", [False, True])
def test_keyboard_interrupt_leaves_a_playable_file(tmp_path: Path, threaded: bool) -> None:
    path = tmp_path / "interrupted.mp4"
    with pytest.raises(KeyboardInterrupt), \
            VideoRecorder(path, fps=30, size=(64, 48), threaded=threaded) as rec:
        for i in range(100):
            if i == 37:
                raise KeyboardInterrupt
            rec.write(pattern(i), i / 30)
    stream, frames, duration = _read_back(path)
    assert len(frames) == 37 and stream.frames == 37
    assert duration == pytest.approx(37 / 30, abs=1e-3)


def test_unwritable_path_is_a_user_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(UserError, match="cannot write"):
        VideoRecorder(blocker / "out.mp4", fps=30, size=(32, 24)).open()


_DISK_FULL = textwrap.dedent("""
    import resource, signal, sys
    import numpy as np
    from tongue_mirror.errors import UserError
    from tongue_mirror.io.recorder import VideoRecorder
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the limit, write() fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (400_000, 400_000))
    rng = np.random.default_rng(0)
    try:
        with VideoRecorder(sys.argv[1], fps=30, size=(128, 96), faststart=False,
                           threaded=sys.argv[2] == "1") as rec:
            for i in range(300):
                rec.write(rng.integers(0, 255, (96, 128, 3), dtype=np.uint8), i / 30)
    except UserError as exc:
        print("USERERROR", exc)
""")


@pytest.mark.parametrize("threaded", ["0", "1"])
def test_disk_full_gives_a_user_error_and_keeps_what_was_written(tmp_path: Path,
                                                                 threaded: str) -> None:
    path = tmp_path / "full.mp4"
    env = {"PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    result = subprocess.run([sys.executable, "-c", _DISK_FULL, str(path), threaded],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert "USERERROR recording to" in result.stdout
    assert "Traceback" not in result.stderr
    with VideoFileSource(path) as src:  # fragments written before the disk filled still play
        frames = list(src)
    assert 60 <= len(frames) < 300


def test_a_recording_without_frames_leaves_no_file(tmp_path: Path) -> None:
    with VideoRecorder(tmp_path / "empty.mp4", fps=30, size=(32, 24)) as rec:
        pass
    assert rec.frames_written == 0
    assert not (tmp_path / "empty.mp4").exists()


def test_mkv_and_mov_containers(tmp_path: Path) -> None:
    for name in ("clip.mkv", "clip.mov"):
        path = write_clip(tmp_path / name, n=12)
        stream, frames, _ = _read_back(path)
        assert stream.codec_context.name == "h264" and len(frames) == 12


_RECORD_UNTIL_STOPPED = textwrap.dedent("""
    import faulthandler
    import signal
    import sys
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # where it hangs, if it ever does
    # Ctrl-C in a terminal raises KeyboardInterrupt; a shell that started the tests in the
    # background (`cmd &`) passes SIGINT down ignored, and Python then leaves it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import numpy as np
    from tongue_mirror.io.recorder import VideoRecorder
    with VideoRecorder(sys.argv[1], fps=30, size=(64, 48), threaded=True) as rec:
        i = 0
        while True:
            image = np.full((48, 64, 3), (i * 5) % 256, np.uint8)
            rec.write(image, i / 30)
            i += 1
            if i == 120:
                print("READY", flush=True)
""")


@pytest.mark.parametrize("how", ["sigint", "sigkill"])
def test_a_real_ctrl_c_or_kill_leaves_a_playable_file(tmp_path: Path, how: str) -> None:
    path = tmp_path / "stopped.mp4"
    env = {"PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    child = subprocess.Popen([sys.executable, "-c", _RECORD_UNTIL_STOPPED, str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "READY"
        child.send_signal(signal.SIGINT if how == "sigint" else signal.SIGKILL)
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGUSR1)  # every thread's stack to stderr, then fail
            time.sleep(1.0)
            child.kill()
            _, err = child.communicate()
            pytest.fail(f"the recorder hung after {how}; its threads:\n{err}")
    finally:
        if child.poll() is None:
            child.kill()
    with VideoFileSource(path) as src:
        frames = list(src)
    if how == "sigint":  # closed properly: everything written is there, index first
        assert len(frames) >= 120 and src.lost_frames == 0
        assert src.info.frame_count == len(frames)
    else:  # killed: the fragments completed before the kill (a keyframe every 2 s) play
        assert len(frames) >= 30
        assert frames[0].image.mean() < 4 and abs(frames[29].t - 29 / 30) < 1e-3
