"""Event (JSONL) and per-frame (CSV) logs, flushed as they go so a crash loses nothing written."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Self

from tongue_mirror.errors import UserError
from tongue_mirror.values import GestureEvent


def _open_for_writing(path: Path) -> IO[str]:
    """Opens a log file, turning OS errors into one-line user errors."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("w", newline="", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc


class _LogFile:
    """A text file opened for writing that closes as a context manager."""

    _fh: IO[str]

    def close(self) -> None:
        """Flushes and closes the file."""
        self._fh.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EventLog(_LogFile):
    """One JSON object per line: {"t": seconds, "frame": index, "event": name, ...}."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = _open_for_writing(path)
        self.count = 0

    def write(self, events: Iterable[GestureEvent]) -> None:
        """Appends events and flushes."""
        wrote = False
        for event in events:
            self._fh.write(json.dumps(event.as_json()) + "\n")
            self.count += 1
            wrote = True
        if wrote:
            self._fh.flush()


class FrameLog(_LogFile):
    """One CSV row per frame; the columns are fixed by the first row."""

    def __init__(self, path: Path, flush_every: int = 30) -> None:
        self.path = path
        self._fh = _open_for_writing(path)
        self._writer: csv.DictWriter[str] | None = None
        self._flush_every = flush_every
        self.count = 0

    def write(self, row: Mapping[str, object]) -> None:
        """Appends one row (missing columns left empty, extra ones ignored)."""
        if self._writer is None:
            self._writer = csv.DictWriter(self._fh, fieldnames=list(row), extrasaction="ignore")
            self._writer.writeheader()
        self._writer.writerow(row)
        self.count += 1
        if self.count % self._flush_every == 0:
            self._fh.flush()
