#!/usr/bin/env python3
"""PyTorch reference for Flock's benchmark table (Wen et al. 2016, center loss on MNIST).

Trains, exactly as Flock does, two runs from the same initial weights and centers on the same
batches in the same order (their steps interleave one for one):

  * softmax only (lambda = 0; its centers are still moved by Eq. 4, as in the app), and
  * softmax + lambda * center loss,

with the center-loss derivatives given explicitly (caffe-face semantics, not autograd):

  L_C         = sum_i ||x_i - c_{y_i}||^2 / (2B)                        (Eq. 2)
  dL_C/dx_i   = (x_i - c_{y_i}) / B       (times lambda via the chain)  (Eq. 3)
  dL_C/dc     = none                       (autograd.Function returns None)
  delta c_j   = sum_{i: y_i = j} (c_j - x_i) / (1 + n_j)                (Eq. 4)
  c_j        <- c_j - alpha * delta c_j    (done by hand after each optimiser step,
                                            with the features of that step's forward pass)

Data: the app's own files, public/data/*.gz (gzipped IDX, big-endian headers), normalised with
mean 0.1307 / std 0.3081. Epochs are shuffled with a seeded permutation; the last partial batch
of an epoch is dropped. The learning rate is multiplied by 0.8 every 20 epochs (as Flock and the
port do; irrelevant for short runs).

Reports the median ms per training step of each run (after the warm-up steps), samples/s,
test accuracy on the full 10k test set and on a stratified 2,000-digit probe (the first 200
test digits of each class in file order: stratified like the app's probe, NOT the identical
selection, which the app draws with its own seeded PRNG), and compactness of the test
embeddings (mean distance of points to their class mean / mean pairwise distance between
class means; the same formula as src/train/metrics.ts).

Usage: see bench/reference/run.sh, or `python3 bench/reference/pytorch_reference.py --help`.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import json
import os
import platform
import statistics
import struct
import sys
import time

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover
    sys.exit(f"pytorch_reference.py: cannot import {e.name!r} with {sys.executable}. "
             "Install PyTorch (Debian: apt-get install -y python3-torch; then run /usr/bin/python3) "
             "or use bench/reference/run.sh, which does both.")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA_DIR = os.path.join(ROOT, "public", "data")
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
NUM_CLASSES, EMBED_DIM = 10, 2
PROBE_PER_CLASS = 200  # 2,000 digits, as the app's PROBE_SIZE
MOMENTUM, WEIGHT_DECAY = 0.9, 5e-4

FILES = {
    "train_images": ("train-images-idx3-ubyte.gz", 2051, 60000),
    "train_labels": ("train-labels-idx1-ubyte.gz", 2049, 60000),
    "test_images": ("t10k-images-idx3-ubyte.gz", 2051, 10000),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", 2049, 10000),
}

# channels per conv stage, dense hidden layers, default batch (src/train/presets.ts)
MODELS = {
    "lenetpp": ([32, 64, 128], [], 128),
    "small": ([8, 16, 32], [], 128),
    "conv": ([4, 8], [], 64),
    "tiny": ([], [32], 64),
}


# --------------------------------------------------------------------------------------- data
def read_idx(path: str, magic: int, count: int) -> np.ndarray:
    name = os.path.basename(path)
    if not os.path.isfile(path):
        sys.exit(f"pytorch_reference.py: MNIST file missing: {path}\n"
                 f"  The app creates public/data/*.gz on `npm install` (scripts/prepare-data.mjs); "
                 f"run `npm install` or `npm run prepare-data` in {ROOT} first.")
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:
        sys.exit(f"pytorch_reference.py: {name}: not a valid gzip file ({e})")
    header = 16 if magic == 2051 else 8
    if len(raw) < header:
        sys.exit(f"pytorch_reference.py: {name}: truncated ({len(raw)} bytes)")
    got_magic, got_count = struct.unpack(">II", raw[:8])
    if got_magic != magic:
        sys.exit(f"pytorch_reference.py: {name}: wrong magic {got_magic:#010x} (expected {magic:#010x})")
    if got_count != count:
        sys.exit(f"pytorch_reference.py: {name}: {got_count} items (expected {count})")
    shape: tuple[int, ...] = (count,)
    if magic == 2051:
        rows, cols = struct.unpack(">II", raw[8:16])
        if (rows, cols) != (28, 28):
            sys.exit(f"pytorch_reference.py: {name}: images are {rows}x{cols}, expected 28x28")
        shape = (count, 28, 28)
    need = header + int(np.prod(shape))
    if len(raw) != need:
        sys.exit(f"pytorch_reference.py: {name}: {len(raw)} bytes, expected {need}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def load_mnist(data_dir: str) -> dict[str, torch.Tensor]:
    out: dict[str, torch.Tensor] = {}
    for key, (fname, magic, count) in FILES.items():
        a = read_idx(os.path.join(data_dir, fname), magic, count)
        if magic == 2051:
            t = torch.from_numpy(a.astype(np.float32) / 255.0)
            out[key] = ((t - MNIST_MEAN) / MNIST_STD).unsqueeze(1).contiguous()  # [N,1,28,28]
        else:
            if a.max() > 9:
                sys.exit(f"pytorch_reference.py: {fname}: label {int(a.max())} out of range 0..9")
            out[key] = torch.from_numpy(a.astype(np.int64))
    return out


def probe_indices(labels: torch.Tensor) -> torch.Tensor:
    """First PROBE_PER_CLASS test digits of each class in file order, sorted by class then index."""
    lab = labels.numpy()
    return torch.from_numpy(np.concatenate(
        [np.flatnonzero(lab == k)[:PROBE_PER_CLASS] for k in range(NUM_CLASSES)]).astype(np.int64))


class Batcher:
    """Seeded per-epoch permutations; every batch is full (the last partial batch is dropped)."""

    def __init__(self, n: int, batch: int, seed: int):
        self.n, self.batch, self.seed = n, batch, seed
        self.epoch, self.offset = 0, 0
        self.perm = self._perm(0)

    def _perm(self, epoch: int) -> np.ndarray:
        return np.random.default_rng([self.seed, epoch]).permutation(self.n)

    def next(self) -> tuple[int, np.ndarray]:
        if self.offset + self.batch > self.n:
            self.epoch += 1
            self.offset = 0
            self.perm = self._perm(self.epoch)
        idx = self.perm[self.offset:self.offset + self.batch]
        self.offset += self.batch
        return self.epoch, idx


# ------------------------------------------------------------------------------------ network
class Net(nn.Module):
    """LeNet++ family (stages of two 5x5 pad-2 convs + PReLU, 2x2 max-pool) or an MLP,
    then dense -> 2 + PReLU (the embedding) and dense 2 -> 10 without bias.
    nn.PReLU() has one slope per layer, initialised to 0.25; conv/linear use PyTorch's default
    init, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases, the same law as Flock's."""

    def __init__(self, stages: list[int], hidden: list[int]):
        super().__init__()
        layers: list[nn.Module] = []
        cin, side = 1, 28
        for cout in stages:
            for _ in range(2):
                layers += [nn.Conv2d(cin, cout, 5, padding=2), nn.PReLU()]
                cin = cout
            layers.append(nn.MaxPool2d(2, 2))
            side //= 2
        width = side * side * cin if stages else 784
        layers.append(nn.Flatten())
        for h in hidden:
            layers += [nn.Linear(width, h), nn.PReLU()]
            width = h
        layers += [nn.Linear(width, EMBED_DIM), nn.PReLU()]
        self.features = nn.Sequential(*layers)
        self.ip2 = nn.Linear(EMBED_DIM, NUM_CLASSES, bias=False)
        self.in_width = width

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        feat = self.features(x)
        return feat, self.ip2(feat)


