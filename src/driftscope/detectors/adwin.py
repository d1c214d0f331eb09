"""ADWIN: an adaptive window whose two parts stop agreeing on the mean (Bifet & Gavaldà 2007).

ADWIN2 keeps the values since its last restart in an exponential histogram: row ``i`` holds
at most ``max_buckets`` buckets of ``2**i`` consecutive values (each a sum and a sum of
squared deviations); a row that reaches ``max_buckets + 1`` merges its two oldest buckets
into one of the next row. Every ``clock`` values, once the window holds more than
``grace_period``, each bucket boundary (oldest first, the newest bucket excepted) cuts the
window of width ``n`` into an older part ``W0`` (``n0`` values, mean ``m0``) and a newer
``W1`` (``n1``, ``m1``); with ``s2`` the window's variance,
``d = ln(2 ln(n) / delta)`` and ``r = 1/(n0 - L + 1) + 1/(n1 - L + 1)``
(``L = min_window_length``, both parts at least ``L`` long), drift is signalled when::

    |m0 - m1| > sqrt(2 r s2 d) + 2/3 d r

The oldest bucket is then dropped, and again while a cut holds; :attr:`ADWIN.width`,
:attr:`ADWIN.estimation` and :attr:`ADWIN.variance` describe that shrunk window while
``drift_detected`` is True, and the next value starts a new window (as River 0.26 does).

Agreement with River's ``ADWIN`` (0.26, its compiled core): the sums are added in the same
order, so the signals agree to the bit (tested on Gaussian and error streams and with
hypothesis). Deliberate differences: ``variance`` is the window's variance (River's
``variance`` is the sum of squared deviations, ``n`` times ours); ``max_buckets`` must be at
least 2 (River accepts 1, and its core then fails at the first cut); and the detector restarts
at the value after a drift, not inside the step that found it (see above), so that the shrunk
window can be read.

:func:`_add` is the method, one value at a time, written as a kernel (plain loops over
arrays: compiled where numba is installed, see :mod:`driftscope.detectors._jit`).
:meth:`ADWIN.update` holds its values until the next check (``clock`` values) and hands them
to the kernel then, or when the window is read; nothing can be signalled in between, so
``drift_detected`` is the same after every value. :meth:`ADWIN.update_many` runs the kernel
over the whole stream; without numba it evaluates a block's checks with numpy at once instead
(:mod:`driftscope.detectors._adwin_numpy`), the same answer either way.

>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> stream = np.concatenate([rng.normal(0, 1, 1000), rng.normal(1, 1, 1000)])
>>> adwin = ADWIN()
>>> adwin.update_many(stream)  # the mean rises by 1 at index 1000
[1055]
>>> adwin.width, round(adwin.estimation, 2)  # the window since: the new mean
(944, 1.04)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from driftscope.detectors import _jit
from driftscope.detectors.base import DriftDetector
from driftscope.stats._params import Param, integer, real_between

Floats = NDArray[np.float64]
ROWS = 64
"""Rows of the histogram kept (row i holds buckets of 2**i values: 64 hold any window)."""


class ADWIN(DriftDetector):
    """Adaptive windowing (ADWIN2) for a change in a stream's mean (see the module docstring)."""

    name = "adwin"
    PARAMS: ClassVar[Mapping[str, Param]] = {
        "delta": real_between(0.002, 0.0, 1.0, low_open=True),
        "clock": integer(32, minimum=1),
        "max_buckets": integer(5, minimum=2),
        "min_window_length": integer(5, minimum=1),
        "grace_period": integer(10, minimum=0),
    }
    STATE = ("_tick", "_width", "_total", "_variance", "_sums", "_vars", "_counts", "_restart")

    def _reset_state(self) -> None:
        p = self._params
        self._tick = 0
        self._width = 0
        self._total = 0.0
        self._variance = 0.0  # the sum of squared deviations from the window's mean
        # Row i of the histogram is slots [i * (max_buckets + 1), ...) of _bucket_sums and
        # _bucket_vars, oldest bucket first, _bucket_counts[i] of them filled (the rest 0.0);
        # rows in use: _rows. Lists, made numpy arrays when the kernel runs compiled.
        slots = p["max_buckets"] + 1
        self._bucket_sums: Floats | list[float] = [0.0] * (ROWS * slots)
        self._bucket_vars: Floats | list[float] = [0.0] * (ROWS * slots)
        self._bucket_counts: NDArray[np.int64] | list[int] = [0] * ROWS
        self._rows = 1
        self._restart = False
        # Values taken by update() since the kernel last ran, and how many more bring the
        # next check (none of these is state: they are given to the kernel before any read).
        self._pending: list[float] = []
        self._due = p["clock"]

    @property
    def _sums(self) -> list[float]:
        return self._list(self._bucket_sums)

    @_sums.setter
    def _sums(self, saved: list[float]) -> None:
        self._bucket_sums = _padded([float(v) for v in saved], 0.0, len(self._bucket_sums))

    @property
    def _vars(self) -> list[float]:
        return self._list(self._bucket_vars)

    @_vars.setter
    def _vars(self, saved: list[float]) -> None:
        self._bucket_vars = _padded([float(v) for v in saved], 0.0, len(self._bucket_vars))

    @property
    def _counts(self) -> list[int]:
        self._flush()
        counts = self._bucket_counts[: self._rows]
        return counts.tolist() if isinstance(counts, np.ndarray) else counts

    @_counts.setter
    def _counts(self, saved: list[int]) -> None:
        self._bucket_counts = _padded([int(c) for c in saved], 0, ROWS)
        self._rows = len(saved)

    def _list(self, buckets: Floats | list[float]) -> list[float]:
        self._flush()
        used = buckets[: self._rows * (self._params["max_buckets"] + 1)]
        return used.tolist() if isinstance(used, np.ndarray) else used

    def _restored(self) -> None:
        # The next check comes clock values after a restart, else at the next multiple.
        p = self._params
        self._due = p["clock"] if self._restart else p["clock"] - self._tick % p["clock"]

    @property
    def width(self) -> int:
        """How many values the window holds."""
        self._flush()
        return self._width

    @property
    def estimation(self) -> float:
        """The window's mean (0.0 for an empty window)."""
        self._flush()
        return self._total / self._width if self._width else 0.0

    @property
    def variance(self) -> float:
        """The window's variance (ddof 0; 0.0 for an empty window)."""
        self._flush()
        return self._variance / self._width if self._width else 0.0

    def state(self) -> dict[str, Any]:
        self._flush()
        return super().state()

    def update(self, x: object) -> Self:
        """Take one value; then read :attr:`drift_detected`."""
        # The common case (a finite float) skips the base class's general checks.
        if type(x) is float and x - x == 0.0:
            self._drift = False
            self._n_seen += 1
            pending = self._pending
            pending.append(x)
            if len(pending) >= self._due:
                self._flush()
            return self
        return super().update(x)

    def _step(self, x: float) -> None:
        self._pending.append(x)
        if len(self._pending) >= self._due:
            self._flush()

    def _flush(self) -> None:
        """Give the values update() holds to the kernel; the last of them may signal."""
        pending = self._pending
        if pending:
            self._pending = []
            found = self._take(pending)
            if found and found[-1] == len(pending) - 1:
                self._drift = True

    def _take(self, values: Floats | list[float]) -> list[int]:
        """Run the kernel over ``values`` (finite, none held back); the positions of the
        drifts in ``values``."""
        p = self._params
        compiled = _jit.ENABLED if _jit.ENABLED is not None else _jit.enabled()
        # As Python the kernel runs several times faster on lists than on numpy's scalars.
        xs = np.asarray(values, dtype=np.float64) if compiled else list(map(float, values))
        found = []
        start = 0
        while start < len(xs):
            if self._restart:
                self._reset_state()
            if compiled != isinstance(self._bucket_counts, np.ndarray):
                self._histogram_for(compiled=compiled)
            hit, self._rows, self._tick, self._width, self._total, self._variance = _add(
                xs,
                start,
                self._bucket_sums,
                self._bucket_vars,
                self._bucket_counts,
                self._rows,
                self._tick,
                self._width,
                self._total,
                self._variance,
                p["delta"],
                p["clock"],
                p["max_buckets"],
                p["min_window_length"],
                p["grace_period"],
            )
            if hit < 0:
                break
            found.append(hit)
            self._restart = True
            start = hit + 1
        self._restored()
        return found

    def _histogram_for(self, *, compiled: bool) -> None:
        """The histogram as the kernel runs fastest on: numpy arrays when compiled, lists
        when it runs as Python (where numpy's scalars are slow)."""
        if compiled:
            self._bucket_sums = np.array(self._bucket_sums, dtype=np.float64)
            self._bucket_vars = np.array(self._bucket_vars, dtype=np.float64)
            self._bucket_counts = np.array(self._bucket_counts, dtype=np.int64)
        else:
            self._bucket_sums = np.asarray(self._bucket_sums).tolist()
            self._bucket_vars = np.asarray(self._bucket_vars).tolist()
            self._bucket_counts = np.asarray(self._bucket_counts).tolist()

    def update_many(self, values: Iterable[object]) -> list[int]:
        """Take ``values`` in order; the positions (0-based) at which drift was signalled,
        exactly as :meth:`update` on each in turn would give, computed in bulk."""
        if not isinstance(values, np.ndarray):
            values = list(values)
        array = np.asarray(values)
        if array.ndim != 1 or array.dtype.kind not in "fiub":
            return super().update_many(values)
        array = np.ascontiguousarray(array, dtype=np.float64)
        self._flush()
        found: list[int] = []
        bad = np.flatnonzero(~np.isfinite(array))
        start = 0
        for index in [*bad.tolist(), len(array)]:
            if index > start:
                self._drift = self._warning = False
                self._bulk(array[start:index], start, found)
            if index < len(array):
                self.update(float(array[index]))  # raises, or skips, as the base class says
            start = index + 1
        return found

    def _bulk(self, xs: Floats, offset: int, found: list[int]) -> None:
        """Take the finite values ``xs`` (at ``offset`` in the caller's values)."""
        if _jit.enabled():
            found += [offset + i for i in self._take(xs)]
            self._n_seen += len(xs)
        else:
            from driftscope.detectors import _adwin_numpy

            _adwin_numpy.take(self, xs, offset, found)
        self._drift = bool(found) and found[-1] == offset + len(xs) - 1


