"""Segment search: the slices of the data (category values, binned numbers, pairs of them)
where drift or the model's errors concentrate, ranked, deduplicated and multiple-testing
aware. The method is documented in ``docs/segments.md``."""

from driftscope.performance.segments.search import MAX_COLUMNS, find_segments, searched_columns

__all__ = ["MAX_COLUMNS", "find_segments", "searched_columns"]
