"""Training-script pieces: the tree export matches scikit-learn; the clip check uses the real tracker."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from tool_module import load_tool

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def train():
    """The training script as a module, loaded from its file (tools/ is not a package)."""
    return load_tool("train_detector")


def test_training_scores_with_evals_metrics(train):
    from tongue_mirror.evaluation import metrics

    assert train.f1_score is metrics.f1_score and train.bootstrap_ci is metrics.bootstrap_ci


def test_padded_trees_reproduce_scikit_learn(train):
    from sklearn.ensemble import HistGradientBoostingClassifier

    TREE_DEPTH, padded_trees = train.TREE_DEPTH, train.padded_trees

    rng = np.random.default_rng(3)
    x = rng.normal(size=(600, 6))
    y = ((x[:, 0] + 0.5 * x[:, 1] ** 2 - x[:, 2] * x[:, 3]) > 0.3).astype(int)
    clf = HistGradientBoostingClassifier(max_depth=TREE_DEPTH, max_iter=40, random_state=0)
    clf.fit(x, y)
    trees = padded_trees(clf)
    assert trees.depth == TREE_DEPTH and trees.feature.shape[0] == 40
    probe = rng.normal(size=(200, 6))
    assert np.allclose(trees.decision(probe), clf.decision_function(probe), atol=1e-9)
    assert trees.decision(probe[7]) == pytest.approx(clf.decision_function(probe[7:8])[0])


def test_engine_draws_are_averaged_into_one_tree_ensemble(train):
    """fit_draws: draw k's model sees the shared rows and draw k's rows only, and the merged
    ensemble's decision is the mean of the per-draw models' decisions."""
    rng = np.random.default_rng(5)
    n, f = 300, len(train.mf.FEATURE_NAMES)
    x = rng.normal(size=(3 * n, f))
    y = (x[:, 0] > 0).astype(int)
    y[n:2 * n] = (x[n:2 * n, 1] > 0)  # draw 0 teaches feature 1, draw 1 feature 2
    y[2 * n:] = (x[2 * n:, 2] > 0)
    draw = np.repeat([-1, 0, 1], n)
    w = np.ones(3 * n)
    merged = train.fit_draws(x, y, w, draw, "trees", 0)
    standard = train.standardisation(train.evidence_only(x))
    parts = [train.fit_model(x[sel], y[sel], w[sel], "trees", 0, standard=standard)
             for sel in (draw != 1, draw != 0)]
    probe = rng.normal(size=(50, f))
    each = np.array([train.predict_logit(p, probe) for p in parts])
    assert np.allclose(train.predict_logit(merged, probe), each.mean(axis=0), atol=1e-9)
    assert not np.allclose(each[0], each[1], atol=0.1)  # the draws really differ
    assert len(merged["model"]["leaf"]) == 2 * len(parts[0]["model"]["leaf"])
    # One draw (or none) is the plain model.
    one = train.fit_draws(x[:2 * n], y[:2 * n], w[:2 * n], draw[:2 * n], "trees", 0)
    plain = train.fit_model(x[:2 * n], y[:2 * n], w[:2 * n], "trees", 0)
    assert np.allclose(train.predict_logit(one, probe), train.predict_logit(plain, probe))


def _clip(tmp_path, intervals=()):
    from tongue_mirror.evaluation.dataset import VideoItem

    return VideoItem(tmp_path / "c.mp4", "videos/c.mp4", "t", tuple(intervals),
                     mixed=bool(intervals))


def test_held_out_gestures_are_scored_as_eval_scores_them(train, tmp_path):
    from tongue_mirror.app.config import RunConfig
    from tongue_mirror.evaluation.dataset import Interval
    from tongue_mirror.evaluation.runner import replay_clip

    clip_gestures, cfg = train.clip_gestures, RunConfig().gesture

    # A labelled clip at 12 fps: out from frame 10 to 29, frame 9 ambiguous; the probabilities
    # rise at frame 11, so the confirmed start is frame 12 (two frames of evidence), 2 late.
    item = _clip(tmp_path, [Interval(9 / 12, 9 / 12, 9, 9, False),
                            Interval(10 / 12, 29 / 12, 10, 29, True)])
    prob = np.zeros(40)
    prob[11:30] = 0.95
    index = np.arange(40)
    result = replay_clip(item, index / 12.0, index, prob, np.ones(40, bool), cfg, 12.0)
    row = clip_gestures(result, 40 / 12.0)
    assert row["starts"] == [12]
    assert (row["events"], row["hits"], row["false"], row["duplicates"]) == (1, 1, 0, 0)
    assert row["latency_frames"] == [2.0]

    # A negative clip seen at every 2nd frame: one confirmed blip is one false activation. At
    # rest it reads log-odds -5, the tracker's reference, so the person's baseline leaves the bar
    # where it is.
    index = np.arange(0, 60, 2)
    prob = np.where((index >= 20) & (index <= 26), 0.9, 1.0 / (1.0 + np.exp(5.0)))
    result = replay_clip(_clip(tmp_path), index / 30.0, index, prob, np.ones(len(index), bool),
                         cfg, 30.0)
    row = clip_gestures(result, 2.0)
    assert row["starts"] == [22] and row["false"] == 1
    assert row["per_minute"] == 30.0


def test_held_out_gestures_run_on_each_frames_own_time(train, tmp_path, monkeypatch):
    """The tracker is fed each row's stored frame time (Frame.t, kept by the sampler), not
    index / fps: here the clip says 30 fps while its frames came every 1/15 s."""
    data = {"source": np.array([f"videos/c.mp4#{i}" for i in range(12)]),
            "kind": np.array(["frame"] * 12), "t": np.arange(12) / 15.0}
    seen = []

    def spy(it, t, index, *rest):
        seen.append((np.asarray(t).copy(), np.asarray(index).copy()))
        return replay(it, t, index, *rest)

    replay = train.replay_clip
    monkeypatch.setattr(train, "replay_clip", spy)
    monkeypatch.setattr(train, "clip_fps", lambda _path: 30.0)
    monkeypatch.setattr(train, "cached_faces",
                        lambda _it, _cache: SimpleNamespace(found=np.ones(12, bool)))
    oof = np.where(np.arange(12) >= 4, 3.0, -8.0)
    rows = train.heldout_gestures([_clip(tmp_path)], data, oof, np.ones(12, bool), 0.0, 1.0,
                                  tmp_path)
    (t, index), = seen
    assert np.array_equal(t, np.arange(12) / 15.0) and np.array_equal(index, np.arange(12))
    assert rows["c.mp4"]["seconds"] == 12 / 30.0


def test_synthetic_rows_belong_to_their_base_face_person(train):
    items = [SimpleNamespace(name="videos/Mobeen-Application__tongue_lift.mp4",
                             person="mobeen_woman"),
             SimpleNamespace(name="videos/Mobeen-Application__tongue_sweep_right.mp4",
                             person="mobeen_woman"),
             SimpleNamespace(name="images/no_tongue/a__x.jpg", person="other:a__x")]
    # a real frame, a tongue painted on another clip's frame of the same woman, an augmented photo
    sources = np.array(["videos/Mobeen-Application__tongue_sweep_right.mp4#12",
                        "videos/Mobeen-Application__tongue_lift.mp4#30",
                        "images/no_tongue/a__x.jpg"])
    groups = train.regroup(items, sources)
    assert groups.tolist() == ["mobeen_woman", "mobeen_woman", "other:a__x"]
    held_out = np.isin(groups, ["mobeen_woman"])
    assert held_out.tolist() == [True, True, False]  # her synthetic rows leave training with her


def test_lip_jitter_moves_only_the_lips_within_its_bounds_and_keeps_their_order(train):
    from mouth_fixtures import face_of, make_face

    from tongue_mirror import landmarks as lm

    face = face_of(make_face())
    lips = sorted(set(lm.LOWER_LIP_OUTER + lm.LOWER_LIP_INNER + lm.UPPER_LIP_OUTER))
    others = np.setdiff1d(np.arange(lm.N_LANDMARKS), lips)
    d = 200.0  # the drawn face's eye-corner distance
    moved_up = 0
    for seed in range(40):
        out = train.jitter_face(face, np.random.default_rng(seed)).landmarks
        assert np.array_equal(out[others], face.landmarks[others])
        step = np.abs(out[:, :2] - face.landmarks[:, :2]).max(axis=1)
        assert step.max() <= 0.10 * d + 1e-3 or step.argmax() in (lm.MOUTH_CORNER_LEFT,
                                                                  lm.MOUTH_CORNER_RIGHT)
        inner = out[list(lm.LOWER_LIP_INNER), 1]
        outer = out[list(lm.LOWER_LIP_OUTER), 1]
        assert (outer >= inner - 1e-3).all()  # the lower lip never turns inside out
        moved_up += out[lm.LOWER_LIP_BOTTOM, 1] < face.landmarks[lm.LOWER_LIP_BOTTOM, 1]
    assert moved_up >= 20  # mostly drawn too thin, as MediaPipe does on a full lower lip


@pytest.mark.parametrize(("args", "says"), [
    (["--engine-draws", "0"], "--engine-draws must be at least 1"),
    (["--model", "logistic"], "--model logistic needs --engine-draws 1"),
])
def test_impossible_settings_are_one_line_errors_before_any_work(train, capsys, tmp_path, args,
                                                                 says):
    assert train.main(["--data", str(tmp_path), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and says in err and err.count("\n") == 1


@pytest.mark.parametrize(("args", "says"), [
    ([], "--data DIR is required"),
    (["--data", "{tmp}/nowhere"], "no manifest.csv there"),
    (["--data", "{data}", "--cache", "{tmp}/no_such_dir"], "--cache {tmp}/no_such_dir: no such folder"),
    (["--data", "{data}", "--out", "{data}/manifest.csv"], "not a folder"),
    (["--data", "{data}", "--screen", "--heldout-readings", "{tmp}/r.npz"],
     "--screen scores photos only and writes nothing"),
])
def test_bad_paths_are_one_line_errors_before_any_work(train, monkeypatch, capsys, tmp_path, args,
                                                       says):
    data = tmp_path / "data"
    data.mkdir()
    (data / "manifest.csv").write_text("path,kind,label\n")
    started = []
    monkeypatch.setattr(train, "real_samples", lambda *a: started.append(a))
    fill = {"tmp": tmp_path, "data": data}
    assert train.main([a.format(**fill) for a in args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and says.format(**fill) in err and err.count("\n") == 1
    assert not started and not (tmp_path / "no_such_dir").exists()


def test_a_plain_install_without_the_train_extra_is_told_so_before_any_work(
        train, monkeypatch, capsys, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "manifest.csv").write_text("path,kind,label\n")
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn raises ImportError
    monkeypatch.setattr(train, "real_samples", lambda *a: pytest.fail("work began"))
    assert train.main(["--data", str(data), "--cache", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: training needs sklearn") and "[train]" in err
    assert err.count("\n") == 1


def test_run_as_a_file_it_says_how_to_run_it(tmp_path):
    import subprocess

    tool = Path(__file__).resolve().parents[2] / "tools" / "train_detector.py"
    run = subprocess.run([sys.executable, str(tool), "--data", str(tmp_path)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert run.stderr.strip() == ("error: run it as a module from the repository root: "
                                  "python -m tools.train_detector --data DIR ...")


@pytest.mark.slow
def test_a_tiny_training_runs_through_the_package_runner_and_cache(train, monkeypatch, tmp_path,
                                                                   capsys):
    """The whole tool on a generated dataset (the synthetic performer on the public-domain
    portraits): landmarks land in --cache through evaluation.training_data, every held-out and
    shipped clip is scored by eval's runner, and the model it writes is one the app loads."""
    from tiny_dataset import write_tiny_dataset

    from tongue_mirror.evaluation import runner
    from tongue_mirror.io.detector_files import load_detector

    data = write_tiny_dataset(tmp_path / "data")
    cache, out = tmp_path / "cache", tmp_path / "out"
    cache.mkdir()
    scored, replayed = [], []
    monkeypatch.setattr(train, "score_clip",
                        lambda item, *a: scored.append(item.name) or runner.score_clip(item, *a))
    monkeypatch.setattr(train, "replay_clip",
                        lambda item, *a: replayed.append(item.name) or runner.replay_clip(item, *a))
    assert train.main(["--data", str(data), "--cache", str(cache), "--out", str(out),
                       "--no-synth", "--heldout-readings", str(tmp_path / "r.npz")]) == 0
    clips = sorted(str(p.relative_to(data)) for p in (data / "videos").iterdir())
    assert sorted(scored) == sorted(clips * 2)  # held out, then the shipped model's check
    assert sorted(replayed) == clips
    assert len(list(cache.glob("*.npz"))) >= 10  # one landmark file per photo and clip, + rows
    model = json.loads((out / "model.json").read_text())
    people = model["info"]["heldout_people"]
    assert sum(len(p.get("clips", {})) for p in people["people"].values()) == len(clips)
    assert people["mixed"]["events_total"] == 4 and people["negatives"]["n"] == 2
    assert load_detector(model_path=out / "model.json") is not None
    readings = np.load(tmp_path / "r.npz")
    assert sorted(readings["names"].tolist()) == clips
    assert "LEAVE-PEOPLE-OUT PER PERSON" in capsys.readouterr().out


