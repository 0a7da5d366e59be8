#!/usr/bin/env python3
"""Records a training run of the PyTorch reference for replay in the app (software GPUs and fallbacks,
where a CNN trains too slowly to show the paper's picture live).

Trains the preset that the app's Auto picks on a real GPU (presets.json "auto.gpu") at its defaults
(presets.json), both runs from the same initial weights and centers on the same batches, exactly as
bench/reference/pytorch_reference.py does (it imports that file's code), and writes
public/recordings/<model>.json:

  {"format": "flock-recording", "version": 1, "madeBy", "torch", "date", "model",
   "settings": {optimizer, lr, lambda, alpha, batch, seed, update, weightDecay, warmupSteps},
   "probe": [test-set indices: the app's stratifiedProbe(test labels, N, PROBE_SEED 2016), sorted by class then index],
   "runs": [{"id": "softmax", "lambda": 0}, {"id": "center", "lambda": λ}],
   "frames": [{"step", "runs": {<id>: {"scale": s, "points": base64 little-endian Int16Array N*2
               (round(x / s * 32767), x0,y0,x1,y1,...; s = max |coordinate| of that run's points in that frame),
               "predictions": base64 Uint8Array N, "centers": [c0x,c0y,...,c9y], "accuracy": probe accuracy,
               "softmaxLoss": last batch's cross-entropy, "centerLoss": last batch's raw L_C}}}]}

At step 0 (before any training) the losses are those of the first batch. Frames: step 0, every 10 steps
to 200, every 25 to 1,000, every 50 after that.

The shipped file was made with (Debian's torch 1.13 on CPU; one thread makes it reproducible):

    /usr/bin/python3 bench/reference/record.py --steps 1500

Options only override what presets.json says (see --help); the defaults are the app's defaults.
"""
from __future__ import annotations

import argparse
import base64
import datetime as _dt
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_reference as R  # noqa: E402  (exits with a hint when torch is missing)
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def frame_steps(total: int) -> list[int]:
    """0, every 10 to 200, every 25 to 1,000, every 50 after; the last step always."""
    steps = [0] + list(range(10, min(200, total) + 1, 10)) + list(range(225, min(1000, total) + 1, 25)) \
        + list(range(1050, total + 1, 50))
    if steps[-1] != total:
        steps.append(total)
    return steps


def b64(a: np.ndarray) -> str:
    return base64.b64encode(a.tobytes()).decode("ascii")


def run_frame(run, px: torch.Tensor, py: np.ndarray, chunk: int, losses: tuple[float, float]) -> dict:
    feat, pred = R.embed(run.net, px, chunk)
    feat = np.nan_to_num(feat.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    s = float(np.abs(feat).max()) if feat.size else 0.0
    s = s if s > 0 else 1.0
    q = np.clip(np.round(feat / s * 32767), -32767, 32767).astype("<i2").reshape(-1)
    return {
        "scale": s,
        "points": b64(q),
        "predictions": b64(pred.astype(np.uint8)),
        "centers": [round(float(v), 6) for v in run.centers.reshape(-1).tolist()],
        "accuracy": float((pred == py).mean()),
        "softmaxLoss": float(losses[0]),
        "centerLoss": float(losses[1]),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--model", choices=list(R.MODELS), default=R.PRESETS["auto"]["gpu"])
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--probe-size", type=int, default=1000, help="probe digits (the app's stratified selection)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=None, help="default public/recordings/<model>.json")
    a = ap.parse_args(argv)
    # Everything else (lr, batch, warm-up, λ, α, optimizer) comes from presets.json via the reference's parser.
    args = R.parse_args(["--model", a.model, "--steps", str(a.steps), "--seed", str(a.seed),
                         "--threads", str(a.threads), "--probe-size", str(a.probe_size)])
    torch.set_num_threads(args.threads)
    data = R.load_mnist(args.data_dir)
    probe = R.probe_indices(data["test_labels"], args.probe_size)
    px, py = data["test_images"].index_select(0, probe), data["test_labels"][probe].numpy()

    stages, hidden, _ = R.MODELS[args.model]
    torch.manual_seed(args.seed)  # the same init as pytorch_reference.py's main()
    net0 = R.Net(stages, hidden)
    gen = torch.Generator().manual_seed(args.seed)
    centers0 = torch.randn(R.NUM_CLASSES, R.EMBED_DIM, generator=gen)
    net1 = R.Net(stages, hidden)
    net1.load_state_dict(net0.state_dict())
    runs = [R.Run("softmax", net0, centers0, args, 0.0), R.Run("center", net1, centers0, args, args.lam)]

    xs, ys = data["train_images"], data["train_labels"]
    # Step-0 losses: the first batch, before any step (a separate batcher, so the batch order is untouched).
    _, idx0 = R.Batcher(ys.shape[0], args.batch, args.seed).next()
    x0, y0 = xs.index_select(0, torch.from_numpy(idx0)), ys.index_select(0, torch.from_numpy(idx0))
    with torch.no_grad():
        for r in runs:
            feat, logits = r.net(x0)
            r.last = (F.cross_entropy(logits, y0).item(), R.CenterLossFn.apply(feat, y0, r.centers).item())

    want = set(frame_steps(args.steps))
    frames = []
    t0 = time.perf_counter()
    batcher = R.Batcher(ys.shape[0], args.batch, args.seed)
    for step in range(args.steps + 1):
        if step in want:
            frames.append({"step": step, "runs": {r.name: run_frame(r, px, py, args.eval_chunk, r.last) for r in runs}})
            f = frames[-1]["runs"]
            print(f"  step {step}  {time.perf_counter() - t0:.0f}s  probe accuracy "
                  f"{100 * f['softmax']['accuracy']:.1f} % / {100 * f['center']['accuracy']:.1f} %", file=sys.stderr, flush=True)
        if step == args.steps:
            break
        epoch, idx = batcher.next()
        it = torch.from_numpy(idx)
        x, y = xs.index_select(0, it), ys.index_select(0, it)
        for r in runs:
            r.step(x, y, epoch)

    made_by = "bench/reference/record.py" + ("" if argv is None and len(sys.argv) == 1 else " " + " ".join(argv if argv is not None else sys.argv[1:]))
    rec = {
        "format": "flock-recording", "version": 1,
        "madeBy": made_by, "torch": torch.__version__,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "model": args.model,
        "settings": {"optimizer": args.optimizer, "lr": args.lr, "lambda": args.lam, "alpha": args.alpha,
                     "batch": args.batch, "seed": args.seed, "update": getattr(args, "update", "eq4"),
                     "weightDecay": R.WEIGHT_DECAY, "warmupSteps": args.warmup_steps},
        "probe": [int(v) for v in probe.tolist()],
        "runs": [{"id": "softmax", "lambda": 0}, {"id": "center", "lambda": args.lam}],
        "frames": frames,
    }
    out = a.out or os.path.join(R.ROOT, "public", "recordings", f"{args.model}.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(rec, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(out, R.ROOT)}: {len(frames)} frames, {os.path.getsize(out) / 1e6:.2f} MB, "
          f"{time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
