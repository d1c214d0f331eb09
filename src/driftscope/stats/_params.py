"""Declared parameter constraints: every method's tunables are data, checked in one place.

A method lists its parameters as :class:`Param` objects; :func:`resolve` fills defaults, rejects
unknown names and raises the one message format of :func:`driftscope.errors.param_error`, e.g.
``psi: parameter 'n_bins' must be an integer >= 2; got 1``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

from driftscope.errors import ConfigError, param_error


@dataclass(frozen=True, slots=True)
class Param:
    """One tunable of a method: its default, a check, and the check said in words.

    ``constraint`` completes the sentence "parameter 'x' must be ...".
    """

    default: object
    constraint: str
    accepts: Callable[[object], bool]


def _as_int(value: object) -> int | None:
    """The value as an int, or None when it is not an integer (bool is not one here)."""
    # bool is an Integral in Python, but True as n_bins is a mistake, not a number.
    if isinstance(value, Integral) and not isinstance(value, bool):
        return int(value)
    return None


def _as_real(value: object) -> float | None:
    """The value as a finite float, or None when it is not a finite real number."""
    if isinstance(value, Real) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number):
            return number
    return None


def _int_at_least(minimum: int) -> Callable[[object], bool]:
    def accepts(value: object) -> bool:
        number = _as_int(value)
        return number is not None and number >= minimum

    return accepts


def _real_between(low: float, high: float, *, high_closed: bool) -> Callable[[object], bool]:
    def accepts(value: object) -> bool:
        number = _as_real(value)
        if number is None or number <= low:
            return False
        return number <= high if high_closed else number < high

    return accepts


def integer(default: int, *, minimum: int) -> Param:
    """An integer parameter with a lower bound.

    >>> integer(10, minimum=2).accepts(1)
    False
    """
    return Param(default, f"an integer >= {minimum}", _int_at_least(minimum))


def open_unit_float(default: float) -> Param:
    """A float strictly between 0 and 1 (a floor such as psi's eps)."""
    return Param(default, "a number in (0, 1)", _real_between(0.0, 1.0, high_closed=False))


def real_between(default: float, low: float, high: float, *, low_open: bool = False) -> Param:
    """A finite number in ``[low, high]`` (``(low, high]`` with ``low_open``).

    >>> rate = real_between(0.05, 0.0, 0.5, low_open=True)
    >>> rate.constraint, rate.accepts(0.5), rate.accepts(0)
    ('a number in (0, 0.5]', True, False)
    """
    opening = "(" if low_open else "["

    def accepts(value: object) -> bool:
        number = _as_real(value)
        if number is None:
            return False
        return (low < number if low_open else low <= number) and number <= high

    return Param(default, f"a number in {opening}{low:g}, {high:g}]", accepts)


def one_of(default: str, choices: Collection[str]) -> Param:
    """One of a fixed set of names.

    >>> one_of("bh", ("bh", "holm")).constraint
    'one of bh, holm'
    """
    allowed = tuple(choices)
    return Param(default, f"one of {', '.join(allowed)}", lambda v: v in allowed)


def flag(default: bool) -> Param:
    """True or False (not 0 or 1, not a string)."""
    return Param(default, "True or False", lambda v: isinstance(v, bool))


def seed(default: int | None = 0) -> Param:
    """A random seed: a non-negative integer, or None for fresh entropy on every call."""
    at_least_zero = _int_at_least(0)
    return Param(default, "a non-negative integer or None", lambda v: v is None or at_least_zero(v))


def resolve(owner: str, declared: Mapping[str, Param], given: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``given`` against ``declared`` and return every parameter's value.

    Integers are returned as ``int`` and reals as ``float``, so kernels never see numpy scalars.

    >>> resolve("psi", {"n_bins": integer(10, minimum=2)}, {})
    {'n_bins': 10}
    >>> resolve("psi", {"n_bins": integer(10, minimum=2)}, {"n_bins": 1})
    Traceback (most recent call last):
    ...
    driftscope.errors.ConfigError: psi: parameter 'n_bins' must be an integer >= 2; got 1
    """
    unknown = sorted(set(given) - set(declared))
    if unknown:
        accepted = ", ".join(sorted(declared)) or "none"
        raise ConfigError(
            f"{owner}: unknown parameter {unknown[0]!r}; accepted parameters: {accepted}"
        )
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        value = given.get(name, spec.default)
        if not spec.accepts(value):
            raise param_error(owner, name, spec.constraint, value)
        as_int = _as_int(value)
        as_real = _as_real(value)
        values[name] = as_int if as_int is not None else as_real if as_real is not None else value
    return values


def resolve_threshold(owner: str, value: object, *, default: float, higher_is_drift: bool) -> float:
    """The threshold to compare against: the default when None, else a checked float.

    Distances take any finite positive threshold; hypothesis tests take alpha in (0, 1].

    >>> resolve_threshold("ks", None, default=0.05, higher_is_drift=False)
    0.05
    >>> try:
    ...     resolve_threshold("ks", 2, default=0.05, higher_is_drift=False)
    ... except ConfigError as exc:
    ...     print(exc)
    ks: parameter 'threshold' must be a number in (0, 1] (alpha); got 2
    """
    if value is None:
        return float(default)
    number = _as_real(value)
    if higher_is_drift:
        if number is None or number <= 0.0:
            raise param_error(owner, "threshold", "a finite number > 0", value)
    elif number is None or not 0.0 < number <= 1.0:
        raise param_error(owner, "threshold", "a number in (0, 1] (alpha)", value)
    return number
