"""The report's data model, kept here for code that imports it from ``driftscope.report``:
it lives in :mod:`driftscope.result`."""

from driftscope.result import (
    FAIL_ON,
    SCHEMA_VERSION,
    ColumnResult,
    ColumnStatus,
    DatasetVerdict,
    Distribution,
    DriftReport,
    Effect,
    MethodResult,
    ModelDrift,
    QualityIssue,
    Severity,
    Source,
    Summary,
)

__all__ = [
    "FAIL_ON",
    "SCHEMA_VERSION",
    "ColumnResult",
    "ColumnStatus",
    "DatasetVerdict",
    "Distribution",
    "DriftReport",
    "Effect",
    "MethodResult",
    "ModelDrift",
    "QualityIssue",
    "Severity",
    "Source",
    "Summary",
]
