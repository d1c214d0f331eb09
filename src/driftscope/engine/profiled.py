"""A profile as one side of a comparison; raw data profiled when the other side is one.

How columns are evaluated from profiles is :mod:`driftscope.engine.profile_kernels`.

Text and embedding columns have no profile: their tests read the texts and vectors
themselves. When raw data is profiled here, such columns are kept as their values beside the
profile (:attr:`ProfileSide.raw`) and tested as they would be between two tables; a column the
reference keeps so is kept so on the current side whatever its values look like, and a column
the reference profiled is profiled on the current side too. A ``.dsprof`` file holds no
values: its text columns, if any were left in, are noted untested.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from driftscope._types import ColumnType
from driftscope.errors import InputError
from driftscope.profiling import ColumnProfile, Profile
from driftscope.stats._binning import N_BINS

RAW_TYPES = frozenset({ColumnType.TEXT, ColumnType.EMBEDDING})
"""Types a profile does not summarise: columns of these travel beside it as their values."""


@dataclass(frozen=True, slots=True)
class ProfileSide:
    """A profile as one side of a comparison (see :class:`driftscope.engine.plan.Side`)."""

    profile: Profile
    source: str
    raw: Mapping[str, tuple[ColumnType, pa.ChunkedArray]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Text and embedding columns: their type and values (see the module docstring)."""
    order: Sequence[str] = field(default=(), compare=False, repr=False)
    """The columns in the data's order; empty: the profile's, then :attr:`raw`'s."""

    @property
    def column_names(self) -> list[str]:
        if self.order:
            return list(self.order)
        return [*self.profile.columns, *(n for n in self.raw if n not in self.profile.columns)]

    def column_type(self, name: str) -> ColumnType | None:
        if name in self.raw:
            ctype, values = self.raw[name]
            return ctype if values.null_count < len(values) else None
        column = self.profile[name]
        return column.column_type if column.count else None

    def has_values(self, name: str) -> bool:
        return name in self.raw

    def looks_like_id(self, name: str) -> bool:
        del name  # profiles leave identifiers out when they are built
        return False

    def zero_one(self, name: str) -> bool:
        del name  # a profiled numeric column keeps no category counts to test as a flag
        return False

    def column(self, name: str) -> ColumnProfile | pa.ChunkedArray:
        if name in self.raw:
            return self.raw[name][1]
        return self.profile[name]


def is_profile_input(data: object) -> bool:
    """Whether ``data`` is a Profile (or a named :class:`ProfileSide`) or the path of a
    ``.dsprof`` file."""
    from driftscope.profiling.files import is_profile_path

    if isinstance(data, Profile | ProfileSide):
        return True
    return isinstance(data, str | os.PathLike) and is_profile_path(os.fspath(data))


def profile_sides(
    reference: object,
    current: object,
    *,
    schema: Mapping[str, str | ColumnType] | None,
    encodings: tuple[str, str],
    delimiter: str | None = None,
) -> tuple[ProfileSide, ProfileSide]:
    """Both sides as profiles: profiles and ``.dsprof`` files as they are, raw data profiled.

    Raw current data is counted on the reference profile's bins; a raw reference gets its own
    exact quantile bins. Paths are streamed in chunks, so their size does not matter.
    """
    types = {
        name: value
        for name, value in (schema or {}).items()
        if str(value) not in ("id", "ignored", "timestamp")  # roles: for planning only
    }
    ref = _load(reference) if is_profile_input(reference) else None
    cur = _load(current) if is_profile_input(current) else None
    if ref is None:
        assert cur is not None
        ref = _profile_raw(reference, types, encodings[0], delimiter, bins=None)
    if cur is None:
        cur = _profile_raw(current, types, encodings[1], delimiter, bins=ref)
    for label, side in (("reference", ref), ("current", cur)):
        if side.profile.n_rows == 0:
            raise InputError(f"{side.source}: the {label} dataset has no rows")
    return ref, cur


