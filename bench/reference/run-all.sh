#!/usr/bin/env bash
# The runs behind the reference table, one training process at a time (2-core machine).
# Tables go to bench/reference/logs/<name>.md, progress to logs/<name>.log, JSON next to this file.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
logs="$here/logs"; mkdir -p "$logs"
go() {
  local name="$1"; shift
  echo "=== $name: $* ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$logs/all.log"
  "$here/run.sh" "$@" >"$logs/$name.md" 2>"$logs/$name.log"; echo "rc=$? ($(date -u +%T))" | tee -a "$logs/all.log"
}
FLOCK="--optimizer adam --lr 0.01 --lambda 0.3 --alpha 0.5"
PORT="--optimizer sgd --lr 0.001 --lambda 1 --alpha 0.5"
go tiny-adam-300   --model tiny $FLOCK --steps 300
go tiny-adam-1000  --model tiny $FLOCK --steps 1000
go tiny-sgd-300    --model tiny $PORT --steps 300
go tiny-sgd-1000   --model tiny $PORT --steps 1000
go small-adam-300  --model small $FLOCK --steps 300
# LeNet++ with the port's settings: as many steps as fit in ~4.5 minutes of training (+ eval).
go lenetpp-sgd     --model lenetpp $PORT --steps 400 --max-seconds ${LENETPP_SECONDS:-270}
