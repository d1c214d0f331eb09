"""Name -> method: the registry every method joins when its module is imported.

The :class:`Method` type, its kernels and the one wrapper through which every method runs
live in :mod:`driftscope.stats._method`; they are re-exported here with the column kinds, so
a custom method needs only this module::

    from driftscope.stats.registry import NUMERIC, Method, Outcome, register
"""

from __future__ import annotations

from driftscope.errors import ConfigError
from driftscope.stats._inputs import Moments, WeightedSample
from driftscope.stats._method import (
    BINARY,
    CATEGORICAL,
    CONSTANT_NOTE,
    KINDS,
    NUMERIC,
    SINGLE_CATEGORY_NOTE,
    CountsBatch,
    CountsKernel,
    Method,
    MomentsKernel,
    NumericKernel,
    Outcome,
    SketchKernel,
)

__all__ = [
    "BINARY",
    "CATEGORICAL",
    "CONSTANT_NOTE",
    "KINDS",
    "NUMERIC",
    "SINGLE_CATEGORY_NOTE",
    "CountsBatch",
    "CountsKernel",
    "Method",
    "Moments",
    "MomentsKernel",
    "NumericKernel",
    "Outcome",
    "SketchKernel",
    "WeightedSample",
    "available",
    "get",
    "register",
    "unregister",
]

_REGISTRY: dict[str, Method] = {}


def register(method: Method, *, replace: bool = False) -> Method:
    """Add a method to the registry (and return it, so it can be kept as a module constant).

    A name already taken is a ConfigError unless ``replace`` is True.
    """
    if method.name in _REGISTRY and not replace:
        raise ConfigError(
            f"method {method.name!r} is already registered; pass replace=True to override it"
        )
    _REGISTRY[method.name] = method
    return method


def unregister(name: str) -> Method:
    """Remove a method from the registry and return it (ConfigError when it is unknown)."""
    method = get(name)
    del _REGISTRY[name]
    return method


def get(name: str) -> Method:
    """The method registered under ``name``.

    >>> get("ks").higher_is_drift
    False
    >>> get("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    driftscope.errors.ConfigError: unknown method 'nope'; available: anderson_darling, ...
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ConfigError(f"unknown method {name!r}; available: {', '.join(available())}") from None


def available() -> list[str]:
    """Names of every registered method, sorted."""
    return sorted(_REGISTRY)
