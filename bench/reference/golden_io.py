"""Writing a golden-vector file, shared by golden.py and losses_golden.py: one line per case keeps the
file small and its diffs readable."""
from __future__ import annotations

import json
import os
import sys


def write_cases(out: str, data: dict, tag: str, root: str) -> None:
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write('{"description": ' + json.dumps(data["description"]) + ',\n "generator": '
                + json.dumps(data["generator"]) + ',\n "cases": [\n  '
                + ',\n  '.join(json.dumps(c, separators=(",", ":")) for c in data["cases"]) + '\n ]\n}\n')
    print(f"{tag}: wrote {os.path.relpath(out, root)} ({len(data['cases'])} cases)", file=sys.stderr)
