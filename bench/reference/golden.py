#!/usr/bin/env python3
"""Writes tests/fixtures/center-loss-golden.json: golden vectors for the center loss and every
named center-update rule (bench/reference/center_rules.py, src/train/centerLoss.ts).

Every expectation is computed twice in float64 and the two must agree to 1e-12:
  1. closed form with numpy, straight from the formulas below;
  2. through each source's own code path, written out in PyTorch (float64):
       - the seed port's CenterLoss module (jxgu1016/MNIST_center_loss_pytorch, CenterLoss.py:
         CenterlossFunc forward/backward) + optim.SGD(lr=alpha) on its centers,
       - KaiyangZhou's CenterLoss class (KaiyangZhou/pytorch-center-loss, center_loss.py) with
         weight_cent = lambda/2, the grad *= 1/weight_cent of main.py, optim.SGD(lr=alpha),
       - caffe-face's CenterLossLayer Forward_cpu/Backward_cpu (ydwen/caffe-face,
         src/caffe/layers/center_loss_layer.cpp) + the SGD solver's update
         (src/caffe/solvers/sgd_solver.cpp ComputeUpdateValue, Blob::Update),
     and torch autograd for the loss and the feature gradient.
Inputs are drawn with a seeded numpy generator and rounded to float32 (the app's dtype) before
anything is computed, so the app sees exactly the inputs the expectations were computed from.

Usage: /usr/bin/python3 bench/reference/golden.py [--out PATH] [--check]
  --check: recompute and compare with the file instead of writing it (exit 1 on a difference).
If ../shared/fixtures/center-loss-golden.json exists beside the checkout, its cases are
recomputed with the same closed forms as an external cross-check (skipped, with a note, if absent).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_io import write_cases  # noqa: E402
from center_rules import center_step  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "center-loss-golden.json")
EXTERNAL = os.path.join(ROOT, "..", "shared", "fixtures", "center-loss-golden.json")

DESCRIPTION = """Golden vectors for Flock's center loss (Wen et al. 2016, Eq. 2-4) and its named center-update rules.
Written by bench/reference/golden.py; float64 expectations from float32-representable inputs.
With S_j = sum_{i:y_i=j} (c_j - x_i), n_j = #{i: y_i = j}, B = batch:
  loss            = sum_i |x_i - c_{y_i}|^2 / (2B)                   (Eq. 2)
  grad_x          = lambda * (x_i - c_{y_i}) / B                      (Eq. 3, weighted by lambda)
  class_counts    = n_j
  delta_c         = S_j / (1 + n_j)                                   (Eq. 4)
  centers_eq4     = c - alpha * delta_c                               (rule eq4, 'Eq. 4 (paper)')
  grad_c_seed     = S_j / ((1 + n_j) B)      (seed port CenterlossFunc.backward: grad_centers / batch_size)
  centers_seed    = c - alpha * grad_c_seed                           (rule seed, SGD lr alpha)
  grad_c_kaiyang  = 2 S_j / B                (KaiyangZhou autograd of weight_cent*loss, times 1/weight_cent)
  centers_kaiyang = c - alpha * grad_c_kaiyang                        (rule kaiyang, SGD lr alpha)
  velocity_caffe  = momentum * velocity + lr * delta_c                (caffe-face SGD solver history)
  centers_caffe   = c - velocity_caffe                                (rule caffe; alpha unused)
Each is computed in closed form (numpy) and through the source's own code path (PyTorch), which agree to 1e-12."""

