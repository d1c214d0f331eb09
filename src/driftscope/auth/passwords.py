"""People's passwords, hashed with argon2id (argon2-cffi's :class:`PasswordHasher`, at its
RFC 9106 defaults), which the ``driftscope[service]`` extra installs. Unlike a token, a password
is guessable, so its hash must be slow and memory-hard; the core install does without it: the
package is imported only when a password is hashed or checked.

>>> stored = hash_password("correct horse battery")
>>> stored.startswith("$argon2id$")
True
>>> verify_password(stored, "correct horse battery"), verify_password(stored, "wrong password!")
(True, False)
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from driftscope.errors import ConfigError, InputError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "check_password",
    "hash_password",
    "needs_rehash",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 12
"""The fewest characters a password may have (NIST SP 800-63B asks at least 8; we ask more)."""
MAX_PASSWORD_LENGTH = 1024
"""The most: beyond it a password is a mistake (or a request meant to be expensive)."""


@cache
def _hasher() -> PasswordHasher:
    try:
        from argon2 import PasswordHasher
    except ModuleNotFoundError:
        raise ConfigError(
            'passwords need the argon2-cffi package: pip install "driftscope[service]"'
        ) from None
    return PasswordHasher()


def check_password(password: str) -> None:
    """An InputError unless ``password`` is long enough (and not absurdly long).

    >>> check_password("short")
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: password: must be at least 12 characters; this one has 5
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            f"password: must be at least {MIN_PASSWORD_LENGTH} characters; "
            f"this one has {len(password)}"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(f"password: must be at most {MAX_PASSWORD_LENGTH} characters")


def hash_password(password: str) -> str:
    """The argon2id hash (a PHC string, salt included) to keep for ``password``, checked by
    :func:`check_password` first."""
    check_password(password)
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from. The comparison is
    argon2's own (constant-time); a hash that cannot be read is False, not an error."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether ``password_hash`` was made with weaker settings than today's: hash the password
    again (after it verified) and keep the new hash."""
    from argon2.exceptions import InvalidHashError

    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
