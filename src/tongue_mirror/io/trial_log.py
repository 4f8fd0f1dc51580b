"""The game's trial log: one CSV row per trial as it ends, a summary row per participant, flushed.

Rows are flushed one by one, so a crash loses nothing already written. An existing log with the
same columns is appended to (a workshop's sessions can share one file); any other file is refused.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import IO, Final, Self

from tongue_mirror.core.game.scoring import OUTCOMES, Summary, TrialResult
from tongue_mirror.errors import UserError

COLUMNS: Final = ("session", "kind", "participant", "trial", "condition", "cue", "baby",
                  "response", "rt_ms", "outcome", "cue_frame", "response_frame", "cue_t",
                  "median_compatible_ms", "median_incompatible_ms", "imitation_cost_ms",
                  "errors", "imitation_errors", "misses", "face_lost")
TRIAL, SUMMARY = "trial", "summary"


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


class TrialLog:
    """A context manager over the game's CSV: `write(result)` per trial, `summary(s)` per person."""

    def __init__(self, path: Path, session: str, append: bool = True) -> None:
        if "," in session or "\n" in session:
            raise ValueError(f"session name must be one plain field, got {session!r}")
        self.path = Path(path)
        self.session = session
        self.rows = 0
        self._fh: IO[str] | None = None
        self._append = append

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Opens (appending when the same columns are already there) and writes the header."""
        path = self.path
        appending = self._append and path.is_file() and path.stat().st_size > 0
        try:
            if appending:
                with path.open(newline="", encoding="utf-8") as fh:
                    header = tuple(next(csv.reader(fh), ()))
                if header != COLUMNS:
                    raise UserError(f"{path} is not a tongue-mirror game log (other columns): "
                                    "name a new file")
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = path.open("a" if appending else "w", newline="", encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
        if not appending:
            self._line(list(COLUMNS))

    def close(self) -> None:
        """Flushes and closes the file."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def _line(self, values: list[object]) -> None:
        if self._fh is None:
            raise ValueError("the trial log is not open (use it as a context manager)")
        csv.writer(self._fh).writerow(values)
        self._fh.flush()

    def _row(self, row: dict[str, object]) -> None:
        self._line([row.get(c, "") for c in COLUMNS])

    def write(self, result: TrialResult) -> None:
        """Appends one finished trial."""
        if result.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {result.outcome!r}")
        if result.participant < 1:
            raise ValueError(f"participant numbers start at 1, got {result.participant}")
        if result.rt_s is not None and not math.isfinite(result.rt_s):
            raise ValueError(f"response time must be finite or None, got {result.rt_s}")
        t = result.trial
        self._row({
            "session": self.session, "kind": TRIAL, "participant": result.participant,
            "trial": t.index, "condition": t.condition, "cue": t.cue, "baby": t.baby,
            "response": result.response, "rt_ms": _ms(result.rt_ms), "outcome": result.outcome,
            "cue_frame": result.cue_frame, "response_frame": "" if result.response_frame is None
            else result.response_frame, "cue_t": f"{result.cue_t:.4f}"})
        self.rows += 1

    def summary(self, s: Summary) -> None:
        """Appends a participant's summary row."""
        if s.participant < 1:
            raise ValueError(f"participant numbers start at 1, got {s.participant}")
        self._row({
            "session": self.session, "kind": SUMMARY, "participant": s.participant,
            "trial": s.trials, "median_compatible_ms": _ms(s.median_compatible_ms),
            "median_incompatible_ms": _ms(s.median_incompatible_ms),
            "imitation_cost_ms": _ms(s.imitation_cost_ms), "errors": s.errors,
            "imitation_errors": s.imitation_errors, "misses": s.misses,
            "face_lost": s.face_lost})
        self.rows += 1
