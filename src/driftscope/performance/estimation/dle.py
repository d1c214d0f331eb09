"""Direct loss estimation (DLE) for a regression model without labels.

A regression model says nothing about its own errors, so DLE learns them: on the labelled
reference each row's loss is known (absolute, squared and relative error), and a model of the
loss given the inputs and the prediction says how large it is on the current rows, whose
inputs may have moved. The model is scikit-learn's ``HistGradientBoostingRegressor`` (squared
loss, so it estimates each row's expected loss; missing inputs handled natively), one per
loss. Like CBPE it assumes that the relation between inputs and target did not change.

Estimated: ``mae``, ``rmse`` and ``mape`` (R2 needs the current target's spread, which no
model of the loss gives). The interval comes from the reference: the loss models are also
fitted on each half of it and predict the other half, and the spread of the mean residual
(realised minus predicted loss) over random held-out samples as large as the current data
gives the realised value's distance from the estimate (the labels' chance and the model's
own error together).

Measured on NannyML's synthetic regression data (a shift at analysis row 30,000): the
estimated MAE per chunk of 6,000 rows missed the realised one by 10 on average, against 77
for the naive estimate (the reference's MAE); a nearest-neighbour loss model missed by 18-28
and stayed 30-50 too high after the shift.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import ConfigError, InputError
from driftscope.performance.classification import EPS, FloatArray
from driftscope.result import MetricValue

MAX_REFERENCE = 50_000
"""Reference rows the loss models learn from (a seeded random subset beyond)."""
SAMPLES = 200
"""Held-out samples of reference residuals the interval is read from."""
Z95 = 1.959963984540054


def estimate_regression(
    reference_inputs: FloatArray,
    reference_target: FloatArray,
    reference_predicted: FloatArray,
    current_inputs: FloatArray,
    current_predicted: FloatArray,
    *,
    seed: int = 0,
) -> dict[str, MetricValue]:
    """The current MAE, RMSE and MAPE of a regression model estimated without labels, each
    marked ``estimated``. ``*_inputs``: one column per numeric input (NaN where missing).
    (:func:`fit_loss_models` once and :meth:`LossModels.estimate` per batch when several
    batches share a reference.)

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(20_000, 1))
    >>> y = x[:, 0] + rng.normal(0, 0.5 + np.abs(x[:, 0]))  # noisier far from 0
    >>> shifted = rng.normal(1.5, 1.0, size=(5_000, 1))
    >>> mae = estimate_regression(x, y, x[:, 0], shifted, shifted[:, 0])["mae"]
    >>> mae.estimated, 1.3 < mae.value < 1.8, mae.ci_low < mae.value < mae.ci_high
    (True, True, True)
    """
    if current_predicted.size == 0:
        raise InputError("performance: estimation needs labelled reference rows and current rows")
    fitted = fit_loss_models(reference_inputs, reference_target, reference_predicted, seed=seed)
    return fitted.estimate(current_inputs, current_predicted)


class LossModels:
    """DLE's loss models fitted on a labelled reference (:func:`fit_loss_models`), and the
    held-out residuals their intervals come from."""

    def __init__(
        self,
        models: dict[str, Any],
        residuals: dict[str, NDArray[np.float64]],
        seed: int,
    ) -> None:
        self.models, self.residuals, self.seed = models, residuals, seed

    def estimate(
        self, current_inputs: FloatArray, current_predicted: FloatArray
    ) -> dict[str, MetricValue]:
        """The current MAE, RMSE and MAPE estimated for these rows (see
        :func:`estimate_regression`)."""
        n = current_predicted.size
        if n == 0:
            raise InputError("performance: estimation needs current rows")
        current = input_space(current_inputs, current_predicted)
        rng = np.random.default_rng(self.seed)
        out = {}
        with one_thread():
            means = {name: float(np.mean(m.predict(current))) for name, m in self.models.items()}
        for name, mean in means.items():
            residual = self.residuals[name]
            size = min(n, residual.size)
            picks = rng.integers(0, residual.size, size=(SAMPLES, size))
            miss = float(np.std(residual[picks].mean(axis=1), ddof=1)) * math.sqrt(size / n)
            low, high = mean - Z95 * miss, mean + Z95 * miss
            if name == "rmse":  # the root of the mean squared error, its interval mapped along
                out[name] = MetricValue(
                    math.sqrt(max(mean, 0.0)),
                    math.sqrt(max(low, 0.0)),
                    math.sqrt(max(high, 0.0)),
                    estimated=True,
                )
                continue
            out[name] = MetricValue(max(mean, 0.0), max(low, 0.0), max(high, 0.0), estimated=True)
        return out


def fit_loss_models(
    reference_inputs: FloatArray,
    reference_target: FloatArray,
    reference_predicted: FloatArray,
    *,
    seed: int = 0,
) -> LossModels:
    """DLE's models of the absolute, squared and relative error, fitted on the labelled
    reference (up to :data:`MAX_REFERENCE` rows), with their held-out residuals (each half
    predicted by the models of the other).

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(5_000, 1))
    >>> models = fit_loss_models(x, x[:, 0] + rng.normal(size=5_000), x[:, 0])
    >>> [0.7 < models.estimate(x[:n], x[:n, 0])["mae"].value < 0.9 for n in (500, 5_000)]
    [True, True]
    """
    if reference_target.size < 4:
        raise InputError("performance: estimation needs labelled reference rows and current rows")
    model = boosting_model("estimating a regression's performance without labels")
    rng = np.random.default_rng(seed)
    rows = np.arange(reference_target.size)
    if rows.size > MAX_REFERENCE:
        rows = np.sort(rng.choice(rows.size, MAX_REFERENCE, replace=False))
    error = reference_target[rows] - reference_predicted[rows]
    losses = {
        "mae": np.abs(error),
        "rmse": error * error,
        "mape": np.abs(error) / np.maximum(np.abs(reference_target[rows]), EPS),
    }
    known = input_space(reference_inputs[rows], reference_predicted[rows])
    half = rng.permutation(rows.size) < rows.size // 2
    models, residuals = {}, {}
    with one_thread():
        for name, loss in losses.items():
            models[name] = fit_boosting(model, known, loss, seed)
            residual = np.empty(rows.size)
            for part in (half, ~half):
                fitted = fit_boosting(model, known[~part], loss[~part], seed)
                residual[part] = loss[part] - fitted.predict(known[part])
            residuals[name] = residual
    return LossModels(models, residuals, seed)


def one_thread() -> Any:
    """scikit-learn's OpenMP threads held to one: these fits are small, and two threads
    slowed them tenfold whenever another process held a core."""
    from threadpoolctl import threadpool_limits  # scikit-learn's own dependency

    return threadpool_limits(1)


def boosting_model(purpose: str) -> Any:
    """scikit-learn's ``HistGradientBoostingRegressor``, or a one-line error saying that
    ``purpose`` needs it."""
    try:
        from sklearn.ensemble import HistGradientBoostingRegressor
    except ImportError:
        raise ConfigError(
            f"performance: {purpose} needs scikit-learn: pip install 'driftscope[ml]'"
        ) from None
    return HistGradientBoostingRegressor


def fit_boosting(
    model: Any, inputs: NDArray[np.float64], loss: FloatArray, seed: int, *, stop: bool = False
) -> Any:
    """``model`` (from :func:`boosting_model`) fitted to ``loss`` over ``inputs``, up to 200
    trees (``stop``: fewer when a tenth of the rows held out stops improving, at any size;
    scikit-learn's default does so from 10,000 rows)."""
    stopping: bool | str = True if stop else "auto"
    return model(max_iter=200, random_state=seed, early_stopping=stopping).fit(inputs, loss)


def input_space(inputs: FloatArray, predicted: FloatArray) -> NDArray[np.float64]:
    """The inputs (a column each) and the prediction side by side."""
    return np.column_stack([inputs.reshape(predicted.size, -1), predicted]).astype(np.float64)
