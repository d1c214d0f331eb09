"""Who may use the driftscope service (SPEC section 8, issue 14): machine API tokens with a
scope (``ingest``, ``read``, ``admin``), and people's accounts with an argon2-hashed password.

The store keeps only hashes: a token's SHA-256 (:mod:`.tokens`), a password's argon2id
(:mod:`.passwords`, which needs the ``driftscope[service]`` extra). :func:`authenticate`
checks a request's ``Authorization`` header and raises :class:`Unauthorized` (401) or
:class:`Forbidden` (403); :func:`login` checks a person's username and password.
"""

from __future__ import annotations

from driftscope.auth.passwords import (
    MIN_PASSWORD_LENGTH,
    check_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from driftscope.auth.tokens import (
    TOUCH_EVERY,
    Forbidden,
    Unauthorized,
    allows,
    authenticate,
    new_token,
    token_hash,
)
from driftscope.auth.users import change_password, check_username, create_user, login

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "TOUCH_EVERY",
    "Forbidden",
    "Unauthorized",
    "allows",
    "authenticate",
    "change_password",
    "check_password",
    "check_username",
    "create_user",
    "hash_password",
    "login",
    "needs_rehash",
    "new_token",
    "token_hash",
    "verify_password",
]
