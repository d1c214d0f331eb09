"""FHDDM, the Fast Hoeffding Drift Detection Method: a fall in a classifier's accuracy over a
sliding window, by Hoeffding's inequality (Pesaranghader & Viktor 2016).

The stream holds 0 (a right prediction) and 1 (a wrong one). The detector keeps the last
``n = sliding_window_size`` values. Once the window is full, at each value it takes the
window's accuracy and the highest accuracy of a full window since the start::

    p = (n - k) / n        p_max = max(p so far)        eps = sqrt(ln(1 / delta) / (2 n))

with ``k`` the errors in the window and ``delta = confidence_level``, and signals drift when
``p_max - p > eps``. By Hoeffding's inequality, while the error rate holds, a window's
accuracy lies ``eps`` or more below the true one with probability at most ``exp(-2 n eps**2)
= delta``. With
``short_window_size = m`` (the stacking FHDDM, Pesaranghader et al. 2018) the last ``m``
values of the full window are watched too, with their own ``p_max`` and ``eps_m = sqrt(ln(1 /
delta) / (2 m))``; a fall in either window is a drift. Until the window is full nothing is
signalled; after a drift the detector starts afresh (the window empties), so drifts lie at
least ``n`` values apart. There is no warning zone.

As River's ``FHDDM`` (0.26), position by position, on the same stream with each value ``x``
given to River as ``1 - x`` (tested). River counts the ones of its input as the window's
successes (as MOA's FHDDM, which turns a prediction of 0 into a one): it signals when the
share of ones falls, so its ``x = 1`` is a right prediction, although its docstring says an
error; given an error stream as it is, River's signals a fall of the error rate. The
parameters are River's, by name and default (MOA's window is 25, River's 100). Inside, the
state is counts of errors: ``(n - k) / n`` is the same float as River's count of ones over
``n``, and the highest accuracy is kept as the lowest count of errors, with (for
:meth:`FHDDM.update`) the least count that signals against it, found once per new lowest
from the same floats River compares. ``short_window_size`` may not exceed
``sliding_window_size`` (River's raises at its first full window then).

>>> import numpy as np
>>> rng = np.random.default_rng(7)
>>> rates = np.r_[np.full(1000, 0.1), np.full(1000, 0.4)]  # the error rate jumps at 1000
>>> errors = (rng.random(2000) < rates).astype(int)
>>> FHDDM().update_many(errors)
[1046]
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from driftscope.detectors._jit import kernel, loop_input
from driftscope.detectors.base import InlineUpdate, bulk_values
from driftscope.errors import param_error
from driftscope.stats._params import Param, integer, open_unit_float

_WINDOW = integer(100, minimum=1)
SHORT_WINDOW = Param(
    None, f"{_WINDOW.constraint} or None", lambda v: v is None or _WINDOW.accepts(v)
)
"""The stacking window's size: None (no second window), or at most the sliding window's."""


class FHDDM(InlineUpdate):
    """Fast Hoeffding drift detection on a sliding window's accuracy (see the module
    docstring)."""

    name = "fhddm"
    binary = True
    PARAMS: ClassVar[Mapping[str, Param]] = {
        "sliding_window_size": _WINDOW,
        "confidence_level": open_unit_float(0.000001),
        "short_window_size": SHORT_WINDOW,
    }
    STATE = ("_window", "_errors", "_short_errors", "_min_errors", "_min_short_errors")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        # The bounds depend only on the parameters: computed once, as River's.
        p = self._params
        log_term = math.log(1 / p["confidence_level"])
        self._n = p["sliding_window_size"]
        self._m = p["short_window_size"] or 0  # 0: no short window
        self._eps = math.sqrt(log_term / (2 * self._n))
        self._eps_short = math.sqrt(log_term / (2 * self._m)) if self._m else math.inf

    def _check_params(self, params: Mapping[str, Any]) -> None:
        short, size = params["short_window_size"], params["sliding_window_size"]
        if short is not None and short > size:
            raise param_error(
                self.name, "short_window_size", f"at most sliding_window_size ({size})", short
            )

    def _reset_state(self) -> None:
        size = self._params["sliding_window_size"]
        short = self._params["short_window_size"] or 0
        # The last values since the start, at most a window's; their errors, and the errors
        # among the last short_window_size of them.
        self._window: deque[int] = deque(maxlen=size)
        self._errors = 0
        self._short_errors = 0
        # The fewest errors of a full window (its highest accuracy); a window's size to begin
        # with, an accuracy of 0.0, as River's p_max of 0.
        self._min_errors = size
        self._min_short_errors = short
        # Not state: the fewest errors that signal against those minima (none at the start).
        self._fire_at = size + 1
        self._short_fire_at = short + 1

    def _restored(self) -> None:
        self._fire_at = _first_firing(self._min_errors, self._n, self._eps)
        if self._m:
            self._short_fire_at = _first_firing(self._min_short_errors, self._m, self._eps_short)

    def update(self, x: object) -> Self:
        """Take one value; then read :attr:`drift_detected`."""
        kind = type(x)
        if (kind is float or kind is int) and not self._m:
            # The commonest case, a full window without a short one, in the fewest steps.
            window = self._window
            if len(window) == self._n:
                if x == 0:
                    k = self._errors - window[0]
                    window.append(0)
                elif x == 1:
                    k = self._errors + 1 - window[0]
                    window.append(1)
                else:
                    return super().update(x)  # refused, or skipped, by the base class
                self._errors = k
                self._n_seen += 1
                if k < self._min_errors:
                    self._min_errors = k
                    self._fire_at = _first_firing(k, self._n, self._eps)
                elif k >= self._fire_at:
                    self._drift = True
                    self._reset_state()
                    return self
                self._drift = False
                return self
        if not ((kind is float or kind is int) and x in (0, 1)):
            return super().update(x)
        # The common case, inlined: a method call per value is much of the cost.
        self._n_seen += 1
        window = self._window
        held = len(window)
        error = 1 if x else 0
        m = self._m
        if m:
            short = self._short_errors + error
            if held >= m:
                short -= window[-m]  # the value that leaves the short window
            self._short_errors = short
        if held == self._n:
            k = self._errors = self._errors + error - window[0]  # the oldest leaves
            window.append(error)
        else:
            k = self._errors = self._errors + error
            window.append(error)
            if held + 1 < self._n:  # the window is not full: nothing to test
                self._drift = False
                return self
        if k < self._min_errors:
            self._min_errors = k
            self._fire_at = _first_firing(k, self._n, self._eps)
        elif k >= self._fire_at:
            self._drift = True
            self._reset_state()
            return self
        self._drift = False
        if m:
            short = self._short_errors
            if short < self._min_short_errors:
                self._min_short_errors = short
                self._short_fire_at = _first_firing(short, m, self._eps_short)
            elif short >= self._short_fire_at:
                self._drift = True
                self._reset_state()
        return self

    def update_many(self, values: Iterable[object]) -> list[int]:
        """Take ``values`` in order; the positions (0-based) at which drift was signalled,
        exactly as :meth:`update` on each in turn would give, in one compiled loop."""
        xs = bulk_values(values, binary=True)
        if xs is None:
            return self._update_each(values)
        held = len(self._window)
        # The window's values, then the new ones: the values that leave a window are read
        # back from this one array, so the kernel needs no ring buffer.
        ys = np.concatenate([np.asarray(self._window, dtype=np.float64), xs])
        out = np.empty(len(xs), dtype=np.int64)
        found, start, *state = _run(
            loop_input(ys),
            out,
            held,
            self._errors,
            self._short_errors,
            self._min_errors,
            self._min_short_errors,
            self._n,
            self._m,
            self._eps,
            self._eps_short,
        )
        self._errors, self._short_errors, self._min_errors, self._min_short_errors = state
        tail = ys[max(start, len(ys) - self._n) :].astype(np.int64).tolist()
        self._window = deque(tail, maxlen=self._n)
        self._n_seen += len(xs)
        self._restored()
        return self._signalled(out[:found], len(xs), warning=False)


def _first_firing(min_errors: int, size: int, eps: float) -> int:
    """The fewest errors in a full window of ``size`` values that signal drift once a window
    had ``min_errors``: the least ``k`` with ``(size - min_errors) / size - (size - k) / size >
    eps`` (``size + 1`` when none does). That difference only grows with ``k``, rounding
    included, so a bisection finds the bound of the very floats River compares."""
    best = (size - min_errors) / size
    quiet, fires = min_errors, size + 1  # k = min_errors differs by 0: it never fires
    while fires - quiet > 1:
        k = (quiet + fires) // 2
        if best - (size - k) / size > eps:
            fires = k
        else:
            quiet = k
    return fires


@kernel
def _run(
    ys: NDArray[np.float64] | list[float],
    out: NDArray[np.int64],
    held: int,
    errors: int,
    short_errors: int,
    min_errors: int,
    min_short_errors: int,
    n: int,
    m: int,
    eps: float,
    eps_short: float,
) -> tuple[int, int, int, int, int, int]:
    """FHDDM over ``ys`` (0.0 and 1.0; its first ``held`` values are the window's), as
    :meth:`FHDDM.update` value by value on the rest: the drifts' positions among the rest
    written to ``out``, how many, where in ``ys`` the last start afresh was, the state
    after."""
    found = 0
    start = 0
    for j in range(held, len(ys)):
        seen = j - start  # values since the start before this one, at most n kept
        if seen >= n and ys[j - n] == 1.0:
            errors -= 1
        if ys[j] == 1.0:
            errors += 1
        if m:
            if seen >= m and ys[j - m] == 1.0:
                short_errors -= 1
            if ys[j] == 1.0:
                short_errors += 1
        if seen + 1 < n:
            continue
        min_errors = min(min_errors, errors)
        drift = (n - min_errors) / n - (n - errors) / n > eps
        if m:
            min_short_errors = min(min_short_errors, short_errors)
            drift |= (m - min_short_errors) / m - (m - short_errors) / m > eps_short
        if drift:
            out[found] = j - held
            found += 1
            start = j + 1
            errors = short_errors = 0
            min_errors, min_short_errors = n, m
    return found, start, errors, short_errors, min_errors, min_short_errors
