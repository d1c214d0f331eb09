"""The JSON report, SPEC section 5 (schema_version 1).

Fields are only ever added within a schema version, never renamed or removed. Numbers that JSON
cannot hold (NaN, +/-inf) are written as null, so every consumer can parse the file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from driftscope._plain import plain
from driftscope.result import (
    SCHEMA_VERSION,
    ColumnResult,
    ConceptDrift,
    DriftReport,
    DropExplanation,
    MethodResult,
    MetricValue,
    Performance,
    QualityIssue,
    Segment,
    Source,
)

if TYPE_CHECKING:
    from driftscope.multivariate import MultivariateResult
    from driftscope.multivariate.embeddings import EmbeddingDrift
    from driftscope.multivariate.text import TermShift, TextDrift


def _num(value: float | None) -> float | None:
    """A number field: a float (an integer threshold too), or None where JSON has none."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _source(source: Source) -> dict[str, Any]:
    return {"rows": source.rows, "source": source.source}


def column_to_dict(col: ColumnResult) -> dict[str, Any]:
    """One entry of the report's ``columns`` list."""
    return {
        "name": col.name,
        "type": str(col.type),
        "role": str(col.role),
        "method": col.method,
        "statistic": _num(col.statistic),
        "p_value": _num(col.p_value),
        "p_value_adjusted": _num(col.p_value_adjusted),
        "threshold": _num(col.threshold),
        "higher_is_drift": col.higher_is_drift,
        "effect_size": _num(col.effect_size),
        "effect_measure": col.effect_measure,
        "effect_threshold": _num(col.effect_threshold),
        "detectable_effect": _num(col.detectable_effect),
        "severity": col.severity,
        "importance": _num(col.importance),
        "drifted": col.drifted,
        "status": col.status,
        "note": col.note,
        "reference_missing_share": _num(col.reference_missing_share),
        "current_missing_share": _num(col.current_missing_share),
        "error": col.error,
        "details": plain(col.details, json_safe=True),
        "also": [_method_to_dict(m) for m in col.also],
        "text": None if col.text is None else text_to_dict(col.text),
        "embedding": None if col.embedding is None else embedding_to_dict(col.embedding),
    }


def embedding_to_dict(found: EmbeddingDrift) -> dict[str, Any]:
    """An embedding column's parts: the deciding test and what moved."""
    return {
        "decided_by": found.decided_by,
        "p_value": _num(found.p_value),
        "drifted": found.drifted,
        "components": found.components,
        "drifted_components": found.drifted_components,
        "moved_components": [
            {"component": j, "ks_statistic": _num(ks)} for j, ks in found.moved_components
        ],
        "mean_distance": _num(found.mean_distance),
        "mean_p_value": _num(found.mean_p_value),
        "cosine_distance": _num(found.cosine_distance),
        "mmd": multivariate_to_dict(found.mmd),
    }


def text_to_dict(found: TextDrift) -> dict[str, Any]:
    """A text column's parts: descriptors, vocabulary, the word classifier and ``semantic``,
    the embedding test on the texts' sentence embeddings (null unless asked for; shaped as
    an embedding column's ``embedding`` object)."""

    def terms(shifts: tuple[TermShift, ...]) -> list[dict[str, Any]]:
        return [
            {
                "term": t.term,
                "note": t.note,
                "reference_count": t.reference_count,
                "current_count": t.current_count,
                "reference_per_10k": _num(t.reference_per_10k),
                "current_per_10k": _num(t.current_per_10k),
                "z": _num(t.z),
            }
            for t in shifts
        ]

    vocabulary = found.vocabulary
    return {
        "p_value": _num(found.p_value),
        "drifted": found.drifted,
        "descriptors": [
            {
                "name": d.name,
                "statistic": _num(d.statistic),
                "p_value": _num(d.p_value),
                "reference_mean": _num(d.reference_mean),
                "current_mean": _num(d.current_mean),
                "edges": [_num(e) for e in d.edges],
                "reference_shares": [_num(v) for v in d.reference_shares],
                "current_shares": [_num(v) for v in d.current_shares],
                "value_range": None if d.value_range is None else [_num(v) for v in d.value_range],
            }
            for d in found.descriptors
        ],
        "vocabulary": {
            "jensen_shannon": _num(vocabulary.statistic),
            "p_value": _num(vocabulary.p_value),
            "terms": vocabulary.n_terms,
            "grown": terms(vocabulary.grown),
            "shrunk": terms(vocabulary.shrunk),
        },
        "classifier": multivariate_to_dict(found.classifier),
        "semantic": None if found.semantic is None else embedding_to_dict(found.semantic),
    }


def _method_to_dict(entry: MethodResult) -> dict[str, Any]:
    """A further method's result (reported beside the deciding one, not decided on)."""
    res = entry.result
    return {
        "method": entry.method,
        "statistic": _num(res.statistic) if res else None,
        "p_value": _num(res.p_value) if res else None,
        "threshold": _num(res.threshold) if res else None,
        "higher_is_drift": res.higher_is_drift if res else None,
        "drifted": res.drifted if res else False,
        "error": entry.error,
        "details": plain(res.details, json_safe=True) if res else {},
    }


def quality_to_dict(issue: QualityIssue) -> dict[str, Any]:
    """One entry of the report's ``quality`` list."""
    return {
        "column": issue.column,
        "check": issue.check,
        "severity": issue.severity,
        "message": issue.message,
        "reference": _num(issue.reference),
        "current": _num(issue.current),
        "expected": plain(issue.expected, json_safe=True),
    }


