"""A text column's row of the report: :func:`~driftscope.multivariate.text.text_drift` on its
texts, decided like any test (its p-value joins the report's multiple-testing family).

The row's statistic is the word classifier's held-out AUC (0.5: the words tell nothing), its
p-value the text test's (the smallest of the descriptors', the vocabulary's and the
classifier's, Holm-adjusted), and ``ColumnResult.text`` holds the whole :class:`TextDrift`:
which descriptors and words moved. Its effect is the text separation
(:func:`~driftscope.decision.effect_size.text_separation`: the word classifier's Gini, the
largest KS distance of a descriptor that moved or, with the semantic part, its MMD distance
over sqrt 2), so that a significant but tiny change on many texts is not drift. Missing texts
count in the missing shares.

The method's parameters (``compare(..., method_params={"text": {...}})``) are
:data:`TEXT_PARAMS`: ``embeddings`` (default False) adds the semantic part, the texts'
sentence embeddings tested with MMD (the ``[text]`` extra), whose p-value joins the text
test's Holm family.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from driftscope.decision.effect_size import TEXT_SEPARATION, mmd_distance, text_separation
from driftscope.engine.plan import ColumnPlan
from driftscope.engine.rows import missing_summary
from driftscope.result import ColumnResult, Effect
from driftscope.stats import TestResult
from driftscope.stats._params import Param, flag, resolve

ALPHA = 0.05
"""The text test's alpha when the column has no threshold of its own."""
TEXT_PARAMS: Mapping[str, Param] = {"embeddings": flag(False)}
"""The text method's parameters, checked by :func:`text_params`."""


NO_SKLEARN = (
    "column {name!r} holds free text, which is tested with scikit-learn: pip install "
    "'driftscope[ml]' (or set its type to categorical: --type {name}=categorical)"
)


def sklearn_installed() -> bool:
    """Whether the ``[ml]`` extra's scikit-learn can be imported."""
    import importlib.util

    return importlib.util.find_spec("sklearn") is not None


def text_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The text method's parameters with their defaults; a one-line ConfigError for an unknown
    one, a bad value, or ``embeddings=True`` without the ``[text]`` extra.

    >>> text_params(None)
    {'embeddings': False}
    >>> text_params({"embedding": True})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    driftscope.errors.ConfigError: text: unknown parameter 'embedding'; accepted parameters: ...
    """
    values = resolve("text", TEXT_PARAMS, params or {})
    if values["embeddings"]:
        from driftscope.multivariate.text.embed import model_files

        model_files()
    return values


def text_row(
    plan: ColumnPlan,
    ref: pa.ChunkedArray,
    cur: pa.ChunkedArray,
    params: Mapping[str, Any] | None = None,
) -> ColumnResult:
    """The column's row; an InputError (the caller's row error) for values that are no text,
    a ConfigError for bad ``params`` (see :func:`text_params`). Without scikit-learn the
    column is reported untested with a note saying what to install (the core install stays
    light, and the rest of the report runs)."""
    from driftscope.multivariate.text import text_drift

    options = text_params(params)
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
    found = text_drift(
        ref.to_pylist(),
        cur.to_pylist(),
        alpha=alpha,
        column=plan.name,
        embeddings=options["embeddings"],
    )
    details: dict[str, Any] = {"classifier_p_value": found.classifier.p_value}
    if found.semantic is not None:
        details["semantic_p_value"] = found.semantic.p_value
    test = TestResult(
        method="text",
        statistic=found.classifier.statistic,
        p_value=found.p_value,
        threshold=alpha,
        higher_is_drift=False,
        drifted=found.drifted,
        details=details,
    )
    meaning = None if found.semantic is None else mmd_distance(found.semantic.mmd.statistic)
    separation = text_separation(
        found.classifier.statistic, (d.statistic for d in found.moved_descriptors), meaning
    )
    return ColumnResult(
        name=plan.name,
        type=plan.type,
        role=plan.role,
        method="text",
        summary=summary,
        test=test,
        effect=Effect(
            size=separation,
            measure=TEXT_SEPARATION.name,
            minimum=TEXT_SEPARATION.default_minimum,
        ),
        text=found,
    )
