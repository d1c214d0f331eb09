"""W2 with Alibi Detect: MMDDrift (PyTorch backend, CPU) on two .npy matrices, JSON out.

Runs in its own virtual environment (alibi-detect[torch]==0.13.0, torch 2.13.0 CPU; see
benchmarks/README.md). The detector is built on the reference (which infers the kernel's
sigma) and ``predict`` is timed alone: the test itself, as BENCHMARKS.md's figures are.

Usage: python alibi_w2.py REFERENCE.npy CURRENT.npy PERMUTATIONS OUT.json
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from alibi_detect.cd import MMDDrift


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    ref = np.load(argv[0]).astype(np.float32)
    cur = np.load(argv[1]).astype(np.float32)
    start = time.perf_counter()
    detector = MMDDrift(ref, backend="pytorch", p_val=0.05, n_permutations=int(argv[2]))
    built = time.perf_counter()
    result = detector.predict(cur)["data"]
    done = time.perf_counter()
    with Path(argv[3]).open("w", encoding="utf-8") as out:
        json.dump(
            {
                "build_seconds": built - start,
                "test_seconds": done - built,
                "statistic": float(result["distance"]),
                "p_value": float(result["p_val"]),
                "drifted": bool(result["is_drift"]),
            },
            out,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
