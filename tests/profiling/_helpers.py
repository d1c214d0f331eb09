"""Shared strategies and views of profiles for the profile tests."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from driftscope.profiling import CategoricalProfile, NumericProfile, Profile, profile

# Every chunk is profiled with the same schema: inference on a chunk that happens to be all
# missing would otherwise call a numeric or boolean column categorical (see profile's docs).
SCHEMA = {"x": "numeric", "city": "categorical", "flag": "boolean"}

# |x| <= 1e6 keeps squared deviations far from overflow, so rounding is the only difference
# between merge orders.
numbers = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from([math.nan, math.inf, -math.inf]),
)
Row = tuple[float, str | None, bool | None]
rows = st.tuples(
    numbers,
    st.one_of(st.none(), st.sampled_from(["Oslo", "Rome", "Lima", ""])),
    st.one_of(st.none(), st.booleans()),
)
chunks = st.lists(rows, max_size=30)


def profile_rows(part: list[Row], bins: Profile | None = None) -> Profile:
    """Profile rows given as (x, city, flag) tuples (on ``bins``' edges when given)."""
    return profile(
        {
            "x": [r[0] for r in part],
            "city": [r[1] for r in part],
            "flag": [r[2] for r in part],
        },
        schema=SCHEMA,
        bins=bins,
    )


def exact(p: Profile, *, kinds: bool = True) -> dict[str, Any]:
    """Every field that merging must reproduce exactly (type counts unless ``kinds`` is
    False, for profiles from before them)."""
    out: dict[str, Any] = {"n_rows": p.n_rows}
    for name, col in p.columns.items():
        if isinstance(col, NumericProfile):
            out[name] = (col.column_type, col.count, col.missing, col.n_inf, col.min, col.max)
            out[name + ".sketch.n"] = col.sketch.n
        else:
            assert isinstance(col, CategoricalProfile)
            out[name] = (col.column_type, dict(col.counts), col.missing)
        if kinds:
            counted = col.type_counts
            out[name + ".type_counts"] = None if counted is None else dict(counted)
    return out


def moments(p: Profile) -> dict[str, tuple[float | None, float]]:
    """Mean and m2 per numeric column: exact only up to floating-point rounding."""
    return {
        name: (col.mean, col.m2)
        for name, col in p.columns.items()
        if isinstance(col, NumericProfile)
    }


def assert_close_moments(a: Profile, b: Profile, values: list[float]) -> None:
    """Means and m2 agree to 1e-9 relative, with an absolute floor scaled to the data.

    The floor is needed where the true value is ~0 (a constant column, a mean near zero):
    rounding then leaves noise of the order of 1e-16 * the data's scale, not of the value.
    """
    finite = [v for v in values if math.isfinite(v)]
    scale = max((abs(v) for v in finite), default=0.0)
    for name, (mean_a, m2_a) in moments(a).items():
        mean_b, m2_b = moments(b)[name]
        if mean_a is None or mean_b is None:
            assert mean_a is mean_b is None
        else:
            assert math.isclose(mean_a, mean_b, rel_tol=1e-9, abs_tol=1e-9 * scale)
        m2_floor = 1e-9 * scale * scale * max(len(finite), 1)
        assert math.isclose(m2_a, m2_b, rel_tol=1e-9, abs_tol=m2_floor)
