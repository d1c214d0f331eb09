"""The dataset's verdict: one answer to "did it drift, how badly, does it matter?".

The severity is the worst of:

* the features' own tiers (features of importance 0 left out: the model does not use them);
* ``major`` when the drifted features reach ``share_threshold`` of the tested ones (of the
  feature importance, when importances are given): broad drift, even if each change is mild;
* the model's columns: a drifted prediction (model output drift) or target (label shift)
  counts with its own tier, named as what it is, but never in the feature drift share;
* the multivariate tests (``compare(multivariate=...)``), which see the features move
  together where no column moves alone (a correlation that broke): a test that finds drift
  makes the dataset at least ``warning``, and ``major`` only when its effect is as large as
  one that makes a single feature ``major`` (see :func:`multivariate_severity`). The tests
  see every tested feature, importances or not: with importances, narrow them with
  ``columns``.

The dataset **drifted** exactly when the severity is ``major``: broad drift, or a change that
is large in at least one feature, in the features together, or in the model's output or
labels. ``warning`` is drift
that is real but mild and narrow. Every output (terminal, HTML, JSON, the exit code of
``--fail-on``) states this one verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from statistics import NormalDist

from driftscope._types import MODEL_ROLES, Role
from driftscope.decision.severity import MAJOR_EFFECT, Severity, worst
from driftscope.multivariate._result import MultivariateResult
from driftscope.result import ColumnResult, DatasetVerdict, ModelDrift

SHARE_TOLERANCE = 1e-9
"""Shares within this of ``share_threshold`` reach it: fifteen weights of 1/30 add up to
0.49999999999999994, and "half the features" must read as half. Far below any share that
can be told apart (one feature in a billion)."""


def share_reaches(score: float, share_threshold: float) -> bool:
    """Whether a drift share (or weighted score) reaches the threshold, up to rounding.

    >>> share_reaches(sum([1 / 30] * 15), 0.5), share_reaches(0.49, 0.5)
    (True, False)
    """
    return score >= share_threshold - SHARE_TOLERANCE


def _auc_of_ks(distance: float) -> float:
    """The AUC of the best classifier between two normals of one variance whose KS distance
    is ``distance``: a mean shift of d standard deviations gives D = 2 Phi(d / 2) - 1 and
    AUC = Phi(d / sqrt 2)."""
    unit = NormalDist()
    shift = 2.0 * unit.inv_cdf((1.0 + distance) / 2.0)
    return unit.cdf(shift / math.sqrt(2.0))


MAJOR_AUC = _auc_of_ks(MAJOR_EFFECT["ks_distance"])
"""The domain classifier's held-out AUC (0.5705) from which a multivariate drift is ``major``:
the AUC that separates two samples as well as the KS distance that makes one numeric feature
``major`` (0.1, a mean shift of a quarter of a standard deviation) separates them. The
features together then moved as far as one feature must move alone to be major."""
STATISTIC_NAMES = {"mmd": "MMD^2", "classifier": "AUC", "reconstruction": "reconstruction error"}
"""What each multivariate method's statistic is, as the verdict and the dashboard name it."""
SEPARATING = 3
"""Columns named in a multivariate reason: those that separate the periods most."""


def multivariate_severity(result: MultivariateResult) -> Severity:
    """A multivariate test's tier in the dataset's verdict: ``none`` when it found no drift
    (or could not run), ``major`` for a domain classifier whose held-out AUC reaches
    :data:`MAJOR_AUC`, else ``warning``. MMD^2 and the reconstruction error have no scale a
    feature's tiers translate to, so alone they make a dataset ``warning`` at most.

    >>> from driftscope.multivariate import MultivariateResult
    >>> auc = MultivariateResult("classifier", 0.62, 1e-9, 0.05, False, True, 900, 900)
    >>> multivariate_severity(auc), multivariate_severity(replace(auc, statistic=0.55))
    ('major', 'warning')
    >>> multivariate_severity(replace(auc, method="mmd", statistic=0.3))
    'warning'
    """
    if result.error is not None or not result.drifted:
        return "none"
    if result.method == "classifier" and result.statistic >= MAJOR_AUC:
        return "major"
    return "warning"


def with_multivariate(
    verdict: DatasetVerdict, results: Sequence[MultivariateResult]
) -> DatasetVerdict:
    """``verdict`` with the drift its multivariate tests found: the severity raised to the
    worst test's (:func:`multivariate_severity`), each drifted test named in the reasons and
    in ``multivariate_drift``. A method the verdict already names is not counted twice.

    >>> from driftscope.multivariate import MultivariateResult
    >>> plain = DatasetVerdict(False, 0, 2, 0.0, 0.5)
    >>> mmd = MultivariateResult("mmd", 0.0431, 0.0099, 0.05, False, True, 900, 900)
    >>> found = with_multivariate(plain, [mmd])
    >>> found.severity, found.drifted, found.multivariate_drift, found.reasons
    ('warning', False, ('mmd',), ('features together, warning: mmd (MMD^2 0.0431, p=0.0099)',))
    """
    counted = set(verdict.multivariate_drift)
    moved = [r for r in results if multivariate_severity(r) != "none" and r.method not in counted]
    if not moved:
        return verdict
    severity = worst([verdict.severity, *(multivariate_severity(r) for r in moved)])
    return replace(
        verdict,
        severity=severity,
        drifted=severity == "major",
        reasons=verdict.reasons + tuple(_multivariate_reason(r) for r in moved),
        multivariate_drift=verdict.multivariate_drift + tuple(r.method for r in moved),
    )


