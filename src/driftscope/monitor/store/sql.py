"""The real store: SQLAlchemy 2 Core on SQLite (the embedded default, in WAL mode) or
PostgreSQL (``postgresql+psycopg://``, with the ``driftscope[postgres]`` extra). The schema is
made and upgraded by the alembic migrations shipped in ``migrations/`` each time a store opens.

>>> from datetime import datetime, UTC
>>> store = open_store("sqlite:///:memory:")
>>> day = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)
>>> window = WindowRecord("fraud", *day, rows=10, severity="none", status="computed", report="{}")
>>> store.write_window(window, [MetricPoint("fraud", *day, "amount", "psi", 0.3)])
True
>>> store.write_window(window, [MetricPoint("fraud", *day, "amount", "psi", 0.3)])
False
>>> [(p.column, p.metric, p.value) for p in store.points("fraud")]
[('amount', 'psi', 0.3)]
>>> store.close()
"""

from __future__ import annotations

import json
import math
import os
import socket
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Row, Select, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from driftscope.errors import InputError
from driftscope.monitor.store import _tables as t
from driftscope.monitor.store._connect import engine_for
from driftscope.monitor.store._sql_auth import AuthTables
from driftscope.monitor.store._sql_base import BATCH, db_time, db_value, found, py_time
from driftscope.monitor.store._sql_ingest import IngestTables
from driftscope.monitor.store.base import (
    STALE_LOCK_AFTER,
    Alert,
    AlertState,
    Delivery,
    DeliveryState,
    MetricPoint,
    Store,
    StoreBusy,
    WindowRecord,
    checked_points,
    checked_states,
    fits,
)

__all__ = ["SqlStore", "open_store"]


def open_store(url: str) -> SqlStore:
    """Open (creating or upgrading its schema) the store at ``url``: ``sqlite:///FILE``,
    ``sqlite:///:memory:`` or ``postgresql+psycopg://USER[:PASSWORD]@HOST[:PORT]/DB``.

    An unreachable store or a bad URL is a one-line ConfigError naming the URL without its
    password.

    >>> open_store("mysql://me:hunter2@db/monitor")
    Traceback (most recent call last):
    ...
    driftscope.errors.ConfigError: store mysql://me:***@db/monitor: must be a sqlite:///FILE or postgresql+psycopg://USER@HOST/DB URL
    """  # noqa: E501
    return SqlStore(engine_for(url), url)


