"""Compiled kernels where numba is installed (the ``fast`` extra), the same Python code where
it is not.

:func:`kernel` marks a function written for both: plain loops over float64 arrays and
scalars, no Python objects. The function is compiled with ``numba.njit`` at its first call,
not at import (``import driftscope`` never imports numba), and kept compiled on disk beside
its module (``cache=True``; numba falls back to a user-wide cache folder when the package's
folder is not writable, and without any writable folder the kernel compiles in memory on
every run). Without numba, or with the environment variable ``DRIFTSCOPE_NO_JIT`` set to
anything but ``""`` or ``"0"`` when the first kernel runs, the function runs as the Python it
is: the same answers, slower. (A test switches with ``monkeypatch.setattr(_jit, "ENABLED",
False)``.)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

import numpy as np
from numpy.typing import NDArray

P = ParamSpec("P")
R = TypeVar("R")
NO_JIT = "DRIFTSCOPE_NO_JIT"
"""The environment variable that keeps the kernels in Python."""

ENABLED: bool | None = None
"""Whether kernels run compiled; None until the first kernel asks (see :func:`enabled`)."""
_njit: Any = None


def enabled() -> bool:
    """Whether kernels run compiled: numba imports and ``DRIFTSCOPE_NO_JIT`` is not set."""
    global ENABLED, _njit  # noqa: PLW0603 - decided once per process, at the first kernel
    if ENABLED is None:
        ENABLED = False
        if os.environ.get(NO_JIT, "") in ("", "0"):
            try:
                from numba import njit
            except Exception:  # missing, or failing against this numpy: kernels run as Python
                pass
            else:
                ENABLED, _njit = True, njit
    return ENABLED


def loop_input(xs: NDArray[np.float64]) -> NDArray[np.float64] | list[float]:
    """``xs`` as a kernel loops over it fastest: the array when compiled, Python floats when
    not (arithmetic on numpy's scalars is several times slower in Python)."""
    if enabled():
        return xs
    values: list[float] = xs.tolist()
    return values


class Kernel(Generic[P, R]):
    """A function compiled at its first call while :func:`enabled`, else run as Python."""

    def __init__(self, func: Callable[P, R]) -> None:
        self.py_func = func
        self._compiled: Callable[P, R] | None = None
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if not (ENABLED if ENABLED is not None else enabled()):
            return self.py_func(*args, **kwargs)
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = _compile(self.py_func)
        return compiled(*args, **kwargs)


def kernel(func: Callable[P, R]) -> Kernel[P, R]:
    """Mark ``func`` as a kernel (see the module docstring)."""
    return Kernel(func)


def _compile(func: Callable[P, R]) -> Callable[P, R]:
    try:
        compiled: Callable[P, R] = _njit(cache=True)(func)
    except RuntimeError:  # "cannot cache function": no writable cache folder anywhere
        compiled = _njit(func)
    return compiled
