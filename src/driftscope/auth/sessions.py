"""People's dashboard sessions: a random cookie value whose SHA-256 the store keeps, with the
account and a form token (CSRF) that every form posted in the session must carry back.

>>> from datetime import UTC, datetime
>>> from driftscope.monitor.store import MemoryStore
>>> store = MemoryStore()
>>> _ = store.add_user("ada", "$argon2id$not-checked-here", datetime(2026, 3, 1, tzinfo=UTC))
>>> started = start_session(store, "ada", datetime(2026, 3, 1, tzinfo=UTC))
>>> found = session_of(store, started.cookie, datetime(2026, 3, 1, 1, tzinfo=UTC))
>>> found.username, form_token_ok(found, started.csrf), form_token_ok(found, "forged")
('ada', True, False)
>>> session_of(store, started.cookie, datetime(2026, 3, 2, tzinfo=UTC)) is None  # ended
True
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from driftscope.auth.tokens import token_hash

if TYPE_CHECKING:
    from driftscope.monitor.store.base import SessionRecord, Store

SESSION_LENGTH = timedelta(hours=12)
"""How long a session lasts from login."""


@dataclass(frozen=True, slots=True)
class StartedSession:
    """A new session: the cookie's value and the form token, both shown to nobody else."""

    cookie: str = field(repr=False)
    csrf: str = field(repr=False)
    expires_at: datetime


def start_session(store: Store, username: str, now: datetime) -> StartedSession:
    """Start a session for ``username`` (already logged in) lasting :data:`SESSION_LENGTH`."""
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = now + SESSION_LENGTH
    store.add_session(token_hash(cookie), username, csrf, now, expires)
    return StartedSession(cookie, csrf, expires)


def session_of(store: Store, cookie: str | None, now: datetime) -> SessionRecord | None:
    """The live session the cookie's value names, or None: unknown, ended, or its account
    disabled or gone since."""
    if not cookie or len(cookie) > 100:
        return None
    found = store.session(token_hash(cookie), now)
    if found is None:
        return None
    user = store.user(found.username)
    return None if user is None or user.disabled else found


def end_session(store: Store, cookie: str | None) -> None:
    """End the session the cookie's value names (a logout); nothing when there is none."""
    if cookie and len(cookie) <= 100:
        store.end_session(token_hash(cookie))


def form_token_ok(session: SessionRecord, given: str | None) -> bool:
    """Whether a posted form's token is the session's (compared in constant time)."""
    return given is not None and hmac.compare_digest(session.csrf.encode(), given.encode())
