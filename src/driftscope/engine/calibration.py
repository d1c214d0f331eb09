"""Calibrated thresholds in the engine: compute once per reference, keep them, apply them.

A calibration depends on the method and its parameters, the reference sample, the current
sample size and the target false-alarm rate, and on nothing else; its key hashes exactly
those (the reference by the SHA-256 of its sorted values or its category counts and labels).
Calibrations are kept in memory for the process and, given a folder, as one small JSON file
each, so monitoring runs against the same reference do not redo them.

Each column is calibrated at the report's false-alarm rate; once every column is measured,
:func:`at_column_rate` raises the thresholds of the report's calibrated distances so that the
rate holds for the report (Šidák over the ``m`` distances, from the calibration's null model),
as Benjamini-Hochberg does for the report's tests.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.decision.calibration import (
    DEFAULT_FALSE_ALARM_RATE,
    Calibration,
    NullModel,
    calibrate_counts,
    calibrate_sorted,
)
from driftscope.io.atomic import write_text_atomic
from driftscope.stats import TestResult
from driftscope.stats._result import passes

CACHE_VERSION = 3  # bump when the calibration procedure changes: old files stop matching


@dataclass(slots=True)
class CalibrationCache:
    """Calibrations by key, in memory and (when ``directory`` is set) on disk."""

    directory: Path | None = None
    _memory: dict[str, Calibration] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: str) -> Calibration | None:
        with self._lock:
            if key in self._memory:
                return self._memory[key]
        if self.directory is None:
            return None
        try:
            data = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
            null = data["null"]
            found = Calibration(
                threshold=float(data["threshold"]),
                false_alarm_rate=float(data["false_alarm_rate"]),
                draws=int(data["draws"]),
                n_current=int(data["n_current"]),
                scaled=bool(data["scaled"]),
                null=None if null is None else NullModel.from_dict(null),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or unreadable: calibrate again and overwrite
        with self._lock:
            self._memory[key] = found
        return found

    def put(self, key: str, calibration: Calibration) -> None:
        with self._lock:
            self._memory[key] = calibration
        if self.directory is not None:
            record = {
                "threshold": calibration.threshold,
                "false_alarm_rate": calibration.false_alarm_rate,
                "draws": calibration.draws,
                "n_current": calibration.n_current,
                "scaled": calibration.scaled,
                "null": None if calibration.null is None else calibration.null.to_dict(),
            }
            write_text_atomic(self.directory / f"{key}.json", json.dumps(record), make_folders=True)


_CACHES: dict[Path | None, CalibrationCache] = {}
_CACHES_LOCK = threading.Lock()


def cache_for(directory: str | Path | None) -> CalibrationCache:
    """The process's cache for a folder (or the memory-only one for None)."""
    key = None if directory is None else Path(directory).resolve()
    with _CACHES_LOCK:
        if key not in _CACHES:
            _CACHES[key] = CalibrationCache(key)
        return _CACHES[key]


@dataclass(frozen=True, slots=True)
class CalibrationSettings:
    """How the engine calibrates distance thresholds (``None`` settings: fixed thresholds)."""

    false_alarm_rate: float = DEFAULT_FALSE_ALARM_RATE
    draws: int | None = None
    """Null draws per calibration; None: as many as the method's kernels allow."""
    cache: CalibrationCache = field(default_factory=CalibrationCache)


def _key(parts: list[Any], reference: bytes) -> str:
    digest = hashlib.sha256(json.dumps([CACHE_VERSION, *parts], default=str).encode())
    digest.update(hashlib.sha256(reference).digest())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Measured:
    """A method's result on a column, with its threshold before calibration (``fixed``) and
    what its distance reaches by chance (``chance``, the calibration's threshold; None when
    it was not calibrated)."""

    result: TestResult
    fixed: float
    chance: float | None = None