class SqlStore(IngestTables, AuthTables):
    """A store in a SQL database; make one with :func:`open_store`."""

    def write_window(
        self,
        window: WindowRecord,
        points: Iterable[MetricPoint],
        page: bytes | None = None,
        states: Mapping[str, str] | None = None,
    ) -> bool:
        project, start, end = window.key
        kept_states = checked_states(project, states)
        span = (
            (t.windows.c.project == project)
            & (t.windows.c.window_start == start.replace(tzinfo=None))
            & (t.windows.c.window_end == end.replace(tzinfo=None))
        )
        try:
            with self._write() as conn:
                if conn.execute(select(t.windows.c.id).where(span)).first() is not None:
                    return False
                inserted = conn.execute(
                    insert(t.windows)
                    .values(
                        project=project,
                        window_start=start.replace(tzinfo=None),
                        window_end=end.replace(tzinfo=None),
                        rows=window.rows,
                        severity=window.severity,
                        status=window.status,
                        report=window.report,
                    )
                    .returning(t.windows.c.id)
                )
                window_id = inserted.scalar_one()
                self._insert_points(conn, window_id, checked_points(window, points))
                if page is not None:
                    kept = {"window_id": window_id, "page": bytes(page)}
                    conn.execute(insert(t.window_pages).values(**kept))
                for key, value in kept_states.items():
                    self._put_state(conn, project, key, value)
        except IntegrityError:
            # Another run wrote the same window between our check and our insert.
            with self._read() as conn:
                if conn.execute(select(t.windows.c.id).where(span)).first() is not None:
                    return False
            raise
        return True

    def replace_window(
        self, window: WindowRecord, points: Iterable[MetricPoint], page: bytes | None = None
    ) -> None:
        project, start, end = window.key
        w = t.windows
        span = (
            (w.c.project == project)
            & (w.c.window_start == start.replace(tzinfo=None))
            & (w.c.window_end == end.replace(tzinfo=None))
        )
        with self._write() as conn:
            window_id = conn.execute(select(w.c.id).where(span)).scalar()
            if window_id is None:
                raise InputError(
                    f"store: window {project} {start.isoformat()} is not stored; "
                    "write it before replacing it"
                )
            fits(project=project, severity=window.severity, status=window.status)
            conn.execute(
                update(w)
                .where(w.c.id == window_id)
                .values(
                    rows=window.rows,
                    severity=window.severity,
                    status=window.status,
                    report=window.report,
                )
            )
            conn.execute(delete(t.points).where(t.points.c.window_id == window_id))
            self._insert_points(conn, window_id, checked_points(window, points))
            if page is not None:
                pages = t.window_pages
                conn.execute(delete(pages).where(pages.c.window_id == window_id))
                conn.execute(insert(pages).values(window_id=window_id, page=bytes(page)))

    def put_points(
        self,
        project: str,
        points: Iterable[MetricPoint],
        states: Mapping[str, str] | None = None,
    ) -> None:
        kept_states = checked_states(project, states)
        w, p = t.windows, t.points
        with self._write() as conn:
            ids: dict[tuple[datetime, datetime], int] = {}
            for point in points:
                fits(column=point.column, metric=point.metric)
                span = (point.window_start, point.window_end)
                if span not in ids:
                    start, end = (db_time(moment) for moment in span)
                    found_id = conn.execute(
                        select(w.c.id).where(
                            (w.c.project == project)
                            & (w.c.window_start == start)
                            & (w.c.window_end == end)
                        )
                    ).scalar()
                    if found_id is None or point.project != project:
                        raise InputError(
                            f"store: point {point.metric!r} of column {point.column!r} belongs "
                            f"to no stored window of {project} ({point.window_start.isoformat()})"
                        )
                    ids[span] = found_id
                window_id = ids[span]
                conn.execute(
                    delete(p).where(
                        (p.c.window_id == window_id)
                        & (p.c.column_name == point.column)
                        & (p.c.metric == point.metric)
                    )
                )
                self._insert_points(conn, window_id, [point])
            for key, value in kept_states.items():
                self._put_state(conn, project, key, value)

    def _insert_points(
        self, conn: Connection, window_id: int, points: Iterable[MetricPoint]
    ) -> None:
        batch: list[dict[str, Any]] = []
        for point in points:
            batch.append(
                {
                    "window_id": window_id,
                    "column_name": point.column,
                    "metric": point.metric,
                    "value": db_value(point.value),
                }
            )
            if len(batch) >= BATCH:
                conn.execute(insert(t.points), batch)
                batch = []
        if batch:
            conn.execute(insert(t.points), batch)

    def windows(
        self, project: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[WindowRecord]:
        w = t.windows
        query = _within(select(w).where(w.c.project == project), since, until)
        with self._read() as conn:
            rows = conn.execute(query.order_by(w.c.window_start, w.c.window_end)).all()
        return [
            WindowRecord(
                project=row.project,
                start=row.window_start.replace(tzinfo=UTC),
                end=row.window_end.replace(tzinfo=UTC),
                rows=row.rows,
                severity=row.severity,
                status=row.status,
                report=row.report,
            )
            for row in rows
        ]

    def computed_windows(self, project: str) -> set[tuple[datetime, datetime]]:
        w = t.windows
        query = select(w.c.window_start, w.c.window_end).where(w.c.project == project)
        with self._read() as conn:
            return {
                (start.replace(tzinfo=UTC), end.replace(tzinfo=UTC))
                for start, end in conn.execute(query)
            }

    def points(
        self,
        project: str,
        metric: str | None = None,
        column: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[MetricPoint]:
        w, p = t.windows, t.points
        query = (
            select(w.c.window_start, w.c.window_end, p.c.column_name, p.c.metric, p.c.value)
            .select_from(p.join(w, p.c.window_id == w.c.id))
            .where(w.c.project == project)
        )
        if metric is not None:
            query = query.where(p.c.metric == metric)
        if column is not None:
            query = query.where(p.c.column_name == column)
        query = _within(query, since, until).order_by(
            w.c.window_start, w.c.window_end, p.c.column_name, p.c.metric
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [
            MetricPoint(
                project,
                row.window_start.replace(tzinfo=UTC),
                row.window_end.replace(tzinfo=UTC),
                row.column_name,
                row.metric,
                math.nan if row.value is None else row.value,
            )
            for row in rows
        ]

    def report(self, project: str, window_start: datetime) -> str | None:
        w = t.windows
        query = select(w.c.report).where(
            (w.c.project == project) & (w.c.window_start == db_time(window_start, "start"))
        )
        with self._read() as conn:
            found = conn.execute(query.order_by(w.c.window_end).limit(1)).scalar()
        return cast("str | None", found)

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
        a = t.alerts
        is_open = (a.c.dedup_key == dedup_key) & (a.c.state == "open")
        try:
            with self._write() as conn:
                row = conn.execute(select(a).where(is_open)).first()
                if row is not None:
                    return _alert(row)
                conn.execute(
                    insert(a).values(
                        project=project,
                        rule=rule,
                        dedup_key=dedup_key,
                        severity=severity,
                        columns=json.dumps(list(columns)),
                        value=db_value(value),
                        state="open",
                        opened_at=db_time(opened_at, "opened_at"),
                    )
                )
        except IntegrityError:
            pass  # another run opened it first: the one open alert is theirs
        with self._read() as conn:
            return _alert(conn.execute(select(a).where(is_open)).one())

    def resolve_alert(self, dedup_key: str, resolved_at: datetime) -> Alert | None:
        a = t.alerts
        with self._write() as conn:
            row = conn.execute(
                select(a).where((a.c.dedup_key == dedup_key) & (a.c.state == "open"))
            ).first()
            if row is None:
                return None
            conn.execute(
                update(a)
                .where(a.c.id == row.id)
                .values(state="resolved", resolved_at=db_time(resolved_at, "resolved_at"))
            )
            return _alert(conn.execute(select(a).where(a.c.id == row.id)).one())

    def mark_notified(self, alert_id: int, at: datetime) -> None:
        a = t.alerts
        with self._write() as conn:
            done = conn.execute(
                update(a).where(a.c.id == alert_id).values(last_notified_at=db_time(at, "at"))
            )
            found(done.rowcount, "alert", alert_id)

    def open_alerts(self, project: str) -> list[Alert]:
        return self.alerts(project, "open")

    def alerts(self, project: str, state: AlertState | None = None) -> list[Alert]:
        a = t.alerts
        query = select(a).where(a.c.project == project)
        if state is not None:
            query = query.where(a.c.state == state)
        with self._read() as conn:
            return [_alert(row) for row in conn.execute(query.order_by(a.c.opened_at, a.c.id))]

    def enqueue(self, delivery: Delivery) -> Delivery:
        fits(key=delivery.key, project=delivery.project, channel=delivery.channel)
        o = t.outbox
        try:
            with self._write() as conn:
                row = conn.execute(select(o).where(o.c.key == delivery.key)).first()
                if row is not None:
                    return _delivery(row)
                conn.execute(
                    insert(o).values(
                        key=delivery.key,
                        project=delivery.project,
                        channel=delivery.channel,
                        payload=delivery.payload,
                        attempts=delivery.attempts,
                        next_attempt_at=db_time(delivery.next_attempt_at, "next_attempt_at"),
                        state=delivery.state,
                        last_error=delivery.last_error,
                    )
                )
        except IntegrityError:
            pass  # another run enqueued the same notification first
        with self._read() as conn:
            return _delivery(conn.execute(select(o).where(o.c.key == delivery.key)).one())

    def due_deliveries(self, now: datetime) -> list[Delivery]:
        o = t.outbox
        query = (
            select(o)
            .where((o.c.state == "pending") & (o.c.next_attempt_at <= db_time(now, "now")))
            .order_by(o.c.next_attempt_at, o.c.id)
        )
        with self._read() as conn:
            return [_delivery(row) for row in conn.execute(query)]

    def mark_delivered(self, delivery_id: int) -> None:
        o = t.outbox
        with self._write() as conn:
            done = conn.execute(
                update(o)
                .where(o.c.id == delivery_id)
                .values(state="delivered", attempts=o.c.attempts + 1)
            )
            found(done.rowcount, "delivery", delivery_id)

    def mark_failed(self, delivery_id: int, next_attempt: datetime | None, error: str) -> None:
        o = t.outbox
        values: dict[str, Any] = {"attempts": o.c.attempts + 1, "last_error": error}
        if next_attempt is None:
            values["state"] = "failed"
        else:
            values["next_attempt_at"] = db_time(next_attempt, "next_attempt")
        with self._write() as conn:
            done = conn.execute(update(o).where(o.c.id == delivery_id).values(**values))
            found(done.rowcount, "delivery", delivery_id)

    def get_state(self, project: str, key: str) -> str | None:
        s = t.state
        with self._read() as conn:
            found = conn.execute(
                select(s.c.value).where((s.c.project == project) & (s.c.key == key))
            ).scalar()
        return cast("str | None", found)

    def put_state(self, project: str, key: str, value: str) -> None:
        fits(project=project, state_key=key)
        with self._write() as conn:
            self._put_state(conn, project, key, value)

    @staticmethod
    def _put_state(conn: Connection, project: str, key: str, value: str) -> None:
        s = t.state
        where = (s.c.project == project) & (s.c.key == key)
        now = datetime.now(UTC).replace(tzinfo=None)
        done = conn.execute(update(s).where(where).values(value=value, updated_at=now))
        if done.rowcount == 0:
            conn.execute(insert(s).values(project=project, key=key, value=value, updated_at=now))

    @contextmanager
    def lock(self, project: str) -> Iterator[None]:
        if self._sqlite:
            with self._sqlite_lock(project):
                yield
        else:
            with self._advisory_lock(project):
                yield

    def _busy(self, project: str) -> StoreBusy:
        return StoreBusy(
            f"store {self._shown}: another run is computing project {project!r}; "
            "wait for it to finish or try again later"
        )

    @contextmanager
    def _advisory_lock(self, project: str) -> Iterator[None]:
        # A session lock on its own connection: it dies with the connection, so a killed run
        # never leaves it behind. The key includes the schema, as advisory locks are per database.
        key = func.hashtextextended(func.current_schema() + "/" + project, 0)
        # Only the lock's own statements are the store's: an error of the run inside the block
        # passes through as it is.
        with self._translated():
            conn = self._engine.connect()
        try:
            with self._translated():
                got = conn.execute(select(func.pg_try_advisory_lock(key))).scalar()
                conn.commit()
            if not got:
                raise self._busy(project)
            try:
                yield
            finally:
                with self._translated():
                    conn.execute(select(func.pg_advisory_unlock(key)))
                    conn.commit()
        finally:
            conn.close()

    @contextmanager
    def _sqlite_lock(self, project: str) -> Iterator[None]:
        owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
        locks = t.locks
        now = datetime.now(UTC)
        with self._write() as conn:
            row = conn.execute(select(locks).where(locks.c.project == project)).first()
            if row is not None and not _stale(row.owner, row.acquired_at.replace(tzinfo=UTC), now):
                raise self._busy(project)
            conn.execute(delete(locks).where(locks.c.project == project))
            conn.execute(
                insert(locks).values(
                    project=project, owner=owner, acquired_at=now.replace(tzinfo=None)
                )
            )
        try:
            yield
        finally:
            with self._write() as conn:
                conn.execute(
                    delete(locks).where((locks.c.project == project) & (locks.c.owner == owner))
                )

    def put_page(self, project: str, start: datetime, end: datetime, page: bytes) -> bool:
        w, pages = t.windows, t.window_pages
        span = (
            (w.c.project == project)
            & (w.c.window_start == db_time(start, "window start"))
            & (w.c.window_end == db_time(end, "window end"))
        )
        with self._write() as conn:
            window_id = conn.execute(select(w.c.id).where(span)).scalar()
            if window_id is None:
                return False
            conn.execute(delete(pages).where(pages.c.window_id == window_id))
            conn.execute(insert(pages).values(window_id=window_id, page=bytes(page)))
        return True

    def page(self, project: str, window_start: datetime) -> bytes | None:
        w, pages = t.windows, t.window_pages
        query = (
            select(pages.c.page)
            .join(w, w.c.id == pages.c.window_id)
            .where((w.c.project == project) & (w.c.window_start == db_time(window_start, "start")))
            .order_by(w.c.window_end)
            .limit(1)
        )
        with self._read() as conn:
            found = conn.execute(query).scalar()
        return None if found is None else bytes(found)

    def drifted_columns(
        self, project: str, since: datetime | None = None, until: datetime | None = None
    ) -> dict[tuple[datetime, datetime], list[str]]:
        from driftscope.monitor.store.base import DATASET_COLUMN

        w, p = t.windows, t.points
        # The windows first, then their drifted points by window id, rather than one join:
        # PostgreSQL without statistics yet (tables filled a minute ago) joined by a nested
        # loop that read every drift point once per window. By id, each window's points come
        # in the order they were given.
        spans = select(w.c.id, w.c.window_start, w.c.window_end).where(w.c.project == project)
        found: dict[tuple[datetime, datetime], list[str]] = {}
        with self._read() as conn:
            windows = {
                row.id: (row.window_start.replace(tzinfo=UTC), row.window_end.replace(tzinfo=UTC))
                for row in conn.execute(_within(spans, since, until))
            }
            ids = list(windows)
            for i in range(0, len(ids), BATCH):
                query = (
                    select(p.c.window_id, p.c.column_name)
                    .where(
                        p.c.window_id.in_(ids[i : i + BATCH])
                        & (p.c.metric == "drift")
                        & (p.c.value == 1.0)
                        & (p.c.column_name != DATASET_COLUMN)
                    )
                    .order_by(p.c.id)
                )
                for row in conn.execute(query):
                    found.setdefault(windows[row.window_id], []).append(row.column_name)
        return dict(sorted(found.items()))


def _stale(owner: str, acquired_at: datetime, now: datetime) -> bool:
    if now - acquired_at > STALE_LOCK_AFTER:
        return True
    host, pid, _ = owner.split(":", 2)
    if host != socket.gethostname():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True  # its run was killed
    except (OSError, ValueError):
        return False
    return False


def _within(query: Select[Any], since: datetime | None, until: datetime | None) -> Select[Any]:
    w = t.windows
    if since is not None:
        query = query.where(w.c.window_start >= db_time(since, "since"))
    if until is not None:
        query = query.where(w.c.window_end <= db_time(until, "until"))
    return query


def _alert(row: Row[Any]) -> Alert:
    return Alert(
        id=row.id,
        project=row.project,
        rule=row.rule,
        dedup_key=row.dedup_key,
        severity=row.severity,
        columns=tuple(json.loads(row.columns)),
        value=row.value,
        state=cast("AlertState", row.state),
        opened_at=row.opened_at.replace(tzinfo=UTC),
        resolved_at=py_time(row.resolved_at),
        last_notified_at=py_time(row.last_notified_at),
    )


def _delivery(row: Row[Any]) -> Delivery:
    return Delivery(
        key=row.key,
        project=row.project,
        channel=row.channel,
        payload=row.payload,
        next_attempt_at=row.next_attempt_at.replace(tzinfo=UTC),
        id=row.id,
        attempts=row.attempts,
        state=cast("DeliveryState", row.state),
        last_error=row.last_error,
    )


if TYPE_CHECKING:
    _: type[Store] = SqlStore
