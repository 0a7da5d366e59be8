#!/usr/bin/env python3
"""Summarises bench/reference/logs/losses/<model>-s<seed>.json (losses_grid.sh) as markdown: every configuration
per seed, and the formula/source/default table of the family (defaults from presets.json "losses").
Usage: /usr/bin/python3 bench/reference/losses_table.py [MODEL ...] > bench/reference/logs/losses.md"""
from __future__ import annotations

import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PRESETS = json.load(open(os.path.join(HERE, "..", "..", "src", "train", "presets.json")))
FORMULA = {
    "center": ("½‖x − c_y‖² (centers by Eq. 4, α)", "Wen et al. 2016"),
    "contrastive-center": ("½‖x − c_y‖² / (Σ_{j≠y} ‖x − c_j‖² + δ), centers learned by gradient", "Qi & Su 2017, arXiv 1707.07391"),
    "ring": ("(λ/2)(‖x‖ − R)², R learned (lr_R), added to softmax", "Zheng et al. 2018, arXiv 1803.00130"),
    "normface": ("softmax over s·cos θ_j (x, W L2-normalised, no bias)", "Wang et al. 2017, arXiv 1704.06369"),
    "cosface": ("s·(cos θ_y − m) for the true class", "Wang et al. 2018, arXiv 1801.09414 / 1801.05599"),
    "arcface": ("s·cos(θ_y + m), fallback cos θ_y − m·sin m when θ_y + m > π", "Deng et al. 2019, arXiv 1801.07698"),
}


def fmt_steps(v):
    return "–" if v is None else str(v)


def spec_text(name: str, run: dict) -> str:
    if name == "center":
        return "λ 0.3, α 0.5 (Eq. 4)"
    sp = run["spec"]
    keys = {"contrastive-center": ["lambda", "alpha", "delta"], "ring": ["lambda", "ringLr"], "normface": ["s"],
            "cosface": ["s", "m"], "arcface": ["s", "m"]}[sp["loss"]]
    names = {"lambda": "λ", "alpha": "α", "delta": "δ", "ringLr": "lr_R", "s": "s", "m": "m"}
    return ", ".join(f"{names[k]} {sp[k]:g}" for k in keys)


def default_name(loss: str) -> str:
    """The run name (losses_grid.sh spec) of a loss's presets.json default."""
    if loss == "center":
        return "center"
    d = PRESETS["losses"][loss]
    keys = {"contrastive-center": ["lambda", "alpha"], "ring": ["lambda", "ringLr"], "normface": ["s"],
            "cosface": ["s", "m"], "arcface": ["s", "m"]}[loss]
    return loss + ":" + ",".join(f"{k}={d[k]:g}" for k in keys)


def load(model: str) -> dict[int, dict]:
    """The grid's JSON per seed for one model (logs/losses/<model>-s<seed>.json)."""
    files = sorted(glob.glob(os.path.join(HERE, "logs", "losses", f"{model}-s*.json")))
    return {int(re.search(r"-s(\d+)\.json$", f).group(1)): json.load(open(f)) for f in files}


def ratio(data: dict, name: str) -> str:
    """The run's compactness ratio against softmax only at the last probe (angular for the cosine heads)."""
    v = data["picture"]["history"][-1].get(name + "_ratio") if data["picture"]["history"] else None
    return "–" if v is None else f"{v:.3f}"


def low_probe(data: dict, name: str) -> str:
    """The run's lowest probe accuracy over the second half of training: a collapse or a stall shows here."""
    hist = data["picture"]["history"]
    half = hist[-1]["step"] / 2 if hist else 0
    vals = [h[name + "_acc"] for h in hist if h["step"] > half and h.get(name + "_acc") is not None]
    return "–" if not vals else f"{100 * min(vals):.1f} %"


def summary(model: str) -> None:
    data = load(model)
    seeds = sorted(data)
    if not seeds:
        return
    steps = data[seeds[0]]["meta"]["steps"]
    print(f"### The family at its defaults (`{model}`, {steps:,} steps, per seed {', '.join(map(str, seeds))})\n")
    print("| loss | formula (per sample) | source | default | steps-to-picture | accuracy@" + f"{steps}"
          + " | compactness ratio |")
    print("|---|---|---|---|---|---|---|")
    soft = " / ".join(f"{100 * data[s]['runs']['softmax']['test_accuracy']:.2f} %" for s in seeds)
    print(f"| softmax only | CE(W·x) | – | – | – | {soft} | 1 |")
    for loss, (formula, source) in FORMULA.items():
        name = default_name(loss)
        runs = [data[s]["runs"].get(name) for s in seeds]
        if any(r is None for r in runs):
            print(f"| {loss} | {formula} | {source} | {name} | not in this grid | | |")
            continue
        stp = " / ".join(fmt_steps(r.get("steps_to_picture")) for r in runs)
        acc = " / ".join(f"{100 * r['test_accuracy']:.2f} %" for r in runs)
        rat = " / ".join(ratio(data[s], name) for s in seeds)
        print(f"| {loss} | {formula} | {source} | {spec_text(name, runs[0])} | {stp} | {acc} | {rat} |")
    geo = " / ".join(f"{data[s]['runs']['softmax']['test_compactness']:.3f} Euclidean, "
                     f"{data[s]['runs']['softmax']['test_angular_compactness']:.3f} angular" for s in seeds)
    print(f"\nSoftmax only's compactness at the last step (10,000 test digits, per seed): {geo}.\n")


