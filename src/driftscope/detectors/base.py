"""What every online drift detector is: values in one at a time (or many at once), a
read-only ``drift_detected`` after each, parameters declared as data, and a state that can be
saved and restored exactly.

A detector subclasses :class:`DriftDetector` and writes three things: :meth:`_reset_state`
(its state at the start, set as attributes named in ``STATE``), :meth:`_step` (one valid
value; it sets ``self._drift`` and, where the method has one, ``self._warning``, and restarts
its own state after a drift when the method does), and its class attributes ``name``,
``PARAMS`` and, for detectors of error streams, ``binary = True``. The base class checks
every value (NaN, inf, None, text; anything but 0 and 1 for a binary detector) with one
message naming the detector and the stream index, and saves and restores every attribute
named in ``STATE``. :meth:`~DriftDetector.update_many` may be overridden with a faster kernel
that gives the same answer (the conformance suite, :mod:`driftscope.testing.detectors`,
checks that it does).

Semantics, as River's: ``drift_detected`` (and ``warning_detected``) say what the last value
signalled, and go back to False with the next value. A detector that restarts after a drift
does so inside the :meth:`_step` that detected it, or (ADWIN, as River's) keeps what it found
visible while ``drift_detected`` holds and restarts with the next value; the positions
signalled are the same either way.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Mapping
from numbers import Real
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import ConfigError, InputError, param_error
from driftscope.stats._params import Param, one_of, resolve

_FLAGS = frozenset((0.0, 1.0))
STATE_VERSION = 1
"""The format of :meth:`DriftDetector.state`; a state of another version is refused."""
ON_INVALID = one_of("raise", ("raise", "skip"))
"""What every detector does with a value it cannot use (NaN, inf, None, text, or anything but
0 and 1 for a binary detector): ``raise`` an InputError naming the stream index, or ``skip``
it (it is not counted as seen)."""


class DriftDetector(ABC):
    """An online drift detector (see the module docstring for how to write one)."""

    name: ClassVar[str]
    """The registry's name of the detector (``page_hinkley``, ``adwin``, ...)."""
    PARAMS: ClassVar[Mapping[str, Param]] = {}
    """The detector's own parameters; ``on_invalid`` is every detector's."""
    STATE: ClassVar[tuple[str, ...]] = ()
    """The attributes :meth:`_reset_state` sets and :meth:`state` saves."""
    binary: ClassVar[bool] = False
    """Whether the detector reads an error stream: only 0 (right) and 1 (wrong) are values."""

    def __init__(self, **params: Any) -> None:
        declared = {**self.PARAMS, "on_invalid": ON_INVALID}
        self._params = resolve(self.name, declared, params)
        self._check_params(self._params)
        self._drift = False
        self._warning = False
        self._n_seen = 0
        self._reset_state()

    def _check_params(self, params: Mapping[str, Any]) -> None:
        """Constraints between parameters (a ConfigError in :func:`param_error`'s format);
        none by default."""
        del params

    @abstractmethod
    def _reset_state(self) -> None:
        """Set the attributes named in ``STATE`` to the detector's state at the start."""

    def _restored(self) -> None:  # noqa: B027 - a hook, empty unless a detector derives
        """Called after :meth:`from_state` set the attributes named in ``STATE``: recompute
        what is derived from them (nothing by default)."""

    @abstractmethod
    def _step(self, x: float) -> None:
        """Take one valid value: update the state, set ``self._drift`` (and
        ``self._warning``), restart the state after a drift where the method does."""

    @property
    def params(self) -> dict[str, Any]:
        """The detector's parameters, defaults filled in."""
        return dict(self._params)

    @property
    def drift_detected(self) -> bool:
        """Whether the last value signalled drift."""
        return self._drift

    @property
    def warning_detected(self) -> bool:
        """Whether the last value signalled a warning (False for detectors without one)."""
        return self._warning

    @property
    def n_seen(self) -> int:
        """How many values the detector has taken (skipped ones not counted)."""
        return self._n_seen

    def update(self, x: object) -> Self:
        """Take one value; then read :attr:`drift_detected`."""
        self._drift = self._warning = False
        value: float | None
        if isinstance(x, float | int) and not isinstance(x, bool):
            number = float(x)  # the common case, checked without a call
            flag_ok = not self.binary or number in _FLAGS
            value = number if number - number == 0.0 and flag_ok else self._valid(x, self._n_seen)
        else:
            value = self._valid(x, self._n_seen)
        if value is None:
            return self
        self._n_seen += 1
        self._step(value)
        return self

    def update_many(self, values: Iterable[object]) -> list[int]:
        """Take ``values`` in order; the positions in ``values`` (0-based) at which drift was
        signalled. The same as :meth:`update` on each value in turn, state included: values
        that are all valid numbers are checked at once and stepped through without the
        per-value checks; any other input goes value by value."""
        floats = _all_valid(values, binary=self.binary)
        if floats is None:
            return self._update_each(values)
        found = []
        step = self._step
        for i, x in enumerate(floats):
            self._drift = self._warning = False
            self._n_seen += 1
            step(x)
            if self._drift:
                found.append(i)
        return found

    def _signalled(self, found: NDArray[np.int64], n: int, warning: bool) -> list[int]:
        """After a kernel took ``n`` values: the drifts' positions as a list, and the last
        value's signals set (unchanged when there was no value, as :meth:`update_many`)."""
        positions: list[int] = found.tolist()
        if n:
            self._drift = bool(positions) and positions[-1] == n - 1
            self._warning = warning
        return positions

    def _update_each(self, values: Iterable[object]) -> list[int]:
        found = []
        for i, x in enumerate(values):
            self.update(x)
            if self._drift:
                found.append(i)
        return found

    def reset(self) -> None:
        """Back to the state of a new detector with the same parameters."""
        self._drift = self._warning = False
        self._n_seen = 0
        self._reset_state()

    def _valid(self, x: object, index: int) -> float | None:
        """``x`` as a float, None to skip it, or an InputError naming the stream index."""
        problem = None
        value = math.nan
        if isinstance(x, bool | np.bool_):
            value = float(x)
        elif isinstance(x, Real):
            value = float(x)
            if not math.isfinite(value):
                problem = f"is {value}"
        else:
            problem = f"is {type(x).__name__}, not a number"
        if problem is None and self.binary and value not in (0.0, 1.0):
            problem = f"is {value:g}; an error stream holds 0 (right) and 1 (wrong)"
        if problem is None:
            return value
        if self._params["on_invalid"] == "skip":
            return None
        raise InputError(
            f"{self.name}: the value at stream index {index} {problem} "
            "(on_invalid='skip' skips such values)"
        )

    def state(self) -> dict[str, Any]:
        """Everything the detector knows, as JSON-ready data: :meth:`from_state` makes the
        same detector again, which continues exactly as this one would."""
        return {
            "detector": self.name,
            "version": STATE_VERSION,
            "params": dict(self._params),
            "n_seen": self._n_seen,
            "drift": self._drift,
            "warning": self._warning,
            "state": {key: _encode(getattr(self, key)) for key in self.STATE},
        }

    @classmethod
    def from_state(cls, saved: Mapping[str, Any]) -> Self:
        """The detector :meth:`state` saved; a ConfigError for another detector's state, another
        format version, or a state that lacks a part."""
        if not isinstance(saved, Mapping):
            raise ConfigError(f"{cls.name}: a saved state is a mapping; got {type(saved).__name__}")
        if saved.get("detector") != cls.name:
            raise ConfigError(
                f"{cls.name}: the saved state is of detector {saved.get('detector')!r}, "
                f"not {cls.name!r}"
            )
        if saved.get("version") != STATE_VERSION:
            raise ConfigError(
                f"{cls.name}: the saved state has format version {saved.get('version')!r}; "
                f"this driftscope reads version {STATE_VERSION}"
            )
        try:
            detector = cls(**saved["params"])
            detector._n_seen = int(saved["n_seen"])
            detector._drift = bool(saved["drift"])
            detector._warning = bool(saved["warning"])
            parts = saved["state"]
            for key in cls.STATE:
                setattr(detector, key, _decode(parts[key], getattr(detector, key)))
            detector._restored()
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"{cls.name}: the saved state is incomplete or damaged ({exc})"
            ) from None
        return detector

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in self._params.items() if k != "on_invalid")
        return f"{type(self).__name__}({given})"


