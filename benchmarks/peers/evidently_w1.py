"""W1 with Evidently 0.7: DataDriftPreset report on all 25 columns, saved as JSON.

Runs in its own virtual environment (evidently==0.7.23, pandas==2.3.3; see benchmarks/README.md).
Numeric and string columns are declared explicitly so Evidently neither guesses nor treats the
1,000-category column as text. Default methods and thresholds throughout.

Usage: python evidently_w1.py REFERENCE.parquet CURRENT.parquet OUT.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.presets import DataDriftPreset


def drifted_columns(result: dict[str, Any], names: list[str]) -> list[str]:
    """Columns whose per-column drift test fired, read from the report's dict.

    Evidently 0.7 lists one ValueDrift metric per column, with the column and the method's
    threshold in its config and the score in its value; p-value methods drift below the
    threshold, distance methods at or above it.
    """
    drifted = []
    for metric in result.get("metrics", []):
        config = metric.get("config", {})
        column = config.get("column")
        if column not in names or "threshold" not in config:
            continue
        method = str(config.get("method", "")).lower()
        value = float(metric["value"])
        if "p_value" in method or "p-value" in method or method in {"k-s", "chi-square"}:
            fired = value < config["threshold"]
        else:
            fired = value >= config["threshold"]
        if fired:
            drifted.append(column)
    return drifted


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ref_path, cur_path, out_path = argv
    ref = pd.read_parquet(ref_path)
    cur = pd.read_parquet(cur_path)
    categorical = [c for c in ref.columns if ref[c].dtype == object or ref[c].dtype == "string"]
    numerical = [c for c in ref.columns if c not in categorical]
    definition = DataDefinition(numerical_columns=numerical, categorical_columns=categorical)
    snapshot = Report([DataDriftPreset()]).run(
        current_data=Dataset.from_pandas(cur, data_definition=definition),
        reference_data=Dataset.from_pandas(ref, data_definition=definition),
    )
    result = snapshot.dict()
    Path(out_path).write_text(json.dumps(result, default=str), encoding="utf-8")
    print("drifted: " + ",".join(drifted_columns(result, list(ref.columns))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
