"""Checks on the paths a command will write, made before any work so a bad one costs one line."""

from __future__ import annotations

import os
from pathlib import Path

from tongue_mirror.errors import UserError

VIDEO_SUFFIXES = (".mp4", ".mov", ".mkv")


def check_suffix(flag: str, path: Path, allowed: tuple[str, ...]) -> None:
    """`path` names a file of one of the `allowed` kinds, not a folder."""
    if path.is_dir():
        raise UserError(f"{flag} {path} is a folder: name a file in it, e.g. "
                        f"{path / ('clip.mirror' + allowed[0])}")
    if path.suffix.lower() not in allowed:
        raise UserError(f"{flag} {path}: the file must end in {' or '.join(allowed)}")


def check_writable(path: Path) -> None:
    """A file can be created at `path`: its nearest existing folder is a folder we may write."""
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a folder")
    check_folder(path.parent, what=str(path))


def check_folder(folder: Path, what: str | None = None) -> None:
    """`folder` is, or can be made, a folder we may write in (nothing is created here)."""
    what = what or str(folder)
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(f"cannot write {what}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(f"cannot write {what}: no permission to write in {existing}")
