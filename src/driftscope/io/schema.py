"""Parse the type and role names users write in schema overrides (``{"age": "numeric"}``)."""

from __future__ import annotations

from driftscope._types import ColumnType, Role
from driftscope.errors import ConfigError

_ROLE_ALIASES = {
    "id-like": Role.ID,
    "id_like": Role.ID,
    "identifier": Role.ID,
    "ignore": Role.IGNORED,
}


def parse_type(value: str, *, column: str | None = None) -> ColumnType:
    """A :class:`~driftscope.ColumnType` from its name, ignoring case and surrounding spaces.

    ``"id-like"`` is not a type but a role (the column is skipped, whatever its values):
    it raises a ConfigError that points to :func:`parse_role`.

    Examples
    --------
    >>> parse_type(" Numeric ")
    <ColumnType.NUMERIC: 'numeric'>
    >>> parse_type("nmeric", column="age")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    driftscope.errors.ConfigError: schema: column 'age' has type 'nmeric'; valid types are ...
    """
    key = str(value).strip().lower()
    try:
        return ColumnType(key)
    except ValueError:
        pass
    where = f"column {column!r}" if column is not None else "a column"
    valid = ", ".join(t.value for t in ColumnType)
    if key in _ROLE_ALIASES or key == Role.ID:
        raise ConfigError(
            f"schema: {where} is marked {value!r}, which is a role, not a type; give it the "
            f"role 'id' to leave it untested (types are {valid})"
        )
    raise ConfigError(f"schema: {where} has type {value!r}; valid types are {valid}")


def parse_role(value: str, *, column: str | None = None) -> Role:
    """A :class:`~driftscope.Role` from its name; ``"id-like"`` and ``"ignore"`` are accepted.

    Examples
    --------
    >>> parse_role("id-like")
    <Role.ID: 'id'>
    """
    key = str(value).strip().lower()
    if key in _ROLE_ALIASES:
        return _ROLE_ALIASES[key]
    try:
        return Role(key)
    except ValueError:
        where = f"column {column!r}" if column is not None else "a column"
        valid = ", ".join(r.value for r in Role)
        raise ConfigError(f"schema: {where} has role {value!r}; valid roles are {valid}") from None
