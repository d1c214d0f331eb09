"""Monitoring windows as typed values: a UTC-aligned duration (``1h``, ``1d``, ``7d``) or a
fixed number of rows (``"50000 rows"``), and the duration parser the config uses for both
windows and cooldowns.

>>> parse_duration("6h"), parse_duration("7d")
(21600, 604800)
>>> Window.parse("1d"), Window.parse("50000 rows")
(Window(seconds=86400, rows=None), Window(seconds=None, rows=50000))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {"m": 60, "h": 3_600, "d": 86_400, "w": 604_800}
"""Seconds per unit of a duration: minutes, hours, days, weeks."""
_DURATION = re.compile(r"([0-9]+)([mhdw])")
_ROWS = re.compile(r"([0-9]+) +rows?")
DURATION_FORM = "a duration such as 30m, 1h, 6h, 1d or 7d"


def parse_duration(text: str) -> int:
    """The seconds in ``text``, a positive whole number followed by ``m``, ``h``, ``d`` or
    ``w``; a ValueError saying the expected form otherwise (it never repeats ``text``, which
    may come from a secret's environment variable).

    >>> parse_duration("90m")
    5400
    >>> parse_duration("0h")
    Traceback (most recent call last):
    ...
    ValueError: must be a duration such as 30m, 1h, 6h, 1d or 7d greater than 0
    """
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"must be {DURATION_FORM}")
    seconds = int(match[1]) * UNITS[match[2]]
    if seconds <= 0:
        raise ValueError(f"must be {DURATION_FORM} greater than 0")
    return seconds


@dataclass(frozen=True, slots=True)
class Window:
    """How logs are cut into windows: every ``seconds`` (aligned on multiples of it since
    1970-01-01T00:00:00Z, so ``1d`` windows run from midnight UTC to midnight UTC) or every
    ``rows`` rows in timestamp order; exactly one of the two is set."""

    seconds: int | None = None
    rows: int | None = None

    def __post_init__(self) -> None:
        if (self.seconds is None) == (self.rows is None):
            raise ValueError("a window is either a duration or a number of rows")
        size = self.seconds if self.seconds is not None else self.rows
        if size is None or size <= 0:
            raise ValueError("a window's size must be greater than 0")

    @classmethod
    def parse(cls, text: str) -> Window:
        """The window ``text`` describes: a duration (:func:`parse_duration`) or ``"N rows"``."""
        rows = _ROWS.fullmatch(text.strip())
        if rows is not None:
            if int(rows[1]) <= 0:
                raise ValueError("must be a number of rows greater than 0")
            return cls(rows=int(rows[1]))
        try:
            return cls(seconds=parse_duration(text))
        except ValueError:
            raise ValueError(
                f"must be {DURATION_FORM}, or a number of rows such as '50000 rows'"
            ) from None

    def __str__(self) -> str:
        if self.rows is not None:
            return f"{self.rows} rows"
        seconds = self.seconds or 0
        for unit, size in sorted(UNITS.items(), key=lambda item: -item[1]):
            if seconds % size == 0:
                return f"{seconds // size}{unit}"
        return f"{seconds}s"  # pragma: no cover - every parsed window is whole minutes
