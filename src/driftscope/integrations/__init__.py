"""Profiles of data that lives on a cluster, built where the data is.

- :func:`driftscope.integrations.dask.profile` profiles a Dask DataFrame on its workers.
- :func:`driftscope.integrations.spark.profile` profiles a Spark DataFrame on its executors.

Both profile each partition where it lives, send back only the partition's profile (as bytes)
and merge those on the driver, through :func:`driftscope.profiling.parts.profile_parts`. They
return a :class:`~driftscope.profiling.Profile` with the same counts, categories, minimum and
maximum as :func:`driftscope.profiling.profile` of the same rows on one machine.

Each sits behind an extra (``pip install 'driftscope[dask]'``, ``'driftscope[spark]'``). Importing
these modules never imports Dask or PySpark; calling ``profile`` without the extra raises
:class:`MissingExtraError`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from types import ModuleType

from driftscope._types import ColumnType
from driftscope.errors import ConfigError, DriftscopeError
from driftscope.profiling.build import resolve_schema

__all__ = ["MissingExtraError"]


class MissingExtraError(DriftscopeError, ImportError):
    """An integration was used without the optional packages it needs.

    It is both a :class:`~driftscope.errors.DriftscopeError` (the command line prints it as one
    line) and an :class:`ImportError` (what Python code expects of a missing package).
    """


def require(module: str, *, integration: str, extra: str) -> ModuleType:
    """Import ``module``, or raise MissingExtraError naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"{integration} needs the {extra} extra: pip install 'driftscope[{extra}]'"
        ) from exc


def columns_to_profile(
    owner: str, columns: Sequence[str], schema: Mapping[str, str | ColumnType] | None
) -> list[str]:
    """The columns worth sending to the profiler: all but those ``schema`` leaves out.

    Raises ConfigError, as :func:`driftscope.profiling.profile` does, for a schema column that
    is not in the data. Leaving out "ignored" and "id" columns before the data is converted to
    Arrow saves the conversion, and lets a column of a type Arrow cannot carry be ignored; the
    profile is the same, since the profiler would skip those columns anyway. When the schema
    leaves out every column, all are kept, so that the row count is still known.
    """
    types = resolve_schema(schema or {})
    known = set(columns)
    for name in types:
        if name not in known:
            raise ConfigError(f"{owner}: schema column {name!r} is not in the data")
    kept = [name for name in columns if name not in types or types[name] is not None]
    return kept or list(columns)