def segment_to_dict(segment: Segment) -> dict[str, Any]:
    """One entry of the report's ``segments`` list: intervals as ``[low, high]``."""
    return {
        "filters": plain(segment.filters, json_safe=True),
        "rows": segment.rows,
        "share": _num(segment.share),
        "kind": segment.kind,
        "score": _num(segment.score),
        "p_value": _num(segment.p_value),
        "message": segment.message,
        "reference_rows": segment.reference_rows,
        "effect": _num(segment.effect),
        "columns": list(segment.columns),
    }


def _explanation(explanation: DropExplanation | None) -> dict[str, Any] | None:
    if explanation is None:
        return None
    return {
        "metric": explanation.metric,
        "reference": _num(explanation.reference),
        "current": _num(explanation.current),
        "estimated": explanation.estimated,
        "drop": _num(explanation.drop),
        "explained": _num(explanation.explained),
        "method": explanation.method,
        "attributions": [
            {
                "name": a.name,
                "kind": a.kind,
                "expected": _num(a.expected),
                "drop": _num(a.drop),
                "share": _num(a.share),
                "filters": None if a.filters is None else plain(a.filters, json_safe=True),
            }
            for a in explanation.attributions
        ],
    }


def performance_to_dict(performance: Performance | None) -> dict[str, Any] | None:
    """The ``performance`` section: each side's metrics with their intervals."""
    if performance is None:
        return None

    def side(metrics: Mapping[str, MetricValue]) -> dict[str, Any]:
        return {
            name: {
                "value": _num(m.value),
                "ci_low": _num(m.ci_low),
                "ci_high": _num(m.ci_high),
                "estimated": m.estimated,
            }
            for name, m in metrics.items()
        }

    return {
        "task": performance.task,
        "reference": side(performance.reference),
        "current": side(performance.current),
        "rows": {"reference": performance.rows[0], "current": performance.rows[1]},
        "classes": list(performance.classes),
        "notes": list(performance.notes),
        "concept": _concept(performance.concept),
        "explanation": _explanation(performance.explanation),
    }


def _concept(concept: ConceptDrift | None) -> dict[str, Any] | None:
    if concept is None:
        return None
    return {
        "changed": concept.changed,
        "alpha": concept.alpha,
        "calibration": {
            "statistic": _num(concept.calibration.statistic),
            "p_value": _num(concept.calibration.p_value),
            "bins": concept.calibration.bins,
            "shift": _num(concept.calibration.shift),
            "class": concept.calibration.label,
        },
        "gaps": {
            name: {
                "realised": _num(gap.realised),
                "estimated": _num(gap.estimated.value),
                "ci_low": _num(gap.estimated.ci_low),
                "ci_high": _num(gap.estimated.ci_high),
                "beyond": gap.beyond,
            }
            for name, gap in concept.gaps.items()
        },
        "features": [
            {
                "name": f.name,
                "statistic": _num(f.statistic),
                "p_value": _num(f.p_value),
                "p_value_adjusted": _num(f.p_value_adjusted),
                "shift": _num(f.shift),
            }
            for f in concept.features
        ],
    }


def multivariate_to_dict(result: MultivariateResult) -> dict[str, Any]:
    """One entry of the report's ``multivariate`` list."""
    return {
        "method": result.method,
        "columns": list(result.columns),
        "statistic": _num(result.statistic),
        "p_value": _num(result.p_value),
        "threshold": _num(result.threshold),
        "higher_is_drift": result.higher_is_drift,
        "drifted": result.drifted,
        "approximate": result.approximate,
        "n_reference": result.n_reference,
        "n_current": result.n_current,
        "details": plain(result.details, json_safe=True),
        "explanation": [
            {"name": c.name, "score": _num(c.score), "note": c.note} for c in result.explanation
        ],
        "error": result.error,
    }


def report_to_dict(report: DriftReport) -> dict[str, Any]:
    """The whole report as plain Python objects, in SPEC order."""
    ds = report.dataset
    return {
        "schema_version": SCHEMA_VERSION,
        "driftscope_version": report.driftscope_version,
        "created_at": report.created_at,
        "reference": _source(report.reference),
        "current": _source(report.current),
        "dataset": {
            "drifted": ds.drifted,
            "drifted_columns": ds.drifted_columns,
            "columns": ds.columns,
            "drift_share": _num(ds.drift_share),
            "share_threshold": _num(ds.share_threshold),
            "correction": ds.correction,
            "severity": ds.severity,
            "weighted_drift_score": _num(ds.weighted_drift_score),
            "reasons": list(ds.reasons),
            "headline": ds.headline,
            "share_reached": ds.share_reached,
            "major_features": ds.major_features,
            "drifted_features": report.drifted_columns,
            "model_drift": [
                {"name": m.name, "role": str(m.role), "severity": m.severity}
                for m in ds.model_drift
            ],
            "multivariate_drift": list(ds.multivariate_drift),
        },
        "columns": [column_to_dict(c) for c in report.columns],
        "quality": [quality_to_dict(q) for q in report.quality],
        "performance": performance_to_dict(report.performance),
        "segments": None
        if report.segments is None
        else [segment_to_dict(s) for s in report.segments],
        "segments_notes": list(report.segments_notes),
        "multivariate": None
        if report.multivariate is None
        else [multivariate_to_dict(m) for m in report.multivariate],
        "options": plain(report.options, json_safe=True),
    }


def report_to_json(report: DriftReport, *, indent: int | None = 2) -> str:
    """The report as JSON text (strict JSON: no NaN or Infinity tokens)."""
    return json.dumps(report_to_dict(report), indent=indent, allow_nan=False, ensure_ascii=False)
