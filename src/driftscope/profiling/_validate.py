"""What a profile read from bytes must satisfy beyond its checksum: counts that add up and
moments that can describe some data. A file whose checksum was recomputed over impossible
contents (more values than rows, a minimum above the maximum, a NaN mean) is refused here,
naming the column and what is impossible, instead of being compared as if it were data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from driftscope.profiling.merging import Part

_MEAN_SLACK = 1e-9
"""How far (relative to the column's range and magnitude) a mean may stray outside [min, max]:
merging means rounds, so a mean of equal values may land an ulp or so outside."""


def check_part(part: Part) -> None:
    """ValueError naming the first column whose numbers no data could have produced."""
    n_rows = part.n_rows
    numbers = part.numeric
    moments = numbers.moments.tolist()
    for i, (n, missing, n_inf) in enumerate(numbers.counts.tolist()):
        name = numbers.names[i]
        _check_rows(name, n, missing, n_rows)
        finite = n - n_inf
        sketches = part.sketches[name]
        if sketches.quantiles.n != finite:
            raise ValueError(
                f"column {name!r} has {finite} finite values but its quantile sketch "
                f"holds {sketches.quantiles.n}"
            )
        _check_kinds(name, sketches.type_counts, n)
        if finite:
            _check_moments(name, *moments[i])
    rows = zip(numbers.bins, numbers.segments(), numbers.names, strict=True)
    for i, (spec, segment, name) in enumerate(rows):
        if spec is not None and segment is not None:
            n, _, n_inf = numbers.counts[i].tolist()
            if int(segment[1].sum()) != n - n_inf:
                raise ValueError(
                    f"column {name!r}: its histogram counts {int(segment[1].sum())} values, "
                    f"but the column has {n - n_inf} finite values"
                )
    for name, fields in part.categorical.items():
        present = None if fields.exact is None else int(fields.exact.counts.sum())
        if present is not None:
            _check_rows(name, present, fields.missing, n_rows)
            _check_kinds(name, fields.type_counts, present)
        else:
            _check_rows(name, 0, fields.missing, n_rows)


def _check_rows(name: str, present: int, missing: int, n_rows: int) -> None:
    if present + missing > n_rows:
        raise ValueError(
            f"column {name!r} has {present} values and {missing} missing, more than the "
            f"profile's {n_rows} rows"
        )


def _check_kinds(name: str, kinds: Mapping[str, int] | None, present: int) -> None:
    if kinds is not None and sum(kinds.values()) != present:
        raise ValueError(
            f"column {name!r} counts {sum(kinds.values())} values by type but has {present}"
        )


def _check_moments(name: str, mean: float, m2: float, low: float, high: float) -> None:
    if not (math.isfinite(low) and math.isfinite(high) and low <= high):
        raise ValueError(f"column {name!r} has minimum {low!r} and maximum {high!r}")
    slack = _MEAN_SLACK * (high - low + max(abs(low), abs(high)))
    if math.isnan(mean):
        raise ValueError(f"column {name!r} has a NaN mean")
    if not low - slack <= mean <= high + slack:
        raise ValueError(f"column {name!r} has mean {mean!r} outside its range [{low!r}, {high!r}]")
    if math.isnan(m2) or m2 < 0:
        raise ValueError(f"column {name!r} has a negative or NaN sum of squares ({m2!r})")
