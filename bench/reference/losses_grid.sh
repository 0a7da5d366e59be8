#!/usr/bin/env bash
# The measurements behind presets.json "losses" (issue 15): softmax only + every loss of the family in one
# process per seed (same init, same batches), one torch thread, sequentially (a shared 2-core machine).
#   bench/reference/losses_grid.sh [MODEL] [STEPS]     default: tiny 1000; seeds: $SEEDS (default "1 2")
# The grid of configurations depends on the model (tiny, or small and larger). GRID="spec ..." replaces it.
# JSON in logs/losses/<model>-s<seed>.json, progress in .log, table in .md; summary: losses_table.py.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/logs/losses"; mkdir -p "$out"
py="${PYTHON:-/usr/bin/python3}"
model="${1:-tiny}"; steps="${2:-1000}"
case "$model" in
  tiny) grid=(center
    contrastive-center:lambda=1,alpha=100 contrastive-center:lambda=1,alpha=1000
    ring:lambda=0.1,ringLr=1 ring:lambda=1,ringLr=1
    normface:s=10
    cosface:s=10,m=0.1 cosface:s=20,m=0.15
    arcface:s=10,m=0.2 arcface:s=20,m=0.2) ;;
  # small: ~0.1 s per run-step on one loaded core, so 10 runs of 1,000 steps per seed (~23 min); the variants
  # are where tiny was weak (the cosine heads): a larger scale, and for CosFace/ArcFace a larger margin with it
  *) grid=(center
    contrastive-center:lambda=1,alpha=100
    ring:lambda=0.1,ringLr=1
    normface:s=10 normface:s=16
    cosface:s=10,m=0.1 cosface:s=16,m=0.15
    arcface:s=10,m=0.2 arcface:s=16,m=0.3) ;;
esac
[ -n "${GRID:-}" ] && read -r -a grid <<<"$GRID"
for s in ${SEEDS:-1 2}; do
  name="$model${TAG:+-$TAG}-s$s"
  echo "=== $(date -u +%FT%TZ) $name (load $(cut -d' ' -f1-3 /proc/loadavg))" >>"$out/grid.txt"
  (cd "$here/../.." && "$py" bench/reference/pytorch_reference.py --threads 1 --model "$model" --steps "$steps" \
     --seed "$s" --losses "${grid[@]}" ${EXTRA:-} --out "bench/reference/logs/losses/$name.json" >"$out/$name.md" 2>"$out/$name.log")
  echo "    rc=$? $(date -u +%FT%TZ)" >>"$out/grid.txt"
done