def _multivariate_reason(result: MultivariateResult) -> str:
    return f"features together, {multivariate_severity(result)}: {describe_multivariate(result)}"


def describe_multivariate(result: MultivariateResult) -> str:
    """A multivariate test's finding in words: its method, statistic, p-value and the
    columns that separate the periods most.

    >>> from driftscope.multivariate import Contribution, MultivariateResult
    >>> auc = MultivariateResult("classifier", 0.7377, 1.6e-57, 0.05, False, True, 750, 750)
    >>> describe_multivariate(replace(auc, explanation=(Contribution("x", 0.2),)))
    'classifier (AUC 0.738, p=1.6e-57; separating most: x)'
    """
    if result.error is not None:
        return f"{result.method} (not run: {result.error})"
    name = STATISTIC_NAMES.get(result.method, "statistic")
    text = f"{result.method} ({name} {result.statistic:.3g}"
    if result.p_value is not None:
        text += f", p={result.p_value:.2g}"
    separating = [c.name for c in result.explanation[:SEPARATING]]
    if separating:
        text += f"; separating most: {', '.join(separating)}"
    return text + ")"


def dataset_verdict(
    columns: Sequence[ColumnResult],
    share_threshold: float,
    correction: str,
    multivariate: Sequence[MultivariateResult] = (),
) -> DatasetVerdict:
    """The verdict over a report's decided columns and its multivariate tests."""
    return with_multivariate(_columns_verdict(columns, share_threshold, correction), multivariate)


def _columns_verdict(
    columns: Sequence[ColumnResult], share_threshold: float, correction: str
) -> DatasetVerdict:
    features = [c for c in columns if c.role == Role.FEATURE and c.tested]
    weighted = any(c.importance is not None for c in features)
    weights = {c.name: (c.importance or 0.0) if weighted else 1.0 / len(features) for c in features}
    drifted = sum(1 for c in features if c.drifted)
    share = drifted / len(features) if features else 0.0
    # Unweighted, the score is the count's share (one division, no sum of 1/n's); weighted,
    # an exactly rounded sum.
    score = math.fsum(weights[c.name] for c in features if c.drifted) if weighted else share
    share_reached = drifted > 0 and share_reaches(score, share_threshold)
    # A feature the model does not use cannot raise the dataset's severity.
    relevant = [c for c in features if weights[c.name] > 0.0]
    model = [c for c in columns if c.role in MODEL_ROLES and c.tested]
    severity = worst([c.severity for c in relevant + model])
    reasons = []
    if share_reached:
        severity = "major"
        what = f"{score:.0%} of the feature importance" if weighted else f"{share:.0%}"
        reasons.append(
            f"dataset drift: {drifted} of {len(features)} features drifted "
            f"({what}, threshold {share_threshold:.0%})"
        )
    for tier in ("major", "warning"):
        named = sorted(
            (c for c in relevant if c.severity == tier),
            key=lambda c: (-weights[c.name], -(c.effect_size or 0.0)),
        )
        if named:
            reasons.append(f"{tier}: " + ", ".join(_reason(c, weighted) for c in named))
    moved = [c for c in model if c.severity != "none"]
    reasons.extend(f"{_MODEL_LABEL[c.role]}, {c.severity}: {_reason(c, False)}" for c in moved)
    model_drift = tuple(ModelDrift(c.name, c.role, c.severity) for c in moved)
    return DatasetVerdict(
        drifted=severity == "major",
        drifted_columns=drifted,
        columns=len(features),
        drift_share=share,
        share_threshold=share_threshold,
        correction=correction,
        severity=severity,
        weighted_drift_score=score,
        reasons=tuple(reasons),
        share_reached=share_reached,
        major_features=sum(1 for c in relevant if c.severity == "major"),
        model_drift=model_drift,
    )


_MODEL_LABEL = {
    Role.PREDICTION: "model output drift (prediction)",
    Role.TARGET: "label shift (target)",
}


def _reason(col: ColumnResult, weighted: bool) -> str:
    parts = [
        f"{col.method} drifted"
        if col.effect_size is None
        else f"{col.effect_measure} {col.effect_size:.3g}"
    ]
    if weighted:
        parts.append(f"importance {col.importance:.2f}")
    return f"{col.name} ({', '.join(parts)})"
