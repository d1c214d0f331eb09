"""W5 with Evidently 0.7: DataDriftPreset on several daily windows against one reference.

Runs in its own virtual environment (evidently==0.7.23, pandas==2.3.3; see benchmarks/README.md).
The reference is read (and wrapped in an Evidently Dataset) once; each window is then timed on
its own: its day's Parquet file read, the timestamp column ``ts`` dropped, the report run and
turned into a dict, as W1's peer script does. Columns are declared as in W1 (numeric and
string categorical), default methods and thresholds throughout.

Prints one JSON line: the reference's read time and, per window, its file, rows, seconds (read
+ report + dict), the read's share of them and the drifted columns. The full result of the last
window is written to OUT.json.

Usage: python evidently_w5.py REFERENCE.parquet OUT.json DAY.parquet [DAY.parquet ...]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.presets import DataDriftPreset

# Beside this file: the W1 peer's reading of the report's dict.
from evidently_w1 import drifted_columns

TIMESTAMP = "ts"


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    ref_path, out_path, *day_paths = argv
    start = time.perf_counter()
    ref = pd.read_parquet(ref_path)
    categorical = [c for c in ref.columns if ref[c].dtype == object or ref[c].dtype == "string"]
    numerical = [c for c in ref.columns if c not in categorical]
    definition = DataDefinition(numerical_columns=numerical, categorical_columns=categorical)
    reference = Dataset.from_pandas(ref, data_definition=definition)
    reference_seconds = time.perf_counter() - start
    windows = []
    result: dict[str, object] = {}
    for path in day_paths:
        start = time.perf_counter()
        cur = pd.read_parquet(path).drop(columns=[TIMESTAMP])
        read_seconds = time.perf_counter() - start
        snapshot = Report([DataDriftPreset()]).run(
            current_data=Dataset.from_pandas(cur, data_definition=definition),
            reference_data=reference,
        )
        result = snapshot.dict()
        seconds = time.perf_counter() - start
        windows.append(
            {
                "file": Path(path).name,
                "rows": len(cur),
                "seconds": seconds,
                "read_seconds": read_seconds,
                "drifted": drifted_columns(result, list(ref.columns)),
            }
        )
    Path(out_path).write_text(json.dumps(result, default=str), encoding="utf-8")
    print(json.dumps({"reference_seconds": reference_seconds, "windows": windows}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
