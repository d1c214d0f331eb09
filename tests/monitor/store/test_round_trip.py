"""Any names and any float values come back from every store exactly as they went in (-0.0 as
0.0, which is how SQLite keeps it)."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import count

from hypothesis import example, given, settings
from hypothesis import strategies as st

from driftscope.monitor.store import MetricPoint, Store
from driftscope.testing.store import PROJECT, window

_names = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)
_figures = st.dictionaries(st.tuples(_names, _names), st.floats(), max_size=8)


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


def test_points_round_trip_exactly(store_factory: Callable[[], Store]) -> None:
    store, days = store_factory(), count()

    @settings(max_examples=40, deadline=None)
    @given(figures=_figures)
    @example(figures={("a", "zero"): -0.0, ("a", "inf"): -math.inf, ("a", "tiny"): 5e-324})
    def round_trip(figures: dict[tuple[str, str], float]) -> None:
        record = window(next(days))
        points = [
            MetricPoint(PROJECT, record.start, record.end, column, metric, value)
            for (column, metric), value in figures.items()
        ]
        assert store.write_window(record, points)
        got = store.points(PROJECT, since=record.start, until=record.end)
        assert {(p.column, p.metric) for p in got} == set(figures)
        for point in got:
            assert _same(point.value, figures[point.column, point.metric] + 0.0), point

    try:
        round_trip()
    finally:
        store.close()