def calibrate_result(
    res: TestResult,
    settings: CalibrationSettings | None,
    params: dict[str, Any],
    *,
    sorted_reference: NDArray[np.float64] | None = None,
    reference_counts: NDArray[np.int64] | None = None,
    labels: tuple[str, ...] = (),
    quantile_bins: bool = False,
    n_current: int,
) -> Measured:
    """``res`` of a distance with its threshold raised to the calibrated one where that is
    larger, as :class:`Measured`; the calibration is in ``details`` too. Tests, degenerate
    results (equal constant samples) and ``settings=None`` come back unchanged.
    ``quantile_bins``: ``reference_counts`` are a numeric column's counts in bins its
    reference's quantiles fix (from profiles), not category counts."""
    unchanged = Measured(res, res.threshold)
    if settings is None or not res.higher_is_drift or res.degenerate:
        return unchanged
    options: dict[str, Any] = {
        "params": params,
        "false_alarm_rate": settings.false_alarm_rate,
        "draws": settings.draws,
    }
    run: Callable[[int], Calibration]
    if sorted_reference is not None:
        values = sorted_reference
        fingerprint = np.ascontiguousarray(values).tobytes()

        def run(seed: int) -> Calibration:
            return calibrate_sorted(res.method, values, n_current, seed=seed, **options)

    elif reference_counts is not None:
        counts = reference_counts
        names = "\0".join(labels).encode("utf-8", "surrogatepass")
        fingerprint = np.ascontiguousarray(counts).tobytes() + names

        def run(seed: int) -> Calibration:
            return calibrate_counts(
                res.method, counts, n_current, seed=seed, quantile_bins=quantile_bins, **options
            )

    else:
        return unchanged
    parts = [res.method, sorted(params.items()), n_current, settings.false_alarm_rate]
    if quantile_bins:
        parts.append("quantile bins")
    key = _key([*parts, settings.draws], fingerprint)
    calibration = settings.cache.get(key)
    if calibration is None:
        calibration = run(int(key[:8], 16))  # the same inputs always draw the same samples
        settings.cache.put(key, calibration)
    threshold = max(res.threshold, calibration.threshold)
    details = {**res.details, **calibration.to_dict(), "fixed_threshold": res.threshold}
    calibrated = replace(
        res,
        threshold=threshold,
        drifted=passes(res.statistic, None, threshold, higher_is_drift=True),
        details=MappingProxyType(details),
    )
    return Measured(calibrated, res.threshold, calibration.threshold)


def column_rate(false_alarm_rate: float, columns: int) -> float:
    """Each of ``columns`` calibrated distances' false-alarm rate so that the report's is
    ``false_alarm_rate`` (Šidák: ``1 - (1 - rate)^(1/m)``; exact for independent columns,
    conservative otherwise).

    >>> round(column_rate(0.05, 30), 6), column_rate(0.05, 1)
    (0.001708, 0.05)
    """
    if columns <= 1:
        return false_alarm_rate
    return -math.expm1(math.log1p(-false_alarm_rate) / columns)


def at_column_rate(
    res: TestResult, columns: int, *, share: float = 1.0
) -> tuple[TestResult, float] | None:
    """A calibrated distance's result with its threshold raised to hold ``share`` of the
    report's false-alarm rate over ``columns`` calibrated distances, and its new chance
    threshold; None when ``res`` was not calibrated (its details hold no calibration)."""
    details = res.details
    rate, chance = details.get("false_alarm_rate"), details.get("calibrated_threshold")
    fixed, fitted = details.get("fixed_threshold"), details.get("null_model")
    if not isinstance(rate, float) or not isinstance(chance, float):
        return None
    if not isinstance(fixed, int | float):
        return None
    null = NullModel.from_dict(fitted) if isinstance(fitted, Mapping) else None
    calibration = Calibration(chance, rate, 0, 0, null=null)
    per_column = column_rate(rate * share, columns)
    raised = calibration.threshold_at(per_column)
    threshold = max(float(fixed), raised)
    adjusted = {
        **details,
        "calibrated_threshold": raised,
        "column_false_alarm_rate": per_column,
        "calibrated_columns": columns,
    }
    return replace(
        res,
        threshold=threshold,
        drifted=passes(res.statistic, None, threshold, higher_is_drift=True),
        details=MappingProxyType(adjusted),
    ), raised
