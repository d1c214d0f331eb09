"""How findings show values: a few examples with repr, truncated; counts and shares."""

from __future__ import annotations

from collections.abc import Iterable

EXAMPLES = 3
"""Offending values shown in a message, at most."""

EXAMPLE_WIDTH = 40
"""Characters of one example's repr shown, at most."""


def shown(value: object) -> str:
    """``repr(value)``, truncated to ``EXAMPLE_WIDTH`` characters (whole numbers as integers).

    >>> shown(3.0), shown("x" * 50)
    ('3', "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...")
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = repr(value)
    return text if len(text) <= EXAMPLE_WIDTH else text[: EXAMPLE_WIDTH - 3] + "..."


def examples(values: Iterable[object]) -> str:
    """The first ``EXAMPLES`` values, shown and joined: ``e.g. -1, 'n/a'`` (empty: '')."""
    picked = [shown(v) for _, v in zip(range(EXAMPLES), values, strict=False)]
    return f", e.g. {', '.join(picked)}" if picked else ""


def part(count: int, total: int, noun: str = "values") -> str:
    """``12 of 1,000 values (1.2%)``.

    >>> part(12, 1_000), part(3, 9, "rows")
    ('12 of 1,000 values (1.2%)', '3 of 9 rows (33.33%)')
    """
    return f"{count:,} of {total:,} {noun} ({percent(count / total if total else 0.0)})"


def percent(share: float) -> str:
    """A share as a percentage, to four significant digits (``0.98`` -> ``98%``)."""
    return f"{100 * share:.4g}%"
