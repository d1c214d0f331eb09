"""Labelled data with a known shift, read from the files an installed package ships (never
downloaded): NannyML's synthetic car-loan (binary classification, a covariate shift from
analysis row 25,000) and regression (a shift from analysis row 30,000) sets. NannyML is
found without importing it: ``pip install --no-deps nannyml`` is enough for its files."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pv

_FILES = {
    "car_loan": (
        "synthetic_car_loan_reference.csv",
        "synthetic_car_loan_analysis.csv",
        "synthetic_car_loan_analysis_target.csv",
    ),
    "regression": (
        "regression_synthetic_reference.csv",
        "regression_synthetic_analysis.csv",
        "regression_synthetic_analysis_targets.csv",
    ),
}


@dataclass(frozen=True, slots=True)
class LabelledShift:
    """A labelled reference, an analysis period, and the analysis period's labels (by id)."""

    reference: pa.Table
    analysis: pa.Table
    labels: pa.Table


def nannyml_folder() -> Path | None:
    """The folder of NannyML's data files, or None when they are not installed."""
    spec = importlib.util.find_spec("nannyml")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data"
    return folder if all((folder / f).is_file() for f in _FILES["car_loan"]) else None


def nannyml_set(name: str) -> LabelledShift | None:
    """One of NannyML's sets (``car_loan`` or ``regression``), or None without the files."""
    folder = nannyml_folder()
    if folder is None:
        return None
    reference, analysis, labels = (pv.read_csv(folder / f) for f in _FILES[name])
    return LabelledShift(reference, analysis, labels)
