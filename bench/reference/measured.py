#!/usr/bin/env python3
"""Copies a tuning run's results into src/train/presets.json as that preset's "measured" block.

  measured.py PRESET RUN [--note TEXT]

RUN names runs of bench/reference/tune.sh: every logs/tune/RUN-s<seed>.json is read (one per seed).
The run's settings must be the preset's defaults in presets.json (checked), so the numbers the app
shows are the ones measured at the defaults it ships.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
PRESETS = os.path.join(ROOT, "src", "train", "presets.json")


def dump(obj, indent: int = 0) -> str:
    """JSON with objects broken over lines down to the presets, short leaves kept on one line."""
    pad = "  " * indent
    if isinstance(obj, dict) and (indent == 0 or len(json.dumps(obj, ensure_ascii=False)) > 110):
        items = [f'{pad}  {json.dumps(k)}: {dump(v, indent + 1)}' for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("preset")
    ap.add_argument("run")
    ap.add_argument("--note", default=None)
    a = ap.parse_args()
    with open(PRESETS, encoding="utf-8") as f:
        presets = json.load(f)
    p = presets["presets"][a.preset]
    files = sorted(glob.glob(os.path.join(HERE, "logs", "tune", f"{a.run}-s*.json")),
                   key=lambda s: int(re.search(r"-s(\d+)\.json$", s).group(1)))
    if not files:
        sys.exit(f"measured.py: no logs/tune/{a.run}-s*.json")
    runs = [json.load(open(f)) for f in files]
    d = presets["defaults"]
    for r in runs:
        m = r["meta"]
        want = {"model": a.preset, "optimizer": d["optimizer"], "lr": p["lr"], "lambda": d["lambda"],
                "alpha": d["alpha"], "batch": p["batch"], "warmup_steps": p["warmupSteps"]}
        got = {k: m.get(k) for k in want}
        if got != want:
            sys.exit(f"measured.py: {a.run} was run at {got}, the preset's defaults are {want}")
    steps = sorted({r["meta"]["steps"] for r in runs})
    m0 = runs[0]["meta"]
    out = {
        "steps": steps[0] if len(steps) == 1 else steps,
        "seeds": [r["meta"]["seed"] for r in runs],
        "stepsToPicture": [r["picture"]["steps_to_picture"] for r in runs],
        "softmaxAccuracy": [round(r["runs"]["softmax"]["test_accuracy"], 4) for r in runs],
        "centerAccuracy": [round(r["runs"]["center"]["test_accuracy"], 4) for r in runs],
        "ratio": [round(r["runs"]["center"]["test_compactness"] / r["runs"]["softmax"]["test_compactness"], 3)
                  for r in runs],
        "source": f"{os.path.relpath(files[0], ROOT).rsplit('-s', 1)[0]}-s*.json (bench/reference/tune.sh), "
                  f"torch {m0['torch']}, {m0['date'][:10]}; accuracy on all 10,000 test digits, "
                  f"picture on a {m0['probe'].split(', ')[1].split(',')[0] if ', ' in m0['probe'] else '?'}-digit probe every "
                  f"{m0['probe_every']} steps",
    }
    if a.note:
        out["note"] = a.note
    p["measured"] = out
    with open(PRESETS, "w", encoding="utf-8") as f:
        f.write(dump(presets) + "\n")
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
