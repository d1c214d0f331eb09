"""An embedding column's row of the report: :func:`~driftscope.multivariate.embeddings.
embedding_drift` on its vectors, decided like any test.

The row's statistic is the vectors' MMD^2 and its p-value the MMD test's (its p-value joins
the report's multiple-testing family); its effect is the MMD distance, sqrt(MMD^2) (see
:mod:`driftscope.decision.effect_size`), so that a significant but tiny change of many
vectors is ``small`` and a large one ``major``. ``ColumnResult.embedding`` holds the whole
:class:`EmbeddingDrift`: the mean vectors' distance and the components that moved.
"""

from __future__ import annotations

import pyarrow as pa

from driftscope.decision import MMD_DISTANCE, mmd_distance
from driftscope.engine.plan import ColumnPlan
from driftscope.engine.rows import missing_summary
from driftscope.result import ColumnResult, Effect
from driftscope.stats import TestResult

ALPHA = 0.05
"""The embedding test's alpha when the column has no threshold of its own."""


def embedding_row(plan: ColumnPlan, ref: pa.ChunkedArray, cur: pa.ChunkedArray) -> ColumnResult:
    """The column's row; an InputError (the caller's row error) for vectors of different
    lengths, NaN inside a vector or too few vectors."""
    from driftscope.multivariate.embeddings import embedding_drift

    alpha = ALPHA if plan.threshold is None else plan.threshold
    found = embedding_drift(ref.to_pylist(), cur.to_pylist(), alpha=alpha, column=plan.name)
    test = TestResult(
        method="embedding",
        statistic=found.mmd.statistic,
        p_value=found.p_value,
        threshold=alpha,
        higher_is_drift=False,
        drifted=found.drifted,
        details={"approximate": found.mmd.approximate},
    )
    return ColumnResult(
        name=plan.name,
        type=plan.type,
        role=plan.role,
        method="embedding",
        summary=missing_summary(ref, cur),
        test=test,
        effect=Effect(
            size=mmd_distance(found.mmd.statistic),
            measure=MMD_DISTANCE.name,
            minimum=MMD_DISTANCE.default_minimum,
        ),
        embedding=found,
    )