class InlineUpdate(DriftDetector):
    """A detector whose :meth:`update` takes the common value (a float or an int; 0 or 1 for
    an error stream) inline, without the base class's checks and a call to :meth:`_step`:
    a method call per value is much of the cost. Any other value goes through the base
    class's :meth:`DriftDetector.update`, which checks and counts it and calls :meth:`_step`,
    which hands it back to the inline path uncounted."""

    def _step(self, x: float) -> None:
        self._n_seen -= 1  # the inline path counts it again
        self.update(x)


def require_order(
    owner: str, params: Mapping[str, Any], name: str, relation: str, other: str
) -> None:
    """A ConfigError in the one format unless parameter ``name`` lies strictly ``relation``
    (``"below"`` or ``"above"``) parameter ``other``: a warning level and a drift level, say.

    >>> require_order("ddm", {"warning": 3.0, "drift": 3.0}, "warning", "below", "drift")
    Traceback (most recent call last):
    ...
    driftscope.errors.ConfigError: ddm: parameter 'warning' must be below drift (3.0); got 3.0
    """
    value, bound = params[name], params[other]
    if not (value < bound if relation == "below" else value > bound):
        raise param_error(owner, name, f"{relation} {other} ({bound!r})", value)


def bulk_values(values: Iterable[object], *, binary: bool) -> NDArray[np.float64] | None:
    """``values`` as a contiguous float64 array when every one is a finite number (0 or 1 for
    an error stream), else None (the caller then checks them one at a time). It may be the
    caller's own array: kernels only read it."""
    if isinstance(values, np.ndarray):
        if values.dtype.kind not in "biuf" or values.ndim != 1:
            return None
        array = values.astype(np.float64, copy=False)
    else:
        if not isinstance(values, list | tuple):
            return None
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            return None
        if array.ndim != 1 or any(isinstance(v, str | bytes) for v in values):
            return None  # np.asarray reads "1.5" as a number; a detector does not
    if not np.isfinite(array).all():
        return None
    if binary and not np.isin(array, (0.0, 1.0)).all():
        return None
    return np.ascontiguousarray(array)