def _load(data: object) -> ProfileSide:
    from driftscope.profiling.files import read_profile

    if isinstance(data, ProfileSide):
        return data  # a profile that already has a name (a monitor's reference)
    if isinstance(data, Profile):
        return ProfileSide(data, "<Profile>")
    path = os.fspath(data)  # type: ignore[call-overload]
    return ProfileSide(read_profile(path), str(path))


def _profile_raw(
    data: object,
    types: Mapping[str, str | ColumnType],
    encoding: str,
    delimiter: str | None,
    *,
    bins: ProfileSide | None,
) -> ProfileSide:
    from driftscope.io import read_dataset
    from driftscope.profiling.build import overrides
    from driftscope.profiling.stream import profile_files

    if isinstance(data, str | os.PathLike):
        path = os.fspath(data)
        profiled = profile_files(
            [path],
            schema=types,
            bins=None if bins is None else bins.profile,
            encoding=encoding,
            delimiter=delimiter,
        )
        return ProfileSide(profiled, path)
    dataset = read_dataset(data, encoding=encoding, delimiter=delimiter)
    table = dataset.table
    names = table.column_names
    present = set(names)
    known = {name: value for name, value in types.items() if name in present}
    return side_of_table(table, overrides(known, names), dataset.source, reference=bins)


def side_of_table(
    table: pa.Table,
    types: Mapping[str, ColumnType | None],
    source: str,
    *,
    reference: ProfileSide | None = None,
) -> ProfileSide:
    """``table`` profiled (on ``reference``'s bins when given, else on its own quantile bins),
    its text and embedding columns kept as values beside the profile.

    ``types`` are the user's (None: leave the column out); other columns are inferred, except
    that a column ``reference`` holds keeps the reference's kind (values or profile).

    >>> table = pa.table({"x": [1.0, 2.0, 3.0] * 10, "note": [f"word {i} here" for i in range(30)]})
    >>> side = side_of_table(table, {}, "t.parquet")
    >>> side.column_names, side.column_type("note"), side.has_values("note")
    (['x', 'note'], <ColumnType.TEXT: 'text'>, True)
    """
    from driftscope.profiling.build import bins_of, profile_table

    resolved = dict(types)
    raw: dict[str, tuple[ColumnType, pa.ChunkedArray]] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        ctype = _raw_type(name, column, resolved, reference)
        if ctype is not None:
            raw[name] = (ctype, column)
        elif reference is not None and name not in resolved and name in reference.profile.columns:
            given = reference.profile[name].column_type
            if _inferred(name, column) in RAW_TYPES:  # looks like text here, not in the reference
                resolved[name] = given
    rest = table.drop_columns(list(raw)) if raw else table
    kept = {name: value for name, value in resolved.items() if name not in raw}
    if reference is None:
        profiled = profile_table(rest, types=kept, n_bins=N_BINS)
    else:
        profiled = profile_table(rest, types=kept, bins=bins_of(reference.profile))
    return ProfileSide(profiled, source, raw, tuple(table.column_names) if raw else ())


def _raw_type(
    name: str,
    column: pa.ChunkedArray,
    types: Mapping[str, ColumnType | None],
    reference: ProfileSide | None,
) -> ColumnType | None:
    """The column's type when it is kept as values (text, embedding), else None."""
    if name in types:
        given = types[name]
        return given if given in RAW_TYPES else None
    if reference is not None:
        if name in reference.raw:
            return reference.raw[name][0]
        if name in reference.profile.columns:
            return None
    inferred = _inferred(name, column)
    return inferred if inferred in RAW_TYPES else None


def _inferred(name: str, column: pa.ChunkedArray) -> ColumnType | None:
    """The inferred type of a column that could hold text or vectors; None for the others
    (numbers, dates, booleans are never text, and need no second look)."""
    from driftscope.io._infer import infer_type

    kind = column.type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type  # strings read from Parquet arrive dictionary-encoded
    if not (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_list(kind)
        or pa.types.is_large_list(kind)
        or pa.types.is_fixed_size_list(kind)
        or pa.types.is_list_view(kind)
    ):
        return None
    if column.null_count == len(column):
        return None
    return infer_type(name, column)
