"""Drift of an embedding column: vectors of one length per row.

The decision is the multivariate MMD test (:func:`~driftscope.multivariate.mmd.mmd_test`: exact
up to 8,192 pooled vectors, random Fourier features above; at most :data:`MAX_ROWS` a side, a
seeded sample beyond), which sees any change of the vectors' distribution. Beside it, to say
what moved:

- ``mean_distance``: the Euclidean distance between the sides' mean vectors, with its own
  permutation p-value (the same permutations, all at once), and ``cosine_distance`` between
  the means (1 - cosine similarity);
- ``drifted_components``: how many of the vector's components drift on their own
  (Kolmogorov-Smirnov each, Benjamini-Hochberg over the components), and which moved most.

``method="mean"`` or ``"components"`` decides by one of those instead (the components: when
at least ``component_share`` of them drift).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from driftscope.decision.multiple_testing import adjust_p_values
from driftscope.errors import InputError, param_error
from driftscope.multivariate._result import MultivariateResult
from driftscope.multivariate.mmd import mmd_test
from driftscope.stats.mmd import group_indicators

FloatArray = NDArray[np.float64]
Method = Literal["mmd", "mean", "components"]

MAX_ROWS = 5_000
"""Most vectors of each side the MMD test takes."""
N_PERMUTATIONS = 100
COMPONENT_SHARE = 0.1
"""With ``method="components"``: drift when at least this share of the components drift."""
LISTED = 10
"""Components listed as moved most."""


@dataclass(frozen=True, slots=True)
class EmbeddingDrift:
    """An embedding column's drift: the deciding test and what moved."""

    drifted: bool
    decided_by: Method
    p_value: float
    mmd: MultivariateResult
    mean_distance: float
    mean_p_value: float
    cosine_distance: float
    drifted_components: int
    components: int
    moved_components: tuple[tuple[int, float], ...]
    """The components that moved most: (index, Kolmogorov-Smirnov statistic)."""
    n_reference: int
    n_current: int


def embedding_drift(
    reference: Any,
    current: Any,
    *,
    method: Method = "mmd",
    alpha: float = 0.05,
    component_share: float = COMPONENT_SHARE,
    seed: int = 0,
    column: str = "embedding",
    n_permutations: int = N_PERMUTATIONS,
) -> EmbeddingDrift:
    """Drift between the ``reference`` and ``current`` vectors of the column ``column``
    (2-D arrays, or sequences of equal-length vectors; None rows are left out).

    ``n_permutations`` is the MMD test's: its p-value is at least ``1 / (1 +
    n_permutations)``, so a p-value that joins a family of ``k`` tests needs more than ``k /
    alpha`` of them to decide alone. The mean test keeps :data:`N_PERMUTATIONS`.
    """
    if method not in ("mmd", "mean", "components"):
        raise param_error("embedding", "method", "one of mmd, mean, components", method)
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise param_error("embedding", "alpha", "a number in (0, 1)", alpha)
    not_int = isinstance(n_permutations, bool) or not isinstance(n_permutations, int)
    if not_int or n_permutations < 1:
        raise param_error("embedding", "n_permutations", "an integer >= 1", n_permutations)
    ref = vectors(reference, "reference", column)
    cur = vectors(current, "current", column)
    if ref.shape[1] != cur.shape[1]:
        raise InputError(
            f"embedding column {column!r}: the reference's vectors have {ref.shape[1]} "
            f"components and the current's {cur.shape[1]}"
        )
    rng = np.random.default_rng(seed)
    sampled_ref, sampled_cur = _sample(ref, rng), _sample(cur, rng)
    together = mmd_test(
        sampled_ref, sampled_cur, alpha=alpha, n_permutations=n_permutations, seed=seed
    )
    distance, mean_p = _mean_test(ref, cur, seed)
    cosine = _cosine_distance(ref.mean(axis=0), cur.mean(axis=0))
    count, moved = _components(ref, cur, alpha)
    p_values = {"mmd": float(together.p_value or 1.0), "mean": mean_p}
    if method == "components":
        drifted = count >= component_share * ref.shape[1]
        p_value = math.nan
    else:
        p_value = p_values[method]
        drifted = p_value < alpha
    return EmbeddingDrift(
        drifted=drifted,
        decided_by=method,
        p_value=p_value,
        mmd=together,
        mean_distance=distance,
        mean_p_value=mean_p,
        cosine_distance=cosine,
        drifted_components=count,
        components=int(ref.shape[1]),
        moved_components=moved,
        n_reference=int(ref.shape[0]),
        n_current=int(cur.shape[0]),
    )


