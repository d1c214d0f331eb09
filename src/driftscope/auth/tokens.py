"""Machine API tokens (SPEC sections 7 and 8): made, hashed, and checked against a request's
``Authorization: Bearer TOKEN`` header.

A token is ``ds_`` and 43 URL-safe characters: 256 random bits from :mod:`secrets`. The store
keeps only its SHA-256. A fast hash is right here, unlike for passwords: nobody can search 2**256
tokens, and a fast hash lets a request find its token in one indexed query.

>>> from datetime import datetime, UTC
>>> from driftscope.monitor.store.memory import MemoryStore
>>> store = MemoryStore()
>>> token = new_token()
>>> _ = store.add_token("ci", "ingest", token_hash(token), datetime(2026, 3, 1, tzinfo=UTC))
>>> authenticate(store, f"Bearer {token}", "ingest").name
'ci'
>>> authenticate(store, f"Bearer {token}", "read")
Traceback (most recent call last):
...
driftscope.auth.tokens.Forbidden: token 'ci' has scope 'ingest'; this needs 'read' (or 'admin')
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from driftscope.errors import DriftscopeError
from driftscope.monitor.store.base import SCOPES, Store, TokenRecord

__all__ = [
    "PREFIX",
    "TOUCH_EVERY",
    "Forbidden",
    "Unauthorized",
    "allows",
    "authenticate",
    "new_token",
    "token_hash",
]

PREFIX = "ds_"
"""What every token starts with: a secret scanner (or a person) can tell one at sight."""
TOKEN_BYTES = 32
"""Random bytes per token (256 bits); their URL-safe base64 is 43 characters."""
TOUCH_EVERY = timedelta(minutes=1)
"""A token's ``last_used_at`` is written at most this often: no write per request."""
_TOKEN = re.compile(r"ds_[A-Za-z0-9_-]{43}")


class Unauthorized(DriftscopeError):  # noqa: N818 (named after its HTTP status)
    """No usable token: missing, malformed, unknown or revoked (HTTP 401)."""

    status = 401


class Forbidden(DriftscopeError):  # noqa: N818 (named after its HTTP status)
    """A valid token whose scope does not allow the request (HTTP 403)."""

    status = 403


def new_token() -> str:
    """A new API token: ``ds_`` and 43 URL-safe base64 characters (256 random bits).

    >>> token = new_token()
    >>> token.startswith("ds_"), len(token)
    (True, 46)
    """
    return PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 of ``token`` in hex: what the store keeps and looks a token up by.

    >>> token_hash("ds_example")
    'b4ffea536f08afeef20c076374f622aa5b368f833c97632326cd875652f25bdf'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def allows(scope: str, needed: str) -> bool:
    """Whether a token of ``scope`` may do what needs ``needed``: ``admin`` may do anything,
    ``read`` and ``ingest`` only what they name.

    >>> allows("admin", "ingest"), allows("read", "ingest"), allows("ingest", "admin")
    (True, False, False)
    """
    return scope in (needed, "admin")


def authenticate(
    store: Store, header_value: str | None, needed_scope: str, *, now: datetime | None = None
) -> TokenRecord:
    """The live token that ``header_value`` (an ``Authorization`` header) carries, if its scope
    allows ``needed_scope`` (one of :data:`~driftscope.monitor.store.base.SCOPES`; another is a
    ValueError, a bug of the caller's).

    Raises :class:`Unauthorized` when the header is missing or not ``Bearer TOKEN``, or the
    token is unknown or revoked; :class:`Forbidden` when its scope falls short. No message
    repeats the header. The token's last use is recorded (at most once per
    :data:`TOUCH_EVERY`, as of ``now``, default the current time).
    """
    if needed_scope not in SCOPES:
        raise ValueError(
            f"authenticate: needed_scope must be one of {SCOPES}; got {needed_scope!r}"
        )
    if header_value is None or not header_value.strip():
        raise Unauthorized("missing token: send the header 'Authorization: Bearer TOKEN'")
    scheme, _, credentials = header_value.strip().partition(" ")
    if scheme.lower() != "bearer":  # the scheme is case-insensitive (RFC 9110, 11.1)
        raise Unauthorized("the Authorization header must be 'Bearer TOKEN'")
    token = credentials.strip()
    if _TOKEN.fullmatch(token) is None:
        raise Unauthorized(
            "malformed token: a driftscope token is 'ds_' and 43 more characters "
            "(make one with `driftscope token create`)"
        )
    record = store.token_by_hash(token_hash(token))
    if record is None:
        raise Unauthorized("unknown or revoked token")
    moment = datetime.now(UTC) if now is None else now
    if record.last_used_at is None or moment - record.last_used_at >= TOUCH_EVERY:
        store.touch_token(record.id, moment)
    if not allows(record.scope, needed_scope):
        raise Forbidden(
            f"token {record.name!r} has scope {record.scope!r}; "
            f"this needs {needed_scope!r} (or 'admin')"
        )
    return record
