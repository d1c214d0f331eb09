"""Permutation importance of a fitted model on the labelled reference data.

For each feature, the reference rows are scored with that feature's values shuffled; the
importance is how much the model's loss grows (Breiman 2001). Any object with a scikit-learn
style ``predict(X)`` works: ``X`` is a pandas DataFrame of the feature columns when pandas is
installed (what fitted pipelines expect), else a 2-D numpy array in the same column order.
The loss is the mean squared error for a numeric target with many values, else the error rate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from driftscope.errors import ConfigError, InputError

MAX_ROWS = 5_000
"""Reference rows scored (a seeded sample): enough to rank features, cheap to repeat."""
REPEATS = 3
"""Shuffles per feature, averaged."""
REGRESSION_MIN_VALUES = 20
"""A numeric target with more distinct values than this is scored by squared error."""

Loss = Callable[[np.ndarray, np.ndarray], float]


def permutation_importance(
    model: Any,
    table: pa.Table,
    features: Sequence[str],
    target: str,
    *,
    source: str = "reference",
    seed: int = 0,
) -> dict[str, float]:
    """Loss increase of ``model`` when each feature of ``table`` is shuffled (>= 0)."""
    if not callable(getattr(model, "predict", None)):
        raise ConfigError(
            f"model: needs a predict(X) method (scikit-learn style); got {type(model).__name__}"
        )
    if target not in table.column_names:
        raise ConfigError(f"model: the target column {target!r} is not in {source}")
    labelled = table.filter(table.column(target).is_valid())
    if labelled.num_rows == 0:
        raise InputError(f"{source}: the target column {target!r} has no values")
    rng = np.random.default_rng(seed)
    if labelled.num_rows > MAX_ROWS:
        rows = np.sort(rng.choice(labelled.num_rows, MAX_ROWS, replace=False))
        labelled = labelled.take(pa.array(rows))
    y = labelled.column(target).to_numpy(zero_copy_only=False)
    loss = _loss_for(y)
    frame = _frame(labelled, features)
    base = loss(y, _predict(model, frame.build(), source))
    importance = {}
    for name in features:
        losses = []
        for _ in range(REPEATS):
            shuffled = frame.build(permute=name, rng=rng)
            losses.append(loss(y, _predict(model, shuffled, source)))
        importance[name] = max(float(np.mean(losses)) - base, 0.0)
    return importance


def _loss_for(y: np.ndarray) -> Loss:
    if y.dtype.kind in "fiu" and np.unique(y).size > REGRESSION_MIN_VALUES:
        return lambda truth, pred: float(np.mean((truth - np.asarray(pred, dtype=float)) ** 2))
    return lambda truth, pred: float(np.mean(truth != np.asarray(pred).reshape(truth.shape)))


def _predict(model: Any, x: Any, source: str) -> np.ndarray:
    try:
        return np.asarray(model.predict(x))
    except Exception as exc:  # the model is the user's: report what it said, in one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"model: predict failed on the {source} data ({first})") from None


class _Frame:
    """The feature columns, built as the model's input with one column shuffled on request."""

    def __init__(self, columns: dict[str, np.ndarray]) -> None:
        self.columns = columns
        try:
            import pandas as pd
        except ImportError:
            self.pandas: Any = None
        else:
            self.pandas = pd

    def build(self, permute: str | None = None, rng: np.random.Generator | None = None) -> Any:
        data = dict(self.columns)
        if permute is not None and rng is not None:
            data[permute] = rng.permutation(data[permute])
        if self.pandas is not None:
            return self.pandas.DataFrame(data)
        return np.column_stack(list(data.values()))


def _frame(table: pa.Table, features: Sequence[str]) -> _Frame:
    return _Frame({name: table.column(name).to_numpy(zero_copy_only=False) for name in features})
