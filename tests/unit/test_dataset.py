"""Dataset loading: the dev-set layout, synthetic clips with .labels.csv, and malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tongue_mirror.errors import UserError
from tongue_mirror.evaluation.dataset import (
    load_dataset,
    person_group,
    read_labels,
    source_from_name,
)

MANIFEST_HEADER = "path,kind,label,direction,source_repo,source_path,license,notes,face_found\n"
LABELS_HEADER = "start_s,end_s,start_frame,end_frame,confidence\n"


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def make_dataset(root: Path, rows: list[str], labels: dict[str, str] | None = None) -> Path:
    for row in rows:
        touch(root / row.split(",")[0])
    (root / "manifest.csv").write_text(MANIFEST_HEADER + "".join(r + "\n" for r in rows))
    for name, text in (labels or {}).items():
        (root / "labels").mkdir(exist_ok=True)
        (root / "labels" / name).write_text(LABELS_HEADER + text)
    return root


GOOD_ROWS = [
    "images/tongue_out/a__1.jpg,image,tongue_out,left,me/repoA,x,,,1",
    "images/no_tongue/b__2.jpg,image,no_tongue,,,x,,,0",
    "videos/c__clip.mp4,video,mixed_video,,me/repoC,x,,,1",
    "videos/d__talk.avi,video,no_tongue,,me/repoD,x,,,1",
]
GOOD_LABELS = {"c__clip.csv": "1.0,1.0,10,10,ambiguous\n1.1,2.0,11,20,sure\n3.0,3.5,30,35,sure\n"}


def test_manifest_dataset_reads_images_videos_and_intervals(tmp_path):
    ds = load_dataset(make_dataset(tmp_path, GOOD_ROWS, GOOD_LABELS))
    assert [(i.name, i.tongue_out, i.direction, i.source) for i in ds.images] == [
        ("images/tongue_out/a__1.jpg", True, "left", "me/repoA"),
        ("images/no_tongue/b__2.jpg", False, None, "b"),  # no source_repo: name prefix
    ]
    mixed, negative = ds.videos
    assert mixed.mixed and not negative.mixed and negative.intervals == ()
    assert [iv.start_frame for iv in mixed.sure_intervals] == [11, 30]
    assert mixed.intervals[0].sure is False


def test_frame_truth_marks_ambiguous_frames_as_none(tmp_path):
    touch(tmp_path / "s.mp4")
    rows = "0.0,0.1,2,3,sure\n0.1,0.1,3,4,ambiguous\n"
    (tmp_path / "s.labels.csv").write_text(LABELS_HEADER + rows)
    video = load_dataset(tmp_path / "s.mp4").videos[0]
    assert video.frame_truth(7) == [False, False, True, None, None, False, False]


def test_single_synthetic_clip_and_folder_of_clips(tmp_path):
    touch(tmp_path / "astro__tongue.mp4")
    (tmp_path / "astro__tongue.labels.csv").write_text(LABELS_HEADER + "0.5,1.0,15,30,sure\n")
    touch(tmp_path / "neg.mp4")
    (tmp_path / "neg.labels.csv").write_text(LABELS_HEADER)  # no intervals: a negative clip
    touch(tmp_path / "unlabelled.mp4")
    one = load_dataset(tmp_path / "astro__tongue.mp4")
    assert one.images == () and len(one.videos) == 1
    assert one.videos[0].source == "astro" and one.videos[0].mixed
    folder = load_dataset(tmp_path)
    assert [v.name for v in folder.videos] == ["astro__tongue.mp4", "neg.mp4"]
    assert not folder.videos[1].mixed
    with pytest.raises(UserError, match="no labels beside it"):
        load_dataset(tmp_path / "unlabelled.mp4")


def test_limit_keeps_the_first_items(tmp_path):
    ds = load_dataset(make_dataset(tmp_path, GOOD_ROWS, GOOD_LABELS)).limited(1)
    assert len(ds.images) == 1 and len(ds.videos) == 1


def test_source_from_name():
    assert source_from_name(Path("x/HelloMeme__jgz.mp4")) == "HelloMeme"
    assert source_from_name(Path("clip.labels.csv")) == "clip"


@pytest.mark.parametrize(("rows", "labels", "message"), [
    (["images/a.jpg,image,maybe,,,,,,1"], None, "image label must be"),
    (["images/a.jpg,photo,no_tongue,,,,,,1"], None, "kind must be image or video"),
    (["images/a.jpg,image,tongue_out,sideways,,,,,1"], None, "direction must be one of"),
    (["images/a.jpg,image,no_tongue,left,,,,,1"], None, "only meaningful on tongue_out"),
    (["videos/v.mp4,video,mixed_video,,,,,,1"], None, "needs labels/v.csv"),
    (["videos/v.mp4,video,tongue_out,,,,,,1"], None, "video label must be"),
    (["videos/v.mp4,video,mixed_video,,,,,,1"], {"v.csv": "1,2,3,4,maybe\n"}, "v.csv:2: bad"),
    (["videos/v.mp4,video,mixed_video,,,,,,1"], {"v.csv": "1,2,x,4,sure\n"}, "v.csv:2: bad"),
    (["videos/v.mp4,video,mixed_video,,,,,,1"], {"v.csv": "1,2,9,4,sure\n"}, "ends before"),
])
def test_malformed_manifest_rows_are_user_errors(tmp_path, rows, labels, message):
    make_dataset(tmp_path, rows, labels)
    with pytest.raises(UserError, match=message):
        load_dataset(tmp_path)


def test_missing_files_and_columns_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="dataset not found"):
        load_dataset(tmp_path / "nope")
    with pytest.raises(UserError, match=r"no manifest\.csv"):
        load_dataset(tmp_path)
    (tmp_path / "manifest.csv").write_text(MANIFEST_HEADER + "images/gone.jpg,image,no_tongue\n")
    with pytest.raises(UserError, match=r"file not found: images/gone\.jpg"):
        load_dataset(tmp_path)
    (tmp_path / "manifest.csv").write_text("file,kind\nx,image\n")
    with pytest.raises(UserError, match="lacks column"):
        load_dataset(tmp_path)
    (tmp_path / "manifest.csv").write_text(MANIFEST_HEADER)
    with pytest.raises(UserError, match="lists no files"):
        load_dataset(tmp_path)
    bad = tmp_path / "l.csv"
    bad.write_text("start,end\n1,2\n")
    with pytest.raises(UserError, match="lacks column"):
        read_labels(bad)
    bad.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(UserError):
        read_labels(bad)




@pytest.mark.devdata
def test_reads_the_dev_set_where_present(dev_data: Path):
    ds = load_dataset(dev_data)
    assert len(ds.images) > 100 and any(v.mixed for v in ds.videos)
    lines = [item.line for item in ds.items]
    assert lines == sorted(lines) and len(lines) == len(ds.images) + len(ds.videos)


def test_items_keep_the_manifest_order(tmp_path):
    root = make_dataset(tmp_path, [
        "videos/a.mp4,video,no_tongue,,r,,,,1",
        "images/b.jpg,image,no_tongue,,r,,,,1",
        "videos/c.mp4,video,no_tongue,,r,,,,1",
        "images/d.jpg,image,tongue_out,left,r,,,,1",
    ])
    ds = load_dataset(root)
    assert [i.name for i in ds.items] == ["videos/a.mp4", "images/b.jpg", "videos/c.mp4",
                                          "images/d.jpg"]
    assert [i.name for i in ds.images] == ["images/b.jpg", "images/d.jpg"]


def test_the_person_column_says_who_is_who(tmp_path):
    """With the column, a row's person is what it says, even where the name rules would differ."""
    header = MANIFEST_HEADER.rstrip("\n") + ",person\n"
    rows = ["images/tongue_out/a__1.jpg,image,tongue_out,,me/r,,,,1,ann",
            "images/no_tongue/b__2.jpg,image,no_tongue,,me/r,,,,1,ann",
            "videos/c__clip.mp4,video,no_tongue,,me/r,,,,1,bob"]
    for row in rows:
        touch(tmp_path / row.split(",")[0])
    (tmp_path / "manifest.csv").write_text(header + "".join(r + "\n" for r in rows))
    ds = load_dataset(tmp_path)
    assert [i.person for i in ds.images] == ["ann", "ann"]
    assert [v.person for v in ds.videos] == ["bob"]
    (tmp_path / "manifest.csv").write_text(header + rows[0] + "\n" + rows[1][: -len("ann")] + "\n")
    with pytest.raises(UserError, match=r"manifest\.csv:3: empty person"):
        load_dataset(tmp_path)


