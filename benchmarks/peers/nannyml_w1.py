"""W1 with NannyML: UnivariateDriftCalculator on all 25 columns, one analysis chunk, JSON out.

Runs in its own virtual environment (nannyml==0.13.1; see benchmarks/README.md) with
NML_DISABLE_USAGE_LOGGING=1 so nothing is sent anywhere. Methods: Kolmogorov-Smirnov and
Jensen-Shannon for numeric columns, chi-square and Jensen-Shannon for categorical ones. The
integer columns are declared numeric: NannyML would otherwise count low-cardinality integers
as categorical.

Usage: python nannyml_w1.py REFERENCE.parquet CURRENT.parquet OUT.json
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")

# Imported after the usage-logging switch is set, so NannyML sees it at import time.
import nannyml as nml
import pandas as pd


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ref_path, cur_path, out_path = argv
    ref = pd.read_parquet(ref_path)
    cur = pd.read_parquet(cur_path)
    categorical = [c for c in ref.columns if not pd.api.types.is_numeric_dtype(ref[c])]
    numerical = [c for c in ref.columns if c not in categorical]
    calc = nml.UnivariateDriftCalculator(
        column_names=list(ref.columns),
        treat_as_numerical=numerical,
        treat_as_categorical=categorical,
        continuous_methods=["kolmogorov_smirnov", "jensen_shannon"],
        categorical_methods=["chi2", "jensen_shannon"],
        chunk_number=1,
    )
    calc.fit(ref)
    results = calc.calculate(cur)
    frame = results.filter(period="analysis").to_df()
    frame.to_json(out_path, orient="split", default_handler=str)
    drifted = []
    for column in ref.columns:
        method = "kolmogorov_smirnov" if column in numerical else "chi2"
        if bool(frame[(column, method, "alert")].iloc[0]):
            drifted.append(column)
    print("drifted: " + ",".join(drifted))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
