#!/usr/bin/env bash
# PyTorch reference for Flock's benchmark table.
#   bench/reference/run.sh [pytorch_reference.py args...]
# With no args (or only --steps N): the preset the app's Auto picks on a real GPU, at the app's defaults
# (both from src/train/presets.json); prints the table and steps-to-picture.
# e.g. bench/reference/run.sh --model tiny --optimizer adam --lr 0.01 --lambda 0.3 --alpha 0.5 --steps 300
# Uses a python3 that can import torch; otherwise installs Debian's python3-torch (for /usr/bin/python3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

pick_python() {
  for py in "${PYTHON:-}" python3 /usr/bin/python3; do
    [ -n "$py" ] || continue
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import torch, numpy' >/dev/null 2>&1; then
      echo "$py"; return 0
    fi
  done
  return 1
}

if ! py="$(pick_python)"; then
  echo "run.sh: no python3 can import torch; installing python3-torch (Debian) ..." >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y python3-torch >&2 || {
    $sudo apt-get update >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y python3-torch >&2
  }
  py="$(pick_python)" || { echo "run.sh: python3-torch installed but no python3 imports torch" >&2; exit 1; }
fi
echo "run.sh: using $py ($("$py" -c 'import torch; print("torch", torch.__version__)'))" >&2
exec "$py" "$here/pytorch_reference.py" "$@"