def test_the_operating_point_weighs_each_person_once(train):
    # One man's 60 tongue photos read at logit 2, a further 20 people's single tongues at 0.5,
    # 40 people's negatives at 1.0. Rows weighed one each, the man's photos set the bar above 1
    # (catching the strangers' tongues is not worth 40 false alarms against his 60); each person
    # once, the 20 strangers count 20 against his one, and the bar drops to 0.5 to catch them.
    y = np.array([1] * 60 + [1] * 20 + [0] * 40)
    logit = np.array([2.0] * 60 + [0.5] * 20 + [1.0] * 40)
    group = np.array(["man"] * 60 + [f"p{i}" for i in range(20)] + [f"n{i}" for i in range(40)])
    data = {"y": y, "group": group, "weight": np.ones(len(y))}
    held = train.HeldOut(oof=logit, scored=np.ones(len(y), bool), fold_params={})
    rows_t, _ = train.operating_point(data, held, "rows")
    people_t, _ = train.operating_point(data, held, "people")
    assert 1.0 < rows_t <= 2.0
    assert people_t <= 0.5


def test_a_screen_holds_out_only_the_shared_folds_and_weighs_each_person_once(train,
                                                                              monkeypatch):
    # A man with 60 tongue photos (a fold of his own) and 60 people in the shared folds: a screen
    # fits only the shared folds, so he is never scored. There, 20 single tongues read at 0.5; a
    # woman's 21 negative photos at 0.0 and 39 people's single negatives at 1.0. By person she
    # counts once: the best F1 catches all 20 tongues with 39 of 40 people's false alarms, and
    # the AUC is 1/40 (pooled it would be 21/60).
    group = np.array(["harihara_man"] * 60 + [f"p{i}" for i in range(20)] + ["n0"] * 21
                     + [f"n{i}" for i in range(1, 40)])
    y = np.array([1] * 80 + [0] * 60)
    logit = np.array([2.0] * 60 + [0.5] * 20 + [0.0] * 21 + [1.0] * 39)
    data = {"y": y, "group": group, "weight": np.ones(len(y)), "x": logit[:, None],
            "draw": np.full(len(y), -1), "donor": np.array([""] * len(y)),
            "kind": np.array(["image"] * len(y))}
    fitted = []
    monkeypatch.setattr(train, "fit_draws", lambda x, *a: fitted.append(len(x)) or {})
    monkeypatch.setattr(train, "predict_logit", lambda params, x: x[:, 0])
    args = train.parse_args(["--data", "d", "--screen"])
    real = np.ones(len(y), bool)
    held = train.cross_validate(data, real, real, args, 0.0)
    assert len(fitted) == train.SMALL_FOLDS
    assert np.isnan(held.oof[:60]).all() and held.scored[60:].all()
    f = train.screen_figures(data, held)
    assert (f["photos"], f["people_pos"], f["people_neg"]) == (80, 20, 40)
    assert f["f1"] == pytest.approx(2 * 20 / (2 * 20 + 39))
    assert (f["recall"], f["false_alarms"]) == (1.0, pytest.approx(39 / 40))
    assert f["recall_at_fa5"] == 0.0 and f["auc"] == pytest.approx(1 / 40)


