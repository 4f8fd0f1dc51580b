"""Reads a labelled dataset (manifest + interval labels, or synthetic clips with .labels.csv)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from tongue_mirror.errors import UserError
from tongue_mirror.evaluation.metrics import LabelledInterval

DIRECTIONS = ("center", "left", "right", "up", "down")
VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v")
LABEL_COLUMNS = ("start_s", "end_s", "start_frame", "end_frame", "confidence")
MANIFEST_COLUMNS = ("path", "kind", "label")
PERSON_COLUMN = "person"  # optional; without it, person_group's rules say who is who
LABELS_SUFFIX = ".labels.csv"


@dataclass(frozen=True)
class Interval:
    """One labelled tongue-out interval, inclusive of both ends."""

    start_s: float
    end_s: float
    start_frame: int
    end_frame: int
    sure: bool

    def labelled(self) -> LabelledInterval:
        """The interval as the metrics module takes it."""
        return LabelledInterval(self.start_s, self.end_s, self.start_frame, self.end_frame)


@dataclass(frozen=True)
class ImageItem:
    """A photo with its binary label and, for tongue-out photos, maybe a direction."""

    path: Path
    name: str  # path as listed (relative to the dataset root), for reports
    source: str
    tongue_out: bool
    direction: str | None = None
    line: int = 0  # manifest row, so callers can keep the listing's order (0 without a manifest)
    person: str = ""  # who is in it; "" means `person_group`'s guess from the name (see below)
    notes: str = ""  # the manifest's free text (who, what, where it came from), for reports

    def __post_init__(self) -> None:
        if not self.person:  # frozen: fill the fallback once, so every item names its person
            object.__setattr__(self, "person", person_group(self.name, self.source))


@dataclass(frozen=True)
class VideoItem:
    """A clip with its tongue-out intervals; a clip with none is a negative (false-alarm) clip."""

    path: Path
    name: str
    source: str
    intervals: tuple[Interval, ...] = ()
    mixed: bool = False  # labelled with intervals (mixed_video or a synthetic clip with labels)
    line: int = 0  # manifest row (0 without a manifest)
    person: str = ""  # as ImageItem.person

    def __post_init__(self) -> None:
        if not self.person:
            object.__setattr__(self, "person", person_group(self.name, self.source))

    @property
    def sure_intervals(self) -> tuple[Interval, ...]:
        """Intervals that count as events."""
        return tuple(iv for iv in self.intervals if iv.sure)

    def frame_truth(self, n_frames: int) -> list[bool | None]:
        """Per frame: True inside a sure interval, None inside an ambiguous one, else False."""
        truth: list[bool | None] = [False] * n_frames
        for iv in sorted(self.intervals, key=lambda i: i.sure, reverse=True):  # ambiguous wins
            for f in range(max(0, iv.start_frame), min(n_frames - 1, iv.end_frame) + 1):
                truth[f] = True if iv.sure else None
        return truth


@dataclass(frozen=True)
class Dataset:
    """Everything to score, in a stable order."""

    root: Path
    images: tuple[ImageItem, ...]
    videos: tuple[VideoItem, ...]

    @property
    def items(self) -> tuple[ImageItem | VideoItem, ...]:
        """Photos and clips in the manifest's order (photos first without a manifest)."""
        return tuple(sorted((*self.images, *self.videos), key=lambda item: item.line))

    def limited(self, n: int | None) -> Dataset:
        """At most n images and n videos (for quick runs)."""
        if n is None:
            return self
        return Dataset(self.root, self.images[:n], self.videos[:n])


def source_from_name(path: Path) -> str:
    """The source of a file without a manifest: its name's prefix before `__`, else its stem."""
    stem = path.name.split(".")[0]
    return stem.split("__", 1)[0] if "__" in stem else stem