def test_a_photos_notes_come_with_it(tmp_path):
    """The free-text notes reach the item, so reports can group photos by them."""
    rows = ['images/tongue_out/a__1.jpg,image,tongue_out,,me/r,,,"baby, mined",1',
            "images/no_tongue/b__2.jpg,image,no_tongue,,me/r,,,,1"]
    for row in rows:
        touch(tmp_path / row.split(",")[0])
    (tmp_path / "manifest.csv").write_text(MANIFEST_HEADER + "".join(r + "\n" for r in rows))
    assert [i.notes for i in load_dataset(tmp_path).images] == ["baby, mined", ""]


def test_without_the_person_column_the_name_rules_decide(tmp_path):
    root = make_dataset(tmp_path, [
        "images/tongue_out/Tongue-Detection-and-Tra__IMG_20180109_1.jpg,image,tongue_out,,"
        "HariharaBharathy/Tongue-Detection-and-Tracking,,,,1",
        "images/no_tongue/Tongue-Detection-and-Tra__img_012.jpg,image,no_tongue,,"
        "HariharaBharathy/Tongue-Detection-and-Tracking,,,,1",
        "videos/x__clip.mp4,video,no_tongue,,someone/else,,,,1",
    ])
    ds = load_dataset(root)
    assert [i.person for i in ds.images] == ["harihara_man", "harihara_man"]
    assert ds.videos[0].person == "other:x__clip"
    touch(tmp_path / "syn__a.mp4")  # a folder of labelled clips: each file its own person
    (tmp_path / "syn__a.labels.csv").write_text(LABELS_HEADER)
    assert load_dataset(tmp_path / "syn__a.mp4").videos[0].person == "other:syn__a"