def vectors(values: Any, side: str, column: str) -> FloatArray:
    """``values`` as an n x d float matrix: rows of one length, finite numbers, at least 2."""
    rows = [v for v in values if v is not None] if not isinstance(values, np.ndarray) else values
    lengths = {len(v) for v in rows} if not isinstance(rows, np.ndarray) else set()
    if len(lengths) > 1:
        first = len(rows[0])
        row = next(i for i, v in enumerate(rows) if len(v) != first)
        raise InputError(
            f"embedding column {column!r}: the {side}'s vectors differ in length (row 0 has "
            f"{first} components, row {row} has {len(rows[row])}); every vector needs the same"
        )
    try:
        array = np.array(rows, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"embedding column {column!r}: the {side}'s vectors are not numbers ({exc})"
        ) from None
    if array.ndim != 2 or array.shape[1] == 0:
        raise InputError(
            f"embedding column {column!r}: the {side} must be vectors (a 2-D array); got shape "
            f"{array.shape}"
        )
    if array.shape[0] < 2:
        raise InputError(
            f"embedding column {column!r}: the {side} has {array.shape[0]} vector(s); at least "
            "2 are needed"
        )
    bad = ~np.isfinite(array)
    if bad.any():
        row, component = (int(i) for i in np.argwhere(bad)[0])
        raise InputError(
            f"embedding column {column!r}: the {side}'s vector at row {row} holds "
            f"{float(array[row, component])} in component {component}"
        )
    return array


def _sample(rows: FloatArray, rng: np.random.Generator) -> FloatArray:
    if rows.shape[0] <= MAX_ROWS:
        return rows
    return rows[np.sort(rng.choice(rows.shape[0], MAX_ROWS, replace=False))]


def _mean_test(ref: FloatArray, cur: FloatArray, seed: int) -> tuple[float, float]:
    """The distance between the means and its permutation p-value."""
    points = np.concatenate((ref, cur))
    m = ref.shape[0]
    indicators = group_indicators(m, cur.shape[0], N_PERMUTATIONS, seed)
    sums = indicators.T @ points  # splits x components: the reference side's sums
    whole = points.sum(axis=0)
    gaps = sums / m - (whole - sums) / cur.shape[0]
    distances = np.sqrt((gaps * gaps).sum(axis=1))
    observed = float(distances[0])
    p_value = (1 + int(np.count_nonzero(distances[1:] >= observed))) / (1 + N_PERMUTATIONS)
    return observed, p_value


def _cosine_distance(a: FloatArray, b: FloatArray) -> float:
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    return 0.0 if norms == 0 else 1.0 - float(a @ b) / norms


def _components(
    ref: FloatArray, cur: FloatArray, alpha: float
) -> tuple[int, tuple[tuple[int, float], ...]]:
    from driftscope.stats import ks

    tested = [ks(ref[:, j], cur[:, j]) for j in range(ref.shape[1])]
    p_values = [1.0 if t.p_value is None else t.p_value for t in tested]
    adjusted = adjust_p_values(p_values, "bh")
    order = sorted(range(len(tested)), key=lambda j: -tested[j].statistic)
    moved = tuple((j, float(tested[j].statistic)) for j in order[:LISTED] if adjusted[j] < alpha)
    return int(np.count_nonzero(adjusted < alpha)), moved