def person_group(name: str, source: str) -> str:
    """Who is in a dev-set file when the manifest has no `person` column (the fallback; a manifest
    with the column names every row's person itself): the unit that leave-people-out validation
    holds out and people-weighted figures average over (`name` as listed, `source` its source_repo).

    - HariharaBharathy IMG_2018*, img_0* : the one man of that repo (all his sessions together);
    - HariharaBharathy web photos (Freepik, Getty, portraits): one person per file;
    - dronefreak 9.jpg and 3d.jpg: the same frame of one man; image.jpg: one woman;
    - muxspace (LFW-derived): the person's name in the file name;
    - HelloMeme xzy1/2/3: one man; every other clip: its own person;
    - LivePortrait dNN.jpg and dNN.mp4 share a number only by accident: each file its own person;
    - Mobeen-Application: every clip is the same woman (the tongue-out clip and its hard negatives);
    - NeRSemble subject 240: the flexavatar clip and the nersemble-data photos are one young man;
    - any other file: its own person, named by its whole file stem (two repos' `tongue_gif` clips
      are two people).
    """
    name = Path(name).name
    stem = name.split("__", 1)[-1].rsplit(".", 1)[0]
    if source.startswith("HariharaBharathy"):
        if stem.startswith("IMG_2018") or re.fullmatch(r"img_\d+", stem):
            return "harihara_man"
        return f"web:{stem}"
    if source.startswith("dronefreak"):
        return "dronefreak_man" if stem in ("9", "3d") else f"dronefreak:{stem}"
    if source.startswith("muxspace"):
        return "lfw:" + re.sub(r"_\d+$", "", stem.split("expressions__")[-1])
    if source.startswith("HelloVision"):
        return "hellomeme_xzy" if stem.startswith("xzy") else f"hellomeme:{stem}"
    if source.startswith("KwaiVGI"):
        return f"liveportrait:{name}"
    if source.startswith("Muneeb"):
        return f"yawn:{stem}"
    if source.startswith("Hamed"):
        return "avc_man"
    if source.startswith("Ayman-ELwarak"):
        return "mobeen_woman"
    if source.startswith("tobias-kirschstein") and "240" in stem:
        return "nersemble240_man"
    return "other:" + name.rsplit(".", 1)[0]


def read_labels(path: Path) -> tuple[Interval, ...]:
    """Parses an interval-label CSV; any malformed row is a UserError naming file and line."""
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = tuple(c.strip() for c in (reader.fieldnames or ()))
            missing = [c for c in LABEL_COLUMNS if c not in header]
            if missing:
                raise UserError(f"{path}: label file lacks column(s) {', '.join(missing)}")
            intervals = []
            for line, row in enumerate(reader, start=2):
                row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
                try:
                    iv = Interval(float(row["start_s"]), float(row["end_s"]),
                                  int(row["start_frame"]), int(row["end_frame"]),
                                  _confidence(row["confidence"]))
                except ValueError as exc:
                    raise UserError(f"{path}:{line}: bad label row ({exc})") from None
                if iv.end_frame < iv.start_frame or iv.end_s < iv.start_s or iv.start_frame < 0:
                    raise UserError(f"{path}:{line}: interval ends before it starts")
                intervals.append(iv)
    except OSError as exc:
        raise UserError(f"cannot read labels {path}: {exc.strerror or exc}") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not a readable CSV ({exc})") from None
    return tuple(sorted(intervals, key=lambda i: i.start_frame))


def _confidence(value: str) -> bool:
    if value not in ("sure", "ambiguous"):
        raise ValueError(f"confidence must be sure or ambiguous, got {value!r}")
    return value == "sure"


def _labels_beside(video: Path) -> Path:
    """`clip.mp4` -> `clip.labels.csv` (what make-sample writes)."""
    return video.with_name(video.name[: -len(video.suffix)] + LABELS_SUFFIX)


def _labelled_clip(video: Path) -> VideoItem:
    labels = _labels_beside(video)
    if not labels.is_file():
        raise UserError(f"{video}: no labels beside it (expected {labels.name})")
    intervals = read_labels(labels)
    return VideoItem(path=video, name=video.name, source=source_from_name(video),
                     intervals=intervals, mixed=bool(intervals))