@pytest.mark.parametrize(("name", "source", "group"), [
    ("images/tongue_out/Tongue-Detection-and-Tra__IMG_20180109_1.jpg",
     "HariharaBharathy/Tongue-Detection-and-Tracking", "harihara_man"),
    ("images/tongue_out/Tongue-Detection-and-Tra__img_012.jpg",
     "HariharaBharathy/Tongue-Detection-and-Tracking", "harihara_man"),
    ("images/tongue_out/Tongue-Detection-and-Tra__getty_kid.jpg",
     "HariharaBharathy/Tongue-Detection-and-Tracking", "web:getty_kid"),
    ("images/no_tongue/facial-expressions__Rubens_Barrichello_0009.jpg",
     "muxspace/facial_expressions", "lfw:Rubens_Barrichello"),
    ("videos/HelloMeme__xzy2.mp4", "HelloVision/HelloMeme", "hellomeme_xzy"),
    ("videos/HelloMeme__jgz.mp4", "HelloVision/HelloMeme", "hellomeme:jgz"),
    ("videos/LivePortrait__d11.mp4", "KwaiVGI/LivePortrait", "liveportrait:LivePortrait__d11.mp4"),
    ("images/x/3D-tongue__9.jpg", "dronefreak/3D-tongue-tip-tracking", "dronefreak_man"),
    ("videos/x__clip.mp4", "someone/else", "other:x__clip"),
    ("videos/ARKit-Emperor__tongue_gif.mp4", "kboy-silvergym/ARKit-Emperor",
     "other:ARKit-Emperor__tongue_gif"),
    ("videos/Freaky-Detector__tongue_gif.mp4", "iTartar/Freaky-Detector",
     "other:Freaky-Detector__tongue_gif"),
    ("videos/Mobeen-Application__tongue_sweep_right.mp4", "Ayman-ELwarak/Mobeen-Application",
     "mobeen_woman"),
    ("videos/Mobeen-Application__soft_palate_elevation_yawn.mp4",
     "Ayman-ELwarak/Mobeen-Application", "mobeen_woman"),
    ("videos/flexavatar__nersemble240_free.mp4", "tobias-kirschstein/flexavatar",
     "nersemble240_man"),
    ("images/tongue_out/nersemble-data__240_exp6_tongue1.jpg",
     "tobias-kirschstein/nersemble-data", "nersemble240_man"),
])
def test_person_groups_put_one_person_in_one_group(name, source, group):
    assert person_group(name, source) == group
