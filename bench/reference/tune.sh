#!/usr/bin/env bash
# The measurements behind the presets' defaults in src/train/presets.json (issue 11), one training
# process at a time, one torch thread (a shared 2-core machine).
#   bench/reference/tune.sh GROUP...      e.g. bench/reference/tune.sh small tiny conv
# Each run: JSON in logs/tune/<name>.json, table in logs/tune/<name>.md, progress in logs/tune/<name>.log;
# one line per run (command + result) appended to logs/tune.txt. Summary: summarize.py -> logs/summary.md.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/logs/tune"; mkdir -p "$out"
py="${PYTHON:-/usr/bin/python3}"
STEPS="${STEPS:-1500}"
go() {  # go NAME ARGS...
  local name="$1"; shift
  local cmd="bench/reference/pytorch_reference.py --threads 1 --steps $STEPS $* --out bench/reference/logs/tune/$name.json"
  echo "=== $(date -u +%FT%TZ) $name: $cmd (load $(cut -d' ' -f1-3 /proc/loadavg))" >>"$here/logs/tune.txt"
  (cd "$here/../.." && "$py" $cmd >"$out/$name.md" 2>"$out/$name.log")
  local rc=$?
  echo "    rc=$rc $("$py" "$here/summarize.py" --line "$out/$name.json" 2>/dev/null)" >>"$here/logs/tune.txt"
}
seeds() {  # seeds NAME ARGS... : seeds 1 and 2
  local name="$1"; shift
  for s in ${SEEDS:-1 2}; do go "$name-s$s" "$@" --seed "$s"; done
}
for group in "$@"; do
  case "$group" in
    small)     seeds small-lr003-l03       --model small --lr 0.003 --lambda 0.3 --alpha 0.5 --warmup-steps 0 ;;
    small-w)   seeds small-lr003-l03-w100  --model small --lr 0.003 --lambda 0.3 --alpha 0.5 --warmup-steps 100 ;;
    small-5)   seeds small-lr005-l03-w100  --model small --lr 0.005 --lambda 0.3 --alpha 0.5 --warmup-steps 100 ;;
    small-l1)  seeds small-lr003-l01       --model small --lr 0.003 --lambda 0.1 --alpha 0.5 --warmup-steps 0 ;;
    small-l2)  seeds small-lr003-l02       --model small --lr 0.003 --lambda 0.2 --alpha 0.5 --warmup-steps 0 ;;
    tiny-b)    seeds tiny-lr003-l03-b512   --model tiny --lr 0.003 --lambda 0.3 --alpha 0.5 --warmup-steps 0 --batch 512
               seeds tiny-lr01-l03-b256    --model tiny --lr 0.01 --lambda 0.3 --alpha 0.5 --warmup-steps 0 --batch 256 ;;
    conv)      seeds conv-lr003-l03        --model conv --lr 0.003 --lambda 0.3 --alpha 0.5 --warmup-steps 0 ;;
    conv-01)   seeds conv-lr01-l03         --model conv --lr 0.01 --lambda 0.3 --alpha 0.5 --warmup-steps 0 ;;
    tiny)      seeds tiny-lr01-l03         --model tiny --lr 0.01 --lambda 0.3 --alpha 0.5 --warmup-steps 0
               seeds tiny-lr003-l03        --model tiny --lr 0.003 --lambda 0.3 --alpha 0.5 --warmup-steps 0
               seeds tiny-lr001-l03        --model tiny --lr 0.001 --lambda 0.3 --alpha 0.5 --warmup-steps 0
               seeds tiny-lr003-l03-b256   --model tiny --lr 0.003 --lambda 0.3 --alpha 0.5 --warmup-steps 0 --batch 256 ;;
    tiny-l)    seeds tiny-lr01-l01         --model tiny --lr 0.01 --lambda 0.1 --alpha 0.5 --warmup-steps 0
               seeds tiny-lr01-l003        --model tiny --lr 0.01 --lambda 0.03 --alpha 0.5 --warmup-steps 0 ;;
    # LeNet++: ~1.1 s per pair of steps here, so time-boxed (--max-seconds) with a 500-digit probe every 25 steps.
    lenetpp)   go lenetpp-lr001-l03-s1      --model lenetpp --lr 0.001 --lambda 0.3 --alpha 0.5 --warmup-steps 0 --seed 1 \
                 --probe-size 500 --probe-every 25 --max-seconds "${LENETPP_SECONDS:-720}" ;;
    lenetpp-w) go lenetpp-lr003-l03-w200-s1 --model lenetpp --lr 0.003 --lambda 0.3 --alpha 0.5 --warmup-steps 200 --seed 1 \
                 --probe-size 500 --probe-every 25 --max-seconds "${LENETPP_SECONDS:-720}" ;;
    lenetpp-2) go lenetpp-lr002-l03-w100-s1 --model lenetpp --lr 0.002 --lambda 0.3 --alpha 0.5 --warmup-steps 100 --seed 1 \
                 --probe-size 500 --probe-every 25 --max-seconds "${LENETPP_SECONDS:-720}" ;;
    *) echo "tune.sh: unknown group $group" >&2; exit 2 ;;
  esac
done
