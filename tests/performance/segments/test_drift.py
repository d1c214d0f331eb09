from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from driftscope._types import ColumnType
from driftscope.performance.segments.drift import (
    count_inside,
    distances,
    interaction_test,
    pack,
    packs,
    totals,
    unstable,
)
from driftscope.performance.segments.slices import MAX_CODES, Encoded


def _glm_deviance(table: np.ndarray) -> float:
    """The no-three-way-interaction log-linear model fitted by statsmodels (Poisson GLM)."""
    k = table.shape[-1]
    side, stratum, code = np.meshgrid(range(2), range(2), range(k), indexing="ij")
    side, stratum, code = side.ravel(), stratum.ravel(), code.ravel()
    dummies = [np.ones(side.size), side, stratum, side * stratum]
    for c in range(1, k):
        dummies += [code == c, (code == c) * side, (code == c) * stratum]
    design = np.column_stack(dummies).astype(float)
    fit = sm.GLM(table.ravel(), design, family=sm.families.Poisson()).fit(tol=1e-12)
    return float(fit.deviance)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_g_statistic_matches_a_poisson_log_linear_model_fitted_by_statsmodels(seed):
    rng = np.random.default_rng(seed)
    table = rng.integers(5, 200, size=(2, 2, 4)).astype(float)
    g, p = interaction_test(table[None])
    assert g[0] == pytest.approx(_glm_deviance(table), rel=1e-6, abs=1e-8)
    assert p[0] == pytest.approx(stats.chi2.sf(g[0], 3))


def test_a_slice_that_moved_like_the_rest_gives_no_interaction():
    ref_in, ref_out = np.array([100, 300, 600.0]), np.array([1000, 3000, 6000.0])
    tilt = np.array([2.0, 1.0, 0.5])
    cur_in, cur_out = ref_in * tilt, ref_out * tilt
    table = np.stack([np.stack([ref_in, ref_out]), np.stack([cur_in, cur_out])])[None]
    g, p = interaction_test(table)
    assert g[0] == pytest.approx(0.0, abs=1e-6)
    assert p[0] == pytest.approx(1.0)
    beyond, inside, outside = distances(table)
    assert beyond[0] == pytest.approx(0.0, abs=1e-3)
    assert inside[0] == pytest.approx(outside[0])


def test_a_code_empty_on_one_side_counts_no_degree_of_freedom():
    table = np.array([[[[50, 50, 0], [500, 500, 0]], [[10, 90, 5], [500, 500, 40]]]], float)
    # the third code has no reference rows: only two informative codes, df 1
    g, p = interaction_test(table)
    assert p[0] == pytest.approx(stats.chi2.sf(g[0], 1))


def test_tables_without_rows_inside_give_p_one():
    table = np.zeros((1, 2, 2, 3))
    table[:, :, 1, :] = 100.0
    assert interaction_test(table)[1].tolist() == [1.0]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 6))
def test_null_tables_give_uniform_enough_p_values(seed, k):
    rng = np.random.default_rng(seed)
    p_ref, p_cur = rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))
    # inside and outside share the same tilt: H0 holds
    draws = np.stack(
        [
            np.stack([rng.multinomial(400, p_ref), rng.multinomial(4000, p_ref)]),
            np.stack([rng.multinomial(400, p_cur), rng.multinomial(4000, p_cur)]),
        ]
    ).astype(float)
    _, p = interaction_test(draws[None])
    assert 0.0 <= p[0] <= 1.0


def test_the_p_values_of_many_null_tables_reject_at_about_the_level():
    rng = np.random.default_rng(0)
    p_ref, p_cur = np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.25, 0.25, 0.25, 0.25])
    tables = np.stack(
        [
            np.stack(
                [
                    np.stack([rng.multinomial(300, p_ref), rng.multinomial(3000, p_ref)]),
                    np.stack([rng.multinomial(300, p_cur), rng.multinomial(3000, p_cur)]),
                ]
            )
            for _ in range(2000)
        ]
    ).astype(float)
    _, p = interaction_test(tables)
    assert np.mean(p < 0.05) == pytest.approx(0.05, abs=0.015)
    assert np.mean(p < 0.001) < 0.004


def _encoded(name: str, reference: np.ndarray, current: np.ndarray, size: int) -> Encoded:
    return Encoded(
        name,
        ColumnType.CATEGORICAL,
        reference.astype(np.uint8),
        current.astype(np.uint8),
        tuple(f"v{i}" for i in range(size)),
        (True,) * size,
    )


def test_packed_counts_inside_slices_match_direct_counting():
    rng = np.random.default_rng(0)
    sizes = [5, 16, 3, 8, 2, 9]
    columns = [
        _encoded(f"c{i}", rng.integers(0, s, 1000), rng.integers(0, s, 1000), s)
        for i, s in enumerate(sizes)
    ]
    groups = packs(columns, list(range(len(columns))), 12)
    assert all(sum(columns[f].bits for f in g) <= 12 for g in groups)
    packed = pack(columns, groups, False, 12)
    inside = count_inside(columns, packed, columns[0].reference, sizes[0])
    for f, column in enumerate(columns):
        for v in range(sizes[0]):
            rows = columns[0].reference == v
            expected = np.bincount(column.reference[rows], minlength=MAX_CODES)
            assert inside[v, f].tolist() == expected.tolist()
    assert (
        totals(columns, True)[1, :16].tolist()
        == np.bincount(columns[1].current, minlength=16).tolist()
    )


def test_a_numeric_column_whose_own_distribution_moved_is_unstable():
    rng = np.random.default_rng(0)
    still = rng.integers(0, 7, 20000)
    moved = np.minimum(rng.integers(0, 7, 20000) + (rng.random(20000) < 0.2), 6)
    columns = [
        Encoded(
            "x",
            ColumnType.NUMERIC,
            still.astype(np.uint8),
            rng.integers(0, 7, 20000).astype(np.uint8),
            tuple((float(i), float(i + 1)) for i in range(7)),
            (True,) * 7,
        ),
        Encoded(
            "y",
            ColumnType.NUMERIC,
            still.astype(np.uint8),
            moved.astype(np.uint8),
            tuple((float(i), float(i + 1)) for i in range(7)),
            (True,) * 7,
        ),
        _encoded("c", still, moved, 7),
    ]
    total = (totals(columns, False), totals(columns, True))
    assert unstable(total, columns) == [False, True, False]
