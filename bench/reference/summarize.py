#!/usr/bin/env python3
"""Summarises the tuning runs (bench/reference/logs/tune/*.json) into bench/reference/logs/summary.md.

  summarize.py                 write logs/summary.md (one row per run, grouped by setting, seeds side by side)
  summarize.py --line FILE     print one result line for one run's JSON (used by tune.sh for logs/tune.txt)
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def pct(v):
    return "–" if v is None else f"{100 * v:.1f}"


def row(d: dict) -> dict:
    m, r, pic = d["meta"], d["runs"], d.get("picture", {})
    hist = pic.get("history") or [{}]
    return {
        "model": m["model"], "lr": m["lr"], "warmup": m.get("warmup_steps", 0), "lambda": m["lambda"],
        "alpha": m["alpha"], "batch": m["batch"], "seed": m["seed"], "steps": m["steps"],
        "stp": pic.get("steps_to_picture"), "sm": r["softmax"]["test_accuracy"], "ce": r["center"]["test_accuracy"],
        "ratio_test": r["center"]["test_compactness"] / r["softmax"]["test_compactness"],
        "ratio_probe": hist[-1].get("ratio"), "ms": (r["softmax"]["median_ms_per_step"] + r["center"]["median_ms_per_step"]) / 2,
        "probe": f"{m.get('probe_every')}×{m.get('probe', '').split(', ')[1] if ', ' in m.get('probe', '') else '?'}",
    }


def line(path: str) -> str:
    with open(path) as f:
        x = row(json.load(f))
    return (f"{x['model']} lr {x['lr']} W {x['warmup']} λ {x['lambda']} α {x['alpha']} batch {x['batch']} seed {x['seed']}: "
            f"steps-to-picture {x['stp'] if x['stp'] is not None else 'not formed'}; at {x['steps']} steps test acc "
            f"softmax {pct(x['sm'])} % / center {pct(x['ce'])} % (gap {100 * (x['sm'] - x['ce']):+.1f}); "
            f"compactness ratio {x['ratio_test']:.3f} (10k) {x['ratio_probe'] if x['ratio_probe'] is None else round(x['ratio_probe'], 3)} (probe); "
            f"{x['ms']:.0f} ms/step/run")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--line")
    ap.add_argument("--out", default=os.path.join(HERE, "logs", "summary.md"))
    a = ap.parse_args()
    if a.line:
        print(line(a.line))
        return 0
    rows = []
    for p in sorted(glob.glob(os.path.join(HERE, "logs", "tune", "*.json"))):
        with open(p) as f:
            rows.append((os.path.basename(p)[:-5], row(json.load(f))))
    out = ["# Tuning runs (bench/reference/tune.sh; raw lines in logs/tune.txt)", "",
           "Picture = center-loss compactness ≤ 0.5 × softmax-only's and both probe accuracies ≥ 90 % "
           "(src/train/presets.json). Accuracies: all 10,000 test digits at the last step. Ratio = center ÷ "
           "softmax compactness. PyTorch CPU, 1 thread.", "",
           "| run | model | Adam lr | warm-up | λ | α | batch | seed | steps | steps-to-picture | softmax acc | center acc | gap (pts) | ratio 10k | ms/step/run |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, x in rows:
        out.append(f"| {re.sub(r'-s[0-9]+$', '', name)} | {x['model']} | {x['lr']} | {x['warmup']} | {x['lambda']} | {x['alpha']} "
                   f"| {x['batch']} | {x['seed']} | {x['steps']} | {x['stp'] if x['stp'] is not None else 'not formed'} "
                   f"| {pct(x['sm'])} % | {pct(x['ce'])} % | {100 * (x['sm'] - x['ce']):+.1f} | {x['ratio_test']:.3f} | {x['ms']:.0f} |")
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {os.path.relpath(a.out)} ({len(rows)} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
