"""Database URLs in messages: shown with the password masked, and a driver's error reduced
to its first line with the password masked should the driver echo it. Used by the store and
by the SQL log source alike."""

from __future__ import annotations

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from driftscope.monitor._config_models import mask_password


def masked(url: str) -> str:
    """``url`` with its password masked, for messages (even when it cannot be parsed).

    >>> masked("postgresql+psycopg://me:hunter2@db/monitor")
    'postgresql+psycopg://me:***@db/monitor'
    """
    try:
        return mask_password(url)
    except ValueError:
        return "(an unreadable URL)"


def reason(exc: BaseException, url: str) -> str:
    """The driver's own message, first line only, with the URL's password masked should a
    driver echo it."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines() or [type(orig).__name__]
    first = lines[0].strip()
    try:
        password = make_url(url).password
    except (SQLAlchemyError, ValueError):
        password = None
    return first.replace(str(password), "***") if password else first
