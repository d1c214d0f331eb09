"""The SQL store's API tokens, people's accounts and their dashboard sessions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from driftscope.errors import InputError
from driftscope.monitor.store import _tables as t
from driftscope.monitor.store._sql_base import SqlBase, db_time, py_time
from driftscope.monitor.store.base import (
    Scope,
    SessionRecord,
    TokenRecord,
    UserRecord,
    check_session,
    check_token,
    fits,
)


class AuthTables(SqlBase):
    """API tokens, accounts and sessions (part of ``SqlStore``)."""

    def add_token(self, name: str, scope: Scope, token_hash: str, at: datetime) -> TokenRecord:
        check_token(name, scope, token_hash)
        tk = t.tokens
        try:
            with self._write() as conn:
                live = (tk.c.name == name) & tk.c.revoked_at.is_(None)
                if conn.execute(select(tk.c.id).where(live)).first() is not None:
                    raise _token_taken(name)
                inserted = conn.execute(
                    insert(tk)
                    .values(
                        name=name,
                        scope=scope,
                        token_hash=token_hash,
                        created_at=db_time(at, "at"),
                    )
                    .returning(tk)
                )
                return _token(inserted.one())
        except IntegrityError:
            # Another process took the name between our check and our insert, or the hash is
            # known (the same token given twice): the unique indexes keep one.
            with self._read() as conn:
                live = (tk.c.name == name) & tk.c.revoked_at.is_(None)
                if conn.execute(select(tk.c.id).where(live)).first() is not None:
                    raise _token_taken(name) from None
            raise InputError("store: this token is kept already; make a new one") from None

    def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        tk = t.tokens
        query = select(tk).where((tk.c.token_hash == token_hash) & tk.c.revoked_at.is_(None))
        with self._read() as conn:
            row = conn.execute(query).first()
        return None if row is None else _token(row)

    def touch_token(self, token_id: int, at: datetime) -> None:
        tk = t.tokens
        moment = db_time(at, "at")
        with self._write() as conn:
            conn.execute(
                update(tk)
                .where(
                    (tk.c.id == token_id)
                    & (tk.c.last_used_at.is_(None) | (tk.c.last_used_at < moment))
                )
                .values(last_used_at=moment)
            )

    def revoke_token(self, name: str, at: datetime) -> bool:
        tk = t.tokens
        moment = db_time(at, "at")
        with self._write() as conn:
            done = conn.execute(
                update(tk)
                .where((tk.c.name == name) & tk.c.revoked_at.is_(None))
                .values(revoked_at=moment)
            )
            return done.rowcount > 0

    def tokens(self) -> list[TokenRecord]:
        tk = t.tokens
        with self._read() as conn:
            return [_token(row) for row in conn.execute(select(tk).order_by(tk.c.id))]

    def add_user(self, username: str, password_hash: str, at: datetime) -> UserRecord:
        fits(username=username, password_hash=password_hash)
        u = t.users
        try:
            with self._write() as conn:
                if conn.execute(select(u.c.id).where(u.c.username == username)).first():
                    raise _user_taken(username)
                inserted = conn.execute(
                    insert(u)
                    .values(
                        username=username,
                        password_hash=password_hash,
                        created_at=db_time(at, "at"),
                        disabled=False,
                    )
                    .returning(u)
                )
                return _user(inserted.one())
        except IntegrityError:
            raise _user_taken(username) from None

    def user(self, username: str) -> UserRecord | None:
        u = t.users
        with self._read() as conn:
            row = conn.execute(select(u).where(u.c.username == username)).first()
        return None if row is None else _user(row)

    def set_password(self, username: str, password_hash: str) -> None:
        fits(password_hash=password_hash)
        self._update_user(username, password_hash=password_hash)

    def set_user_disabled(self, username: str, disabled: bool) -> None:
        self._update_user(username, disabled=bool(disabled))

    def _update_user(self, username: str, **values: Any) -> None:
        u = t.users
        with self._write() as conn:
            done = conn.execute(update(u).where(u.c.username == username).values(**values))
            if done.rowcount == 0:
                raise _no_user(username)

    def users(self) -> list[UserRecord]:
        u = t.users
        with self._read() as conn:
            found = [_user(row) for row in conn.execute(select(u))]
        # Sorted here: PostgreSQL's collation would order names otherwise than SQLite does.
        return sorted(found, key=lambda user: user.username)

    def add_session(
        self, session_hash: str, username: str, csrf: str, at: datetime, expires: datetime
    ) -> None:
        check_session(session_hash, username, csrf)
        s = t.sessions
        with self._write() as conn:
            conn.execute(delete(s).where(s.c.expires_at <= db_time(at, "at")))
            conn.execute(
                insert(s).values(
                    session_hash=session_hash,
                    username=username,
                    csrf=csrf,
                    created_at=db_time(at, "at"),
                    expires_at=db_time(expires, "expires"),
                )
            )

    def session(self, session_hash: str, now: datetime) -> SessionRecord | None:
        s = t.sessions
        with self._read() as conn:
            row = conn.execute(
                select(s).where(
                    s.c.session_hash == session_hash, s.c.expires_at > db_time(now, "now")
                )
            ).first()
        if row is None:
            return None
        return SessionRecord(
            username=row.username,
            csrf=row.csrf,
            created_at=row.created_at.replace(tzinfo=UTC),
            expires_at=row.expires_at.replace(tzinfo=UTC),
        )

    def end_session(self, session_hash: str) -> None:
        s = t.sessions
        with self._write() as conn:
            conn.execute(delete(s).where(s.c.session_hash == session_hash))


def _token_taken(name: str) -> InputError:
    return InputError(
        f"store: a live token is named {name!r} already; revoke it first or choose another name"
    )


def _user_taken(username: str) -> InputError:
    return InputError(f"store: an account named {username!r} exists already")


def _no_user(username: str) -> InputError:
    return InputError(f"store: there is no account named {username!r}")


def _token(row: Row[Any]) -> TokenRecord:
    return TokenRecord(
        id=row.id,
        name=row.name,
        scope=cast("Scope", row.scope),
        created_at=row.created_at.replace(tzinfo=UTC),
        revoked_at=py_time(row.revoked_at),
        last_used_at=py_time(row.last_used_at),
    )


def _user(row: Row[Any]) -> UserRecord:
    return UserRecord(
        username=row.username,
        password_hash=row.password_hash,
        created_at=row.created_at.replace(tzinfo=UTC),
        disabled=bool(row.disabled),
    )
