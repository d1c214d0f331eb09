"""How every column of a comparison is evaluated: :class:`Settings`, one per comparison.

Built once by :func:`driftscope.compare` from its options and handed to
:func:`driftscope.engine.column.evaluate` with each column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from driftscope.engine.calibration import CalibrationSettings

RowOrder: TypeAlias = npt.NDArray[np.intp] | None
"""The rows of one side in time order (indices), or None for the order they come in."""
_NO_PARAMS: Mapping[str, Mapping[str, Any]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Settings:
    """How every column of a comparison is evaluated: +/-inf as missing or as an error,
    parameters per method, the calibration of distance thresholds (None: fixed), whether
    test p-values use the effective sample size of autocorrelated rows, and the order of each
    side's rows for the autocorrelation (a timestamp column's; None: as the rows come)."""

    inf_as_missing: bool = False
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _NO_PARAMS)
    calibration: CalibrationSettings | None = None
    effective_sample_size: bool = False
    row_order: tuple[RowOrder, RowOrder] = (None, None)

    def params_of(self, method: str) -> dict[str, Any]:
        return dict(self.params.get(method, {}))
