"""The dataset :class:`Profile`: per-column profiles that merge as a monoid.

Merging is associative, with :meth:`Profile.empty` as its identity, and commutative on every
exact field (counts, categories, minimum, maximum; mean and m2 up to floating-point rounding).
The KLL quantile sketches merge approximately, so their quantiles depend on the merge order
within the sketch's rank error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from driftscope._types import ColumnType
from driftscope.errors import ProfileError
from driftscope.profiling.column import ColumnProfile, NumericProfile
from driftscope.profiling.merging import (
    CategoricalMerger,
    NumericColumns,
    NumericSketchUnion,
    Part,
    type_mismatch,
)


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

    def without_histograms(self) -> list[str]:
        """Numeric columns with values but no histogram: a merge of parts counted on
        different bins cannot keep one (the binned methods then count the quantile sketch).

        >>> import numpy as np
        >>> from driftscope.profiling import profile
        >>> rng = np.random.default_rng(0)
        >>> a, b = profile({"x": rng.normal(0, 1, 50)}), profile({"x": rng.normal(5, 1, 50)})
        >>> a.without_histograms(), (a + b).without_histograms()
        ([], ['x'])
        """
        return [
            name
            for name, col in self.columns.items()
            if isinstance(col, NumericProfile) and col.count and col.histogram is None
        ]

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

        The same as adding them up left to right, in one pass that holds one of them at a
        time (``profiles`` can be a generator): the way to combine many (per-partition or
        per-hour) profiles. For serialized profiles,
        :func:`~driftscope.profiling.serialize.merge_payloads` skips building each one.

        >>> import numpy as np
        >>> from driftscope.profiling import profile
        >>> hours = [profile({"x": np.arange(10.0) + h}) for h in range(24)]
        >>> day = Profile.merge_all(hours)
        >>> day.n_rows, day["x"].min, day["x"].max
        (240, 0.0, 32.0)
        """
        merger = ProfileMerger()
        for part in profiles:
            merger.add(part)
        return merger.result()

    def __add__(self, other: Profile) -> Profile:
        if not isinstance(other, Profile):
            return NotImplemented
        return self.merge(other)

    # The two conveniences below only call serialize, which imports this module: the
    # profile itself knows no format, and driftscope's own code calls serialize directly.

    def to_bytes(self) -> bytes:
        """Compact, versioned bytes: :func:`driftscope.profiling.serialize.encode` (see it for
        the layout)."""
        from driftscope.profiling.serialize import encode

        return encode(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> Profile:
        """Read bytes written by :meth:`to_bytes` of this or any earlier driftscope:
        :func:`driftscope.profiling.serialize.decode`.

        Raises ProfileError for bytes that are not a profile, truncated or corrupted, or
        written in a newer format version than this driftscope reads.
        """
        from driftscope.profiling.serialize import decode

        return decode(data)


class ProfileMerger:
    """Profiles merged one at a time: :meth:`Profile.merge_all` as an object.

    >>> import numpy as np
    >>> from driftscope.profiling import profile
    >>> merger = ProfileMerger()
    >>> for day in range(3):
    ...     merger.add(profile({"x": np.arange(5.0) + day}))
    >>> merger.result()["x"].count
    15
    """

    __slots__ = ("_categorical", "_n_rows", "_numeric", "_only", "_sketches", "_types")

    def __init__(self) -> None:
        self._types: dict[str, ColumnType] | None = None
        self._numeric = NumericColumns(())
        self._sketches: dict[str, NumericSketchUnion] = {}
        self._categorical: dict[str, CategoricalMerger] = {}
        self._n_rows = 0
        self._only: Profile | None = None  # while one profile came: itself, as the result

    def add(self, profile: Profile) -> None:
        """Add a profile (ProfileError for other columns or column types)."""
        if not isinstance(profile, Profile):
            raise TypeError(f"can only merge Profiles; got {type(profile).__name__}")
        if profile.is_empty:
            return
        first = self._types is None
        self.add_part(Part.of(profile.columns, profile.n_rows))
        self._only = profile if first else None

    def add_part(self, part: Part) -> None:
        """Add a part (ProfileError for other columns or column types)."""
        self._only = None
        if part.n_rows == 0 and not part.types:
            return  # the empty profile, the identity
        if self._types is None:
            self._types = dict(part.types)
            self._numeric = NumericColumns(part.numeric.names)
            self._sketches = {name: NumericSketchUnion() for name in part.numeric.names}
            self._categorical = {
                name: CategoricalMerger(ctype)
                for name, ctype in part.types.items()
                if name in part.categorical
            }
        elif part.types != self._types:
            raise self._mismatch(part.types)
        self._n_rows += part.n_rows
        self._numeric.add(part.numeric.reordered(self._numeric.names))
        for name, sketches in part.sketches.items():
            self._sketches[name].add(sketches)
        for name, fields in part.categorical.items():
            self._categorical[name].add(fields)

    def _mismatch(self, types: Mapping[str, ColumnType]) -> ProfileError:
        assert self._types is not None
        if types.keys() != self._types.keys():
            return different_columns(tuple(self._types), tuple(types))
        name = next(n for n, t in self._types.items() if types[n] != t)
        return type_mismatch(name, self._types[name], types[name])

    def result(self) -> Profile:
        """The merged profile (:meth:`Profile.empty` if nothing but empty ones came)."""
        if self._only is not None:
            return self._only
        if self._types is None:
            return Profile.empty()
        columns: dict[str, ColumnProfile] = {}
        numeric = {name: i for i, name in enumerate(self._numeric.names)}
        for name, ctype in self._types.items():
            if name in numeric:
                sketches = self._sketches[name].result()
                columns[name] = self._numeric.profile(numeric[name], ctype, sketches)
            else:
                columns[name] = self._categorical[name].result()
        return Profile(self._n_rows, columns)


def different_columns(left: Sequence[str], right: Sequence[str]) -> ProfileError:
    """The error for merging profiles whose column names differ."""
    right_names, left_names = set(right), set(left)
    only_left = [n for n in left if n not in right_names]
    only_right = [n for n in right if n not in left_names]
    parts = []
    if only_left:
        parts.append(f"only in the left: {_preview(only_left)}")
    if only_right:
        parts.append(f"only in the right: {_preview(only_right)}")
    return ProfileError(
        f"Profile.merge: the profiles have different columns ({'; '.join(parts)}); "
        "profile the same columns on both sides, with the same schema (a part can infer "
        "a column differently: all missing, or looking like an id there)"
    )


def _preview(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"
