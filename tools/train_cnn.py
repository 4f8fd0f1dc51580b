"""Trains the mouth-patch CNN on real dev data plus the tongue-data engine, validated leaving people out.

    nice -n 10 python -m tools.train_cnn ../shared/data/dev [--out W.npz]

Needs the `train` extra (PyTorch); the package never imports it. Every fold holds out whole
people: their photos and clip frames are scored by models that never saw them, and engine samples
built on their face or their tongue are dropped from that fold's training. Per fold it fits
  - cnn:    the CNN on real rows + engine samples,
  - synth:  the CNN on engine samples alone (the realism figure: how well the engine stands in
            for real tongue-outs),
  - trees:  gradient-boosted trees on the detector's feature vector (real rows; the engine works
            in the patch and has no landmarks for the features),
and the blend (mean of the cnn and trees probabilities). Prints per-person figures with
bootstrap intervals and writes the final CNN (fit on everything) to --out.
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from pathlib import Path

import numpy as np

from tongue_mirror.core.detector import cnn
from tongue_mirror.evaluation.metrics import bootstrap_ci, f1_of, roc_auc
from tongue_mirror.io.detector_files import save_cnn

if not __package__:  # run as a file: `tools.tongue_data` below would not import
    raise SystemExit("error: run it as a module from the repository root: "
                     "python -m tools.train_cnn DEV ...")

from tools.tongue_data import collect
from tools.tongue_data import pool as engine_pool

DIRS = engine_pool.DIRS


def log(msg: str) -> None:
    """Progress to stderr (the report goes to stdout)."""
    print(msg, file=sys.stderr, flush=True)


def real_rows(items, data) -> dict[str, np.ndarray]:
    """Every photo and clip frame with a face: patch, skin, features, label, group, source."""
    cols: dict[str, list] = {k: [] for k in ("patch", "skin", "x", "px", "y", "group", "source",
                                             "kind", "direction", "frame", "t")}
    for it in items:
        d = data.get(it.path)
        if d is None or d["y"].size == 0:
            continue
        n = len(d["y"])
        cols["patch"].append(d["patch"])
        cols["skin"].append(d["skin"])
        cols["x"].append(d["x"])
        cols["px"].append(d["px"])
        cols["y"].append(d["y"])
        cols["frame"].append(d["frame"])
        cols["t"].append(d["t"])
        cols["group"] += [it.group] * n
        cols["source"] += [it.path] * n
        cols["kind"] += [it.kind] * n
        dirn = DIRS.index(it.direction) if it.direction in DIRS else -1
        cols["direction"] += [dirn] * n
    out = {k: (np.concatenate(v) if k in ("patch", "skin", "x", "px", "y", "frame", "t")
               else np.array(v)) for k, v in cols.items()}
    out["is_photo"] = out["kind"] == "image"
    return out


def make_folds(groups: np.ndarray, y: np.ndarray, n_small: int = 5) -> list[list[str]]:
    """People with tongue-outs and at least 20 rows are a fold each; everyone else shares 5."""
    folds, small = [], []
    for g in np.unique(groups):
        sel = groups == g
        if (y[sel] == 1).any() and sel.sum() >= 20:
            folds.append([g])
        else:
            small.append(g)
    buckets: list[list[str]] = [[] for _ in range(n_small)]
    for g in small:
        buckets[zlib.crc32(g.encode()) % n_small].append(g)
    return folds + [b for b in buckets if b]


def row_weights(groups: np.ndarray, y: np.ndarray, is_photo: np.ndarray,
                cap: float = 40.0, neg_cap: float = 40.0) -> np.ndarray:
    """Each person's rows of one class weigh `cap` (negatives `neg_cap`) photos at most (clips
    have many frames)."""
    w = np.ones(len(y), np.float32)
    for g in np.unique(groups):
        for c, limit in ((0, neg_cap), (1, cap)):
            sel = (groups == g) & (y == c)
            if sel.sum() > limit:
                w[sel] = limit / sel.sum()
    w[is_photo] = np.maximum(w[is_photo], 1.0)
    return w


def build_model():
    """The PyTorch twin of core/detector/cnn.py's network (same layers, same weight layout)."""
    import torch.nn as nn

    c1, c2, c3 = cnn.CONVS
    side = cnn.INPUT // 8

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.c1 = nn.Conv2d(cnn.CHANNELS, c1, 3, padding=1)
            self.c2 = nn.Conv2d(c1, c2, 3, padding=1)
            self.c3 = nn.Conv2d(c2, c3, 3, padding=1)
            self.f1 = nn.Linear(c3 * side * side, cnn.HIDDEN)
            self.o = nn.Linear(cnn.HIDDEN, 1)
            self.d = nn.Linear(cnn.HIDDEN, len(cnn.DIRECTIONS))
            self.pool = nn.MaxPool2d(2)
            self.act = nn.ReLU()
            self.drop = nn.Dropout(0.2)

        def forward(self, x):
            h = self.pool(self.act(self.c1(x)))
            h = self.pool(self.act(self.c2(h)))
            h = self.pool(self.act(self.c3(h)))
            f = self.drop(self.act(self.f1(h.flatten(1))))
            return self.o(f)[:, 0], self.d(f)

    return Net()


