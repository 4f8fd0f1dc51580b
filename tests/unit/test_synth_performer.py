"""The synthetic performer: clip length and timing, labels exact by construction, face tracked."""

from __future__ import annotations

import av
import cv2
import numpy as np
import pytest

from tongue_mirror import landmarks as lmk
from tongue_mirror.synth.labels import intervals, labels_path, read_labels
from tongue_mirror.synth.performer import Performer, PerformerConfig
from tongue_mirror.synth.script import parse_script

SCRIPT = "neutral:0.4,tongue:1.0,talk:0.5,tongue-left:0.9,yawn:0.8,tongue-up:0.8"
FPS = 15.0
SIZE = (320, 240)


@pytest.fixture(scope="module")
def performer():
    from tongue_mirror.synth.portraits import load_portrait

    return Performer(load_portrait("astronaut"), PerformerConfig(fps=FPS, size=SIZE, seed=4))


@pytest.fixture(scope="module")
def clip(tmp_path_factory, performer):
    out = tmp_path_factory.mktemp("synth") / "clip.mp4"
    steps = parse_script(SCRIPT)
    runs = performer.write_clip(out, steps)
    return out, steps, runs


def _decode(path):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [(float(f.pts * f.time_base), f.to_ndarray(format="bgr24"))
                for f in container.decode(stream)]


def test_clip_has_the_right_frames_and_times(clip):
    out, steps, _ = clip
    frames = _decode(out)
    n = round(sum(s.seconds for s in steps) * FPS)
    assert len(frames) == n
    times = np.array([t for t, _ in frames])
    assert np.allclose(times - times[0], np.arange(n) / FPS, atol=1e-3)
    assert frames[0][1].shape == (SIZE[1], SIZE[0], 3)


def test_labels_file_matches_the_rendered_frames(clip, performer):
    out, steps, runs = clip
    flags = [f.tongue_out for f in performer.perform(steps)]
    assert read_labels(labels_path(out)) == intervals(flags) == runs
    rows = labels_path(out).read_text().splitlines()
    assert rows[0] == "start_s,end_s,start_frame,end_frame,confidence"
    for row, (a, b) in zip(rows[1:], runs, strict=True):
        s0, s1, f0, f1, conf = row.split(",")
        assert (int(f0), int(f1), conf) == (a, b, "sure")
        assert float(s0) == pytest.approx(a / FPS, abs=1e-4)
        assert float(s1) == pytest.approx(b / FPS, abs=1e-4)


def test_one_interval_per_tongue_gesture_inside_it(clip):
    _, steps, runs = clip
    starts = np.cumsum([0.0] + [s.seconds for s in steps])
    tongue_steps = [(starts[i], starts[i + 1]) for i, s in enumerate(steps) if s.is_tongue]
    assert len(runs) == len(tongue_steps)
    for (a, b), (t0, t1) in zip(runs, tongue_steps, strict=True):
        assert t0 <= a / FPS and b / FPS < t1


def test_label_is_the_drawn_geometry(performer):
    """Out exactly when visible tongue pixels lie past the inner lip line."""
    steps = parse_script("neutral:0.2,tongue:1.2,tongue-right:1.0,tongue-up:1.0,tongue-left:0.8")
    for i, pose in enumerate(performer.poses(steps)):
        if pose.extension == 0.0:
            continue
        _, mask, out = performer.render(pose, i)
        lms = performer.posed_landmarks(pose)
        poly = lms[list(lmk.LIPS_INNER), :2].astype(np.float32).reshape(-1, 1, 2)
        ys, xs = np.nonzero(mask >= 64)
        outside = [cv2.pointPolygonTest(poly, (float(x), float(y)), True)
                   for x, y in zip(xs, ys, strict=True)]
        beyond = min(outside, default=0.0)
        if out:
            assert beyond < 0.0, f"frame {i}: labelled out but no tongue past the lip"
        else:
            assert beyond > -1.5, f"frame {i}: tongue {-beyond:.1f}px past the lip, not labelled"


def test_our_tracker_finds_the_face_in_every_frame(clip):
    from tongue_mirror.io.face_tracker import FaceTracker
    from tongue_mirror.values import Frame

    out, _, _ = clip
    missing = []
    with FaceTracker() as tracker:
        for i, (t, image) in enumerate(_decode(out)):
            if tracker.track(Frame(image, t, i)) is None:
                missing.append(i)
    assert missing == []


def test_same_seed_same_clip_plan(performer):
    steps = parse_script(SCRIPT)
    assert performer.poses(steps) == performer.poses(steps)


def test_make_sample_command(tmp_path, capsys):
    from tongue_mirror.app.cli import main

    out = tmp_path / "s.mp4"
    code = main(["make-sample", str(out), "--seconds", "1", "--fps", "10", "--size", "320x240",
                 "--seed", "2", "--random-variation"])
    assert code == 0
    assert out.stat().st_size > 0 and labels_path(out).is_file()
    assert "SYNTHETIC" in capsys.readouterr().out
    assert main(["make-sample", str(out), "--script", "tongue:-1"]) == 2
    assert main(["make-sample", str(out), "--noise", "99"]) == 2
    assert "tongue:-1" not in capsys.readouterr().out
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((200, 200, 3), 128, np.uint8))
    assert main(["make-sample", str(out), "--portrait", str(blank), "--seconds", "1"]) == 2
    assert "no face" in capsys.readouterr().err
    (tmp_path / "junk.png").write_text("not an image")
    assert main(["make-sample", str(out), "--portrait", str(tmp_path / "junk.png")]) == 2
