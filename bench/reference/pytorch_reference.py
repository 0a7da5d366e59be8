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

Presets (layers, batch, learning rate, lr warm-up), the default optimiser, lambda and alpha, and the
picture's thresholds all come from src/train/presets.json, the file the app reads too; with no
flags this trains the preset the app's Auto picks on a real GPU, at the app's default settings.
Learning-rate warm-up (presets.json warmupSteps = W): lr_t = lr * min(1, (t + 1) / W), t = 0, 1, ...

Reports the median ms per training step of each run (after the timing warm-up steps), samples/s,
test accuracy on the full 10k test set and on the app's 2,000-digit probe (the same indices:
stratifiedProbe with the app's mulberry32 and PROBE_SEED, ported here), and compactness of the
test embeddings (mean distance of points to their class mean / mean pairwise distance between
class means; the same formula as src/train/metrics.ts). Every --probe-every steps both runs are
scored on the probe; steps-to-picture is the first such step where the picture has formed
(center-loss compactness <= 0.5 x softmax-only's, both probe accuracies >= 90 %; presets.json).

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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from center_rules import RULES as CENTER_RULES, center_step  # noqa: E402
import losses as L  # noqa: E402  (the discriminative-loss family, issue 15: src/train/losses/*.ts)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA_DIR = os.path.join(ROOT, "public", "data")
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
NUM_CLASSES, EMBED_DIM = 10, 2
PRESETS_PATH = os.path.join(ROOT, "src", "train", "presets.json")  # shared with the app


def load_presets(path: str = PRESETS_PATH) -> dict:
    """src/train/presets.json: the presets, defaults and picture thresholds the app uses too."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"pytorch_reference.py: cannot read {path}: {e}")


PRESETS = load_presets()
PROBE_SIZE, PROBE_SEED = 2000, 2016  # the app's default probe (src/state/params.ts, src/worker/worker.ts)
MOMENTUM, WEIGHT_DECAY = float(PRESETS["momentum"]), float(PRESETS["weightDecay"])
PICTURE = PRESETS["picture"]  # {"maxCompactnessRatio", "minAccuracy"}

FILES = {
    "train_images": ("train-images-idx3-ubyte.gz", 2051, 60000),
    "train_labels": ("train-labels-idx1-ubyte.gz", 2049, 60000),
    "test_images": ("t10k-images-idx3-ubyte.gz", 2051, 10000),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", 2049, 10000),
}

# channels per conv stage, dense hidden layers, default batch (src/train/presets.json)
MODELS = {k: (list(p["stages"]), list(p["hidden"]), int(p["batch"])) for k, p in PRESETS["presets"].items()}


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


def mulberry32(seed: int):
    """The app's PRNG (src/data/batcher.ts), bit for bit: uniform floats in [0, 1)."""
    state = [seed & 0xFFFFFFFF]
    M = 0xFFFFFFFF

    def rand() -> float:
        state[0] = (state[0] + 0x6D2B79F5) & M
        t = state[0]
        t = ((t ^ (t >> 15)) * (t | 1)) & M
        t = (t ^ ((t + (((t ^ (t >> 7)) * (t | 61)) & M)) & M)) & M
        return ((t ^ (t >> 14)) & M) / 4294967296.0
    return rand


def probe_indices(labels: torch.Tensor, size: int = PROBE_SIZE, seed: int = PROBE_SEED) -> torch.Tensor:
    """The app's probe, index for index: stratifiedProbe(testLabels, size, PROBE_SEED) of
    src/data/batcher.ts (equal shares per class, remainder to the lowest classes, a seeded partial
    Fisher-Yates per class), sorted by class, then index."""
    lab = labels.numpy()
    by_class = [list(np.flatnonzero(lab == k)) for k in range(NUM_CLASSES)]
    if size > sum(len(p) for p in by_class):
        sys.exit(f"pytorch_reference.py: probe of {size} digits asked for, {lab.size} available")
    want = [0] * NUM_CLASSES
    left = size
    while left > 0:
        open_ = [c for c in range(NUM_CLASSES) if want[c] < len(by_class[c])]
        share = left // len(open_)
        if share == 0:
            for c in open_[:left]:
                want[c] += 1
            break
        for c in open_:
            take = min(share, len(by_class[c]) - want[c])
            want[c] += take
            left -= take
    rand = mulberry32(seed)
    out: list[int] = []
    for c in range(NUM_CLASSES):
        pool = by_class[c]
        for i in range(want[c]):
            j = i + int(np.floor(rand() * (len(pool) - i)))
            pool[i], pool[j] = pool[j], pool[i]
        out += sorted(int(v) for v in pool[:want[c]])
    return torch.tensor(out, dtype=torch.int64)


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
    then dense -> 2 + PReLU (the embedding) and dense 2 -> 10 without bias. A cosine-head Run swaps the
    embedding's PReLU for nn.BatchNorm1d(2, affine=False) (model.ts 'batchnorm'; eval mode uses the running
    statistics, as the app's probes do).
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


def warmup_factor(t: int, warmup_steps: int) -> float:
    """Linear learning-rate warm-up shared with the app: lr_t = lr * min(1, (t + 1) / W) for step
    t = 0, 1, ... (W = warmupSteps of the preset; W = 0: no warm-up)."""
    return 1.0 if warmup_steps <= 0 else min(1.0, (t + 1) / warmup_steps)


def loss_spec(spec: str) -> dict:
    """'cosface:s=10,m=0.1' -> {'loss': 'cosface', 's': 10.0, 'm': 0.1, ...} with presets.json "losses" defaults
    (and the global lambda/alpha defaults) for whatever the spec leaves out."""
    name, _, rest = spec.partition(":")
    if name not in L.LOSSES or name == "center":
        raise ValueError(f"unknown loss {name!r} (one of {', '.join(L.LOSSES[1:])})")
    d = PRESETS["losses"][name]
    out = {"loss": name, "lambda": float(d.get("lambda", 0.0)), "alpha": float(d.get("alpha", 0.0)),
           "delta": float(d.get("delta", 1.0)), "ringLr": float(d.get("ringLr", 0.0)),
           "s": float(d.get("s", 1.0)), "m": float(d.get("m", 0.0)),
           # a cosine head's recipe (model.ts 'batchnorm', trainer.ts decayFree); 1 = as before 2026-12-02, for
           # comparison: the embedding ends in PReLU / the class weights take weight decay like every other weight
           "headPrelu": 0.0 if name in L.COSINE_HEADS else 1.0, "headDecay": 0.0 if name in L.COSINE_HEADS else 1.0}
    for kv in filter(None, rest.split(",")):
        k, _, v = kv.partition("=")
        if k not in out or k == "loss":
            raise ValueError(f"{spec}: unknown parameter {k!r}")
        out[k] = float(v)
    return out


class Run:
    def __init__(self, name: str, net: Net, centers0: torch.Tensor, args, lam: float, spec: dict | None = None):
        self.name, self.net, self.lam, self.alpha = name, net, lam, args.alpha
        # the loss of this run: 'center' (the explicit-gradient path below) or a spec of losses.py's family
        self.spec = spec or {"loss": "center"}
        self.loss = self.spec["loss"]
        if self.loss != "center":
            self.lam, self.alpha = self.spec["lambda"], self.spec["alpha"]
        self.radius = torch.tensor(-1.0)  # ring: R, unset until the first batch
        self.centers = centers0.clone()
        # center update rule (center_rules.py); λ = 0 runs use Eq. 4, as the app's softmax run does
        self.update = "eq4" if lam == 0 else getattr(args, "update", "eq4")
        self.velocity = torch.zeros_like(self.centers)  # the caffe-face rule's momentum buffer
        self.base_lr = args.lr
        self.warmup_steps = args.warmup_steps
        self.t = 0  # optimiser steps taken (the warm-up's step index)
        if self.spec.get("headPrelu", 1.0) == 0:  # model.ts 'batchnorm': ip1 -> BN without affine, no PReLU
            net.features[-1] = nn.BatchNorm1d(EMBED_DIM, affine=False)
        params = net.parameters()
        if self.spec.get("headDecay", 1.0) == 0:  # trainer.ts decayFree: a cosine head's class weights, no decay
            params = [{"params": [p for n, p in net.named_parameters() if n != "ip2.weight"]},
                      {"params": [net.ip2.weight], "weight_decay": 0.0}]
        if args.optimizer == "sgd":
            self.opt = torch.optim.SGD(params, lr=args.lr, momentum=MOMENTUM,
                                       weight_decay=WEIGHT_DECAY)
        else:  # L2 weight decay added to the gradient: PyTorch Adam (not AdamW) semantics
            self.opt = torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.999), eps=1e-8,
                                        weight_decay=WEIGHT_DECAY)
        self.times_ms: list[float] = []
        self.last = (float("nan"), float("nan"))

    def step(self, x: torch.Tensor, y: torch.Tensor, epoch: int) -> None:
        t0 = time.perf_counter()
        lr = self.base_lr * 0.8 ** (epoch // 20) * warmup_factor(self.t, self.warmup_steps)
        self.t += 1
        for g in self.opt.param_groups:
            g["lr"] = lr
        if self.loss != "center":
            self.autograd_step(x, y)
            self.times_ms.append((time.perf_counter() - t0) * 1000.0)
            return
        feat, logits = self.net(x)
        ce = F.cross_entropy(logits, y)
        lc = CenterLossFn.apply(feat, y, self.centers)
        total = ce if self.lam == 0 else ce + self.lam * lc
        self.opt.zero_grad(set_to_none=True)
        total.backward()
        self.opt.step()
        with torch.no_grad():
            if self.update == "eq4":
                eq4_update(self.centers, feat.detach(), y, self.alpha)
            else:
                self.centers, v = center_step(self.update, self.centers, feat.detach(), y, alpha=self.alpha,
                                              lam=self.lam, lr=lr, momentum=MOMENTUM, velocity=self.velocity)
                self.velocity = v if v is not None else self.velocity
        self.times_ms.append((time.perf_counter() - t0) * 1000.0)
        self.last = (ce.item(), lc.item())

    def autograd_step(self, x: torch.Tensor, y: torch.Tensor) -> None:
        """trainer.ts autogradStep: the optimiser on the loss's objective; its own state (centers, R) takes a
        plain SGD step on the same gradient (alpha / ringLr)."""
        sp = self.spec
        feat = self.net.features(x)
        if self.loss == "ring" and self.radius.item() < 0:
            with torch.no_grad():
                self.radius = L.safe_norm(feat).mean()
        own = None
        if self.loss == "contrastive-center":
            own = self.centers = self.centers.detach().requires_grad_(True)
        elif self.loss == "ring":
            own = self.radius = self.radius.detach().requires_grad_(True)
        total, ce, aux = L.objective(self.loss, feat, y, self.net.ip2.weight.t(), self.centers, self.radius,
                                     sp["lambda"], sp["s"], sp["m"], sp["delta"])
        self.opt.zero_grad(set_to_none=True)
        total.backward()
        self.opt.step()
        if own is not None:
            with torch.no_grad():
                g = own.grad if own.grad is not None else torch.zeros_like(own)
                own = own - g * (sp["alpha"] if self.loss == "contrastive-center" else sp["ringLr"])
            if self.loss == "contrastive-center":
                self.centers = own.detach()
            else:
                self.radius = own.detach()
        self.last = (ce.item(), aux.item())

    def predict(self, feat: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
        """Predicted classes: argmax cos theta for a cosine head (trainer.ts Run.logits), argmax W x otherwise."""
        if self.loss in L.COSINE_HEADS:
            return L.cosines(feat, self.net.ip2.weight.t()).argmax(1)
        return logits.argmax(1)

    @property
    def angular(self) -> bool:
        """Cosine heads are judged on the unit circle (angular compactness, see compactness_for)."""
        return self.loss in L.COSINE_HEADS


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


def picture_formed(softmax_acc: float, center_acc: float, softmax_c: float, center_c: float) -> bool:
    """The paper's picture (presets.json "picture", the app's definition): the center-loss run's
    compactness is at most maxCompactnessRatio x the softmax-only run's, and both runs' probe
    accuracy is at least minAccuracy."""
    vals = (softmax_acc, center_acc, softmax_c, center_c)
    if not all(np.isfinite(v) for v in vals) or softmax_c <= 0:
        return False
    return (center_c <= PICTURE["maxCompactnessRatio"] * softmax_c
            and min(softmax_acc, center_acc) >= PICTURE["minAccuracy"])


def angular_points(points: np.ndarray) -> np.ndarray:
    """Features on the unit circle (x / |x|, losses.py's norm): the geometry the cosine heads act in."""
    pts = points.astype(np.float64)
    return pts / np.sqrt(np.maximum((pts ** 2).sum(1, keepdims=True), 1e-24))


def compactness_for(points: np.ndarray, labels: np.ndarray, angular: bool) -> float:
    """compactness() on the features, or on the normalised features when `angular` (cosine heads: their
    loss ignores |x|, so radial spread says nothing about them; both runs of a ratio use the same geometry)."""
    return compactness(angular_points(points) if angular else points, labels)


@torch.no_grad()
def embed(net: Net, x: torch.Tensor, chunk: int, run: "Run | None" = None) -> tuple[np.ndarray, np.ndarray]:
    """2-D features and predicted classes of images x (eval mode; the net is left in train mode)."""
    net.eval()
    feats, preds = [], []
    for s in range(0, x.shape[0], chunk):
        f, logits = net(x[s:s + chunk])
        feats.append(f)
        preds.append(run.predict(f, logits) if run is not None else logits.argmax(1))
    net.train()
    return torch.cat(feats).numpy(), torch.cat(preds).numpy()


def probe_point(step: int, runs, px: torch.Tensor, py: np.ndarray, chunk: int) -> dict:
    """One snapshot of the runs on the probe: accuracy, compactness, ratio, picture formed? With the loss
    family (--losses), each loss run's ratio is against softmax-only in that loss's geometry."""
    m = {"step": step}
    if len(runs) != 2 or runs[1].name != "center":
        soft = None
        for r in runs:
            feat, pred = embed(r.net, px, chunk, r)
            finite = bool(np.isfinite(feat).all())
            m[f"{r.name}_acc"] = float((pred == py).mean())
            m[f"{r.name}_compactness"] = compactness_for(feat, py, r.angular) if finite else float("nan")
            if soft is None:  # the first run is softmax only: both geometries, for the ratios
                soft = {a: compactness_for(feat, py, a) if finite else float("nan") for a in (False, True)}
                continue
            sc, cc = soft[r.angular], m[f"{r.name}_compactness"]
            m[f"{r.name}_ratio"] = cc / sc if np.isfinite(sc) and np.isfinite(cc) and sc > 0 else float("nan")
            m[f"{r.name}_formed"] = picture_formed(m["softmax_acc"], m[f"{r.name}_acc"], sc, cc)
        return m
    for r in runs:
        feat, pred = embed(r.net, px, chunk)
        finite = bool(np.isfinite(feat).all())
        m[f"{r.name}_acc"] = float((pred == py).mean())
        m[f"{r.name}_compactness"] = compactness(feat, py) if finite else float("nan")
    sc, cc = m["softmax_compactness"], m["center_compactness"]
    m["ratio"] = cc / sc if np.isfinite(sc) and np.isfinite(cc) and sc > 0 else float("nan")
    m["formed"] = picture_formed(m["softmax_acc"], m["center_acc"], sc, cc)
    return m


@torch.no_grad()
def evaluate(net: Net, x: torch.Tensor, y: torch.Tensor, probe: torch.Tensor, chunk: int, run: "Run | None" = None) -> dict:
    net.eval()
    feats, preds = [], []
    for s in range(0, x.shape[0], chunk):
        f, logits = net(x[s:s + chunk])
        feats.append(f)
        preds.append(run.predict(f, logits) if run is not None else logits.argmax(1))
    net.train()
    feat = torch.cat(feats).numpy()
    pred = torch.cat(preds)
    lab = y.numpy()
    pi = probe.numpy()
    finite = bool(np.isfinite(feat).all())
    out = {}
    if run is not None and run.loss != "center":
        out["test_angular_compactness"] = compactness_for(feat, lab, True) if finite else float("nan")
        out["probe_angular_compactness"] = compactness_for(feat[pi], lab[pi], True) if finite else float("nan")
    return {
        **out,
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
    dflt = PRESETS["defaults"]
    p.add_argument("--model", choices=list(MODELS), default=PRESETS["auto"]["gpu"],
                   help="preset (src/train/presets.json); default: the one the app's Auto picks on a real GPU")
    p.add_argument("--optimizer", choices=["sgd", "adam"], default=dflt["optimizer"])
    p.add_argument("--lr", type=float, default=None,
                   help="default: the preset's lr (adam) / the port's lr (sgd), from presets.json")
    p.add_argument("--warmup-steps", type=int, default=None,
                   help="linear lr warm-up over W steps, lr_t = lr*min(1,(t+1)/W); default: the preset's "
                        "warmupSteps (adam) / 0 (sgd). Not to be confused with --warmup (timing)")
    p.add_argument("--lambda", dest="lam", type=float, default=dflt["lambda"], help="center-loss weight λ")
    p.add_argument("--alpha", type=float, default=dflt["alpha"], help="center learning rate α (Eq. 4)")
    p.add_argument("--update", choices=list(CENTER_RULES), default="eq4",
                   help="center update rule of the λ > 0 run (bench/reference/center_rules.py)")
    p.add_argument("--losses", nargs="+", default=None, metavar="LOSS[:k=v,...]",
                   help="train softmax only plus one run per loss of the family (losses.py), e.g. "
                        "'cosface:s=10,m=0.1' 'ring:lambda=0.01,ringLr=1'; parameters default to presets.json "
                        "\"losses\". Replaces the center-loss run; steps-to-picture is per loss")
    p.add_argument("--batch", type=int, default=None, help="default: the preset's batch (presets.json)")
    p.add_argument("--probe-every", type=int, default=20,
                   help="evaluate both runs on the probe every K steps, for steps-to-picture (0: never)")
    p.add_argument("--probe-size", type=int, default=PROBE_SIZE,
                   help="probe digits (the app's seeded stratified selection, PROBE_SEED 2016)")
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
    preset = PRESETS["presets"][a.model]
    if a.lr is None:
        a.lr = float(preset["lr"]) if a.optimizer == "adam" else float(PRESETS["port"]["lr"])
    if a.warmup_steps is None:
        a.warmup_steps = int(preset.get("warmupSteps", 0)) if a.optimizer == "adam" else 0
    if a.batch is None:
        a.batch = MODELS[a.model][2]
    if a.steps < 1 or a.batch < 1:
        p.error("--steps and --batch must be ≥ 1")
    if a.probe_every < 0 or a.warmup_steps < 0 or not 10 <= a.probe_size <= 10000:
        p.error("--probe-every and --warmup-steps must be ≥ 0, --probe-size 10..10000")
    return a


def fmt(v: float, spec: str) -> str:
    return "–" if v is None or (isinstance(v, float) and not np.isfinite(v)) else format(v, spec)


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    data = load_mnist(args.data_dir)
    probe = probe_indices(data["test_labels"], args.probe_size)
    probe_x, probe_y = data["test_images"].index_select(0, probe), data["test_labels"][probe].numpy()

    stages, hidden, _ = MODELS[args.model]
    torch.manual_seed(args.seed)
    net0 = Net(stages, hidden)
    gen = torch.Generator().manual_seed(args.seed)
    centers0 = torch.randn(NUM_CLASSES, EMBED_DIM, generator=gen)
    nets = {"softmax": net0, "center": Net(stages, hidden)}
    nets["center"].load_state_dict(net0.state_dict())  # same init for both runs
    runs = [Run("softmax", nets["softmax"], centers0, args, 0.0),
            Run("center", nets["center"], centers0, args, args.lam)]
    if args.losses:  # the loss family: softmax only + one run per loss, same init, same batches
        runs = runs[:1]
        for spec in args.losses:
            if spec == "center":  # center loss at --lambda/--alpha/--update, for the table's first row
                net = Net(stages, hidden)
                net.load_state_dict(net0.state_dict())
                runs.append(Run("center", net, centers0, args, args.lam))
                continue
            try:
                sp = loss_spec(spec)
            except ValueError as e:
                sys.exit(f"pytorch_reference.py: --losses: {e}")
            net = Net(stages, hidden)
            net.load_state_dict(net0.state_dict())
            runs.append(Run(spec, net, centers0, args, sp["lambda"], sp))

    n_params = sum(p.numel() for p in net0.parameters())
    print(f"# {args.model}: {n_params} parameters; {args.optimizer} lr {args.lr} warm-up {args.warmup_steps} "
          f"λ {args.lam} α {args.alpha} batch {args.batch} steps {args.steps} seed {args.seed} "
          f"threads {torch.get_num_threads()} torch {torch.__version__}", file=sys.stderr)

    batcher = Batcher(data["train_labels"].shape[0], args.batch, args.seed)
    xs, ys = data["train_images"], data["train_labels"]
    t_start = time.perf_counter()
    done = 0
    report_every = max(1, args.steps // 10)
    history: list[dict] = []
    steps_to_picture = None
    loss_picture: dict[str, int | None] = {r.name: None for r in runs[1:]} if args.losses else {}
    probe_s = 0.0
    for step in range(args.steps):
        epoch, idx = batcher.next()
        it = torch.from_numpy(idx)
        x, y = xs.index_select(0, it), ys.index_select(0, it)
        for r in runs:  # interleaved one for one, same batch, as the app's worker
            r.step(x, y, epoch)
        done = step + 1
        if args.probe_every and (done % args.probe_every == 0 or done == args.steps):
            t_probe = time.perf_counter()
            h = probe_point(done, runs, probe_x, probe_y, args.eval_chunk)
            probe_s += time.perf_counter() - t_probe
            history.append(h)
            for name in loss_picture:
                if h.get(f"{name}_formed") and loss_picture[name] is None:
                    loss_picture[name] = done
                    print(f"  {name}: picture formed at step {done}: ratio {h[f'{name}_ratio']:.3f}", file=sys.stderr)
            if h.get("formed") and steps_to_picture is None:
                steps_to_picture = done
                print(f"  picture formed at step {done}: ratio {h['ratio']:.3f}, probe accuracy "
                      f"{100 * h['softmax_acc']:.1f} % / {100 * h['center_acc']:.1f} %", file=sys.stderr)
        elapsed = time.perf_counter() - t_start
        if done % report_every == 0 or done == args.steps:
            print(f"  step {done}/{args.steps}  {elapsed:.1f}s  " + "  ".join(
                f"{r.name}: ce {r.last[0]:.4f} lc {r.last[1]:.4f} {r.times_ms[-1]:.1f}ms" for r in runs)
                + (f"  ratio {history[-1]['ratio']:.3f}" if history and "ratio" in history[-1] else ""),
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
        ev = evaluate(r.net, data["test_images"], data["test_labels"], probe, args.eval_chunk, r)
        if r.name in loss_picture:
            ev = {**ev, "spec": r.spec, "steps_to_picture": loss_picture[r.name],
                  "radius": float(r.radius) if r.loss == "ring" else None}
        elif args.losses:  # softmax only: its angular compactness too, the cosine heads' baseline
            ev = {**evaluate(r.net, data["test_images"], data["test_labels"], probe, args.eval_chunk, r),
                  "test_angular_compactness": None}
            feat, _ = embed(r.net, data["test_images"], args.eval_chunk)
            ev["test_angular_compactness"] = compactness_for(feat, data["test_labels"].numpy(), True)
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
        "warmup_steps": args.warmup_steps, "lr_warmup": "lr_t = lr * min(1, (t + 1) / warmup_steps)",
        "presets": os.path.relpath(PRESETS_PATH, ROOT),
        "threads": torch.get_num_threads(), "parameters": n_params,
        "momentum": MOMENTUM if args.optimizer == "sgd" else None, "weight_decay": WEIGHT_DECAY,
        "center_update": f"{args.update} (center_rules.py, after each optimiser step)",
        "probe": f"the app's probe: stratifiedProbe(test labels, {args.probe_size}, PROBE_SEED {PROBE_SEED}) "
                 "of src/data/batcher.ts, index for index",
        "probe_every": args.probe_every, "probe_wall_s": probe_s,
        "torch": torch.__version__, "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus {platform.platform()}",
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "train_wall_s": train_s, "eval_wall_s": eval_s,
        "data_dir": os.path.relpath(args.data_dir, ROOT),
    }
    picture = {
        "definition": {**PICTURE, "on": f"probe ({args.probe_size} digits), every {args.probe_every} steps"},
        "steps_to_picture": steps_to_picture,
        **({"per_loss": loss_picture, "geometry": "cosine heads: compactness of x/|x| for both the loss run and "
            "softmax only (angular); other losses: of x"} if args.losses else {}),
        "history": [{k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in h.items()}
                    for h in history],
    }
    out = {"meta": meta, "runs": results, "picture": picture}
    path = args.out or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    f"results-{args.model}-{args.optimizer}-{done}.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")

    print(f"\n**PyTorch {torch.__version__} reference: `{args.model}`, {args.optimizer} lr {args.lr}, "
          f"λ {args.lam}, α {args.alpha}, batch {args.batch}, {done} steps, seed {args.seed}, "
          f"warm-up {args.warmup_steps}, {meta['threads']} threads** (probe = the app's {args.probe_size} digits)\n")
    print("| run | λ | steps | median ms/step | samples/s | test acc (10k) | probe acc (2k) "
          "| compactness (10k) | compactness (probe) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['lambda']:g} | {done} | {fmt(r['median_ms_per_step'], '.1f')} "
              f"| {fmt(r['samples_per_s'], ',.0f')} | {fmt(100 * r['test_accuracy'], '.2f')}% "
              f"| {fmt(100 * r['probe_accuracy'], '.2f')}% | {fmt(r['test_compactness'], '.3f')} "
              f"| {fmt(r['probe_compactness'], '.3f')} |")
    thr = PICTURE
    if args.losses:
        print(f"\nSteps-to-picture per loss (probe every {args.probe_every}; cosine heads in angular compactness):")
        for name, stp in loss_picture.items():
            last = history[-1] if history else {}
            print(f"  {name}: {stp if stp is not None else 'not formed'} (at step {last.get('step')}: ratio "
                  f"{fmt(last.get(name + '_ratio'), '.3f')}, probe accuracy {fmt(100 * last.get(name + '_acc', float('nan')), '.1f')} %)")
    elif not args.probe_every:
        print("\nSteps-to-picture: not measured (--probe-every 0)")
    elif steps_to_picture is None:
        last = history[-1]
        print(f"\nSteps-to-picture: **not formed** in {done} steps (probe every {args.probe_every}; at step "
              f"{last['step']}: ratio {fmt(last['ratio'], '.3f')}, probe accuracy "
              f"{fmt(100 * last['softmax_acc'], '.1f')} % / {fmt(100 * last['center_acc'], '.1f')} %; needs ratio ≤ "
              f"{thr['maxCompactnessRatio']:g} and both ≥ {100 * thr['minAccuracy']:g} %)")
    else:
        h = next(h for h in history if h["step"] == steps_to_picture)
        print(f"\nSteps-to-picture: **{steps_to_picture}** (probe every {args.probe_every}; ratio "
              f"{h['ratio']:.3f} ≤ {thr['maxCompactnessRatio']:g}, probe accuracy {100 * h['softmax_acc']:.1f} % / "
              f"{100 * h['center_acc']:.1f} % ≥ {100 * thr['minAccuracy']:g} %)")
    print(f"\nJSON: {os.path.relpath(path, ROOT)}  (train {train_s:.1f}s incl. probes {probe_s:.1f}s, "
          f"eval {eval_s:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