def export(net) -> cnn.PatchCNN:
    """Torch module → numpy weights."""
    sd = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    names = {"c1w": "c1.weight", "c1b": "c1.bias", "c2w": "c2.weight", "c2b": "c2.bias",
             "c3w": "c3.weight", "c3b": "c3.bias", "f1w": "f1.weight", "f1b": "f1.bias",
             "ow": "o.weight", "ob": "o.bias", "dw": "d.weight", "db": "d.bias"}
    return cnn.PatchCNN({k: sd[v] for k, v in names.items()})


def train(x: np.ndarray, y: np.ndarray, d: np.ndarray, w: np.ndarray, seed: int,
          epochs: int) -> cnn.PatchCNN:
    """Fits the CNN (weighted BCE on presence, CE on direction where known); random mirroring."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = build_model()
    opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-3)
    pos = float(w[y == 1].sum())
    neg = float(w[y == 0].sum())
    cw = np.where(y == 1, 0.5 / max(pos, 1e-6), 0.5 / max(neg, 1e-6)) * w * len(y)
    xt = torch.from_numpy(x)
    n = len(y)
    steps = epochs * ((n + 127) // 128)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    net.train()
    for _ in range(epochs):
        order = rng.permutation(n)
        for s in range(0, n, 128):
            idx = order[s:s + 128]
            xb = xt[idx]
            db = d[idx].copy()
            flip = rng.random(len(idx)) < 0.5
            if flip.any():
                ft = torch.from_numpy(flip)
                xb = torch.where(ft[:, None, None, None], xb.flip(3), xb)
                db = np.where(flip & (db == 1), 2, np.where(flip & (db == 2), 1, db))
            logit, dl = net(xb)
            yb = torch.from_numpy(y[idx].astype(np.float32))
            wb = torch.from_numpy(cw[idx].astype(np.float32))
            loss = (F.binary_cross_entropy_with_logits(logit, yb, reduction="none") * wb).mean()
            known = torch.from_numpy((db >= 0) & (y[idx] == 1))
            if known.any():
                dt = torch.from_numpy(np.maximum(db, 0).astype(np.int64))
                loss = loss + 0.3 * F.cross_entropy(dl[known], dt[known])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    net.eval()
    return export(net)


def predict(model: cnn.PatchCNN, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Logits and direction indices with the numpy runtime (what ships)."""
    logits = np.empty(len(x))
    dirs = np.empty(len(x), np.int8)
    for i in range(len(x)):
        lo, dl = model.forward(x[i])
        logits[i] = lo
        dirs[i] = int(np.argmax(dl))
    return logits, dirs


