"""One exception hierarchy for everything driftscope raises on purpose.

Every message names the file, column or parameter at fault and says what to do, in one line,
so the command line can print it as it is (exit code 2) without a traceback.
"""

from __future__ import annotations


class DriftscopeError(Exception):
    """Base class of every error driftscope raises deliberately."""


class InputError(DriftscopeError):
    """The data given cannot be used (missing file, unreadable format, empty, +/-inf, ...)."""


class SchemaError(InputError):
    """Columns do not line up: none in common, duplicates, a type that differs between sides."""


class ProfileError(DriftscopeError):
    """A profile cannot be built, merged or read: too many categories, different columns or
    column types, corrupted or truncated bytes, or bytes from a newer format version."""


class ConfigError(DriftscopeError):
    """A parameter or option is out of its allowed range or unknown."""


def param_error(owner: str, name: str, constraint: str, got: object) -> ConfigError:
    """Build the one message format for a bad parameter.

    >>> str(param_error("psi", "n_bins", "an integer >= 2", 1))
    "psi: parameter 'n_bins' must be an integer >= 2; got 1"
    """
    return ConfigError(f"{owner}: parameter {name!r} must be {constraint}; got {got!r}")
