"""The dataset :class:`Profile`: per-column profiles that merge as a monoid.

Merging is associative, with :meth:`Profile.empty` as its identity, and commutative on every
exact field (counts, categories, minimum, maximum; mean and m2 up to floating-point rounding).
The KLL quantile sketches merge approximately, so their quantiles depend on the merge order
within the sketch's rank error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from driftscope.errors import ProfileError
from driftscope.profiling.column import ColumnProfile, merge_many


@dataclass(frozen=True, slots=True, eq=False)
class Profile:
    """Mergeable summary of a dataset: its row count and one profile per column.

    Merging requires the same column names on both sides (in any order), each with the same
    type; the only exception is :meth:`empty`, which merges with anything. Different column
    sets are an error rather than a union because a renamed or dropped column would otherwise
    pass silently as "all missing"; select the common columns before merging if that is meant.

    Examples
    --------
    >>> import numpy as np
    >>> from driftscope.profiling import profile
    >>> rng = np.random.default_rng(0)
    >>> day1 = profile({"age": rng.normal(40, 10, 500), "plan": rng.choice(["a", "b"], 500)})
    >>> day2 = profile({"age": rng.normal(45, 10, 300), "plan": rng.choice(["a", "b"], 300)})
    >>> both = day1 + day2
    >>> both.n_rows, both["age"].count, both["plan"].count
    (800, 800, 800)
    >>> Profile.from_bytes(both.to_bytes())["plan"].counts == both["plan"].counts
    True
    """

    n_rows: int
    columns: Mapping[str, ColumnProfile]

    def __post_init__(self) -> None:
        # A read-only view of a private copy, so a frozen profile cannot change under anyone.
        object.__setattr__(self, "columns", MappingProxyType(dict(self.columns)))

    @classmethod
    def empty(cls) -> Profile:
        """The identity of :meth:`merge`: no rows and no columns.

        >>> Profile.empty().n_rows, len(Profile.empty())
        (0, 0)
        """
        return cls(0, {})

    @property
    def is_empty(self) -> bool:
        """True for the identity element (no rows and no columns)."""
        return self.n_rows == 0 and not self.columns

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in the order they were profiled."""
        return tuple(self.columns)

    def __getitem__(self, name: str) -> ColumnProfile:
        try:
            return self.columns[name]
        except KeyError:
            raise KeyError(f"the profile has no column {name!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def merge(self, other: Profile) -> Profile:
        """A profile of the rows of both profiles (also written ``self + other``).

        Raises
        ------
        ProfileError
            When the column names differ or a column's type differs.
        """
        if not isinstance(other, Profile):
            raise TypeError(f"can only merge a Profile with a Profile; got {type(other).__name__}")
        return Profile.merge_all([self, other])

    @staticmethod
    def merge_all(profiles: Iterable[Profile]) -> Profile:
        """One profile of the rows of all ``profiles`` (:meth:`empty` for none).

        The same as adding them up left to right, in one pass: the way to combine many
        (per-partition or per-hour) profiles.

        >>> import numpy as np
        >>> from driftscope.profiling import profile
        >>> hours = [profile({"x": np.arange(10.0) + h}) for h in range(24)]
        >>> day = Profile.merge_all(hours)
        >>> day.n_rows, day["x"].min, day["x"].max
        (240, 0.0, 32.0)
        """
        parts = [p for p in profiles if not p.is_empty]
        for part in parts:
            if not isinstance(part, Profile):
                raise TypeError(f"can only merge Profiles; got {type(part).__name__}")
        if not parts:
            return Profile.empty()
        first = parts[0]
        if len(parts) == 1:
            return first
        for other in parts[1:]:
            _check_same_columns(first, other)
        merged = {
            name: merge_many([p.columns[name] for p in parts], name=name) for name in first.columns
        }
        return Profile(sum(p.n_rows for p in parts), merged)

    def __add__(self, other: Profile) -> Profile:
        if not isinstance(other, Profile):
            return NotImplemented
        return self.merge(other)

    def to_bytes(self) -> bytes:
        """Compact, versioned bytes; see :mod:`driftscope.profiling.serialize` for the layout."""
        from driftscope.profiling.serialize import encode

        return encode(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> Profile:
        """Read bytes written by :meth:`to_bytes` of this or any earlier driftscope.

        Raises ProfileError for bytes that are not a profile, truncated or corrupted, or
        written in a newer format version than this driftscope reads.
        """
        from driftscope.profiling.serialize import decode

        return decode(data)


def _check_same_columns(left: Profile, right: Profile) -> None:
    only_left = [n for n in left.columns if n not in right.columns]
    only_right = [n for n in right.columns if n not in left.columns]
    if only_left or only_right:
        parts = []
        if only_left:
            parts.append(f"only in the left: {_preview(only_left)}")
        if only_right:
            parts.append(f"only in the right: {_preview(only_right)}")
        raise ProfileError(
            f"Profile.merge: the profiles have different columns ({'; '.join(parts)}); "
            "profile the same columns on both sides, with the same schema (a part can infer "
            "a column differently: all missing, or looking like an id there)"
        )


def _preview(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"