def fit_trees(x: np.ndarray, y: np.ndarray, w: np.ndarray, seed: int):
    """Gradient-boosted trees on the feature vector, classes balanced (the comparison model)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.08, max_depth=4,
                                         min_samples_leaf=10, l2_regularization=1.0,
                                         random_state=seed)
    cw = np.where(y == 1, 0.5 / w[y == 1].sum(), 0.5 / w[y == 0].sum()) * w * len(y)
    clf.fit(x, y, sample_weight=cw)
    return clf


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, clipped so it never overflows."""
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dev", type=Path)
    ap.add_argument("--out", type=Path, default=Path("/tmp/tongue_cnn.npz"))
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--clip-stride", type=int, default=2, help="train on every n-th clip frame")
    ap.add_argument("--folds", type=int, default=0, help="run only the first n folds (0: all)")
    ap.add_argument("--no-skin", action="store_true", help="zero the skin-relative planes")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--neg-cap", type=float, default=40.0,
                    help="each person's negative rows weigh this many photos at most")
    ap.add_argument("--only-cnn", action="store_true", help="skip the engine-only CNN and trees")
    ap.add_argument("--oof", type=Path, default=Path("/tmp/tongue_cnn_oof.npz"),
                    help="held-out predictions are written here")
    ap.add_argument("--report-only", action="store_true", help="re-print the report from --oof")
    args = ap.parse_args()
    if args.report_only:
        with np.load(args.oof) as z:
            real = {k: z[k] for k in ("y", "group", "source", "frame", "t", "is_photo",
                                      "direction")}
            probs = {m: z[f"p_{m}"] for m in MODELS}
            report(real, probs, ~np.isnan(probs["cnn"]), z["dir"])
        return 0
    if not (args.dev / "manifest.csv").is_file():
        print(f"no dev data at {args.dev}: nothing to train")
        return 0
    import torch

    torch.set_num_threads(1)
    t0 = time.perf_counter()
    items, data = collect.load(args.dev)
    real = real_rows(items, data)
    log(f"{len(real['y'])} real rows ({time.perf_counter() - t0:.0f}s)")
    rng = np.random.default_rng(args.seed)

    donors = engine_pool.cut_donors(collect.tongue_rows(items, data), stride=3)
    neg = np.nonzero(real["y"] == 0)[0]
    neg = neg[real["is_photo"][neg] | (real["frame"][neg] % 6 == 0)]
    targets = [(real["patch"][i], real["px"][i], real["skin"][i], real["group"][i]) for i in neg]
    pool = engine_pool.build(targets, donors, rng).arrays()
    log(f"engine: {len(donors)} tongues from {len(set(t.group for t in donors))} people, "
        f"{len(targets)} target faces -> {len(pool['y'])} samples "
        f"({(pool['y'] == 1).sum()} positive) ({time.perf_counter() - t0:.0f}s)")
    np.savez("/tmp/tongue_data_pool.npz", **pool)

    def inputs(patch, skin):
        x = np.stack([cnn.prepare(p, s) for p, s in zip(patch, skin, strict=True)])
        if args.no_skin:
            x[:, 3:] = 0.0
        return x

    xr = inputs(real["patch"], real["skin"])
    xs = inputs(pool["patch"], pool["skin"])
    log(f"inputs ready ({time.perf_counter() - t0:.0f}s)")

    lab = real["y"]
    train_real = (lab >= 0) & (real["is_photo"] | (real["frame"] % args.clip_stride == 0))
    wr = row_weights(real["group"], lab, real["is_photo"], neg_cap=args.neg_cap)
    ws = np.full(len(pool["y"]), 0.5, np.float32)
    folds = make_folds(real["group"], lab)
    if args.folds:
        folds = folds[:args.folds]
    log(f"{len(folds)} folds")
    oof = {k: np.full(len(lab), np.nan) for k in ("cnn", "synth", "trees")}
    oof_dir = np.full(len(lab), -1, np.int8)
    for k, fold in enumerate(folds):
        test = np.isin(real["group"], fold)
        tr = train_real & ~test
        keep = ~np.isin(pool["target"], fold) & ~np.isin(pool["donor"], fold)
        x = np.concatenate([xr[tr], xs[keep]])
        y = np.concatenate([lab[tr], pool["y"][keep]])
        d = np.concatenate([real["direction"][tr] * (lab[tr] == 1) - (lab[tr] != 1),
                            pool["direction"][keep]])
        w = np.concatenate([wr[tr], ws[keep]])
        m = train(x.astype(np.float32), y, d, w, args.seed + k, args.epochs)
        oof["cnn"][test], oof_dir[test] = predict(m, xr[test])
        if not args.only_cnn:
            ms = train(xs[keep], pool["y"][keep], pool["direction"][keep], ws[keep],
                       args.seed + k, args.epochs)
            oof["synth"][test], _ = predict(ms, xr[test])
            trees = fit_trees(real["x"][tr], lab[tr], wr[tr], args.seed)
            oof["trees"][test] = trees.decision_function(real["x"][test])
        log(f"fold {k + 1}/{len(folds)} {','.join(fold)[:60]}: {test.sum()} rows "
            f"({time.perf_counter() - t0:.0f}s)")
    scored = ~np.isnan(oof["cnn"])
    probs = {k: sigmoid(v) for k, v in oof.items()}
    probs["blend"] = (probs["cnn"] + probs["trees"]) / 2
    np.savez(args.oof, **{f"p_{k}": v for k, v in probs.items()},
             y=lab, group=real["group"], source=real["source"], frame=real["frame"],
             t=real["t"], is_photo=real["is_photo"], direction=real["direction"], dir=oof_dir)
    report(real, probs, scored, oof_dir)

    if not args.folds:
        allw = np.concatenate([wr[train_real], ws])
        m = train(np.concatenate([xr[train_real], xs]).astype(np.float32),
                  np.concatenate([lab[train_real], pool["y"]]),
                  np.concatenate([real["direction"][train_real] * (lab[train_real] == 1)
                                  - (lab[train_real] != 1), pool["direction"]]),
                  allw, args.seed, args.epochs)
        save_cnn(m, args.out)
        log(f"final CNN -> {args.out} ({time.perf_counter() - t0:.0f}s)")
    return 0