# name, batch, classes, dim, alpha, lambda, lr, label pattern
CASES = [
    ("small-mixed", 16, 10, 2, 0.5, 1.0, 0.01, "all"),
    ("paper-batch", 128, 10, 2, 0.5, 0.003, 0.01, "all"),
    ("class-absent", 12, 10, 2, 0.5, 0.1, 0.01, "absent"),
    ("one-class", 8, 10, 2, 0.9, 0.01, 0.001, "one"),
    ("single-sample", 1, 10, 2, 0.5, 1.0, 0.01, "all"),
    ("wider-features", 64, 10, 3, 0.2, 0.5, 0.003, "all"),
    ("large-batch", 512, 10, 2, 0.5, 0.1, 0.0064, "all"),
    ("dim-32", 100, 10, 32, 0.5, 0.3, 0.01, "absent"),
]
MOMENTUM = 0.9
KEYS = ["loss", "grad_x", "class_counts", "delta_c", "centers_eq4", "grad_c_seed", "centers_seed",
        "grad_c_kaiyang", "centers_kaiyang", "velocity_caffe", "centers_caffe"]


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def make_inputs(i: int, name, b, k, d, alpha, lam, lr, pattern):
    rng = np.random.default_rng(2016 + i)
    if pattern == "all":
        y = rng.integers(0, k, size=b)
    elif pattern == "absent":
        present = [j for j in range(k) if j not in (3, k - 1)]
        y = rng.choice(present, size=b)
    else:
        y = np.full(b, 4)
    centers = f32(rng.normal(0.0, 1.0, size=(k, d)))
    x = f32(centers[y] * 1.5 + rng.normal(0.0, 2.0, size=(b, d)))
    velocity = f32(rng.normal(0.0, 0.05, size=(k, d)))
    return {"name": name, "batch": b, "classes": k, "dim": d, "alpha": alpha, "lambda": lam,
            "lr": lr, "momentum": MOMENTUM, "x": x, "y": y.astype(np.int64), "centers": centers,
            "velocity": velocity}


# ------------------------------------------------------------------------------ closed form
def closed_form(c: dict) -> dict:
    x, y, cen, b, k = c["x"], c["y"], c["centers"], c["batch"], c["classes"]
    alpha, lam = c["alpha"], c["lambda"]
    diff = x - cen[y]
    s = np.zeros_like(cen)
    np.add.at(s, y, -diff)
    n = np.bincount(y, minlength=k).astype(np.float64)
    dc = s / (1.0 + n)[:, None]
    g_seed = dc / b
    g_kai = 2.0 * s / b
    vel = c["momentum"] * c["velocity"] + c["lr"] * dc
    return {
        "loss": float((diff ** 2).sum() / (2.0 * b)), "grad_x": lam * diff / b, "class_counts": n,
        "delta_c": dc, "centers_eq4": cen - alpha * dc, "grad_c_seed": g_seed, "centers_seed": cen - alpha * g_seed,
        "grad_c_kaiyang": g_kai, "centers_kaiyang": cen - alpha * g_kai,
        "velocity_caffe": vel, "centers_caffe": cen - vel,
    }


# ---------------------------------------------------------------- the sources' code, written out
class SeedCenterlossFunc(torch.autograd.Function):
    """jxgu1016/MNIST_center_loss_pytorch, CenterLoss.py, class CenterlossFunc (master)."""

    @staticmethod
    def forward(ctx, feature, label, centers, batch_size):
        ctx.save_for_backward(feature, label, centers, batch_size)
        centers_batch = centers.index_select(0, label.long())
        return (feature - centers_batch).pow(2).sum() / 2.0 / batch_size

    @staticmethod
    def backward(ctx, grad_output):
        feature, label, centers, batch_size = ctx.saved_tensors
        centers_batch = centers.index_select(0, label.long())
        diff = centers_batch - feature
        counts = centers.new_ones(centers.size(0))
        ones = centers.new_ones(label.size(0))
        grad_centers = centers.new_zeros(centers.size())
        counts = counts.scatter_add_(0, label.long(), ones)
        grad_centers.scatter_add_(0, label.unsqueeze(1).expand(feature.size()).long(), diff)
        grad_centers = grad_centers / counts.view(-1, 1)
        return - grad_output * diff / batch_size, None, grad_centers / batch_size, None


class SeedCenterLoss(torch.nn.Module):
    """jxgu1016/MNIST_center_loss_pytorch, CenterLoss.py, class CenterLoss (size_average=True)."""

    def __init__(self, centers0: torch.Tensor):
        super().__init__()
        self.centers = torch.nn.Parameter(centers0.clone())
        self.centerlossfunc = SeedCenterlossFunc.apply
        self.feat_dim = centers0.shape[1]

    def forward(self, label, feat):
        batch_size = feat.size(0)
        feat = feat.view(batch_size, -1)
        batch_size_tensor = feat.new_empty(1).fill_(batch_size)
        return self.centerlossfunc(feat, label, self.centers, batch_size_tensor)


