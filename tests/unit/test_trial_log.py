"""The game's CSV: a row per trial as it ends, flushed; a summary row; appends only to its own kind."""

from __future__ import annotations

import csv

import pytest

from tongue_mirror.core.game.plan import Trial
from tongue_mirror.core.game.scoring import CORRECT, IMITATION_ERROR, TrialResult, summarise
from tongue_mirror.errors import UserError
from tongue_mirror.io.trial_log import COLUMNS, TrialLog


def result(index, outcome=CORRECT, rt=0.5, baby="tongue"):
    trial = Trial(index, "tongue", baby, 1.2)
    return TrialResult(1, trial, False, "tongue" if outcome == CORRECT else baby, rt, outcome,
                       cue_t=10.0 + index, cue_frame=300 + index, response_frame=315 + index)


def rows(path):
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_each_trial_is_on_disk_as_soon_as_it_is_written(tmp_path):
    path = tmp_path / "game.csv"
    with TrialLog(path, "s1") as log:
        log.write(result(1))
        got = rows(path)  # before the log is closed
        assert len(got) == 1 and got[0]["rt_ms"] == "500.0" and got[0]["cue_frame"] == "301"
        log.write(result(2, IMITATION_ERROR, 0.7, baby="mouth"))
        log.summary(summarise(1, [result(1), result(2, IMITATION_ERROR, 0.7, baby="mouth")]))
    got = rows(path)
    assert [r["kind"] for r in got] == ["trial", "trial", "summary"]
    assert got[1]["outcome"] == "imitation_error" and got[1]["condition"] == "incompatible"
    assert got[2]["imitation_errors"] == "1"
    assert tuple(got[0]) == COLUMNS


def test_a_log_appends_to_its_own_kind_and_refuses_another_file(tmp_path):
    path = tmp_path / "game.csv"
    for session in ("a", "b"):
        with TrialLog(path, session) as log:
            log.write(result(1))
    assert [r["session"] for r in rows(path)] == ["a", "b"]
    other = tmp_path / "other.csv"
    other.write_text("x,y\n1,2\n")
    with pytest.raises(UserError, match="not a tongue-mirror game log"):
        TrialLog(other, "c").open()
    assert other.read_text() == "x,y\n1,2\n"


def test_bad_input_is_refused(tmp_path):
    with TrialLog(tmp_path / "g.csv", "s") as log:
        with pytest.raises(ValueError, match="outcome"):
            log.write(result(1, outcome="great"))
        with pytest.raises(ValueError, match="finite"):
            log.write(result(1, rt=float("nan")))
    with pytest.raises(ValueError, match="session"):
        TrialLog(tmp_path / "g.csv", "a,b")
    with pytest.raises(ValueError, match="not open"):
        TrialLog(tmp_path / "h.csv", "s").write(result(1))