class CenterLossFn(torch.autograd.Function):
    """L_C = sum ||x_i - c_{y_i}||^2 / (2B); d/dx = (x - c_y)/B (Eq. 3); no gradient to c or y."""

    @staticmethod
    def forward(ctx, x, y, centers):  # noqa: D401
        diff = x - centers.index_select(0, y)
        ctx.save_for_backward(diff)
        return diff.pow(2).sum() / (2.0 * x.shape[0])

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        return grad * diff / diff.shape[0], None, None


def eq4_update(centers: torch.Tensor, feat: torch.Tensor, y: torch.Tensor, alpha: float) -> None:
    """In place: c_j <- c_j - alpha * sum_{i:y_i=j}(c_j - x_i)/(1 + n_j)."""
    diff = centers.index_select(0, y) - feat
    sums = torch.zeros_like(centers).index_add_(0, y, diff)
    counts = torch.bincount(y, minlength=centers.shape[0]).to(centers.dtype)
    centers.sub_(alpha * sums / (1.0 + counts).unsqueeze(1))


class Run:
    def __init__(self, name: str, net: Net, centers0: torch.Tensor, args, lam: float):
        self.name, self.net, self.lam, self.alpha = name, net, lam, args.alpha
        self.centers = centers0.clone()
        self.base_lr = args.lr
        if args.optimizer == "sgd":
            self.opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=MOMENTUM,
                                       weight_decay=WEIGHT_DECAY)
        else:  # L2 weight decay added to the gradient: PyTorch Adam (not AdamW) semantics
            self.opt = torch.optim.Adam(net.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8,
                                        weight_decay=WEIGHT_DECAY)
        self.times_ms: list[float] = []
        self.last = (float("nan"), float("nan"))

    def step(self, x: torch.Tensor, y: torch.Tensor, epoch: int) -> None:
        t0 = time.perf_counter()
        lr = self.base_lr * 0.8 ** (epoch // 20)
        for g in self.opt.param_groups:
            g["lr"] = lr
        feat, logits = self.net(x)
        ce = F.cross_entropy(logits, y)
        lc = CenterLossFn.apply(feat, y, self.centers)
        total = ce if self.lam == 0 else ce + self.lam * lc
        self.opt.zero_grad(set_to_none=True)
        total.backward()
        self.opt.step()
        with torch.no_grad():
            eq4_update(self.centers, feat.detach(), y, self.alpha)
        self.times_ms.append((time.perf_counter() - t0) * 1000.0)
        self.last = (ce.item(), lc.item())


# ------------------------------------------------------------------------------------ metrics
def compactness(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean distance to own class mean / mean pairwise distance between class means
    (src/train/metrics.ts)."""
    pts = points.astype(np.float64)
    present = [k for k in range(NUM_CLASSES) if np.any(labels == k)]
    means = {k: pts[labels == k].mean(axis=0) for k in present}
    within = float(np.mean(np.linalg.norm(pts - np.stack([means[k] for k in labels]), axis=1)))
    pair = [np.linalg.norm(means[a] - means[b]) for i, a in enumerate(present) for b in present[i + 1:]]
    between = float(np.mean(pair)) if pair else 0.0
    return within / (between or np.finfo(np.float64).eps)


@torch.no_grad()
def evaluate(net: Net, x: torch.Tensor, y: torch.Tensor, probe: torch.Tensor, chunk: int) -> dict:
    net.eval()
    feats, preds = [], []
    for s in range(0, x.shape[0], chunk):
        f, logits = net(x[s:s + chunk])
        feats.append(f)
        preds.append(logits.argmax(1))
    net.train()
    feat = torch.cat(feats).numpy()
    pred = torch.cat(preds)
    lab = y.numpy()
    pi = probe.numpy()
    finite = bool(np.isfinite(feat).all())
    return {
        "test_accuracy": float((pred == y).double().mean()),
        "probe_accuracy": float((pred[probe] == y[probe]).double().mean()),
        "test_compactness": compactness(feat, lab) if finite else float("nan"),
        "probe_compactness": compactness(feat[pi], lab[pi]) if finite else float("nan"),
        "finite": finite,
    }


# --------------------------------------------------------------------------------------- main
def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--model", choices=list(MODELS), default="tiny")
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="adam")
    p.add_argument("--lr", type=float, default=None, help="default 0.01 (adam) / 0.001 (sgd)")
    p.add_argument("--lambda", dest="lam", type=float, default=0.3, help="center-loss weight λ")
    p.add_argument("--alpha", type=float, default=0.5, help="center learning rate α (Eq. 4)")
    p.add_argument("--batch", type=int, default=None, help="default 128 (lenetpp/small), 64 (tiny/conv)")
    p.add_argument("--steps", type=int, default=300, help="training steps per run")
    p.add_argument("--max-seconds", type=float, default=None,
                   help="stop early once the training loop has run this long (steps reported = done)")
    p.add_argument("--warmup", type=int, default=5, help="steps left out of the timing median")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--eval-chunk", type=int, default=1000)
    p.add_argument("--data-dir", default=DATA_DIR)
    p.add_argument("--out", default=None,
                   help="JSON path (default bench/reference/results-<model>-<optimizer>-<steps>.json)")
    a = p.parse_args(argv)
    if a.lr is None:
        a.lr = 0.01 if a.optimizer == "adam" else 0.001
    if a.batch is None:
        a.batch = MODELS[a.model][2]
    if a.steps < 1 or a.batch < 1:
        p.error("--steps and --batch must be ≥ 1")
    return a


def fmt(v: float, spec: str) -> str:
    return "–" if v is None or (isinstance(v, float) and not np.isfinite(v)) else format(v, spec)


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    data = load_mnist(args.data_dir)
    probe = probe_indices(data["test_labels"])

    stages, hidden, _ = MODELS[args.model]
    torch.manual_seed(args.seed)
    net0 = Net(stages, hidden)
    gen = torch.Generator().manual_seed(args.seed)
    centers0 = torch.randn(NUM_CLASSES, EMBED_DIM, generator=gen)
    nets = {"softmax": net0, "center": Net(stages, hidden)}
    nets["center"].load_state_dict(net0.state_dict())  # same init for both runs
    runs = [Run("softmax", nets["softmax"], centers0, args, 0.0),
            Run("center", nets["center"], centers0, args, args.lam)]

    n_params = sum(p.numel() for p in net0.parameters())
    print(f"# {args.model}: {n_params} parameters; {args.optimizer} lr {args.lr} λ {args.lam} "
          f"α {args.alpha} batch {args.batch} steps {args.steps} seed {args.seed} "
          f"threads {torch.get_num_threads()} torch {torch.__version__}", file=sys.stderr)

    batcher = Batcher(data["train_labels"].shape[0], args.batch, args.seed)
    xs, ys = data["train_images"], data["train_labels"]
    t_start = time.perf_counter()
    done = 0
    report_every = max(1, args.steps // 10)
    for step in range(args.steps):
        epoch, idx = batcher.next()
        it = torch.from_numpy(idx)
        x, y = xs.index_select(0, it), ys.index_select(0, it)
        for r in runs:  # interleaved one for one, same batch, as the app's worker
            r.step(x, y, epoch)
        done = step + 1
        elapsed = time.perf_counter() - t_start
        if done % report_every == 0 or done == args.steps:
            print(f"  step {done}/{args.steps}  {elapsed:.1f}s  " + "  ".join(
                f"{r.name}: ce {r.last[0]:.4f} lc {r.last[1]:.4f} {r.times_ms[-1]:.1f}ms" for r in runs),
                file=sys.stderr, flush=True)
        if args.max_seconds is not None and elapsed >= args.max_seconds:
            print(f"  stopping after {done} steps (--max-seconds {args.max_seconds})", file=sys.stderr)
            break
    train_s = time.perf_counter() - t_start

    t_eval = time.perf_counter()
    results = {}
    for r in runs:
        timed = r.times_ms[args.warmup:] or r.times_ms
        med = statistics.median(timed)
        ev = evaluate(r.net, data["test_images"], data["test_labels"], probe, args.eval_chunk)
        results[r.name] = {
            "lambda": r.lam,
            "median_ms_per_step": med,
            "mean_ms_per_step": statistics.fmean(timed),
            "timed_steps": len(timed),
            "samples_per_s": args.batch / (med / 1000.0),
            "final_ce": r.last[0],
            "final_center_loss": r.last[1],
            **ev,
        }
    eval_s = time.perf_counter() - t_eval

    meta = {
        "model": args.model, "optimizer": args.optimizer, "lr": args.lr, "lambda": args.lam,
        "alpha": args.alpha, "batch": args.batch, "steps_requested": args.steps, "steps": done,
        "epochs_seen": done * args.batch / xs.shape[0], "seed": args.seed, "warmup": args.warmup,
        "threads": torch.get_num_threads(), "parameters": n_params,
        "momentum": MOMENTUM if args.optimizer == "sgd" else None, "weight_decay": WEIGHT_DECAY,
        "center_update": "eq4 (manual, after each optimiser step)",
        "probe": "stratified probe, not identical: first 200 test digits per class in file order "
                 "(the app draws its 2,000 with seeded mulberry32, PROBE_SEED 2016)",
        "torch": torch.__version__, "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus {platform.platform()}",
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "train_wall_s": train_s, "eval_wall_s": eval_s,
        "data_dir": os.path.relpath(args.data_dir, ROOT),
    }
    out = {"meta": meta, "runs": results}
    path = args.out or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    f"results-{args.model}-{args.optimizer}-{done}.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")

    print(f"\n**PyTorch {torch.__version__} reference: `{args.model}`, {args.optimizer} lr {args.lr}, "
          f"λ {args.lam}, α {args.alpha}, batch {args.batch}, {done} steps, seed {args.seed}, "
          f"{meta['threads']} threads** (probe = stratified probe, not identical to the app's)\n")
    print("| run | λ | steps | median ms/step | samples/s | test acc (10k) | probe acc (2k) "
          "| compactness (10k) | compactness (probe) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['lambda']:g} | {done} | {fmt(r['median_ms_per_step'], '.1f')} "
              f"| {fmt(r['samples_per_s'], ',.0f')} | {fmt(100 * r['test_accuracy'], '.2f')}% "
              f"| {fmt(100 * r['probe_accuracy'], '.2f')}% | {fmt(r['test_compactness'], '.3f')} "
              f"| {fmt(r['probe_compactness'], '.3f')} |")
    print(f"\nJSON: {os.path.relpath(path, ROOT)}  (train {train_s:.1f}s, eval {eval_s:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
