#!/usr/bin/env python3
"""Writes tests/fixtures/loss-golden.json: golden vectors for the discriminative-loss family (issue 15) and
their gradients, for src/train/losses/*.ts (tests/losses.test.ts).

Each loss and its gradients are computed in float64 with PyTorch autograd, from formulas written here on
their own (an independent form where one exists: ArcFace through acos, contrastive-center per sample with
the inter-class sum as total minus own), and the bench's own losses.py (what pytorch_reference.py trains)
must agree with them to 1e-10:
  contrastive-center  L = (1/B) sum_i 0.5 |x_i - c_yi|^2 / (sum_{j != yi} |x_i - c_j|^2 + delta)   -> L, dL/dx, dL/dc
  ring                L = (1/B) sum_i 0.5 (|x_i| - R)^2                                         -> L, dL/dx, dL/dR,
                      init = mean_i |x_i| (R's value before the first step)
  normface            CE(s cos theta)                       cos theta_ij = x_i.w_j / (|x_i| |w_j|), w: [D,K]
  cosface             CE(s (cos theta - m onehot))
  arcface             CE(s psi(theta_y) on the true class, s cos theta elsewhere),
                      psi = cos(theta + m) if theta + m < pi else cos theta - sin(pi - m) m    (insightface th/mm)
                      -> for each head: L, dL/dx, dL/dw, training logits; arcface also the fallback count.
CE is softmax cross-entropy averaged over the batch. Inputs are drawn with a seeded numpy generator and
rounded to float32 (the app's dtype) before anything is computed.

Usage: /usr/bin/python3 bench/reference/losses_golden.py [--out PATH] [--check]
  --check: recompute and compare with the file instead of writing it (exit 1 on a difference).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_io import write_cases  # noqa: E402
import losses as L  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "loss-golden.json")
HEADS = ["normface", "cosface", "arcface"]

# name, batch, classes, dim, s, m, delta, R, labels
CASES = [
    ("small", 16, 10, 2, 10.0, 0.2, 1.0, 3.0, "all"),
    ("batch-64", 64, 10, 2, 20.0, 0.15, 1.0, 5.0, "all"),
    ("arc-fallback", 32, 10, 2, 5.0, 0.5, 1.0, 2.0, "all"),
    ("class-absent", 12, 10, 2, 10.0, 0.1, 0.5, 4.0, "absent"),
    ("dim-3", 24, 10, 3, 16.0, 0.3, 2.0, 1.5, "all"),
    ("delta-small", 20, 10, 2, 30.0, 0.05, 0.01, 0.5, "all"),
]


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def make_inputs(i, name, b, k, d, s, m, delta, radius, pattern):
    rng = np.random.default_rng(1507 + i)
    y = rng.integers(0, k, size=b) if pattern == "all" else rng.choice([j for j in range(k) if j not in (2, 7)], size=b)
    return {"name": name, "batch": b, "classes": k, "dim": d, "s": s, "m": m, "delta": delta, "radius": radius,
            "x": f32(rng.normal(0.0, 3.0, size=(b, d))), "y": y.astype(np.int64),
            "centers": f32(rng.normal(0.0, 2.0, size=(k, d))), "w": f32(rng.normal(0.0, 1.0, size=(d, k)))}


def t(a, grad=True):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


def ce(logits, y):
    return -(logits.log_softmax(1).gather(1, y.unsqueeze(1))).mean()


# ----------------------------------------------------------------- independent float64 forms
def ctc_direct(x, y, c, delta):
    per = []
    for i in range(x.shape[0]):
        d2 = ((x[i] - c) ** 2).sum(1)
        own = d2[y[i]]
        per.append(0.5 * own / (d2.sum() - own + delta))
    return torch.stack(per).mean()


def ring_direct(x, radius):
    return 0.5 * ((torch.linalg.norm(x, dim=1) - radius) ** 2).mean()


def head_logits_direct(head, x, w, y, s, m):
    cos = torch.nn.functional.normalize(x, dim=1) @ torch.nn.functional.normalize(w, dim=0)
    if head == "normface":
        return s * cos, 0
    onehot = torch.nn.functional.one_hot(y, cos.shape[1]).to(torch.float64)
    if head == "cosface":
        return s * (cos - m * onehot), 0
    theta = torch.acos(cos)
    fallback = theta + m >= math.pi
    psi = torch.where(fallback, cos - math.sin(math.pi - m) * m, torch.cos(theta + m))
    return s * torch.where(onehot > 0, psi, cos), int((fallback & (onehot > 0)).sum())


def compute(c: dict) -> dict:
    y = torch.tensor(c["y"])
    out = {}
    x, cen = t(c["x"]), t(c["centers"])
    loss = ctc_direct(x, y, cen, c["delta"])
    gx, gc = torch.autograd.grad(loss, [x, cen])
    out["contrastive-center"] = {"loss": loss.item(), "grad_x": gx, "grad_c": gc}
    x, r = t(c["x"]), t(c["radius"])
    loss = ring_direct(x, r)
    gx, gr = torch.autograd.grad(loss, [x, r])
    out["ring"] = {"loss": loss.item(), "grad_x": gx, "grad_r": gr.item(),
                   "init": float(np.linalg.norm(c["x"], axis=1).mean())}
    for head in HEADS:
        x, w = t(c["x"]), t(c["w"])
        logits, fallback = head_logits_direct(head, x, w, y, c["s"], c["m"])
        loss = ce(logits, y)
        gx, gw = torch.autograd.grad(loss, [x, w])
        out[head] = {"loss": loss.item(), "grad_x": gx, "grad_w": gw, "logits": logits.detach()}
        if head == "arcface":
            out[head]["fallback"] = fallback
    return out


def via_reference(c: dict) -> dict:
    """The same quantities through bench/reference/losses.py (the PyTorch reference's training code)."""
    y = torch.tensor(c["y"])
    out = {}
    x, cen = t(c["x"]), t(c["centers"])
    loss = L.contrastive_center_loss(x, y, cen, c["delta"])
    out["contrastive-center"] = {"loss": loss.item(), **dict(zip(["grad_x", "grad_c"], torch.autograd.grad(loss, [x, cen])))}
    x, r = t(c["x"]), t(c["radius"])
    loss = L.ring_loss(x, r)
    gx, gr = torch.autograd.grad(loss, [x, r])
    out["ring"] = {"loss": loss.item(), "grad_x": gx, "grad_r": gr.item(), "init": L.safe_norm(t(c["x"], False)).mean().item()}
    for head in HEADS:
        x, w = t(c["x"]), t(c["w"])
        logits = L.margin_logits(head, L.cosines(x, w), y, c["s"], c["m"])
        loss = torch.nn.functional.cross_entropy(logits, y)
        gx, gw = torch.autograd.grad(loss, [x, w])
        out[head] = {"loss": loss.item(), "grad_x": gx, "grad_w": gw, "logits": logits.detach()}
    return out


def plain(v):
    return v.tolist() if isinstance(v, (torch.Tensor, np.ndarray)) else v


def build() -> dict:
    cases = []
    for i, spec in enumerate(CASES):
        c = make_inputs(i, *spec)
        exp, ref = compute(c), via_reference(c)
        for loss, vals in ref.items():
            for key, v in vals.items():
                a, b = np.asarray(plain(exp[loss][key]), np.float64), np.asarray(plain(v), np.float64)
                if not np.allclose(a, b, rtol=1e-10, atol=1e-13):
                    sys.exit(f"losses_golden.py: {c['name']} {loss} {key}: losses.py disagrees with the direct form")
        cases.append({
            **{k: c[k] for k in ("name", "batch", "classes", "dim", "s", "m", "delta", "radius")},
            **{k: c[k].tolist() for k in ("x", "y", "centers", "w")},
            "expect": {loss: {k: plain(v) for k, v in vals.items()} for loss, vals in exp.items()},
        })
    if not any(cc["expect"]["arcface"]["fallback"] > 0 for cc in cases):
        sys.exit("losses_golden.py: no case exercises ArcFace's theta + m > pi fallback")
    desc = "Golden vectors for src/train/losses/*.ts, written by bench/reference/losses_golden.py (float64, PyTorch autograd; see its docstring for the formulas)."
    return {"description": desc, "generator": "bench/reference/losses_golden.py", "cases": cases}


def flat(v):
    return np.asarray(v, np.float64).ravel()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=OUT)
    p.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    data = build()
    if a.check:
        old = json.load(open(a.out))
        if [c["name"] for c in old["cases"]] != [c["name"] for c in data["cases"]]:
            sys.exit(f"losses_golden.py: {a.out}: cases differ from {[c['name'] for c in data['cases']]}")
        for o, c in zip(old["cases"], data["cases"]):
            for k in ("x", "y", "centers", "w"):
                if not np.array_equal(flat(o[k]), flat(c[k])):
                    sys.exit(f"losses_golden.py: {a.out}: {c['name']} input {k} differs from a fresh draw")
            for loss, vals in c["expect"].items():
                for key, v in vals.items():
                    if not np.allclose(flat(o["expect"][loss][key]), flat(v), rtol=1e-12, atol=1e-15):
                        sys.exit(f"losses_golden.py: {a.out}: {c['name']} {loss} {key} differs from a fresh computation")
        print(f"losses_golden.py: {os.path.relpath(a.out, ROOT)} matches ({len(data['cases'])} cases)", file=sys.stderr)
        return 0
    write_cases(a.out, data, "losses_golden.py", ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
