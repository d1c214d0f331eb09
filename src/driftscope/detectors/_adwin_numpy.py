"""ADWIN's ``update_many`` without a compiler: every check of a block of values evaluated with
numpy at once (used where numba is not installed; with numba the compiled kernel of
:mod:`driftscope.detectors.adwin` takes the values one by one, faster).

Between restarts the window only grows, so every bucket is a fixed block of the stream and
every check can be evaluated with numpy at once (exact sums by ``cumsum``; a cut within
:data:`BORDER` of its bound is decided again with scalar arithmetic, so numpy's ``log``
cannot change an answer). The value at which a cut holds is then taken by the detector's own
kernel, which finds the cut again and drops the oldest buckets.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from driftscope.detectors.adwin import ADWIN

Floats = NDArray[np.float64]
FIRST_BLOCK = 8_192
"""Values taken at once after a restart; a block without drift makes the next one four times
longer, up to :data:`LAST_BLOCK`."""
LAST_BLOCK = 1 << 20
CHECKS_AT_ONCE = 512
"""Checks (one per ``clock`` values) evaluated in one numpy pass."""
BORDER = 1e-10
"""A cut this close (relative) to its bound is decided again with scalar arithmetic."""


def take(adwin: ADWIN, xs: Floats, offset: int, found: list[int]) -> None:
    """Give the finite values ``xs`` (at ``offset`` in the caller's values) to ``adwin``,
    adding the positions of the drifts to ``found``."""
    done, block = 0, FIRST_BLOCK
    while done < len(xs):
        if adwin._restart:
            adwin._reset_state()
        part = xs[done : done + block]
        hit = _Window(adwin, part).run()
        taken = len(part) if hit is None else hit + 1
        adwin._n_seen += taken
        done += taken
        if hit is None:
            block = min(block * 4, LAST_BLOCK)
        else:
            found.append(offset + done - 1)
            block = max(FIRST_BLOCK, 2 * taken)


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
        end = n if hit is None else hit
        self._store(end, float(totals[end]), float(variances[end]))
        if hit is not None:
            # The detector's kernel takes the value at the check: it finds the cut again (the
            # same scalar arithmetic) and drops the oldest buckets while a cut holds.
            adwin._take(xs[hit : hit + 1])
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