class KaiyangCenterLoss(torch.nn.Module):
    """KaiyangZhou/pytorch-center-loss, center_loss.py, class CenterLoss (use_gpu=False)."""

    def __init__(self, centers0: torch.Tensor):
        super().__init__()
        self.num_classes, self.feat_dim = centers0.shape
        self.centers = torch.nn.Parameter(centers0.clone())

    def forward(self, x, labels):
        batch_size = x.size(0)
        distmat = torch.pow(x, 2).sum(dim=1, keepdim=True).expand(batch_size, self.num_classes) + \
            torch.pow(self.centers, 2).sum(dim=1, keepdim=True).expand(self.num_classes, batch_size).t()
        distmat = distmat.addmm(x, self.centers.t(), beta=1, alpha=-2)  # source: distmat.addmm_(1, -2, x, centers.t())
        classes = torch.arange(self.num_classes).long()
        labels = labels.unsqueeze(1).expand(batch_size, self.num_classes)
        mask = labels.eq(classes.expand(batch_size, self.num_classes))
        dist = distmat * mask.to(distmat.dtype)
        return dist.clamp(min=1e-12, max=1e+12).sum() / batch_size


def caffe_backward_centers(x: np.ndarray, y: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """ydwen/caffe-face center_loss_layer.cpp Backward_cpu, centers' diff (loops as in the C++)."""
    m_, k_ = x.shape
    n_ = centers.shape[0]
    distance = np.stack([x[i] - centers[int(y[i])] for i in range(m_)])  # Forward_cpu: D = X - C(y)
    center_diff = np.zeros_like(centers)  # the net clears param diffs every iteration
    variation_sum = np.zeros_like(centers)
    for n in range(n_):
        count = 0
        for m in range(m_):
            if int(y[m]) == n:
                count += 1
                variation_sum[n] = variation_sum[n] - distance[m]
        center_diff[n] += (1.0 / (count + 1.0)) * variation_sum[n]  # caffe_axpy
    return center_diff


def via_sources(c: dict) -> dict:
    t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    x0, y, cen0, b = t(c["x"]), torch.tensor(c["y"]), t(c["centers"]), c["batch"]
    alpha, lam = c["alpha"], c["lambda"]
    out = {}
    # Flock's loss and feature gradient: autograd of lambda * Eq. 2.
    x = x0.clone().requires_grad_()
    loss = (x - cen0[y]).pow(2).sum() / (2.0 * b)
    (gx,) = torch.autograd.grad(lam * loss, x)
    out["loss"], out["grad_x"] = float(loss), gx.numpy()
    out["class_counts"] = torch.bincount(y, minlength=c["classes"]).double().numpy()
    # Seed port: loss_weight * centerloss(label, feat); backward; SGD(lr=alpha) on its centers.
    seed = SeedCenterLoss(cen0)
    x = x0.clone().requires_grad_()
    total = lam * seed(y, x)
    opt = torch.optim.SGD(seed.parameters(), lr=alpha)
    opt.zero_grad()
    total.backward()
    out["grad_c_seed"] = seed.centers.grad.clone().numpy()
    assert np.allclose(x.grad.numpy(), gx.numpy(), rtol=1e-12, atol=1e-15), "seed port feature gradient"
    opt.step()
    out["centers_seed"] = seed.centers.detach().numpy().copy()
    out["delta_c"] = out["grad_c_seed"] * b  # the port's backward is Eq. 4's delta / B
    out["centers_eq4"] = cen0.numpy() - alpha * out["delta_c"]
    # KaiyangZhou: weight_cent = lambda / 2 (its loss has no 1/2); grad *= 1/weight_cent; SGD(lr=alpha).
    w = lam / 2.0
    kai = KaiyangCenterLoss(cen0)
    x = x0.clone().requires_grad_()
    opt = torch.optim.SGD(kai.parameters(), lr=alpha)
    opt.zero_grad()
    (kai(x, y) * w).backward()
    assert np.allclose(x.grad.numpy(), gx.numpy(), rtol=1e-9, atol=1e-14), "KaiyangZhou feature gradient (lambda = 2w)"
    for p in kai.parameters():
        p.grad.data *= (1.0 / w)
    out["grad_c_kaiyang"] = kai.centers.grad.clone().numpy()
    opt.step()
    out["centers_kaiyang"] = kai.centers.detach().numpy().copy()
    # caffe-face: the layer's centers diff, then the SGD solver's history update (lr_mult 1, decay_mult 0).
    diff = caffe_backward_centers(c["x"], c["y"], c["centers"])
    history = c["velocity"].copy()
    history = c["lr"] * diff + c["momentum"] * history  # caffe_cpu_axpby(local_rate, diff, momentum, history)
    out["velocity_caffe"] = history
    out["centers_caffe"] = c["centers"] - history  # Blob::Update: data -= diff (= history)
    # And the shared rule module (used by crosscheck.py and pytorch_reference.py) says the same.
    for rule in ("eq4", "seed", "kaiyang", "caffe"):
        got, v = center_step(rule, cen0, x0, y, alpha=alpha, lam=lam, lr=c["lr"], momentum=c["momentum"],
                             velocity=t(c["velocity"]))
        want = out[f"centers_{rule}"]
        assert np.allclose(got.numpy(), want, rtol=1e-12, atol=1e-14), f"center_rules.{rule}"
        if rule == "caffe":
            assert np.allclose(v.numpy(), out["velocity_caffe"], rtol=1e-12, atol=1e-14)
    return out


def worst(a, b) -> float:
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))) if a.size else 0.0


