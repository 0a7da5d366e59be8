"""Flock's named center-update rules, in float64 PyTorch (the formulas, written from each source).

Shared by golden.py (the golden vectors), crosscheck.py (trajectories against each source's own
code) and pytorch_reference.py (--update). src/train/centerLoss.ts implements the same rules.

With S_j = sum_{i: y_i = j} (c_j - x_i), n_j = #{i: y_i = j}, batch size B:

  eq4      "Eq. 4 (paper)"      c_j <- c_j - alpha * S_j / (1 + n_j)
  seed     "seed port"          c_j <- c_j - alpha * S_j / ((1 + n_j) * B)
             jxgu1016/MNIST_center_loss_pytorch CenterLoss.py: CenterlossFunc.backward returns
             grad_centers / batch_size (Eq. 4's delta divided by B, NOT multiplied by grad_output,
             so lambda does not enter), applied by optim.SGD(centerloss.parameters(), lr=0.5):
             alpha is that lr.
  kaiyang  "KaiyangZhou"        c_j <- c_j - alpha * 2 * S_j / B
             KaiyangZhou/pytorch-center-loss center_loss.py + main.py: autograd of
             weight_cent * sum clamp(||x - c||^2) / B gives 2 * weight_cent * S_j / B; main.py
             multiplies it by 1 / weight_cent and applies optim.SGD(lr=lr_cent=0.5): alpha is lr_cent.
             Its loss is sum ||x - c||^2 / B (no 1/2), so its weight_cent w is Flock's lambda = 2w.
             At weight_cent = 0 the source divides by zero (NaN centers); Flock applies the same
             lambda-free step. The clamp to [1e-12, 1e12] drops a sample only when its squared
             distance to its center is below 1e-12: not reproduced.
  caffe    "caffe-face solver"  diff_j = S_j / (1 + n_j)  (0 when lambda = 0: the layer is dropped)
                                v_j <- momentum * v_j + lr * diff_j,   c_j <- c_j - v_j
             ydwen/caffe-face src/caffe/layers/center_loss_layer.cpp Backward_cpu writes Eq. 4's
             delta as the centers' diff (no alpha, no loss_weight); the SGD solver applies it
             (sgd_solver.cpp ComputeUpdateValue: history = momentum * history + local_rate * diff;
             Blob::Update: data -= history) with the run's lr and its schedule, lr_mult 1,
             decay_mult 0 (mnist_train_test.prototxt). alpha is not used.
"""
from __future__ import annotations

import torch

RULES = ("eq4", "seed", "kaiyang", "caffe")
LABELS = {"eq4": "Eq. 4 (paper)", "seed": "seed port", "kaiyang": "KaiyangZhou", "caffe": "caffe-face solver"}


def sums_counts(centers: torch.Tensor, feat: torch.Tensor, y: torch.Tensor):
    """S [K,D] = sum_{i:y_i=j}(c_j - x_i) and n [K] (float)."""
    diff = centers.index_select(0, y) - feat
    sums = torch.zeros_like(centers).index_add_(0, y, diff)
    counts = torch.bincount(y, minlength=centers.shape[0]).to(centers.dtype)
    return sums, counts


def delta_c(centers, feat, y):
    """Eq. 4: S_j / (1 + n_j)."""
    s, n = sums_counts(centers, feat, y)
    return s / (1.0 + n).unsqueeze(1)


def center_step(rule: str, centers: torch.Tensor, feat: torch.Tensor, y: torch.Tensor, *,
                alpha: float, lam: float, lr: float = 0.0, momentum: float = 0.9,
                velocity: torch.Tensor | None = None):
    """One center update of `rule`. Returns (new centers, new velocity or None). Pure (no in-place)."""
    b = feat.shape[0]
    s, n = sums_counts(centers, feat, y)
    if rule == "eq4":
        return centers - alpha * s / (1.0 + n).unsqueeze(1), None
    if rule == "seed":
        return centers - alpha * s / ((1.0 + n).unsqueeze(1) * b), None
    if rule == "kaiyang":
        return centers - alpha * 2.0 * s / b, None
    if rule == "caffe":
        v = torch.zeros_like(centers) if velocity is None else velocity
        diff = s / (1.0 + n).unsqueeze(1) if lam != 0 else torch.zeros_like(centers)
        v = momentum * v + lr * diff
        return centers - v, v
    raise ValueError(f"unknown center update rule {rule!r}")
