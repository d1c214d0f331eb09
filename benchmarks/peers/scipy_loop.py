"""W1 plain scipy loop: what a user writes by hand without a drift library.

Per numeric column: scipy.stats.ks_2samp and a numpy PSI on 10 reference-quantile bins; per
categorical column: scipy.stats.chi2_contingency (no continuity correction) on the category
counts and PSI on the category shares. Writes one JSON document.

Usage: python scipy_loop.py REFERENCE.parquet CURRENT.parquet OUT.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from scipy import stats

ALPHA = 0.05
N_BINS = 10
EPS = 1e-4


def psi(p: np.ndarray, q: np.ndarray) -> float:
    """Population stability index of current shares p against reference shares q."""
    p = np.clip(p, EPS, None)
    q = np.clip(q, EPS, None)
    return float(np.sum((p - q) * np.log(p / q)))


def numeric_column(r: np.ndarray, c: np.ndarray) -> dict[str, Any]:
    """KS test and PSI for one numeric column."""
    ks = stats.ks_2samp(r, c)
    edges = np.unique(np.quantile(r, np.arange(1, N_BINS) / N_BINS))
    q = np.bincount(np.searchsorted(edges, r, side="right"), minlength=len(edges) + 1) / len(r)
    p = np.bincount(np.searchsorted(edges, c, side="right"), minlength=len(edges) + 1) / len(c)
    return {
        "method": "ks",
        "statistic": float(ks.statistic),
        "p_value": float(ks.pvalue),
        "psi": psi(p, q),
        "drifted": bool(ks.pvalue < ALPHA),
    }


def category_counts(column: pa.ChunkedArray) -> dict[str, int]:
    """Count each category of a string column."""
    counts = column.value_counts()
    return dict(
        zip(
            counts.field("values").to_pylist(),
            counts.field("counts").to_pylist(),
            strict=True,
        )
    )


def categorical_column(r: pa.ChunkedArray, c: pa.ChunkedArray) -> dict[str, Any]:
    """Chi-square test and PSI for one categorical column."""
    r_counts, c_counts = category_counts(r), category_counts(c)
    categories = sorted(set(r_counts) | set(c_counts))
    table = np.array(
        [[r_counts.get(k, 0) for k in categories], [c_counts.get(k, 0) for k in categories]],
        dtype=np.float64,
    )
    chi2 = stats.chi2_contingency(table, correction=False)
    q = table[0] / table[0].sum()
    p = table[1] / table[1].sum()
    return {
        "method": "chi2",
        "statistic": float(chi2.statistic),
        "p_value": float(chi2.pvalue),
        "psi": psi(p, q),
        "drifted": bool(chi2.pvalue < ALPHA),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ref_path, cur_path, out_path = argv
    ref = pq.read_table(ref_path)
    cur = pq.read_table(cur_path)
    columns: list[dict[str, Any]] = []
    for name in ref.column_names:
        r, c = ref.column(name), cur.column(name)
        if pa.types.is_string(r.type) or pa.types.is_large_string(r.type):
            result = categorical_column(r, c)
        else:
            result = numeric_column(r.to_numpy(), c.to_numpy())
        columns.append({"name": name, **result})
    document = {"reference_rows": ref.num_rows, "current_rows": cur.num_rows, "columns": columns}
    Path(out_path).write_text(json.dumps(document), encoding="utf-8")
    print("drifted: " + ",".join(col["name"] for col in columns if col["drifted"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
