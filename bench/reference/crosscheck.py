#!/usr/bin/env python3
"""Cross-checks Flock's named center-update rules against each source's own training code, and writes
the trajectory the app's rule is checked against in Node (tests/centerRules.test.ts).

For each rule, two float64 PyTorch trainings run from the same initial weights and centers on the
same batches (a small MLP, 784 -> 8 -> 2 -> 10, PReLU, SGD lr 0.05 momentum 0.9 weight decay 5e-4,
lambda 0.5, alpha 0.5, STEPS steps):

  flock:  Flock's step (src/train/trainer.ts): explicit Eq. 3 gradient, optimiser step, then
          center_rules.center_step(rule) with the features of that step's forward pass.
  source: the source's own loop, its center-loss code written out faithfully:
    seed     jxgu1016/MNIST_center_loss_pytorch, CenterLoss.py (CenterLoss + CenterlossFunc) and
             MNIST_with_centerloss.py's loop: loss = nll + loss_weight * centerloss(target, ip1);
             optimizer4nn.step(); optimzer4center.step()  (optim.SGD(centerloss.parameters(), lr=alpha)).
    kaiyang  KaiyangZhou/pytorch-center-loss, center_loss.py (CenterLoss) and main.py's train():
             loss = xent + weight_cent * cent (weight_cent = lambda / 2); optimizer_model.step();
             param.grad *= 1 / weight_cent; optimizer_centloss.step() (optim.SGD(lr=alpha)).
    caffe    ydwen/caffe-face, src/caffe/layers/center_loss_layer.cpp (Forward_cpu / Backward_cpu,
             loss_weight lambda) and src/caffe/solvers/sgd_solver.cpp (ComputeUpdateValue:
             history = momentum * history + rate * diff; Blob::Update: data -= history) for the centers
             (lr_mult 1, decay_mult 0, the solver's lr = the run's lr); the network's weights use the
             same optimiser as Flock (the rule is about the centers).
    eq4      the paper's Eq. 4 has no code of its own beyond caffe-face; its trajectory is Flock's.
Trajectories (centers after every step, weights at the end) must agree to 1e-9 (they are float64).
The flock trajectories (inputs are reproduced from seeds with the app's mulberry32 PRNG, so the file
stays small) are written to tests/fixtures/center-rules-trajectory.json.

Usage: /usr/bin/python3 bench/reference/crosscheck.py [--check]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from center_rules import RULES, center_step  # noqa: E402
from golden import KaiyangCenterLoss, SeedCenterLoss  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "center-rules-trajectory.json")

CONFIG = {"seed": 7, "hidden": 8, "batch": 16, "steps": 25, "lr": 0.05, "momentum": 0.9,
          "weight_decay": 5e-4, "lambda": 0.5, "alpha": 0.5, "batch_seed0": 100}
K, D = 10, 2


# --------------------------------------------------------------- the app's PRNG and initial weights
def mulberry32(seed: int):
    a = seed & 0xFFFFFFFF

    def rand() -> float:
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296.0
    return rand


def layer_shapes(hidden: int):
    """src/train/model.ts layerShapes for an MLP preset with one hidden layer."""
    return [("fc1/w", (784, hidden), 784, "w"), ("fc1/b", (hidden,), 784, "b"), ("fc1/prelu", (), 0, "prelu"),
            ("ip1/w", (hidden, D), hidden, "w"), ("ip1/b", (D,), hidden, "b"), ("ip1/prelu", (), 0, "prelu"),
            ("ip2/w", (D, K), D, "w")]


def initial_weights(hidden: int, seed: int) -> dict[str, np.ndarray]:
    """src/train/model.ts initialWeights: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) in layer order, PReLU 0.25."""
    rand = mulberry32(seed)
    out = {}
    for name, shape, fan_in, kind in layer_shapes(hidden):
        n = int(np.prod(shape)) if shape else 1
        if kind == "prelu":
            vals = np.array([0.25], np.float32)
        else:
            bound = 1.0 / math.sqrt(fan_in)
            vals = np.array([(rand() * 2 - 1) * bound for _ in range(n)], np.float32)
        out[name] = vals.reshape(shape if shape else (1,))
    return out


def batch(seed: int, b: int):
    """tests/batches.ts batch(seed): uniform(-1, 1) float32 images, labels 0..9 cycling."""
    rand = mulberry32(seed)
    x = np.array([rand() * 2 - 1 for _ in range(b * 784)], np.float32).reshape(b, 784)
    return torch.tensor(x, dtype=torch.float64), torch.tensor([i % 10 for i in range(b)])


def centers0():
    """tests/batches.ts c0: sin(i), float32."""
    return torch.tensor(np.sin(np.arange(K * D)).astype(np.float32).reshape(K, D), dtype=torch.float64)


# ----------------------------------------------------------------------------------- network
class Mlp(torch.nn.Module):
    """Flock's MLP with its weight layout (x @ W + b, PReLU with one slope)."""

    def __init__(self, w: dict[str, np.ndarray]):
        super().__init__()
        self.p = torch.nn.ParameterDict({k.replace("/", "_"): torch.nn.Parameter(torch.tensor(v, dtype=torch.float64))
                                         for k, v in w.items()})

    def forward(self, x):
        p = self.p
        h = F.prelu(x @ p["fc1_w"] + p["fc1_b"], p["fc1_prelu"])
        feat = F.prelu(h @ p["ip1_w"] + p["ip1_b"], p["ip1_prelu"])
        return feat, feat @ p["ip2_w"]

    def flat(self) -> np.ndarray:
        return np.concatenate([self.p[k.replace("/", "_")].detach().numpy().ravel() for k, *_ in layer_shapes(CONFIG["hidden"])])


