"""Column types, method kinds and roles: the vocabulary of readers, the engine and the report."""

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


class Kind(StrEnum):
    """What a drift method tests, in the engine's terms: numbers, categories, or a category
    column with at most two values (a binary method). Every column type maps onto one kind
    (:data:`KIND_OF_TYPE`); text and embeddings have none yet."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    BINARY = "binary"


KIND_OF_TYPE = {
    ColumnType.NUMERIC: Kind.NUMERIC,
    ColumnType.DATETIME: Kind.NUMERIC,
    ColumnType.CATEGORICAL: Kind.CATEGORICAL,
    ColumnType.BOOLEAN: Kind.CATEGORICAL,
}
"""The kind of method that tests each column type (datetimes as numbers, booleans as
categories); a type missing here is not tested yet."""


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