def _all_valid(values: Iterable[object], *, binary: bool) -> list[float] | None:
    """``values`` as Python floats when every one is a finite number (0 or 1 for an error
    stream), else None."""
    array = bulk_values(values, binary=binary)
    if array is None:
        return None
    floats: list[float] = array.tolist()
    return floats


def _encode(value: Any) -> Any:
    """A state attribute as strict JSON data: floats keep every bit through JSON, and the
    ones JSON has no number for (infinities, NaN: a running minimum before its first value)
    are written ``{"float": "inf"}``, so a database's JSON column takes the state as it is."""
    if isinstance(value, np.ndarray):
        return {"array": [_encode(v) for v in value.tolist()], "dtype": str(value.dtype)}
    if isinstance(value, deque):
        return {"deque": [_encode(v) for v in value], "maxlen": value.maxlen}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return _encode(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return {"float": repr(value)}
    return value


def _decode(data: Any, like: Any) -> Any:
    """A saved attribute back as the type ``like`` (its value in a new detector) has; nested
    values by their own shape."""
    if isinstance(data, dict) and set(data) == {"float"}:
        return float(data["float"])
    if isinstance(like, np.ndarray):
        return np.asarray([_decode(v, None) for v in data["array"]], dtype=data["dtype"])
    if isinstance(like, deque):
        return deque((_decode(v, None) for v in data["deque"]), maxlen=data["maxlen"])
    if isinstance(like, tuple):
        return tuple(_decode(v, None) for v in data)
    if isinstance(data, list):
        return [_decode(v, None) for v in data]
    if isinstance(data, dict):
        return {k: _decode(v, None) for k, v in data.items()}
    if isinstance(like, float):
        return float(data)
    if isinstance(like, bool):
        return bool(data)
    if isinstance(like, int):
        return int(data)
    return data