MODELS = ("cnn", "trees", "blend", "synth")


def _fig(y: np.ndarray, p: np.ndarray) -> str:
    yb, pb = y == 1, p > 0.5
    if not yb.any():
        return f"FP {pb.mean():5.3f}      "
    lo, hi = bootstrap_ci(f1_of, yb, pb, n_resamples=300)
    return f"{f1_of(yb, pb):.2f} [{lo:.2f},{hi:.2f}]"


def false_activations(p: np.ndarray, t: np.ndarray) -> int:
    """Onsets of runs of at least 2 consecutive frames over 0.5 (no gesture tracker)."""
    on = p > 0.5
    run = on[1:] & on[:-1]
    starts = run & ~np.concatenate([[False], run[:-1]])
    return int(starts.sum())


def report(real, probs, scored, oof_dir) -> None:
    """Per person and pooled, photos and clip frames, every model."""
    y = real["y"]
    ok = scored & (y >= 0)
    print("\nLeave-people-out (each row scored by models that never saw that person); "
          "threshold 0.5; F1 [95% bootstrap CI]")
    print(f"{'person':40s} {'kind':6s} {'n':>5s} {'pos':>4s}  " + "  ".join(
        f"{m:17s}" for m in MODELS))
    for g in np.unique(real["group"][ok & real["is_photo"] & (y == 1)]):
        s = ok & (real["group"] == g) & real["is_photo"]
        print(f"{g[:40]:40s} {'photo':6s} {s.sum():5d} {(y[s] == 1).sum():4d}  " + "  ".join(
            f"{_fig(y[s], probs[m][s]):17s}" for m in MODELS))
    for src in np.unique(real["source"][ok & ~real["is_photo"]]):
        s = ok & (real["source"] == src)
        name = Path(src).stem
        print(f"{name[:40]:40s} {'frames':6s} {s.sum():5d} {(y[s] == 1).sum():4d}  " + "  ".join(
            f"{_fig(y[s], probs[m][s]):17s}" for m in MODELS))
    for kind, sel in (("photos", real["is_photo"]), ("clip frames", ~real["is_photo"])):
        s = ok & sel
        mixed = np.isin(real["source"], np.unique(real["source"][s & (y == 1)]))
        print(f"\n{kind}: pooled (clips: those with tongue-outs)")
        for m in MODELS:
            ss = s & mixed if kind == "clip frames" else s
            auc = roc_auc(y[ss] == 1, probs[m][ss])
            print(f"  {m:6s} F1 {_fig(y[ss], probs[m][ss])}  AUC {auc:.3f}")
    negclip = ok & ~real["is_photo"] & ~np.isin(
        real["source"], np.unique(real["source"][y == 1]))
    minutes = 0.0
    fa = {m: 0 for m in MODELS}
    for src in np.unique(real["source"][negclip]):
        s = negclip & (real["source"] == src)
        order = np.argsort(real["frame"][s])
        tt = real["t"][s][order]
        minutes += (tt.max() - tt.min()) / 60.0 if len(tt) > 1 else 0.0
        for m in MODELS:
            fa[m] += false_activations(probs[m][s][order], tt)
    print(f"\nnegative clips ({minutes:.2f} min): raw activations/min (>=2 frames over 0.5, "
          "no gesture tracker): " + ", ".join(f"{m} {fa[m] / max(minutes, 1e-6):.1f}"
                                              for m in MODELS))
    nested_report(real, probs, ok, negclip)
    s = ok & real["is_photo"] & (y == 1) & (real["direction"] >= 0)
    if s.any():
        acc = float((oof_dir[s] == real["direction"][s]).mean())
        print(f"photo direction accuracy (cnn head, held out): {acc:.2f} over {s.sum()}")


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(q / (1 - q))


