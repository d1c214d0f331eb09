"""The typed constraint model: what a constraints file says about a dataset, as plain data.

A :class:`Constraints` holds one :class:`ColumnConstraints` per column and one
:class:`DatasetConstraints`; every field that is None (or False) is a constraint that is not
set and is not checked. Inference (:mod:`driftscope.quality.infer`) fills them from a
reference, :mod:`driftscope.quality.files` reads and writes them as YAML, and the checks in
:mod:`driftscope.quality.checks` hold current data against them. Nothing here reads data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from driftscope._types import ColumnType

FORMAT_VERSION = 1
"""The ``version`` a constraints file carries; a file of a later version is refused."""

Number = int | float
Category = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Bounds:
    """A closed interval ``[min, max]``; either end None means unbounded on that side."""

    min: Number | None = None
    max: Number | None = None

    def as_written(self) -> dict[str, Number | None]:
        """The bounds as the constraints file writes them (``QualityIssue.expected``)."""
        return {"min": self.min, "max": self.max}


@dataclass(frozen=True, slots=True)
class Categories:
    """The values a category column may take, and the share of rows tolerated outside them.

    ``other_share`` is the share of a same-population sample expected on values the reference
    did not see (its Good-Turing estimate, at an upper confidence bound); 0 closes the set.
    """

    values: tuple[Category, ...]
    other_share: float = 0.0

    def as_written(self) -> dict[str, Any]:
        """The constraint as the constraints file writes it (``QualityIssue.expected``)."""
        return {"values": list(self.values), "other_share": self.other_share}


@dataclass(frozen=True, slots=True)
class ColumnConstraints:
    """What one column must satisfy.

    ``kind``: the kind of value (``integer``, ``float``, ``string``, ``boolean``,
    ``timestamp``, ... as :func:`driftscope.io.value_kind` names them); ``type``: driftscope's
    column type; ``present``: the column must be in the data; ``completeness``: the least
    share of non-missing values; ``range``: bounds on numbers; ``categories``: allowed
    values; ``unique``: no value twice; ``varies``: not one value repeated on every row.
    """

    name: str
    kind: str | None = None
    type: ColumnType | None = None
    present: bool = True
    completeness: float | None = None
    range: Bounds | None = None
    categories: Categories | None = None
    unique: bool = False
    varies: bool = False


@dataclass(frozen=True, slots=True)
class DatasetConstraints:
    """What the dataset as a whole must satisfy: its row count, and the largest share of rows
    that repeat an earlier row exactly (all columns equal)."""

    rows: Bounds | None = None
    duplicate_rows: float | None = None


@dataclass(frozen=True, slots=True)
class Constraints:
    """Constraints on a dataset, inferred from ``source`` or read from a file.

    >>> c = Constraints(columns=(ColumnConstraints("age", kind="integer"),), source="ref.csv")
    >>> c.names, c.column("age").kind
    (('age',), 'integer')
    """

    columns: tuple[ColumnConstraints, ...]
    dataset: DatasetConstraints = field(default_factory=DatasetConstraints)
    source: str | None = None
    version: int = FORMAT_VERSION

    @property
    def names(self) -> tuple[str, ...]:
        """The constrained columns' names, in file order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ColumnConstraints:
        """The constraints of column ``name`` (KeyError when it has none)."""
        for item in self.columns:
            if item.name == name:
                return item
        raise KeyError(name)