def build() -> dict:
    cases = []
    for i, spec in enumerate(CASES):
        c = make_inputs(i, *spec)
        cf, src = closed_form(c), via_sources(c)
        for key in KEYS:
            a, b = np.asarray(cf[key], np.float64), np.asarray(src[key], np.float64)
            if not np.allclose(a, b, rtol=1e-12, atol=1e-15):
                sys.exit(f"golden.py: {c['name']} {key}: closed form and source path disagree (worst rel {worst(a, b):.3g})")
        cases.append({
            **{k: c[k] for k in ("name", "batch", "classes", "dim", "alpha", "lambda", "lr", "momentum")},
            "x": c["x"].tolist(), "y": c["y"].tolist(), "centers": c["centers"].tolist(),
            "velocity": c["velocity"].tolist(),
            "expect": {k: (cf[k] if k == "loss" else np.asarray(cf[k]).tolist()) for k in KEYS},
        })
    return {"description": DESCRIPTION, "generator": "bench/reference/golden.py", "cases": cases}


def check_external() -> None:
    if not os.path.isfile(EXTERNAL):
        print(f"golden.py: note: {os.path.relpath(EXTERNAL, ROOT)} absent; external cross-check skipped", file=sys.stderr)
        return
    ext = json.load(open(EXTERNAL))
    n = 0
    for e in ext["cases"]:
        c = {**e, "x": np.array(e["x"], np.float64), "y": np.array(e["y"], np.int64),
             "centers": np.array(e["centers"], np.float64), "velocity": np.zeros((e["classes"], e["dim"])),
             "lr": 0.0, "momentum": 0.0}
        cf = closed_form(c)
        for key in ("loss", "grad_x", "class_counts", "delta_c", "centers_eq4"):
            if not np.allclose(cf[key], np.asarray(e["expect"][key], np.float64), rtol=1e-7, atol=1e-11):
                sys.exit(f"golden.py: external {e['name']} {key} disagrees with the closed form")
            n += 1
        # its grad_c_autograd = lambda * S / B: the KaiyangZhou step is c - alpha * 2 * S / B
        if e["lambda"] != 0:
            # (the external file keeps about 9 significant digits: compare before dividing by lambda)
            want = e["lambda"] * (c["centers"] - cf["centers_kaiyang"]) / (2.0 * c["alpha"])
            if not np.allclose(np.asarray(e["expect"]["grad_c_autograd"], np.float64), want, rtol=1e-7, atol=1e-12):
                sys.exit(f"golden.py: external {e['name']} grad_c_autograd disagrees")
            n += 1
    print(f"golden.py: external fixture agrees ({len(ext['cases'])} cases, {n} checks)", file=sys.stderr)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=OUT)
    p.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    data = build()
    check_external()
    if a.check:
        old = json.load(open(a.out))
        if len(old["cases"]) != len(data["cases"]):
            sys.exit(f"golden.py: {a.out} has {len(old['cases'])} cases, expected {len(data['cases'])}")
        for o, c in zip(old["cases"], data["cases"]):
            for k in KEYS:
                if not np.allclose(np.asarray(o["expect"][k], np.float64), np.asarray(c["expect"][k], np.float64), rtol=1e-12, atol=1e-15):
                    sys.exit(f"golden.py: {a.out}: {c['name']} {k} differs from a fresh computation")
        print(f"golden.py: {os.path.relpath(a.out, ROOT)} matches ({len(data['cases'])} cases)", file=sys.stderr)
        return 0
    write_cases(a.out, data, "golden.py", ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