def nested_report(real, probs, ok, negclip) -> None:
    """Each model at an operating point chosen fairly: per fold, the threshold shift (and for the
    blend the CNN's weight in a logit mix) that maximises the mean of photo F1 and clip-frame F1
    on the *other* folds' held-out predictions."""
    y, photo, src = real["y"], real["is_photo"], real["source"]
    folds = make_folds(real["group"], y)
    fid = np.full(len(y), -1)
    for k, f in enumerate(folds):
        fid[np.isin(real["group"], f)] = k
    lc, lt = _logit(probs["cnn"]), _logit(probs["trees"])
    shifts = np.arange(-3.0, 3.01, 0.5)
    mixed = np.isin(src, np.unique(src[(y == 1) & ~photo]))

    def crit(sel, p):
        a, b = sel & ok & photo, sel & ok & ~photo
        return (f1_of(y[a] == 1, p[a] > 0.5) + f1_of(y[b] == 1, p[b] > 0.5)) / 2

    print("\nnested operating points (chosen on the other folds): photos F1 | tongue-clip frames "
          "F1 (per clip) | negative clips raw activations/min")
    for name, weights in (("trees", (0.0,)), ("cnn", (1.0,)), ("blend", (0.25, 0.5, 0.75))):
        cache = {(a, sh): sigmoid(a * lc + (1 - a) * lt + sh) for a in weights for sh in shifts}
        if np.isnan(next(iter(cache.values()))[ok]).any():
            continue
        out = np.zeros(len(y))
        for k in range(len(folds)):
            best = max(cache, key=lambda c: crit(fid != k, cache[c]))
            out[fid == k] = cache[best][fid == k]
        a, b = ok & photo, ok & ~photo & mixed
        per = " ".join(f"{Path(c).stem[:12]} {f1_of(y[ok & (src == c)] == 1, out[ok & (src == c)] > 0.5):.2f}"
                       for c in np.unique(src[b]))
        n, minutes = 0, 0.0
        for c in np.unique(src[negclip]):
            sel = negclip & (src == c)
            order = np.argsort(real["frame"][sel])
            tt = real["t"][sel][order]
            minutes += (tt.max() - tt.min()) / 60.0 if len(tt) > 1 else 0.0
            n += false_activations(out[sel][order], tt)
        print(f"  {name:6s} {f1_of(y[a] == 1, out[a] > 0.5):.2f} | "
              f"{f1_of(y[b] == 1, out[b] > 0.5):.2f} ({per}) | {n / max(minutes, 1e-6):.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