class FlockCenterLossFn(torch.autograd.Function):
    """Flock's L_C: sum ||x - c_y||^2 / (2B); d/dx = (x - c_y)/B (Eq. 3); no gradient to c."""

    @staticmethod
    def forward(ctx, x, y, centers):
        diff = x - centers.index_select(0, y)
        ctx.save_for_backward(diff)
        return diff.pow(2).sum() / (2.0 * x.shape[0])

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        return grad * diff / diff.shape[0], None, None


class CaffeCenterLossLayer(torch.autograd.Function):
    """ydwen/caffe-face center_loss_layer.cpp: Forward_cpu (loss = dot(D, D) / M / 2) and Backward_cpu
    (bottom diff = top_diff / M * D; the centers' diff from the per-class loop, not scaled by top_diff)."""

    @staticmethod
    def forward(ctx, bottom, label, center, center_diff_out):
        distance = bottom - center.index_select(0, label)  # D(i,:) = X(i,:) - C(y(i),:)
        ctx.save_for_backward(distance, label)
        ctx.center_diff_out = center_diff_out
        return distance.pow(2).sum() / bottom.shape[0] / 2.0

    @staticmethod
    def backward(ctx, top_diff):
        distance, label = ctx.saved_tensors
        m_ = distance.shape[0]
        cd = ctx.center_diff_out
        for n in range(cd.shape[0]):
            count = 0
            variation_sum = torch.zeros(cd.shape[1], dtype=cd.dtype)
            for m in range(m_):
                if int(label[m]) == n:
                    count += 1
                    variation_sum = variation_sum - distance[m]
            cd[n] += (1.0 / (count + 1.0)) * variation_sum
        return top_diff / m_ * distance, None, None, None


# ------------------------------------------------------------------------------------ training
def model_optimizer(net):
    return torch.optim.SGD(net.parameters(), lr=CONFIG["lr"], momentum=CONFIG["momentum"],
                           weight_decay=CONFIG["weight_decay"])


def run_flock(rule: str):
    net = Mlp(initial_weights(CONFIG["hidden"], CONFIG["seed"]))
    opt = model_optimizer(net)
    c = centers0()
    v = torch.zeros_like(c)
    lam = CONFIG["lambda"]
    traj, losses = [], []
    for t in range(CONFIG["steps"]):
        x, y = batch(CONFIG["batch_seed0"] + t, CONFIG["batch"])
        feat, logits = net(x)
        ce = F.cross_entropy(logits, y)
        lc = FlockCenterLossFn.apply(feat, y, c)
        opt.zero_grad()
        (ce + lam * lc).backward()
        opt.step()
        with torch.no_grad():
            c, v2 = center_step(rule, c, feat.detach(), y, alpha=CONFIG["alpha"], lam=lam, lr=CONFIG["lr"],
                                momentum=CONFIG["momentum"], velocity=v)
            v = v2 if v2 is not None else v
        traj.append(c.numpy().ravel().copy())
        losses.append([float(ce), float(lc)])
    return np.array(traj), net.flat(), np.array(losses)


