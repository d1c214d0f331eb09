"""Column types and roles, the vocabulary shared by readers, the engine and the report."""

from __future__ import annotations

from enum import StrEnum


class ColumnType(StrEnum):
    """What kind of values a column holds; decides which statistics apply."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"
    EMBEDDING = "embedding"


class Role(StrEnum):
    """What a column is for in the model; only features, targets and predictions are tested."""

    FEATURE = "feature"
    TARGET = "target"
    PREDICTION = "prediction"
    ID = "id"
    TIMESTAMP = "timestamp"
    IGNORED = "ignored"


TESTED_ROLES = frozenset({Role.FEATURE, Role.TARGET, Role.PREDICTION})
"""The roles whose columns are tested for drift."""

ROLE_OVERRIDES = {"id": Role.ID, "ignored": Role.IGNORED, "timestamp": Role.TIMESTAMP}
"""The roles a user can give a column in place of a type (``--type COLUMN=ROLE``)."""

MODEL_ROLES = (Role.PREDICTION, Role.TARGET)
"""The model's own columns: tested and counted in the severity, never among the features."""
