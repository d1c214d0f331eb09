"""Embedding drift: the MMD decides, the mean distance's permutation test and the drifted
components say what moved; a rotation that keeps every component's distribution but mixes
them is still found; equal samples are not; ragged vectors, NaN and too few rows are errors."""

from __future__ import annotations

import numpy as np
import pytest

from driftscope.errors import ConfigError, InputError
from driftscope.multivariate.embeddings import embedding_drift


def test_a_shift_in_a_few_components_is_found_and_located() -> None:
    rng = np.random.default_rng(1)
    before, after = rng.normal(size=(800, 16)), rng.normal(size=(800, 16))
    after[:, [3, 9]] += 0.4
    result = embedding_drift(before, after)
    assert result.drifted
    assert result.decided_by == "mmd"
    assert result.mean_p_value < 0.05
    assert {j for j, _ in result.moved_components[:2]} == {3, 9}
    expected = np.linalg.norm(before.mean(axis=0) - after.mean(axis=0))
    assert result.mean_distance == pytest.approx(expected, rel=1e-12)
    assert 0 < result.cosine_distance < 2


def test_a_change_only_in_how_components_go_together_is_found_by_mmd() -> None:
    rng = np.random.default_rng(2)
    shared = rng.normal(size=(1_500, 1))
    before = np.hstack((shared, shared + 0.2 * rng.normal(size=(1_500, 1))))
    flipped = rng.normal(size=(1_500, 1))
    after = np.hstack((flipped, -flipped + 0.2 * rng.normal(size=(1_500, 1))))
    result = embedding_drift(before, after)
    assert result.drifted  # MMD sees the turned relation
    assert result.drifted_components == 0  # each component alone is unchanged
    assert result.mean_distance < 0.15  # the means barely moved (sampling noise alone)


def test_samples_of_one_distribution_do_not_drift() -> None:
    rng = np.random.default_rng(3)
    results = [
        embedding_drift(rng.normal(size=(300, 8)), rng.normal(size=(300, 8)), seed=s)
        for s in range(10)
    ]
    assert sum(r.drifted for r in results) <= 2


def test_list_vectors_and_missing_rows_are_taken() -> None:
    rng = np.random.default_rng(4)
    rows = [list(v) for v in rng.normal(size=(50, 3))]
    result = embedding_drift([*rows, None], rows)
    assert (result.n_reference, result.n_current, result.components) == (50, 50, 3)


def test_components_decide_when_asked() -> None:
    rng = np.random.default_rng(5)
    before, after = rng.normal(size=(600, 20)), rng.normal(size=(600, 20))
    after[:, :4] += 0.5
    assert embedding_drift(before, after, method="components").drifted  # 4 of 20 >= 10%
    assert not embedding_drift(before, after, method="components", component_share=0.5).drifted


@pytest.mark.parametrize(
    ("reference", "current", "says"),
    [
        ([[1.0, 2.0], [1.0]], [[1.0, 2.0], [3.0, 4.0]], "row 0 has 2 components, row 1 has 1"),
        ([[1.0, 2.0], [1.0, 2.0]], [[1.0, np.nan], [3.0, 4.0]], "row 0 holds nan in component 1"),
        ([[1.0, 2.0]], [[1.0, 2.0], [3.0, 4.0]], "the reference has 1 vector(s)"),
        ([[1.0, 2.0], [1.0, 2.0]], [[1.0], [3.0]], "2 components and the current's 1"),
        (["ab", "cd"], [[1.0, 2.0], [3.0, 4.0]], "the reference's vectors are not numbers"),
    ],
)
def test_bad_vectors_are_one_line_errors(
    reference: list[object], current: list[object], says: str
) -> None:
    with pytest.raises(InputError) as caught:
        embedding_drift(reference, current, column="vec")
    assert "embedding column 'vec'" in str(caught.value)
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_unknown_method_names_itself() -> None:
    with pytest.raises(ConfigError, match="embedding: parameter 'method' must be one of"):
        embedding_drift([[1.0]] * 3, [[2.0]] * 3, method="cosine")  # type: ignore[arg-type]
