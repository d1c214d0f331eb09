"""A text column's row of the report: :func:`~driftscope.multivariate.text.text_drift` on its
texts, decided like any test (its p-value joins the report's multiple-testing family).

The row's statistic is the word classifier's held-out AUC (0.5: the words tell nothing), its
p-value the text test's (the smallest of the descriptors', the vocabulary's and the
classifier's, Holm-adjusted), and ``ColumnResult.text`` holds the whole :class:`TextDrift`:
which descriptors and words moved. Missing texts count in the missing shares.
"""

from __future__ import annotations

import pyarrow as pa

from driftscope.engine.plan import ColumnPlan
from driftscope.engine.rows import missing_summary
from driftscope.result import ColumnResult
from driftscope.stats import TestResult

ALPHA = 0.05
"""The text test's alpha when the column has no threshold of its own."""


NO_SKLEARN = (
    "column {name!r} holds free text, which is tested with scikit-learn: pip install "
    "'driftscope[ml]' (or set its type to categorical: --type {name}=categorical)"
)


def sklearn_installed() -> bool:
    """Whether the ``[ml]`` extra's scikit-learn can be imported."""
    import importlib.util

    return importlib.util.find_spec("sklearn") is not None


def text_row(plan: ColumnPlan, ref: pa.ChunkedArray, cur: pa.ChunkedArray) -> ColumnResult:
    """The column's row; an InputError (the caller's row error) for values that are no text.
    Without scikit-learn the column is reported untested with a note saying what to install
    (the core install stays light, and the rest of the report runs)."""
    from driftscope.multivariate.text import text_drift

    summary = missing_summary(ref, cur)
    if not sklearn_installed():
        return ColumnResult(
            name=plan.name,
            type=plan.type,
            role=plan.role,
            method=None,
            summary=summary,
            note=NO_SKLEARN.format(name=plan.name),
        )
    alpha = ALPHA if plan.threshold is None else plan.threshold
    found = text_drift(ref.to_pylist(), cur.to_pylist(), alpha=alpha, column=plan.name)
    test = TestResult(
        method="text",
        statistic=found.classifier.statistic,
        p_value=found.p_value,
        threshold=alpha,
        higher_is_drift=False,
        drifted=found.drifted,
        details={"classifier_p_value": found.classifier.p_value},
    )
    return ColumnResult(
        name=plan.name,
        type=plan.type,
        role=plan.role,
        method="text",
        summary=summary,
        test=test,
        text=found,
    )
