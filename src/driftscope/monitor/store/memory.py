"""An in-memory :class:`~driftscope.monitor.store.base.Store` with the real store's behaviour,
for unit tests of the monitor, the alerts and the service.

>>> from datetime import datetime, UTC
>>> store = MemoryStore()
>>> day = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)
>>> window = WindowRecord("fraud", *day, rows=10, severity="none", status="computed", report="{}")
>>> store.write_window(window, [MetricPoint("fraud", *day, "*", "rows", 10.0)])
True
>>> store.write_window(window, [])
False
>>> [p.value for p in store.points("fraud", metric="rows")]
[10.0]
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from driftscope.errors import InputError
from driftscope.monitor.store.base import (
    Alert,
    AlertState,
    Delivery,
    LogBatch,
    LogBatchIn,
    MetricPoint,
    Scope,
    SessionRecord,
    Store,
    StoreBusy,
    TokenRecord,
    UserRecord,
    WindowRecord,
    bounds,
    check_batch,
    check_session,
    check_token,
    checked_points,
    checked_states,
    fits,
    utc,
    within,
)
from driftscope.monitor.store.ingest_files import BodyRef, read_body

__all__ = ["MemoryStore"]


class MemoryStore:
    """A store in this process's memory; it forgets everything when dropped."""

    def __init__(self) -> None:
        self._mutex = threading.RLock()
        self._windows: dict[tuple[str, datetime, datetime], WindowRecord] = {}
        self._points: dict[tuple[str, datetime, datetime], list[MetricPoint]] = {}
        self._alerts: list[Alert] = []
        self._outbox: list[Delivery] = []
        self._locks: set[str] = set()
        self._state: dict[tuple[str, str], str] = {}
        self._labels: dict[tuple[str, str], tuple[str, datetime]] = {}
        self._batches: dict[int, tuple[str, LogBatch, bytes | BodyRef]] = {}
        self._last_batch = 0
        self._logged_ids: set[tuple[str, str]] = set()  # (project, row id)
        self._indexed: set[int] = set()  # batches whose row ids are in _logged_ids
        self._tokens: list[tuple[str, TokenRecord]] = []  # (hash, record), in id order
        self._users: dict[str, UserRecord] = {}
        self._sessions: dict[str, SessionRecord] = {}
        self._pages: dict[tuple[str, datetime], bytes] = {}

    def write_window(
        self,
        window: WindowRecord,
        points: Iterable[MetricPoint],
        page: bytes | None = None,
        states: Mapping[str, str] | None = None,
    ) -> bool:
        key = window.key
        kept_states = checked_states(key[0], states)
        # Checked and collected before anything is kept: all of the window or none of it.
        # (+ 0.0 turns -0.0 into 0.0, as SQLite does.)
        normal = [
            replace(p, window_start=key[1], window_end=key[2], value=p.value + 0.0)
            for p in checked_points(window, points)
        ]
        with self._mutex:
            if key in self._windows:
                return False
            self._windows[key] = replace(window, start=key[1], end=key[2])
            self._points[key] = normal
            if page is not None:
                self._pages[key[:2]] = bytes(page)
            for name, value in kept_states.items():
                self._state[key[0], name] = value
            return True

    def replace_window(
        self, window: WindowRecord, points: Iterable[MetricPoint], page: bytes | None = None
    ) -> None:
        key = window.key
        normal = [
            replace(p, window_start=key[1], window_end=key[2], value=p.value + 0.0)
            for p in checked_points(window, points)
        ]
        with self._mutex:
            if key not in self._windows:
                raise InputError(
                    f"store: window {key[0]} {key[1].isoformat()} is not stored; "
                    "write it before replacing it"
                )
            self._windows[key] = replace(window, start=key[1], end=key[2])
            self._points[key] = normal
            if page is not None:
                self._pages[key[:2]] = bytes(page)

    def put_points(
        self,
        project: str,
        points: Iterable[MetricPoint],
        states: Mapping[str, str] | None = None,
    ) -> None:
        kept_states = checked_states(project, states)
        given = list(points)
        with self._mutex:
            spans = {(s, e) for (p, s, e) in self._windows if p == project}
            changes: dict[tuple[str, datetime, datetime], dict[tuple[str, str], MetricPoint]] = {}
            for point in given:
                fits(column=point.column, metric=point.metric)
                start, end = utc(point.window_start), utc(point.window_end)
                if point.project != project or (start, end) not in spans:
                    raise InputError(
                        f"store: point {point.metric!r} of column {point.column!r} belongs to no "
                        f"stored window of {project} ({start.isoformat()})"
                    )
                normal = replace(point, window_start=start, window_end=end, value=point.value + 0.0)
                changes.setdefault((project, start, end), {})[point.column, point.metric] = normal
            for key, figures in changes.items():
                kept = [p for p in self._points[key] if (p.column, p.metric) not in figures]
                self._points[key] = kept + list(figures.values())
            for name, value in kept_states.items():
                self._state[project, name] = value

    def put_labels(self, project: str, labels: Iterable[tuple[str, str]], at: datetime) -> int:
        fits(project=project)
        received = utc(at, "at")
        given = dict(labels)
        for row_id in given:
            fits(row_id=row_id)
        changed = 0
        with self._mutex:
            for row_id, value in given.items():
                old = self._labels.get((project, row_id))
                if old is None or old[0] != value:
                    self._labels[project, row_id] = (value, received)
                    changed += 1
        return changed

    def labels(self, project: str, row_ids: Iterable[str]) -> dict[str, str]:
        with self._mutex:
            return {
                r: self._labels[project, r][0]
                for r in dict.fromkeys(row_ids)
                if (project, r) in self._labels
            }

    def has_labels(self, project: str) -> bool:
        with self._mutex:
            return any(p == project for p, _ in self._labels)

    def labels_since(self, project: str, since: datetime | None) -> set[str]:
        limit = None if since is None else utc(since, "since")
        with self._mutex:
            return {
                r
                for (p, r), (_, at) in self._labels.items()
                if p == project and (limit is None or at > limit)
            }

    def append_logs(
        self,
        project: str,
        body: bytes | BodyRef,
        rows: int,
        first: int | None,
        last: int | None,
        missing: int,
        unparseable: int,
        at: datetime,
    ) -> int:
        check_batch(project, body, rows, first, last, missing, unparseable)
        received = utc(at, "at")
        with self._mutex:
            self._last_batch += 1
            batch = LogBatch(
                self._last_batch,
                rows,
                first,
                last,
                missing,
                unparseable,
                body.size if isinstance(body, BodyRef) else len(body),
                received,
            )
            self._batches[batch.id] = (project, batch, body)
            return batch.id

    def log_batches(self, project: str) -> list[LogBatch]:
        with self._mutex:
            return [batch for p, batch, _ in self._batches.values() if p == project]

    def log_batch_bodies(self, project: str, ids: Sequence[int]) -> dict[int, bytes]:
        with self._mutex:
            found = [self._batches.get(i) for i in dict.fromkeys(ids)]
        return {
            kept[1].id: read_body(kept[2]) if isinstance(kept[2], BodyRef) else kept[2]
            for kept in found
            if kept is not None and kept[0] == project
        }

    def unindexed_log_batches(self, project: str) -> list[int]:
        with self._mutex:
            return [
                batch.id
                for p, batch, _ in self._batches.values()
                if p == project and batch.id not in self._indexed
            ]

    def index_log_ids(self, project: str, batch_ids: Sequence[int], row_ids: Iterable[str]) -> None:
        fits(project=project)
        ids = set(row_ids)
        for row_id in ids:
            fits(row_id=row_id)
        with self._mutex:
            self._logged_ids.update((project, r) for r in ids)
            self._indexed.update(batch_ids)

    def logged_ids(self, project: str, row_ids: Iterable[str]) -> set[str]:
        with self._mutex:
            return {r for r in row_ids if (project, r) in self._logged_ids}

    def append_log_batches(self, batches: Sequence[LogBatchIn]) -> list[int]:
        for project, body, rows, first, last, missing, unparseable, at in batches:
            check_batch(project, body, rows, first, last, missing, unparseable)
            utc(at, "at")
        with self._mutex:
            return [self.append_logs(*batch) for batch in batches]

    def windows(
        self, project: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[WindowRecord]:
        since, until = bounds(since, until)
        with self._mutex:
            found = [
                w
                for (p, start, end), w in self._windows.items()
                if p == project and within(start, end, since, until)
            ]
        return sorted(found, key=lambda w: (w.start, w.end))

    def computed_windows(self, project: str) -> set[tuple[datetime, datetime]]:
        with self._mutex:
            return {(start, end) for p, start, end in self._windows if p == project}

    def points(
        self,
        project: str,
        metric: str | None = None,
        column: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[MetricPoint]:
        since, until = bounds(since, until)
        with self._mutex:
            found = [
                point
                for (p, start, end), points in self._points.items()
                if p == project and within(start, end, since, until)
                for point in points
                if (metric is None or point.metric == metric)
                and (column is None or point.column == column)
            ]
        return sorted(found, key=lambda p: (p.window_start, p.window_end, p.column, p.metric))

    def report(self, project: str, window_start: datetime) -> str | None:
        start = utc(window_start, "window start")
        with self._mutex:
            for (p, s, _), window in self._windows.items():
                if p == project and s == start:
                    return window.report
        return None

    def open_alert(
        self,
        project: str,
        rule: str,
        dedup_key: str,
        severity: str,
        columns: Sequence[str],
        value: float | None,
        opened_at: datetime,
    ) -> Alert:
        fits(project=project, rule=rule, dedup_key=dedup_key, severity=severity)
        with self._mutex:
            for alert in self._alerts:
                if alert.dedup_key == dedup_key and alert.state == "open":
                    return alert
            alert = Alert(
                id=len(self._alerts) + 1,
                project=project,
                rule=rule,
                dedup_key=dedup_key,
                severity=severity,
                columns=tuple(columns),
                value=value,
                state="open",
                opened_at=utc(opened_at, "opened_at"),
                resolved_at=None,
                last_notified_at=None,
            )
            self._alerts.append(alert)
            return alert

    def resolve_alert(self, dedup_key: str, resolved_at: datetime) -> Alert | None:
        with self._mutex:
            for i, alert in enumerate(self._alerts):
                if alert.dedup_key == dedup_key and alert.state == "open":
                    done = replace(alert, state="resolved", resolved_at=utc(resolved_at))
                    self._alerts[i] = done
                    return done
        return None

    def mark_notified(self, alert_id: int, at: datetime) -> None:
        with self._mutex:
            alert = self._alerts[_index("alert", alert_id, len(self._alerts))]
            self._alerts[alert_id - 1] = replace(alert, last_notified_at=utc(at, "at"))

    def open_alerts(self, project: str) -> list[Alert]:
        return self.alerts(project, "open")

    def alerts(self, project: str, state: AlertState | None = None) -> list[Alert]:
        with self._mutex:
            return [
                a
                for a in self._alerts
                if a.project == project and (state is None or a.state == state)
            ]

    def enqueue(self, delivery: Delivery) -> Delivery:
        fits(key=delivery.key, project=delivery.project, channel=delivery.channel)
        with self._mutex:
            for stored in self._outbox:
                if stored.key == delivery.key:
                    return stored
            stored = replace(
                delivery,
                id=len(self._outbox) + 1,
                next_attempt_at=utc(delivery.next_attempt_at, "next_attempt_at"),
            )
            self._outbox.append(stored)
            return stored

    def due_deliveries(self, now: datetime) -> list[Delivery]:
        moment = utc(now, "now")
        with self._mutex:
            due = [d for d in self._outbox if d.state == "pending" and d.next_attempt_at <= moment]
        return sorted(due, key=lambda d: (d.next_attempt_at, d.id or 0))

    def mark_delivered(self, delivery_id: int) -> None:
        with self._mutex:
            stored = self._outbox[_index("delivery", delivery_id, len(self._outbox))]
            self._outbox[delivery_id - 1] = replace(
                stored, state="delivered", attempts=stored.attempts + 1
            )

    def mark_failed(self, delivery_id: int, next_attempt: datetime | None, error: str) -> None:
        with self._mutex:
            stored = self._outbox[_index("delivery", delivery_id, len(self._outbox))]
            self._outbox[delivery_id - 1] = replace(
                stored,
                attempts=stored.attempts + 1,
                last_error=error,
                state="failed" if next_attempt is None else "pending",
                next_attempt_at=stored.next_attempt_at
                if next_attempt is None
                else utc(next_attempt, "next_attempt"),
            )

    def get_state(self, project: str, key: str) -> str | None:
        with self._mutex:
            return self._state.get((project, key))

    def put_state(self, project: str, key: str, value: str) -> None:
        fits(project=project, state_key=key)
        with self._mutex:
            self._state[project, key] = value

    @contextmanager
    def lock(self, project: str) -> Iterator[None]:
        with self._mutex:
            if project in self._locks:
                raise StoreBusy(f"store (memory): another run is computing project {project!r}")
            self._locks.add(project)
        try:
            yield
        finally:
            with self._mutex:
                self._locks.discard(project)

    def add_token(self, name: str, scope: Scope, token_hash: str, at: datetime) -> TokenRecord:
        check_token(name, scope, token_hash)
        created = utc(at, "at")
        with self._mutex:
            for kept_hash, kept in self._tokens:
                if kept.name == name and kept.revoked_at is None:
                    raise InputError(
                        f"store: a live token is named {name!r} already; revoke it first or "
                        "choose another name"
                    )
                if hmac.compare_digest(kept_hash.encode(), token_hash.encode()):
                    raise InputError("store: this token is kept already; make a new one")
            record = TokenRecord(len(self._tokens) + 1, name, scope, created)
            self._tokens.append((token_hash, record))
            return record

    def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        found = None
        given = token_hash.encode()  # bytes: compare_digest refuses a str that is not ASCII
        with self._mutex:
            # Every hash compared in constant time, and all of them: the time taken does not
            # tell how much of a guess was right nor which token it was.
            for kept_hash, kept in self._tokens:
                if hmac.compare_digest(kept_hash.encode(), given) and kept.revoked_at is None:
                    found = kept
        return found

    def touch_token(self, token_id: int, at: datetime) -> None:
        moment = utc(at, "at")
        with self._mutex:
            if 1 <= token_id <= len(self._tokens):
                kept_hash, kept = self._tokens[token_id - 1]
                if kept.last_used_at is None or kept.last_used_at < moment:
                    self._tokens[token_id - 1] = (kept_hash, replace(kept, last_used_at=moment))

    def revoke_token(self, name: str, at: datetime) -> bool:
        moment = utc(at, "at")
        with self._mutex:
            for i, (kept_hash, kept) in enumerate(self._tokens):
                if kept.name == name and kept.revoked_at is None:
                    self._tokens[i] = (kept_hash, replace(kept, revoked_at=moment))
                    return True
        return False

    def tokens(self) -> list[TokenRecord]:
        with self._mutex:
            return [kept for _, kept in self._tokens]

    def add_user(self, username: str, password_hash: str, at: datetime) -> UserRecord:
        fits(username=username, password_hash=password_hash)
        created = utc(at, "at")
        with self._mutex:
            if username in self._users:
                raise InputError(f"store: an account named {username!r} exists already")
            self._users[username] = UserRecord(username, password_hash, created)
            return self._users[username]

    def user(self, username: str) -> UserRecord | None:
        with self._mutex:
            return self._users.get(username)

    def set_password(self, username: str, password_hash: str) -> None:
        fits(password_hash=password_hash)
        with self._mutex:
            self._users[username] = replace(self._known(username), password_hash=password_hash)

    def set_user_disabled(self, username: str, disabled: bool) -> None:
        with self._mutex:
            self._users[username] = replace(self._known(username), disabled=bool(disabled))

    def _known(self, username: str) -> UserRecord:
        if username not in self._users:
            raise InputError(f"store: there is no account named {username!r}")
        return self._users[username]

    def users(self) -> list[UserRecord]:
        with self._mutex:
            return sorted(self._users.values(), key=lambda u: u.username)

    def put_page(self, project: str, start: datetime, end: datetime, page: bytes) -> bool:
        key = (project, utc(start, "window start"), utc(end, "window end"))
        with self._mutex:
            if key not in self._windows:
                return False
            self._pages[key[:2]] = bytes(page)
        return True

    def page(self, project: str, window_start: datetime) -> bytes | None:
        with self._mutex:
            return self._pages.get((project, utc(window_start, "window start")))

    def add_session(
        self, session_hash: str, username: str, csrf: str, at: datetime, expires: datetime
    ) -> None:
        check_session(session_hash, username, csrf)
        record = SessionRecord(username, csrf, utc(at, "at"), utc(expires, "expires"))
        with self._mutex:
            for kept in [h for h, r in self._sessions.items() if r.expires_at <= record.created_at]:
                del self._sessions[kept]
            self._sessions[session_hash] = record

    def session(self, session_hash: str, now: datetime) -> SessionRecord | None:
        moment = utc(now, "now")
        with self._mutex:
            record = self._sessions.get(session_hash)
        return record if record is not None and moment < record.expires_at else None

    def end_session(self, session_hash: str) -> None:
        with self._mutex:
            self._sessions.pop(session_hash, None)

    def close(self) -> None:
        """Nothing to release."""

    def drifted_columns(
        self, project: str, since: datetime | None = None, until: datetime | None = None
    ) -> dict[tuple[datetime, datetime], list[str]]:
        from driftscope.monitor.store.base import DATASET_COLUMN

        since, until = bounds(since, until)
        out: dict[tuple[datetime, datetime], list[str]] = {}
        with self._mutex:
            for (p, start, end), points in sorted(self._points.items()):
                if p != project or not within(start, end, since, until):
                    continue
                names = [
                    q.column
                    for q in points
                    if q.metric == "drift" and q.value == 1 and q.column != DATASET_COLUMN
                ]
                if names:
                    out[start, end] = names
        return out


def _index(kind: str, item_id: int, count: int) -> int:
    if not 1 <= item_id <= count:
        raise InputError(f"store: there is no {kind} with id {item_id}")
    return item_id - 1


if TYPE_CHECKING:
    _: type[Store] = MemoryStore