def run_source(rule: str):
    net = Mlp(initial_weights(CONFIG["hidden"], CONFIG["seed"]))
    optimizer4nn = model_optimizer(net)
    lam, alpha = CONFIG["lambda"], CONFIG["alpha"]
    traj = []
    if rule == "seed":
        centerloss = SeedCenterLoss(centers0())
        optimzer4center = torch.optim.SGD(centerloss.parameters(), lr=alpha)
        for t in range(CONFIG["steps"]):
            data, target = batch(CONFIG["batch_seed0"] + t, CONFIG["batch"])
            ip1, logits = net(data)
            pred = F.log_softmax(logits, dim=1)
            loss = F.nll_loss(pred, target) + lam * centerloss(target, ip1)
            optimizer4nn.zero_grad()
            optimzer4center.zero_grad()
            loss.backward()
            optimizer4nn.step()
            optimzer4center.step()
            traj.append(centerloss.centers.detach().numpy().ravel().copy())
    elif rule == "kaiyang":
        weight_cent = lam / 2.0  # its loss has no 1/2: Flock's lambda = 2 * weight_cent
        criterion_cent = KaiyangCenterLoss(centers0())
        optimizer_centloss = torch.optim.SGD(criterion_cent.parameters(), lr=alpha)
        for t in range(CONFIG["steps"]):
            data, labels = batch(CONFIG["batch_seed0"] + t, CONFIG["batch"])
            features, outputs = net(data)
            loss_xent = F.cross_entropy(outputs, labels)
            loss_cent = criterion_cent(features, labels)
            loss_cent = loss_cent * weight_cent
            loss = loss_xent + loss_cent
            optimizer4nn.zero_grad()
            optimizer_centloss.zero_grad()
            loss.backward()
            optimizer4nn.step()
            for param in criterion_cent.parameters():
                param.grad.data *= (1. / weight_cent)
            optimizer_centloss.step()
            traj.append(criterion_cent.centers.detach().numpy().ravel().copy())
    elif rule == "caffe":
        center = centers0()
        history = torch.zeros_like(center)
        for t in range(CONFIG["steps"]):
            data, label = batch(CONFIG["batch_seed0"] + t, CONFIG["batch"])
            center_diff = torch.zeros_like(center)  # Net::ClearParamDiffs
            ip1, logits = net(data)
            loss = F.cross_entropy(logits, label) + lam * CaffeCenterLossLayer.apply(ip1, label, center, center_diff)
            optimizer4nn.zero_grad()
            loss.backward()
            optimizer4nn.step()
            rate = CONFIG["lr"] * 1.0  # solver lr x lr_mult 1; decay_mult 0: no Regularize
            history = rate * center_diff + CONFIG["momentum"] * history  # caffe_cpu_axpby
            center = center - history  # Blob::Update
            traj.append(center.numpy().ravel().copy())
    else:
        return None
    return np.array(traj), net.flat()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the stored file instead of writing it")
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    out = {"description": "Center trajectories of Flock's named rules (bench/reference/crosscheck.py), float64; "
                          "inputs from the app's mulberry32: initialWeights(MLP 784-8-2, seed), batch(batch_seed0 + t) of "
                          "tests/batches.ts, c0 = sin(i). centers[t] = the centers after step t+1; losses[t] = [CE, L_C] of step t+1.",
           "generator": "bench/reference/crosscheck.py", "config": CONFIG, "rules": {}}
    for rule in RULES:
        traj, w, losses = run_flock(rule)
        src = run_source(rule)
        if src is not None:
            st, sw = src
            dc = float(np.max(np.abs(st - traj) / (np.abs(traj) + 1e-12)))
            dw = float(np.max(np.abs(sw - w) / (np.abs(w) + 1e-12)))
            moved = float(np.max(np.abs(traj[-1] - centers0().numpy().ravel())))
            print(f"crosscheck.py: {rule:8s} source vs Flock over {CONFIG['steps']} steps: centers rel {dc:.2e}, "
                  f"weights rel {dw:.2e} (centers moved up to {moved:.3f})", file=sys.stderr)
            if not (dc < 1e-9 and dw < 1e-9):
                sys.exit(f"crosscheck.py: {rule}: Flock's rule does not reproduce the source's code")
        else:
            print(f"crosscheck.py: {rule:8s} (formula only; no separate source code)", file=sys.stderr)
        out["rules"][rule] = {"centers": traj.tolist(), "final_weights_tail": w[-(CONFIG['hidden'] * D + D + 1 + D * K):].tolist(),
                              "losses": losses.tolist()}
    # The rules give different trajectories (so the Node check distinguishes them).
    for r in RULES[1:]:
        diff = np.max(np.abs(np.array(out["rules"][r]["centers"]) - np.array(out["rules"]["eq4"]["centers"])))
        assert diff > 1e-3, r
    if a.check:
        old = json.load(open(OUT))
        for r in RULES:
            if not np.allclose(np.array(old["rules"][r]["centers"]), np.array(out["rules"][r]["centers"]), rtol=1e-12, atol=1e-14):
                sys.exit(f"crosscheck.py: {OUT}: rule {r} differs from a fresh computation")
        print(f"crosscheck.py: {os.path.relpath(OUT, ROOT)} matches", file=sys.stderr)
        return 0
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"crosscheck.py: wrote {os.path.relpath(OUT, ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