def test_training_names_people_by_the_manifests_person_column(train, monkeypatch, tmp_path):
    import cv2

    from tongue_mirror.evaluation.dataset import load_dataset, person_group

    data = tmp_path / "data"
    (data / "images").mkdir(parents=True)
    for name in ("a.png", "b.png", "c.png", "xzy1.png", "xzy2.png"):
        cv2.imwrite(str(data / "images" / name), np.zeros((8, 8, 3), np.uint8))
    (data / "manifest.csv").write_text(
        "path,kind,label,source_repo,person\n"
        "images/b.png,image,no_tongue,,ann\n"  # one woman in two photos the rules would split
        "images/a.png,image,tongue_out,,ann\n"
        "images/c.png,image,tongue_out,,cy\n"
        "images/xzy1.png,image,tongue_out,HelloVision/HelloMeme,carl\n"  # the rules lump these
        "images/xzy2.png,image,no_tongue,HelloVision/HelloMeme,dora\n")
    items = load_dataset(data).items
    named = {it.name: train.group_of(it) for it in train.collect.training_people(items)}
    first = person_group("images/a.png", "")
    assert named["images/a.png"] == named["images/b.png"] == first  # the first file's rule name
    assert named["images/c.png"] == person_group("images/c.png", "")  # agreeing: the rules' own
    assert named["images/xzy1.png"] == "hellomeme_xzy|carl"
    assert named["images/xzy2.png"] == "hellomeme_xzy|dora"
    # main names them so before any work, and the engine's donors are named alike.
    seen = []
    monkeypatch.setattr(train, "gather_samples", lambda a, its, *r: seen.extend(its) or 1 / 0)
    with pytest.raises(ZeroDivisionError):
        train.main(["--data", str(data), "--cache", str(tmp_path)])
    assert {it.name: train.group_of(it) for it in seen} == named
    assert {it.path: it.group for it in train.collect.read_manifest(data)} == named


def test_cached_engine_rows_with_a_tongue_of_someone_now_named_otherwise_are_made_again(
        train, tmp_path):
    meta = tmp_path / "face.npz"
    np.savez(meta, donor=np.array(["other:a", "", "mobeen_woman"]))
    assert train.donors_known(meta, {"other:a", "mobeen_woman", "cy"})
    assert not train.donors_known(meta, {"other:a|ann", "mobeen_woman"})
