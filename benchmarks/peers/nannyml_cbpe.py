"""NannyML's own CBPE and DLE on its bundled synthetic data, per chunk, JSON out.

Runs in its own virtual environment (nannyml==0.13.1; see benchmarks/README.md) with
NML_DISABLE_USAGE_LOGGING=1 so nothing is sent anywhere. The data are the files NannyML's
package ships, read by its own loaders (nothing downloads): CBPE (ROC AUC, binary) on the
car-loan set in chunks of 5,000 analysis rows, DLE (MAE) on the car-price regression set in
chunks of 6,000. Each is fitted on the reference and estimates the analysis period; the wall
time of fit + estimate (on the analysis data without labels) is recorded. Then, untimed, the
fitted estimator runs again on the analysis data joined to their labels by id, for the
realised value NannyML computes itself: the caller checks it against its own to be sure that
both sides cut the same rows into the same chunks. For each chunk the JSON holds the first and
last analysis row, the estimate, NannyML's confidence band (estimate +- 3 sampling errors,
clipped to the metric's range), the sampling error and the realised value.

Usage: python nannyml_cbpe.py OUT.json
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")

# Imported after the usage-logging switch is set, so NannyML sees it at import time.
import nannyml as nml
import pandas as pd

# The inputs driftscope's DLE gets in benchmarks/cbpe.py (it reads numeric inputs only);
# NannyML's own tutorial also passes the categorical 'fuel' and 'transmission'.
REGRESSION_FEATURES = ["car_age", "km_driven", "price_new", "accident_count", "door_count"]


def chunks(result: Any, labelled: Any, metric: str) -> list[dict[str, Any]]:
    """Per analysis chunk: rows, estimate and band of ``metric`` from ``result``, realised
    value from ``labelled`` (the same estimator run on the labelled analysis data)."""
    frame = result.filter(period="analysis").to_df()
    realised_values = labelled.filter(period="analysis").to_df()[(metric, "realized")]
    rows = []
    for (_, row), realised in zip(frame.iterrows(), realised_values, strict=True):
        rows.append(
            {
                "start_index": int(row[("chunk", "start_index")]),
                "end_index": int(row[("chunk", "end_index")]),
                "value": float(row[(metric, "value")]),
                "lower": float(row[(metric, "lower_confidence_boundary")]),
                "upper": float(row[(metric, "upper_confidence_boundary")]),
                "sampling_error": float(row[(metric, "sampling_error")]),
                "realised": None if pd.isna(realised) else float(realised),
            }
        )
    return rows


def with_labels(analysis: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The analysis rows, in their order, with their labels joined by id."""
    return analysis.merge(targets, on="id", how="left", validate="one_to_one")


def cbpe() -> dict[str, Any]:
    """CBPE's ROC AUC on the car-loan set, chunks of 5,000 rows."""
    reference, analysis, targets = nml.load_synthetic_car_loan_dataset()
    start = time.perf_counter()
    estimator = nml.CBPE(
        y_pred_proba="y_pred_proba",
        y_pred="y_pred",
        y_true="repaid",
        metrics=["roc_auc"],
        chunk_size=5_000,
        problem_type="classification_binary",
    )
    estimator.fit(reference)
    result = estimator.estimate(analysis)
    seconds = time.perf_counter() - start
    labelled = estimator.estimate(with_labels(analysis, targets))
    return {"metric": "roc_auc", "seconds": seconds, "chunks": chunks(result, labelled, "roc_auc")}


def dle() -> dict[str, Any]:
    """DLE's MAE on the car-price regression set, chunks of 6,000 rows."""
    reference, analysis, targets = nml.load_synthetic_car_price_dataset()
    start = time.perf_counter()
    estimator = nml.DLE(
        feature_column_names=REGRESSION_FEATURES,
        y_pred="y_pred",
        y_true="y_true",
        metrics=["mae"],
        chunk_size=6_000,
    )
    estimator.fit(reference)
    result = estimator.estimate(analysis)
    seconds = time.perf_counter() - start
    labelled = estimator.estimate(with_labels(analysis, targets))
    return {"metric": "mae", "seconds": seconds, "chunks": chunks(result, labelled, "mae")}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = {"nannyml": nml.__version__, "cbpe": cbpe(), "dle": dle()}
    Path(argv[0]).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
