"""People's accounts: created and checked through a :class:`~driftscope.monitor.store.Store`,
so that a login costs the same time whether or not the account exists.

>>> from driftscope.monitor.store.memory import MemoryStore
>>> store = MemoryStore()
>>> create_user(store, "ada", "correct horse battery").username
'ada'
>>> login(store, "ada", "correct horse battery").username
'ada'
>>> login(store, "ada", "wrong password!!") is None, login(store, "bob", "whatever12345") is None
(True, True)
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache

from driftscope.auth.passwords import check_password, hash_password, needs_rehash, verify_password
from driftscope.errors import InputError
from driftscope.monitor.store.base import LIMITS, Store, UserRecord

__all__ = ["change_password", "check_username", "create_user", "login"]

_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]*")


def check_username(username: str) -> None:
    """An InputError unless ``username`` is 1 to 200 letters, digits and ``. _ @ + -``, starting
    with a letter or digit (an e-mail address will do; markup and spaces will not).

    >>> check_username("<b>")
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: username: must be letters, digits and . _ @ + - (starting with a letter or digit), at most 200 characters; got '<b>'
    """  # noqa: E501
    limit = LIMITS["username"]
    if _USERNAME.fullmatch(username) is None or len(username) > limit:
        raise InputError(
            "username: must be letters, digits and . _ @ + - (starting with a letter or digit), "
            f"at most {limit} characters; got {username[:60]!r}"
        )


def create_user(
    store: Store, username: str, password: str, *, at: datetime | None = None
) -> UserRecord:
    """Make an account; an InputError for a bad username, a short password or a taken name."""
    check_username(username)
    return store.add_user(username, hash_password(password), at or datetime.now(UTC))


def change_password(store: Store, username: str, password: str) -> None:
    """Give the account a new password; an InputError when there is no such account."""
    check_password(password)
    if store.user(username) is None:
        raise InputError(f"user: there is no account named {username!r}")
    store.set_password(username, hash_password(password))


@cache
def _decoy() -> str:
    # Verified against when there is no such account, so that the answer takes as long.
    return hash_password("no account has this password")


def login(store: Store, username: str, password: str) -> UserRecord | None:
    """The account, when ``password`` is its password and it is not disabled; else None.

    Takes the time of one argon2 verification whether or not the account exists (a missing
    account is checked against a decoy hash). A hash made with older settings is replaced by
    one made with today's once the password has verified.
    """
    user = store.user(username)
    if user is None:
        verify_password(_decoy(), password)
        return None
    if not verify_password(user.password_hash, password) or user.disabled:
        return None
    if needs_rehash(user.password_hash):
        store.set_password(username, hash_password(password))
    return user
