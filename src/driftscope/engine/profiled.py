"""A profile as one side of a comparison; raw data profiled when the other side is one.

How columns are evaluated from profiles is :mod:`driftscope.engine.profile_kernels`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from driftscope._types import ColumnType
from driftscope.errors import InputError
from driftscope.profiling import ColumnProfile, Profile
from driftscope.stats._binning import N_BINS


@dataclass(frozen=True, slots=True)
class ProfileSide:
    """A profile as one side of a comparison (see :class:`driftscope.engine.plan.Side`)."""

    profile: Profile
    source: str

    @property
    def column_names(self) -> list[str]:
        return list(self.profile.columns)

    def column_type(self, name: str) -> ColumnType | None:
        column = self.profile[name]
        return column.column_type if column.count else None

    def looks_like_id(self, name: str) -> bool:
        del name  # profiles leave identifiers out when they are built
        return False

    def zero_one(self, name: str) -> bool:
        del name  # a profiled numeric column keeps no category counts to test as a flag
        return False

    def column(self, name: str) -> ColumnProfile:
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
        cur = _profile_raw(current, types, encodings[1], delimiter, bins=ref.profile)
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
    bins: Profile | None,
) -> ProfileSide:
    from driftscope.io import read_dataset
    from driftscope.profiling.build import bins_of, overrides, profile_table
    from driftscope.profiling.stream import profile_files

    if isinstance(data, str | os.PathLike):
        path = os.fspath(data)
        profiled = profile_files(
            [path], schema=types, bins=bins, encoding=encoding, delimiter=delimiter
        )
        return ProfileSide(profiled, path)
    dataset = read_dataset(data, encoding=encoding, delimiter=delimiter)
    table = dataset.table
    names = table.column_names
    present = set(names)
    known = {name: value for name, value in types.items() if name in present}
    resolved = overrides(known, names)
    if bins is None:
        return ProfileSide(profile_table(table, types=resolved, n_bins=N_BINS), dataset.source)
    return ProfileSide(profile_table(table, types=resolved, bins=bins_of(bins)), dataset.source)
