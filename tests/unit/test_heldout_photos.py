"""tools/heldout_photos.py: held-out photo figures by person, grouped by the manifest's notes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tool_module import load_tool


@pytest.fixture(scope="module")
def tool():
    return load_tool("heldout_photos")


@pytest.fixture
def readings(tmp_path) -> tuple[Path, Path]:
    """A man with three tongue photos (two read above the bar of 1.0), two mined babies' single
    tongues (one above), a woman's four negatives (one above) and two mined adults' single
    negatives (one above); a clip frame among the rows, which is not a photo."""
    root = tmp_path / "data"
    root.mkdir()
    rows = [("images/tongue_out/man_1.jpg", "tongue_out", "man", "earlier man", 3.0),
            ("images/tongue_out/man_2.jpg", "tongue_out", "man", "earlier man", 2.0),
            ("images/tongue_out/man_3.jpg", "tongue_out", "man", "earlier man", 0.0),
            ("images/tongue_out/b1.jpg", "tongue_out", "b1", "mined; baby", 1.5),
            ("images/tongue_out/b2.jpg", "tongue_out", "b2", "mined; baby", 0.5),
            *[(f"images/no_tongue/w_{i}.jpg", "no_tongue", "woman", "woman", v)
              for i, v in enumerate((2.0, 0.0, 0.0, 0.0))],
            ("images/no_tongue/a1.jpg", "no_tongue", "a1", "mined; man", 1.2),
            ("images/no_tongue/a2.jpg", "no_tongue", "a2", "mined; man", -1.0)]
    for folder in ("tongue_out", "no_tongue"):
        (root / "images" / folder).mkdir(parents=True)
    for rel, *_ in rows:
        (root / rel).write_bytes(b"")  # the manifest reader checks the files exist, never reads
    (root / "manifest.csv").write_text(
        "path,kind,label,direction,source_repo,source_path,license,notes,face_found,person\n"
        + "".join(f"{p},image,{lab},,t,,,{note},1,{who}\n" for p, lab, who, note, _ in rows))
    path = tmp_path / "r.npz"
    np.savez(path, oof=np.array([v for *_, v in rows] + [5.0]), t_logit=np.array(1.0),
             row_y=np.array([int(lab == "tongue_out") for _, lab, *_ in rows] + [1]),
             row_group=np.array([who for _, _, who, *_ in rows] + ["clipman"]),
             row_kind=np.array(["image"] * len(rows) + ["frame"]),
             row_source=np.array([p for p, *_ in rows] + ["videos/c.mp4#3"]))
    return path, root


def line_of(out: str, label: str) -> str:
    return next(x for x in out.splitlines() if x.strip().startswith(label))


def test_each_person_counts_once_in_every_group(tool, readings, capsys):
    path, root = readings
    assert tool.main([str(path), "--data", str(root)]) == 0
    out = capsys.readouterr().out
    # All photos: the man caught 2/3, the babies 1 and 0 -> (2/3 + 1 + 0) / 3; the woman 1/4,
    # the mined adults 1 and 0 -> (1/4 + 1 + 0) / 3. Pooled: 3 of 5 caught, 2 false alarms.
    recall, far = (2 / 3 + 1) / 3, 1.25 / 3
    f1 = 2 * recall * 3 / (2 * recall * 3 + far * 3 + (1 - recall) * 3)
    assert (f"caught {recall:.3f}, false alarms {far:.3f}, F1 {f1:.3f} | pooled F1 "
            f"{2 * 3 / (2 * 3 + 2 + 2):.3f}") in line_of(out, "all photos")
    assert "people   3 out,   3 not" in line_of(out, "all photos")  # the clip frame is no photo
    new = line_of(out, "new people")
    assert "people   2 out,   2 not" in new and "caught 0.500, false alarms 0.500" in new
    earlier = line_of(out, "earlier people")
    assert "people   1 out,   1 not" in earlier and "caught 0.667, false alarms 0.250" in earlier
    assert "needs tongue-outs and negatives both" in line_of(out, "babies and children")


def test_a_shift_raises_the_bar_and_groups_come_from_the_command_line(tool, readings, capsys):
    path, root = readings
    assert tool.main([str(path), "--data", str(root), "--shift", "0.6",
                      "--group", "not mined=!mined"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("bar +1.600")
    # Above 1.6: the man's 3.0 and 2.0, the woman's 2.0; b1 (1.5) and a1 (1.2) fall below.
    assert "caught 0.222, false alarms 0.083" in line_of(out, "all photos")
    assert "caught 0.667, false alarms 0.250" in line_of(out, "not mined")
    assert "new people" not in out


@pytest.mark.parametrize(("args", "says"), [
    (["--data", "{tmp}/nowhere"], "no manifest.csv there"),
    (["--data", "{root}", "--group", "nolabel"], "expected LABEL=REGEX"),
    (["--data", "{root}", "--group", "x=("], "--group 'x=('"),
])
def test_bad_input_is_one_line_and_exit_2(tool, readings, capsys, tmp_path, args, says):
    path, root = readings
    fill = {"tmp": tmp_path, "root": root}
    assert tool.main([str(path), *(a.format(**fill) for a in args)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and says in err and err.count("\n") == 1


def test_readings_without_photo_rows_or_with_unknown_photos_are_one_line(tool, readings, capsys,
                                                                        tmp_path):
    path, root = readings
    old = tmp_path / "old.npz"
    np.savez(old, names=np.array([]))
    assert tool.main([str(old), "--data", str(root)]) == 2
    assert "hold no photo rows" in capsys.readouterr().err
    (root / "manifest.csv").write_text("path,kind,label,direction,source_repo,source_path,"
                                       "license,notes,face_found\n"
                                       "images/no_tongue/a1.jpg,image,no_tongue,,t,,,,1\n")
    assert tool.main([str(path), "--data", str(root)]) == 2
    assert "is not in the manifest" in capsys.readouterr().err


@pytest.mark.parametrize("content", [b"garbage", b"PK\x03\x04garbage", b"\x93NUMPY"])
@pytest.mark.parametrize("name", ["heldout_photos", "replay_gestures"])
def test_a_file_that_is_no_readings_file_is_one_line(name, readings, capsys, tmp_path, content):
    _, root = readings
    bad = tmp_path / "bad.npz"
    bad.write_bytes(content)
    assert load_tool(name).main([str(bad), "--data", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}: not a readings file") and err.count("\n") == 1
