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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    Connection,
    Engine,
    Insert,
    Row,
    Select,
    Table,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from driftscope.errors import ConfigError, InputError
from driftscope.monitor._urls import masked, reason
from driftscope.monitor.store import _tables as t
from driftscope.monitor.store._connect import engine_for
from driftscope.monitor.store.base import (
    STALE_LOCK_AFTER,
    Alert,
    AlertState,
    Delivery,
    DeliveryState,
    LogBatch,
    MetricPoint,
    Scope,
    SessionRecord,
    Store,
    StoreBusy,
    TokenRecord,
    UserRecord,
    WindowRecord,
    check_batch,
    check_session,
    check_token,
    checked_points,
    fits,
    utc,
)

__all__ = ["SqlStore", "open_store"]

BATCH = 1_000
"""Points inserted per statement while writing a window."""


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


def _db_time(moment: datetime, name: str = "time") -> datetime:
    return utc(moment, name).replace(tzinfo=None)


def _py_time(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=UTC)


def _db_value(value: float | None) -> float | None:
    # + 0.0 turns -0.0 into 0.0, as SQLite would: every store keeps the same value.
    return None if value is None or math.isnan(value) else float(value) + 0.0


class SqlStore:
    """A store in a SQL database; make one with :func:`open_store`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self._url = url
        self._shown = masked(url)
        self._sqlite = engine.dialect.name == "sqlite"

    def __repr__(self) -> str:
        return f"SqlStore({self._shown!r})"

    @contextmanager
    def _translated(self) -> Iterator[None]:
        # A database gone or locked past the busy timeout while a run uses it: one line naming
        # the store, as when it cannot be opened, not a driver's traceback.
        try:
            yield
        except (OperationalError, InterfaceError) as exc:
            raise ConfigError(
                f"store {self._shown}: cannot use it ({reason(exc, self._url)}); "
                "check that the database is reachable and not held by another program"
            ) from None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._translated(), self._engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._read() as conn:
            if self._sqlite:
                conn.execution_options(immediate=True)
            with conn.begin():
                yield conn

    def write_window(self, window: WindowRecord, points: Iterable[MetricPoint]) -> bool:
        project, start, end = window.key
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
        except IntegrityError:
            # Another run wrote the same window between our check and our insert.
            with self._read() as conn:
                if conn.execute(select(t.windows.c.id).where(span)).first() is not None:
                    return False
            raise
        return True

    def replace_window(self, window: WindowRecord, points: Iterable[MetricPoint]) -> None:
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
                    "value": _db_value(point.value),
                }
            )
            if len(batch) >= BATCH:
                conn.execute(insert(t.points), batch)
                batch = []
        if batch:
            conn.execute(insert(t.points), batch)

    def put_labels(self, project: str, labels: Iterable[tuple[str, str]], at: datetime) -> int:
        fits(project=project)
        received = _db_time(at, "at")
        lab = t.labels
        changed = 0
        given: dict[str, str] = {}
        for row_id, value in labels:
            fits(row_id=row_id)
            given[row_id] = value
        ids = list(given)
        with self._write() as conn:
            for i in range(0, len(ids), BATCH):
                chunk = ids[i : i + BATCH]
                known = dict(
                    conn.execute(
                        select(lab.c.row_id, lab.c.value).where(
                            (lab.c.project == project) & lab.c.row_id.in_(chunk)
                        )
                    ).all()
                )
                new = [
                    {"project": project, "row_id": r, "value": given[r], "received_at": received}
                    for r in chunk
                    if r not in known
                ]
                if new:
                    conn.execute(insert(lab), new)
                for r in chunk:
                    if r in known and known[r] != given[r]:
                        conn.execute(
                            update(lab)
                            .where((lab.c.project == project) & (lab.c.row_id == r))
                            .values(value=given[r], received_at=received)
                        )
                        changed += 1
                changed += len(new)
        return changed

    def labels(self, project: str, row_ids: Iterable[str]) -> dict[str, str]:
        lab = t.labels
        ids = list(dict.fromkeys(row_ids))
        out: dict[str, str] = {}
        with self._read() as conn:
            for i in range(0, len(ids), BATCH):
                query = select(lab.c.row_id, lab.c.value).where(
                    (lab.c.project == project) & lab.c.row_id.in_(ids[i : i + BATCH])
                )
                out.update((row_id, value) for row_id, value in conn.execute(query))
        return out

    def labels_since(self, project: str, since: datetime | None) -> set[str]:
        lab = t.labels
        query = select(lab.c.row_id).where(lab.c.project == project)
        if since is not None:
            query = query.where(lab.c.received_at > _db_time(since, "since"))
        with self._read() as conn:
            return set(conn.execute(query).scalars())

    def append_logs(
        self,
        project: str,
        body: bytes,
        rows: int,
        first: int | None,
        last: int | None,
        missing: int,
        unparseable: int,
        at: datetime,
    ) -> int:
        check_batch(project, body, rows, first, last, missing, unparseable)
        received = _db_time(at, "at")
        # Durable on return: the commit is synced (PostgreSQL's synchronous_commit, SQLite's
        # synchronous=FULL, its default, which syncs the WAL at every commit).
        with self._write() as conn:
            inserted = conn.execute(
                insert(t.ingest)
                .values(
                    project=project,
                    received_at=received,
                    rows=rows,
                    first_ns=first,
                    last_ns=last,
                    missing=missing,
                    unparseable=unparseable,
                    body=body,
                )
                .returning(t.ingest.c.id)
            )
            return cast("int", inserted.scalar_one())

    def log_batches(self, project: str) -> list[LogBatch]:
        i = t.ingest
        # length() of a blob or bytea reads its size, not its content (SQLite's record header,
        # PostgreSQL's TOAST pointer): the bodies stay on disk.
        query = (
            select(
                i.c.id,
                i.c.rows,
                i.c.first_ns,
                i.c.last_ns,
                i.c.missing,
                i.c.unparseable,
                func.length(i.c.body).label("size"),
                i.c.received_at,
            )
            .where(i.c.project == project)
            .order_by(i.c.id)
        )
        with self._read() as conn:
            return [
                LogBatch(
                    id=row.id,
                    rows=row.rows,
                    first=row.first_ns,
                    last=row.last_ns,
                    missing=row.missing,
                    unparseable=row.unparseable,
                    size=row.size,
                    received_at=row.received_at.replace(tzinfo=UTC),
                )
                for row in conn.execute(query)
            ]

    def log_batch_bodies(self, project: str, ids: Sequence[int]) -> dict[int, bytes]:
        i = t.ingest
        wanted = list(dict.fromkeys(ids))
        out: dict[int, bytes] = {}
        with self._read() as conn:
            for n in range(0, len(wanted), BATCH):
                query = select(i.c.id, i.c.body).where(
                    (i.c.project == project) & i.c.id.in_(wanted[n : n + BATCH])
                )
                out.update((row.id, bytes(row.body)) for row in conn.execute(query))
        return out

    def unindexed_log_batches(self, project: str) -> list[int]:
        i, x = t.ingest, t.ingest_indexed
        query = (
            select(i.c.id)
            .outerjoin(x, x.c.batch_id == i.c.id)
            .where((i.c.project == project) & x.c.batch_id.is_(None))
            .order_by(i.c.id)
        )
        with self._read() as conn:
            return list(conn.execute(query).scalars())

    def index_log_ids(self, project: str, batch_ids: Sequence[int], row_ids: Iterable[str]) -> None:
        fits(project=project)
        ids = list(dict.fromkeys(row_ids))
        for row_id in ids:
            fits(row_id=row_id)
        batches = list(dict.fromkeys(batch_ids))
        # Two requests may index the same batch at once: what is there already is kept.
        insert_new = _insert_ignoring_duplicates(self._sqlite)
        # The ids go to the driver's executemany as plain tuples: building SQLAlchemy's
        # parameters took 40% of the time for 200,000 ids (1.4 s in all before, 0.8 s after).
        mark = "?" if self._engine.dialect.paramstyle == "qmark" else "%s"
        statement = (
            f"INSERT INTO {t.ingest_ids.name} (project, row_id) VALUES ({mark}, {mark}) "
            "ON CONFLICT DO NOTHING"
        )
        with self._write() as conn:
            for n in range(0, len(ids), BATCH * 10):
                conn.exec_driver_sql(statement, [(project, r) for r in ids[n : n + BATCH * 10]])
            for n in range(0, len(batches), BATCH):
                marks = [{"batch_id": b} for b in batches[n : n + BATCH]]
                conn.execute(insert_new(t.ingest_indexed), marks)

    def logged_ids(self, project: str, row_ids: Iterable[str]) -> set[str]:
        g = t.ingest_ids
        ids = list(dict.fromkeys(row_ids))
        out: set[str] = set()
        with self._read() as conn:
            for n in range(0, len(ids), BATCH):
                query = select(g.c.row_id).where(
                    (g.c.project == project) & g.c.row_id.in_(ids[n : n + BATCH])
                )
                out.update(conn.execute(query).scalars())
        return out

    def append_log_batches(
        self, batches: Sequence[tuple[str, bytes, int, int | None, int | None, int, int, datetime]]
    ) -> list[int]:
        values = []
        for project, body, rows, first, last, missing, unparseable, at in batches:
            check_batch(project, body, rows, first, last, missing, unparseable)
            values.append(
                {
                    "project": project,
                    "received_at": _db_time(at, "at"),
                    "rows": rows,
                    "first_ns": first,
                    "last_ns": last,
                    "missing": missing,
                    "unparseable": unparseable,
                    "body": body,
                }
            )
        # One insert per batch inside one transaction: the ids ascend in the order given.
        with self._write() as conn:
            return [
                cast(
                    "int",
                    conn.execute(
                        insert(t.ingest).values(**v).returning(t.ingest.c.id)
                    ).scalar_one(),
                )
                for v in values
            ]

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
            (w.c.project == project) & (w.c.window_start == _db_time(window_start, "start"))
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
                        value=_db_value(value),
                        state="open",
                        opened_at=_db_time(opened_at, "opened_at"),
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
                .values(state="resolved", resolved_at=_db_time(resolved_at, "resolved_at"))
            )
            return _alert(conn.execute(select(a).where(a.c.id == row.id)).one())

    def mark_notified(self, alert_id: int, at: datetime) -> None:
        a = t.alerts
        with self._write() as conn:
            done = conn.execute(
                update(a).where(a.c.id == alert_id).values(last_notified_at=_db_time(at, "at"))
            )
            _found(done.rowcount, "alert", alert_id)

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
                        next_attempt_at=_db_time(delivery.next_attempt_at, "next_attempt_at"),
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
            .where((o.c.state == "pending") & (o.c.next_attempt_at <= _db_time(now, "now")))
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
            _found(done.rowcount, "delivery", delivery_id)

    def mark_failed(self, delivery_id: int, next_attempt: datetime | None, error: str) -> None:
        o = t.outbox
        values: dict[str, Any] = {"attempts": o.c.attempts + 1, "last_error": error}
        if next_attempt is None:
            values["state"] = "failed"
        else:
            values["next_attempt_at"] = _db_time(next_attempt, "next_attempt")
        with self._write() as conn:
            done = conn.execute(update(o).where(o.c.id == delivery_id).values(**values))
            _found(done.rowcount, "delivery", delivery_id)

    def get_state(self, project: str, key: str) -> str | None:
        s = t.state
        with self._read() as conn:
            found = conn.execute(
                select(s.c.value).where((s.c.project == project) & (s.c.key == key))
            ).scalar()
        return cast("str | None", found)

    def put_state(self, project: str, key: str, value: str) -> None:
        fits(project=project, state_key=key)
        s = t.state
        where = (s.c.project == project) & (s.c.key == key)
        now = datetime.now(UTC).replace(tzinfo=None)
        with self._write() as conn:
            done = conn.execute(update(s).where(where).values(value=value, updated_at=now))
            if done.rowcount == 0:
                conn.execute(
                    insert(s).values(project=project, key=key, value=value, updated_at=now)
                )

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
                        created_at=_db_time(at, "at"),
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
        moment = _db_time(at, "at")
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
        moment = _db_time(at, "at")
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
                        created_at=_db_time(at, "at"),
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

    def put_page(self, project: str, start: datetime, end: datetime, page: bytes) -> bool:
        w, pages = t.windows, t.window_pages
        span = (
            (w.c.project == project)
            & (w.c.window_start == _db_time(start, "window start"))
            & (w.c.window_end == _db_time(end, "window end"))
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
            .where((w.c.project == project) & (w.c.window_start == _db_time(window_start, "start")))
            .order_by(w.c.window_end)
            .limit(1)
        )
        with self._read() as conn:
            found = conn.execute(query).scalar()
        return None if found is None else bytes(found)

    def add_session(
        self, session_hash: str, username: str, csrf: str, at: datetime, expires: datetime
    ) -> None:
        check_session(session_hash, username, csrf)
        s = t.sessions
        with self._write() as conn:
            conn.execute(delete(s).where(s.c.expires_at <= _db_time(at, "at")))
            conn.execute(
                insert(s).values(
                    session_hash=session_hash,
                    username=username,
                    csrf=csrf,
                    created_at=_db_time(at, "at"),
                    expires_at=_db_time(expires, "expires"),
                )
            )

    def session(self, session_hash: str, now: datetime) -> SessionRecord | None:
        s = t.sessions
        with self._read() as conn:
            row = conn.execute(
                select(s).where(
                    s.c.session_hash == session_hash, s.c.expires_at > _db_time(now, "now")
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

    def close(self) -> None:
        self._engine.dispose()

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


def _insert_ignoring_duplicates(sqlite: bool) -> Callable[[Table], Insert]:
    """An INSERT that skips rows whose key is there already (ON CONFLICT DO NOTHING)."""
    if sqlite:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return lambda table: sqlite_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    return lambda table: pg_insert(table).on_conflict_do_nothing()


def _found(rowcount: int, kind: str, item_id: int) -> None:
    if rowcount == 0:
        raise InputError(f"store: there is no {kind} with id {item_id}")


def _token_taken(name: str) -> InputError:
    return InputError(
        f"store: a live token is named {name!r} already; revoke it first or choose another name"
    )


def _user_taken(username: str) -> InputError:
    return InputError(f"store: an account named {username!r} exists already")


def _no_user(username: str) -> InputError:
    return InputError(f"store: there is no account named {username!r}")


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
        query = query.where(w.c.window_start >= _db_time(since, "since"))
    if until is not None:
        query = query.where(w.c.window_end <= _db_time(until, "until"))
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
        resolved_at=_py_time(row.resolved_at),
        last_notified_at=_py_time(row.last_notified_at),
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


def _token(row: Row[Any]) -> TokenRecord:
    return TokenRecord(
        id=row.id,
        name=row.name,
        scope=cast("Scope", row.scope),
        created_at=row.created_at.replace(tzinfo=UTC),
        revoked_at=_py_time(row.revoked_at),
        last_used_at=_py_time(row.last_used_at),
    )


def _user(row: Row[Any]) -> UserRecord:
    return UserRecord(
        username=row.username,
        password_hash=row.password_hash,
        created_at=row.created_at.replace(tzinfo=UTC),
        disabled=bool(row.disabled),
    )


if TYPE_CHECKING:
    _: type[Store] = SqlStore
