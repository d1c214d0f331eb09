"""W2's domain classifier with NannyML: DomainClassifierCalculator on all 25 W1 columns, one
analysis chunk, JSON out.

Runs in its own virtual environment (nannyml==0.13.1; see benchmarks/README.md) with
NML_DISABLE_USAGE_LOGGING=1 so nothing is sent anywhere. ``fit`` on the reference and
``calculate`` on the current data are timed together: the test.

Usage: python nannyml_w2.py REFERENCE.parquet CURRENT.parquet OUT.json
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")

# Imported after the usage-logging switch is set, so NannyML sees it at import time.
import nannyml as nml
import pandas as pd


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ref = pd.read_parquet(argv[0])
    cur = pd.read_parquet(argv[1])
    start = time.perf_counter()
    calc = nml.DomainClassifierCalculator(feature_column_names=list(ref.columns), chunk_number=1)
    calc.fit(ref)
    result = calc.calculate(cur).filter(period="analysis").to_df()
    seconds = time.perf_counter() - start
    auc = float(result[("domain_classifier_auroc", "value")].iloc[0])
    alert = bool(result[("domain_classifier_auroc", "alert")].iloc[0])
    with Path(argv[2]).open("w", encoding="utf-8") as out:
        json.dump({"test_seconds": seconds, "statistic": auc, "drifted": alert}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
