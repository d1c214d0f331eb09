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

:meth:`ADWIN.update_many` gives the same answer in bulk: between restarts the window only
grows, so every bucket is a fixed block of the stream and every check can be evaluated with
numpy at once (exact sums by ``cumsum``; a cut within 1e-10 of its bound is decided again with
scalar arithmetic, so numpy's ``log`` cannot change an answer).

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

from driftscope.detectors.base import DriftDetector
from driftscope.stats._params import Param, integer, real_between

Floats = NDArray[np.float64]
FIRST_BLOCK = 8_192
"""Values taken at once by :meth:`ADWIN.update_many` after a restart; a block without drift
makes the next one four times longer, up to :data:`LAST_BLOCK`."""
LAST_BLOCK = 1 << 20
CHECKS_AT_ONCE = 512
"""Checks (one per ``clock`` values) evaluated in one numpy pass."""
BORDER = 1e-10
"""A cut this close (relative) to its bound is decided again with scalar arithmetic."""


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
        self._tick = 0
        self._width = 0
        self._total = 0.0
        self._variance = 0.0  # the sum of squared deviations from the window's mean
        # Row i of the histogram is slots [i * (max_buckets + 1), ...) of _sums and _vars,
        # oldest bucket first, _counts[i] of them filled (the rest 0.0).
        self._sums = [0.0] * (self._params["max_buckets"] + 1)
        self._vars = [0.0] * (self._params["max_buckets"] + 1)
        self._counts = [0]
        self._restart = False
        # The parameters the hot path reads, as attributes (not in STATE: they are params).
        p = self._params
        self._delta, self._clock = p["delta"], p["clock"]
        self._max_buckets, self._min_window_length = p["max_buckets"], p["min_window_length"]
        self._grace_period = p["grace_period"]

    @property
    def width(self) -> int:
        """How many values the window holds."""
        return self._width

    @property
    def estimation(self) -> float:
        """The window's mean (0.0 for an empty window)."""
        return self._total / self._width if self._width else 0.0

    @property
    def variance(self) -> float:
        """The window's variance (ddof 0; 0.0 for an empty window)."""
        return self._variance / self._width if self._width else 0.0

    def update(self, x: object) -> Self:
        """Take one value; then read :attr:`drift_detected`."""
        # The common case (a finite float) skips the base class's general checks.
        if type(x) is float and x - x == 0.0:
            self._drift = False
            self._n_seen += 1
            self._step(x)
            return self
        return super().update(x)

    def _step(self, x: float) -> None:
        if self._restart:
            self._reset_state()
        width = self._width + 1
        self._width = width
        if width > 1:
            # Welford's update in River's order of operations, so the sums agree to the bit.
            d = x - self._total / (width - 1)
            self._variance += (width - 1) * d * d / width
        self._total += x
        counts = self._counts
        c = counts[0]
        self._sums[c] = x
        self._vars[c] = 0.0
        counts[0] = c + 1
        if c == self._max_buckets:
            self._merge()
        self._tick += 1
        if self._tick % self._clock == 0 and width > self._grace_period:
            while self._cut():
                self._drift = self._restart = True

    def _merge(self) -> None:
        """Merge the two oldest buckets of every full row into the next row."""
        sums, variances, counts = self._sums, self._vars, self._counts
        m = self._max_buckets
        row, start, size = 0, 0, 1.0
        while counts[row] == m + 1:
            t0, t1 = sums[start], sums[start + 1]
            mu0, mu1 = t0 / size, t1 / size
            merged_var = (
                variances[start] + variances[start + 1] + size * 0.5 * (mu0 - mu1) * (mu0 - mu1)
            )
            if row + 1 == len(counts):
                sums.extend([0.0] * (m + 1))
                variances.extend([0.0] * (m + 1))
                counts.append(0)
            above = start + m + 1 + counts[row + 1]
            sums[above] = t0 + t1
            variances[above] = merged_var
            counts[row + 1] += 1
            sums[start : start + m - 1] = sums[start + 2 : start + m + 1]
            variances[start : start + m - 1] = variances[start + 2 : start + m + 1]
            sums[start + m - 1] = sums[start + m] = 0.0
            variances[start + m - 1] = variances[start + m] = 0.0
            counts[row] = m - 1
            row, start, size = row + 1, start + m + 1, size * 2.0

    def _cut(self) -> bool:
        """Try every cut, oldest first; at the first that holds drop the oldest bucket and
        say True."""
        width, counts, sums = self._width, self._counts, self._sums
        if width < 2:
            return False  # one bucket: no cut (and no logarithm of ln 1 = 0)
        slots, low = self._max_buckets + 1, self._min_window_length
        sqrt, below = math.sqrt, low - 1
        log_term = math.log(2.0 * math.log(width) / self._delta)
        third = 2.0 / 3.0 * log_term
        spread = self._variance / width
        n0, n1, u0, u1 = 0, width, 0.0, self._total
        for row in range(len(counts) - 1, -1, -1):
            size = 1 << row
            start = row * slots
            # The newest bucket (the last of row 0) is never cut off.
            for total in sums[start : start + counts[row] - (row == 0)]:
                n0 += size
                n1 -= size
                u0 += total
                u1 -= total
                if n0 >= low and n1 >= low:
                    r = 1.0 / (n0 - below) + 1.0 / (n1 - below)
                    radicand = 2.0 * r * spread * log_term
                    # After drops the variance may round below 0: River's sqrt is then NaN,
                    # and a NaN bound never holds.
                    if radicand >= 0.0 and abs(u0 / n0 - u1 / n1) > sqrt(radicand) + third * r:
                        self._drop_oldest()
                        return True
        return False

    def _drop_oldest(self) -> None:
        """Remove the oldest bucket from the window and its sums."""
        m = self._max_buckets
        top = len(self._counts) - 1
        start, size = top * (m + 1), 1 << top
        total, var = self._sums[start], self._vars[start]
        mean = total / size
        self._width -= size
        self._total -= total
        rest = self._total / self._width
        self._variance -= var + size * self._width * (mean - rest) * (mean - rest) / (
            size + self._width
        )
        end = start + m + 1
        self._sums[start:end] = [*self._sums[start + 1 : end], 0.0]
        self._vars[start:end] = [*self._vars[start + 1 : end], 0.0]
        self._counts[top] -= 1
        if self._counts[top] == 0 and top > 0:
            del self._sums[start:], self._vars[start:], self._counts[top]

    def update_many(self, values: Iterable[object]) -> list[int]:
        """Take ``values`` in order; the positions (0-based) at which drift was signalled,
        exactly as :meth:`update` on each in turn would give, computed in bulk."""
        if not isinstance(values, np.ndarray):
            values = list(values)
        array = np.asarray(values)
        if array.ndim != 1 or array.dtype.kind not in "fiub":
            return super().update_many(values)
        array = array.astype(np.float64, copy=False)
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
        done, block = 0, FIRST_BLOCK
        while done < len(xs):
            if self._restart:
                self._reset_state()
            part = xs[done : done + block]
            hit = _Window(self, part).run()
            taken = len(part) if hit is None else hit + 1
            self._n_seen += taken
            done += taken
            if hit is None:
                block = min(block * 4, LAST_BLOCK)
            else:
                found.append(offset + done - 1)
                block = max(FIRST_BLOCK, 2 * taken)
        self._drift = bool(found) and found[-1] == offset + len(xs) - 1


class _Window:
    """One block of values added to an ADWIN's window in bulk: the histogram's rows as
    arrays of fixed blocks of the stream (level i holds the sums of 2**i values, from the
    oldest bucket still in row i on)."""

    def __init__(self, adwin: ADWIN, xs: Floats) -> None:
        self.adwin, self.xs = adwin, xs
        p = adwin._params
        self.m, self.slots = p["max_buckets"], p["max_buckets"] + 1
        self.w0 = adwin._width
        rows = _rows(np.array([self.w0 + len(xs)]), self.m)
        before = _rows(np.array([self.w0]), self.m)
        self.sums: list[Floats] = []
        # The global index (in blocks of 2**level) of each level's first array element.
        self.base = [
            2 * int(before[level][1][0]) if level < len(before) else 0 for level in range(len(rows))
        ]
        for level in range(len(rows)):
            own = _row(adwin._sums, adwin._counts, level, self.slots)
            if level == 0:
                row = np.concatenate([own, xs])
            else:
                below = self.sums[-1]
                half = len(below) // 2
                row = np.concatenate([own, below[0 : 2 * half : 2] + below[1 : 2 * half : 2]])
            self.sums.append(row)

    def run(self) -> int | None:
        """Add the values up to the first drift; its index in the block, or None."""
        adwin, xs = self.adwin, self.xs
        p = adwin._params
        n = len(xs)
        totals = np.cumsum(np.concatenate([[adwin._total], xs]))
        widths = np.arange(self.w0, self.w0 + n + 1, dtype=np.float64)
        previous_width = np.maximum(widths[1:] - 1.0, 1.0)
        d = xs - totals[:-1] / previous_width
        increments = (widths[1:] - 1.0) * d * d / widths[1:]
        variances = np.cumsum(np.concatenate([[adwin._variance], increments]))
        clock = p["clock"]
        checked = np.arange(clock - adwin._tick % clock, n + 1, clock)
        checked = checked[self.w0 + checked > p["grace_period"]]
        hit = None
        for first in range(0, len(checked), CHECKS_AT_ONCE):
            batch = checked[first : first + CHECKS_AT_ONCE]
            cut = self._first_cut(self.w0 + batch, totals[batch], variances[batch])
            if cut is not None:
                hit = int(batch[cut]) - 1
                break
        end = n if hit is None else hit + 1
        self._store(end, float(totals[end]), float(variances[end]))
        if hit is not None:
            adwin._drift = adwin._restart = True
            while adwin._cut():
                pass
        return hit

    def _first_cut(
        self, widths: NDArray[np.int64], totals: Floats, variances: Floats
    ) -> int | None:
        """Of these checks (window widths with their sums), the first at which a cut holds."""
        p = self.adwin._params
        low, delta, m = p["min_window_length"], p["delta"], self.m
        rows = _rows(widths, m)
        levels = len(rows)
        k = len(widths)
        # One row per cut (oldest first), one column per check: the cumulative sums then run
        # down the rows, each step a vector add across the checks.
        block_sums = np.zeros((levels * m + 1, k))
        block_sums[0] = totals
        ends = np.zeros((levels * m, k))  # n0 at each cut: exact integers as floats
        usable = np.zeros((levels * m, k), dtype=bool)
        j = np.arange(m)[:, None]
        for place, level in enumerate(range(levels - 1, -1, -1)):
            _, merged, count = rows[level]
            index = 2 * merged[None, :] + j
            filled = j < count[None, :]
            taken = np.take(self.sums[level], index - self.base[level], mode="clip")
            taken[~filled] = 0.0
            block_sums[1 + place * m : 1 + place * m + m] = taken
            ends[place * m : place * m + m] = (index + 1) * float(1 << level)
            usable[place * m : place * m + m] = filled
            if level == 0:  # the newest bucket is never cut off
                usable[place * m + count - 1, np.arange(k)] = False
        self._block_sums, self._usable = block_sums, usable  # for _exact_hit
        # u0 = t1 + t2 + ... and u1 = total - t1 - t2 - ..., in River's order; row by row,
        # as numpy's cumsum down the rows is slower than these vector steps.
        u0 = block_sums[1:].copy()
        u1 = np.empty_like(u0)
        np.subtract(totals, block_sums[1], out=u1[0])
        for i in range(1, len(u0)):
            np.add(u0[i - 1], u0[i], out=u0[i])
            np.subtract(u1[i - 1], block_sums[i + 1], out=u1[i])
        n1 = widths[None, :] - ends
        usable &= (ends >= low) & (n1 >= low)
        np.maximum(ends, low, out=ends)  # keeps the unused cells' divisions finite
        np.maximum(n1, low, out=n1)
        gap = np.divide(u0, ends, out=u0)
        gap -= np.divide(u1, n1, out=u1)
        np.abs(gap, out=gap)
        r = np.reciprocal(np.subtract(ends, low - 1.0, out=ends), out=ends)
        r += np.reciprocal(np.subtract(n1, low - 1.0, out=n1), out=n1)
        # A width of 1 has no usable cut; 2 keeps its (unused) logarithm finite.
        log_term = np.log(2.0 * np.log(np.maximum(widths, 2).astype(np.float64)) / delta)
        bound = np.sqrt(r * (2.0 * variances / widths * log_term)[None, :])
        bound += r * (2.0 / 3.0 * log_term)[None, :]
        # A cut near its bound (numpy's log and this order of operations may differ from
        # River's in the last bits) is decided again with River's scalar arithmetic.
        bound *= 1.0 - BORDER
        near = (usable & (gap >= bound)).any(axis=0)
        for check in np.flatnonzero(near).tolist():
            if self._exact_hit(int(widths[check]), float(variances[check]), check):
                return int(check)
        return None

    def _exact_hit(self, width: int, variance: float, check: int) -> bool:
        """Whether a cut holds at this check of the last :meth:`_first_cut` batch, decided
        as River does: scalar arithmetic, oldest cut first."""
        p = self.adwin._params
        low, delta = p["min_window_length"], p["delta"]
        log_term = math.log(2.0 * math.log(width) / delta)
        spread = variance / width
        sums = self._block_sums[:, check].tolist()
        usable = self._usable[:, check].tolist()
        ends = self._ends(width, len(usable) // self.m)
        u0, u1 = 0.0, sums[0]
        for col, total in enumerate(sums[1:]):
            u0, u1 = u0 + total, u1 - total
            if usable[col]:
                n0 = ends[col]
                n1 = width - n0
                r = 1.0 / (n0 - low + 1) + 1.0 / (n1 - low + 1)
                bound = math.sqrt(2.0 * r * spread * log_term) + 2.0 / 3.0 * log_term * r
                if abs(u0 / n0 - u1 / n1) > bound:
                    return True
        return False

    def _ends(self, width: int, levels: int) -> list[int]:
        """n0 at each cut of the dense layout of :meth:`_first_cut` (``levels`` rows), for
        one width."""
        rows = _rows(np.array([width]), self.m)
        ends = [0] * (levels * self.m)
        for level in range(len(rows)):
            place = levels - 1 - level
            merged = int(rows[level][1][0])
            for j in range(self.m):
                ends[place * self.m + j] = (2 * merged + j + 1) << level
        return ends

    def _store(self, steps: int, total: float, variance: float) -> None:
        """Write the window after ``steps`` of the block's values back into the detector."""
        adwin, m, slots = self.adwin, self.m, self.slots
        width = self.w0 + steps
        rows = _rows(np.array([width]), m)
        variances: list[Floats] = []
        for level in range(len(rows)):
            own = _row(adwin._vars, adwin._counts, level, slots)
            if level == 0:
                variances.append(np.concatenate([own, np.zeros(len(self.xs))]))
                continue
            sums, below, size = self.sums[level - 1], variances[-1], float(1 << (level - 1))
            half = len(sums) // 2
            mu0, mu1 = sums[0 : 2 * half : 2] / size, sums[1 : 2 * half : 2] / size
            merged = (
                below[0 : 2 * half : 2]
                + below[1 : 2 * half : 2]
                + size * 0.5 * (mu0 - mu1) * (mu0 - mu1)
            )
            variances.append(np.concatenate([own, merged]))
        new_sums = np.zeros(len(rows) * slots)
        new_vars = np.zeros(len(rows) * slots)
        counts = []
        for level, (_, merged_count, count) in enumerate(rows):
            c = int(count[0])
            first = 2 * int(merged_count[0]) - self.base[level]
            new_sums[level * slots : level * slots + c] = self.sums[level][first : first + c]
            new_vars[level * slots : level * slots + c] = variances[level][first : first + c]
            counts.append(c)
        adwin._sums, adwin._vars, adwin._counts = new_sums.tolist(), new_vars.tolist(), counts
        adwin._width, adwin._tick = width, adwin._tick + steps
        adwin._total, adwin._variance = total, variance


def _rows(widths: NDArray[np.int64], m: int) -> list[tuple[Any, Any, Any]]:
    """The histogram's rows after ``widths`` values since a restart: per row, how many
    buckets it received, how many merges it made (two buckets each), how many it holds."""
    rows = []
    received = np.asarray(widths, dtype=np.int64)
    while True:
        merged = np.where(received > m, (received - m + 1) // 2, 0)
        rows.append((received, merged, received - 2 * merged))
        if not merged.any():
            return rows
        received = merged


def _row(flat: list[float], counts: list[int], level: int, slots: int) -> Floats:
    """Row ``level`` of a detector's flat histogram (empty when it has no such row)."""
    if level >= len(counts):
        return np.zeros(0)
    return np.asarray(flat[level * slots : level * slots + counts[level]], dtype=np.float64)