def load_dataset(path: str | Path) -> Dataset:
    """A dataset folder with manifest.csv, a folder of labelled clips, or one labelled clip."""
    root = Path(path)
    if not root.exists():
        raise UserError(f"dataset not found: {root}")
    if root.is_file():
        if root.suffix.lower() not in VIDEO_SUFFIXES:
            raise UserError(f"{root}: expected a dataset folder or a video with {LABELS_SUFFIX}")
        return Dataset(root.parent, (), (_labelled_clip(root),))
    manifest = root / "manifest.csv"
    if manifest.is_file():
        return _load_manifest(root, manifest)
    clips = sorted(p for p in root.iterdir()
                   if p.suffix.lower() in VIDEO_SUFFIXES and _labels_beside(p).is_file())
    if not clips:
        raise UserError(f"{root}: no manifest.csv and no video with a {LABELS_SUFFIX} beside it")
    return Dataset(root, (), tuple(_labelled_clip(p) for p in clips))


def _load_manifest(root: Path, manifest: Path) -> Dataset:
    images: list[ImageItem] = []
    videos: list[VideoItem] = []
    try:
        with manifest.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = [c.strip() for c in (reader.fieldnames or ())]
            missing = [c for c in MANIFEST_COLUMNS if c not in header]
            if missing:
                raise UserError(f"{manifest}: lacks column(s) {', '.join(missing)}")
            rows = [(line, {(k or "").strip(): (v or "").strip() for k, v in row.items()})
                    for line, row in enumerate(reader, start=2)]
            has_person = PERSON_COLUMN in header
    except OSError as exc:
        raise UserError(f"cannot read {manifest}: {exc.strerror or exc}") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise UserError(f"{manifest}: not a readable CSV ({exc})") from None
    for line, row in rows:
        where = f"{manifest}:{line}"
        rel = row.get("path", "")
        if not rel:
            raise UserError(f"{where}: empty path")
        file = root / rel
        if not file.is_file():
            raise UserError(f"{where}: file not found: {rel}")
        source = row.get("source_repo") or source_from_name(file)
        person = row.get(PERSON_COLUMN, "")
        if has_person and not person:
            raise UserError(f"{where}: empty person (the column is there, so every row needs one)")
        kind, label = row.get("kind", ""), row.get("label", "")
        if kind == "image":
            if label not in ("tongue_out", "no_tongue"):
                raise UserError(f"{where}: image label must be tongue_out or no_tongue, "
                                f"got {label!r}")
            direction = row.get("direction") or None
            if direction is not None and direction not in DIRECTIONS:
                raise UserError(f"{where}: direction must be one of {', '.join(DIRECTIONS)}, "
                                f"got {direction!r}")
            if direction is not None and label != "tongue_out":
                raise UserError(f"{where}: a direction is only meaningful on tongue_out photos")
            images.append(ImageItem(file, rel, source, label == "tongue_out", direction, line,
                                    person, row.get("notes", "")))
        elif kind == "video":
            labels = root / "labels" / (file.stem + ".csv")
            if label == "mixed_video":
                if not labels.is_file():
                    raise UserError(f"{where}: mixed_video needs labels/{labels.name}")
                videos.append(VideoItem(file, rel, source, read_labels(labels), mixed=True,
                                        line=line, person=person))
            elif label == "no_tongue":
                videos.append(VideoItem(file, rel, source, (), mixed=False, line=line,
                                        person=person))
            else:
                raise UserError(f"{where}: video label must be mixed_video or no_tongue, "
                                f"got {label!r}")
        else:
            raise UserError(f"{where}: kind must be image or video, got {kind!r}")
    if not images and not videos:
        raise UserError(f"{manifest}: lists no files")
    return Dataset(root, tuple(images), tuple(videos))
