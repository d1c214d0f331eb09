"""PCA reconstruction error: components and errors as scikit-learn's PCA finds them; bounds
that hold under H0 and are left by a broken correlation (above) and a collapsed variance
(below); the columns whose residuals grew named first; bad input as one-line errors."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import PCA

from driftscope.errors import ConfigError, InputError
from driftscope.multivariate import reconstruction_test
from driftscope.multivariate.reconstruction import _components, _residuals


def _correlated(rng: np.random.Generator, n: int, sign: float = 1.0) -> np.ndarray:
    x = rng.normal(size=(n, 1))
    return np.hstack(
        (x, sign * x + rng.normal(0, 0.3, (n, 1)), rng.normal(size=(n, 1)), rng.normal(size=(n, 1)))
    )


def test_components_and_errors_are_scikit_learns() -> None:
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(500, 6)) @ rng.normal(size=(6, 6))
    rows = (rows - rows.mean(axis=0)) / rows.std(axis=0)
    basis, explained = _components(rows, 0.8)
    pca = PCA(n_components=0.8, svd_solver="full").fit(rows)
    assert basis.shape[1] == pca.n_components_
    assert explained == pytest.approx(pca.explained_variance_ratio_.sum(), rel=1e-9)
    ours = np.sqrt((_residuals(rows, basis) ** 2).sum(axis=1))
    theirs = np.linalg.norm(rows - pca.inverse_transform(pca.transform(rows)), axis=1)
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_the_bounds_hold_under_h0() -> None:
    rng = np.random.default_rng(1)
    alarms = sum(
        reconstruction_test(_correlated(rng, 3_000), _correlated(rng, 200), seed=s).drifted
        for s in range(100)
    )
    assert alarms <= 3  # k = 3: about 0.3 expected


def test_a_broken_correlation_lies_above_and_names_its_columns() -> None:
    rng = np.random.default_rng(2)
    res = reconstruction_test(
        _correlated(rng, 4_000), _correlated(rng, 1_000, sign=-1.0), names=list("abcd")
    )
    assert res.drifted
    assert res.statistic > res.threshold == res.details["upper"]
    assert {c.name for c in res.explanation[:2]} == {"a", "b"}
    assert res.explanation[0].note.startswith("its squared residual grew by")
    assert "held-out reference" in res.details["bounds_from"]


def test_a_collapsed_variance_lies_below() -> None:
    rng = np.random.default_rng(3)
    reference = _correlated(rng, 4_000)
    calm = _correlated(rng, 500)
    calm[:, 2:] *= 0.2  # the noise columns nearly stop moving: residuals shrink
    res = reconstruction_test(reference, calm)
    assert res.drifted
    assert res.statistic < res.details["lower"]


def test_bounds_come_from_chunks_or_from_the_rows_spread() -> None:
    rng = np.random.default_rng(4)
    reference = _correlated(rng, 4_000)
    chunked = reconstruction_test(reference, _correlated(rng, 100))
    assert chunked.details["bounds_from"] == "20 held-out reference chunks of 100 rows"
    spread = reconstruction_test(reference, _correlated(rng, 500))
    assert spread.details["bounds_from"].startswith("2000 held-out reference rows (too few")
    # the two ways agree on the spread of a mean within sampling error
    wide, narrow = (r.details["upper"] - r.details["lower"] for r in (chunked, spread))
    assert wide / narrow == pytest.approx(np.sqrt(500 / 100), rel=0.5)


def test_missing_values_count_as_the_mean() -> None:
    rng = np.random.default_rng(5)
    reference, current = _correlated(rng, 2_000), _correlated(rng, 300)
    reference[::10, 3] = np.nan
    current[::10, 3] = np.nan
    assert np.isfinite(reconstruction_test(reference, current).statistic)


@pytest.mark.parametrize(
    ("reference", "current", "kwargs", "error", "says"),
    [
        (np.zeros((19, 2)), np.zeros((5, 2)), {}, InputError, "the reference has 19 row(s)"),
        (np.zeros((30, 2)), np.zeros((5, 3)), {}, InputError, "2 columns and the current rows 3"),
        (np.zeros((30, 2)), np.full((5, 2), np.inf), {}, InputError, "current row 0, column 0"),
        (np.zeros((30, 2)), np.zeros((5, 2)), {"variance": 0}, ConfigError,
         "reconstruction: parameter 'variance' must be a number in (0, 1]; got 0"),
        (np.zeros((30, 2)), np.zeros((5, 2)), {"k": -1.0}, ConfigError,
         "reconstruction: parameter 'k' must be a positive number; got -1.0"),
    ],
)  # fmt: skip
def test_bad_input_is_a_one_line_error(
    reference: np.ndarray, current: np.ndarray, kwargs: dict[str, object], error: type, says: str
) -> None:
    with pytest.raises(error) as caught:
        reconstruction_test(reference, current, **kwargs)  # type: ignore[arg-type]
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)