def _padded(values: list[Any], fill: Any, size: int) -> list[Any]:
    return values + [fill] * (size - len(values))


@_jit.kernel
def _add(
    xs: Floats | list[float],
    start: int,
    sums: Floats | list[float],
    variances: Floats | list[float],
    counts: NDArray[np.int64] | list[int],
    rows: int,
    tick: int,
    width: int,
    total: float,
    variance: float,
    delta: float,
    clock: int,
    m: int,
    low: int,
    grace: int,
) -> tuple[int, int, int, int, float, float]:
    """ADWIN on ``xs[start:]``, value by value, up to the first drift: its index in ``xs``
    (-1 for none) and the state after (``rows``, ``tick``, ``width``, ``total``,
    ``variance``; the histogram changed in place). In River's order of operations, so that
    the sums agree to the bit."""
    slots = m + 1
    for i in range(start, len(xs)):
        x = xs[i]
        width += 1
        if width > 1:
            d = x - total / (width - 1)
            variance += (width - 1) * d * d / width
        total += x
        c = counts[0]
        sums[c] = x
        variances[c] = 0.0
        counts[0] = c + 1
        # A full row merges its two oldest buckets into one of the next row.
        row, begin, size = 0, 0, 1.0
        while counts[row] == slots:
            t0, t1 = sums[begin], sums[begin + 1]
            mu0, mu1 = t0 / size, t1 / size
            merged_var = (
                variances[begin] + variances[begin + 1] + size * 0.5 * (mu0 - mu1) * (mu0 - mu1)
            )
            if row + 1 == rows:
                rows += 1
            above = begin + slots + counts[row + 1]
            sums[above] = t0 + t1
            variances[above] = merged_var
            counts[row + 1] += 1
            for j in range(begin, begin + m - 1):
                sums[j] = sums[j + 2]
                variances[j] = variances[j + 2]
            for j in range(begin + m - 1, begin + slots):
                sums[j] = 0.0
                variances[j] = 0.0
            counts[row] = m - 1
            row, begin, size = row + 1, begin + slots, size * 2.0
        tick += 1
        if tick % clock != 0 or width <= grace:
            continue
        drifted = False
        cut = True
        while cut and width >= 2:  # one bucket: no cut (and no logarithm of ln 1 = 0)
            # Every cut, oldest first; at the first that holds, drop the oldest bucket.
            cut = False
            log_term = math.log(2.0 * math.log(width) / delta)
            third = 2.0 / 3.0 * log_term
            spread = variance / width
            n0, n1, u0, u1 = 0, width, 0.0, total
            for row in range(rows - 1, -1, -1):
                size_i = 1 << row
                begin = row * slots
                # The newest bucket (the last of row 0) is never cut off.
                for k in range(begin, begin + counts[row] - (row == 0)):
                    n0 += size_i
                    n1 -= size_i
                    u0 += sums[k]
                    u1 -= sums[k]
                    if n0 >= low and n1 >= low:
                        r = 1.0 / (n0 - low + 1) + 1.0 / (n1 - low + 1)
                        radicand = 2.0 * r * spread * log_term
                        # After drops the variance may round below 0: River's sqrt is then
                        # NaN, and a NaN bound never holds.
                        if (
                            radicand >= 0.0
                            and abs(u0 / n0 - u1 / n1) > math.sqrt(radicand) + third * r
                        ):
                            cut = True
                            break
                if cut:
                    break
            if cut:
                drifted = True
                # Drop the oldest bucket from the window and its sums.
                top = rows - 1
                begin, size_i = top * slots, 1 << top
                t, v = sums[begin], variances[begin]
                mean = t / size_i
                width -= size_i
                total -= t
                rest = total / width
                variance -= v + size_i * width * (mean - rest) * (mean - rest) / (size_i + width)
                for j in range(begin, begin + m):
                    sums[j] = sums[j + 1]
                    variances[j] = variances[j + 1]
                sums[begin + m] = 0.0
                variances[begin + m] = 0.0
                counts[top] -= 1
                if counts[top] == 0 and top > 0:
                    rows -= 1
        if drifted:
            return i, rows, tick, width, total, variance
    return -1, rows, tick, width, total, variance