HEADER = """## The discriminative-loss family: measured defaults

Written by `bench/reference/losses_table.py` from `bench/reference/logs/losses/*.json`
(`bench/reference/losses_grid.sh`: the PyTorch reference trains softmax only plus one run per loss from the same
initial weights on the same batches, one process per seed, one torch thread). Formulas: `src/train/losses/`
(`bench/reference/losses.py` is the same in PyTorch); defaults and control ranges: `src/train/presets.json` "losses".
The cosine heads' rows below were measured before their recipe changed on 2026-12-02 (PReLU embedding, class
weights decayed); their current numbers, four seeds, are in `losses-cosine-recipe.md`.

Picture: the app's definition (presets.json "picture": the loss run's compactness ≤ 0.5 × softmax-only's, both
probe accuracies ≥ 90 %, probe of the app's 2,000 digits every 20 steps). For the cosine heads (NormFace, CosFace,
ArcFace) compactness is measured on the normalised features x/‖x‖ of both runs (angular compactness): their
logits depend on the angle only, so the radial spread they leave free says nothing about them, and the ratio
compares both runs in that geometry. Softmax-only features on 2-D MNIST are radial spokes that are already tight in
angle (each model's section gives softmax only's compactness in both geometries), which is a high bar.
"""


def main(models) -> int:
    print(HEADER)
    print(f"Defaults (presets.json \"losses\" $comment): {PRESETS['losses'].get('$comment', '–')}\n")
    for model in models:
        summary(model)
    for model in models:
        data = load(model)
        if not data:
            continue
        seeds = sorted(data)
        first = data[seeds[0]]
        meta = first["meta"]
        wall = ", ".join(f"s{s} {data[s]['meta']['train_wall_s'] / 60:.1f} min" for s in seeds)
        print(f"### `{model}`: every configuration ({meta['optimizer']} lr {meta['lr']}, batch {meta['batch']}, "
              f"{meta['steps']} steps, seeds {', '.join(map(str, seeds))}; torch {meta['torch']})\n")
        print("Steps-to-picture: first probe step (every 20) where the loss run's compactness ≤ 0.5 × softmax-only's "
              "and both probe accuracies ≥ 90 % (presets.json \"picture\"); cosine heads measured on x/‖x‖ "
              "(angular) for both runs. Accuracy: all 10,000 test digits at the last step. Ratio: probe, last step. "
              "Low: the lowest probe accuracy over the second half of training (a collapse or stall shows here). "
              f"Wall time per seed (training incl. probes): {wall} (one torch thread on a shared 2-core machine).\n")
        print("| loss | parameters | " + " | ".join(f"steps-to-picture s{s}" for s in seeds) + " | "
              + " | ".join(f"acc s{s}" for s in seeds) + " | " + " | ".join(f"ratio s{s}" for s in seeds) + " | "
              + " | ".join(f"low s{s}" for s in seeds) + " |")
        print("|---|---|" + "---|" * (4 * len(seeds)))
        soft = " | ".join(f"{100 * data[s]['runs']['softmax']['test_accuracy']:.2f} %" for s in seeds)
        print(f"| softmax only | – | " + " | ".join("–" for _ in seeds) + f" | {soft} | "
              + " | ".join("1" for _ in seeds) + " | " + " | ".join(low_probe(data[s], "softmax") for s in seeds) + " |")
        for name, run in first["runs"].items():
            if name == "softmax" or any(name not in data[s]["runs"] for s in seeds):
                continue
            loss = run.get("spec", {}).get("loss", "center")
            cells = [fmt_steps(data[s]["runs"][name].get("steps_to_picture")) for s in seeds]
            cells += [f"{100 * data[s]['runs'][name]['test_accuracy']:.2f} %" for s in seeds]
            cells += [ratio(data[s], name) for s in seeds]
            cells += [low_probe(data[s], name) for s in seeds]
            print(f"| {loss} | {spec_text(name, run)} | " + " | ".join(cells) + " |")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["tiny", "small"]))
