"""The metric store seam: the typed records a store keeps and the :class:`Store` protocol.

A store holds, per project, the computed windows (each with its full JSON report), every figure
of a window as a time-series point (SPEC section 8), the alerts (open ones survive restarts), an
outbox of deliveries to alert channels, so that nothing is stored twice and nobody is notified
twice, and the batches of log rows posted to the HTTP API (SPEC section 8), which a monitor
reads as one more log source. Across projects it keeps who may use the service: machine API
tokens (only their SHA-256) and people's accounts (only an argon2 hash of their password); see
:mod:`driftscope.auth`. :mod:`.sql` is the real store (SQLite or PostgreSQL),
:mod:`.memory` an in-memory one with the same behaviour; :mod:`driftscope.testing.store` checks
both.

Every time is a timezone-aware datetime; stores return them in UTC. A naive one is refused,
because a store shared by machines in different zones cannot guess which zone it meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from driftscope.errors import DriftscopeError, InputError
from driftscope.monitor.store.ingest_files import BodyRef

DATASET_COLUMN = "*"
"""The column of a dataset-level point or alert (``drift_share``, ``rows``), as in SPEC 8/9."""
STALE_LOCK_AFTER = timedelta(hours=6)
"""A run lock older than this is taken over even when its holder cannot be shown dead (it may
run on another machine); a holder on this machine whose process is gone loses it at once."""

LIMITS = {
    "project": 200,
    "severity": 20,
    "status": 40,
    "column": 500,
    "metric": 200,
    "rule": 200,
    "dedup_key": 1000,
    "key": 1000,
    "channel": 200,
    "state_key": 200,
    "row_id": 500,
    "token_name": 200,
    "username": 200,
    "password_hash": 1000,
}
"""The longest text each named field may hold: the column sizes of the SQL tables, checked
by every store alike (SQLite alone would not)."""

AlertState = Literal["open", "resolved"]
DeliveryState = Literal["pending", "delivered", "failed"]
Scope = Literal["ingest", "read", "admin"]
SCOPES: tuple[Scope, ...] = ("ingest", "read", "admin")
"""What an API token may do: ``ingest`` POSTs logs and labels, ``read`` GETs, ``admin`` both
and everything else (SPEC section 8)."""
_CSRF = re.compile(r"[A-Za-z0-9_-]{16,64}")
_TOKEN_HASH = re.compile(r"[0-9a-f]{64}")


class StoreBusy(DriftscopeError):  # noqa: N818 (the name issue 13 gives it)
    """Another run holds the store's lock for this project; wait for it or try again later."""


def utc(moment: datetime, name: str = "time") -> datetime:
    """``moment`` in UTC; an InputError for a naive datetime.

    >>> from datetime import timezone, timedelta
    >>> utc(datetime(2026, 3, 1, 2, tzinfo=timezone(timedelta(hours=2))))
    datetime.datetime(2026, 3, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(f"store: {name} {moment.isoformat()} has no time zone; give it in UTC")
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class WindowRecord:
    """One computed window: its span, row count, dataset severity (``none``, ``warning``,
    ``major``), status (e.g. ``computed``) and the window's full JSON report as text."""

    project: str
    start: datetime
    end: datetime
    rows: int
    severity: str
    status: str
    report: str

    @property
    def key(self) -> tuple[str, datetime, datetime]:
        """What makes a window unique in a store: project, start and end (in UTC)."""
        return self.project, utc(self.start, "window start"), utc(self.end, "window end")


@dataclass(frozen=True, slots=True)
class MetricPoint:
    """One figure of one window: ``column`` is :data:`DATASET_COLUMN` (``*``) for the dataset
    and the model, ``metric`` the name SPEC section 8 gives it. Every float round-trips
    exactly (NaN and infinities too), except that -0.0 comes back as 0.0, as SQLite keeps it."""

    project: str
    window_start: datetime
    window_end: datetime
    column: str
    metric: str
    value: float


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert as the store keeps it; ``dedup_key`` is ``{project}/{rule}/{column}`` and at
    most one alert per key is open. ``columns`` are the columns grouped into its message."""

    id: int
    project: str
    rule: str
    dedup_key: str
    severity: str
    columns: tuple[str, ...]
    value: float | None
    state: AlertState
    opened_at: datetime
    resolved_at: datetime | None
    last_notified_at: datetime | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One notification to one channel, kept in the outbox until delivered.

    ``key`` names the notification (e.g. ``{dedup_key}/triggered/{window_start}/{channel}``):
    enqueueing a key twice keeps the first, so a re-run never notifies twice. ``id`` is None
    until the store has it. ``state`` is ``failed`` once given up (a 4xx that is not 429).
    """

    key: str
    project: str
    channel: str
    payload: str
    next_attempt_at: datetime
    id: int | None = None
    attempts: int = 0
    state: DeliveryState = "pending"
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class LogBatch:
    """What a store knows of one batch of posted log rows without reading its body: its id
    (ascending in the order batches were kept), its row count, the range of its valid
    timestamps (epoch nanoseconds, UTC; None when no row has one), the rows without a
    timestamp (``missing``) or with one that cannot be read (``unparseable``), the body's
    size in bytes and when it was received."""

    id: int
    rows: int
    first: int | None
    last: int | None
    missing: int
    unparseable: int
    size: int
    received_at: datetime


LogBatchIn = tuple[str, bytes | BodyRef, int, int | None, int | None, int, int, datetime]
"""A batch of log rows as a store takes it: ``(project, body, rows, first, last, missing,
unparseable, received_at)``."""


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """An API token as the store keeps it: never the token itself nor its hash, so that a
    record can be logged or shown. ``revoked_at`` is None while the token is live;
    ``last_used_at`` is updated at most once per :data:`driftscope.auth.TOUCH_EVERY`."""

    id: int
    name: str
    scope: Scope
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A person's account: ``password_hash`` is an argon2 hash (left out of ``repr``)."""

    username: str
    password_hash: str = field(repr=False)
    created_at: datetime
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A person's dashboard session: whose it is, the token its forms must carry back
    (``csrf``, left out of ``repr``) and when it ends."""

    username: str
    csrf: str = field(repr=False)
    created_at: datetime
    expires_at: datetime


class Store(Protocol):
    """Where a monitor keeps windows, points, alerts and deliveries.

    ``since``/``until`` select the windows (and their points) that lie within them:
    ``since <= start`` and ``end <= until``; either may be None. Lists come in time order.
    """

    def write_window(
        self,
        window: WindowRecord,
        points: Iterable[MetricPoint],
        page: bytes | None = None,
        states: Mapping[str, str] | None = None,
    ) -> bool:
        """Store the window, all its points, its ``page`` (when given, see :meth:`put_page`)
        and the project's ``states`` (as :meth:`put_state` would, e.g. the stream detectors
        that read the window's rows) in one transaction; False (and nothing changed) when the
        window is already stored. A point of another window is an InputError."""
        ...

    def replace_window(
        self, window: WindowRecord, points: Iterable[MetricPoint], page: bytes | None = None
    ) -> None:
        """Replace a stored window's row count, severity, status and report, all its points
        and (when given) its page in one transaction (late labels fill in an old window's
        performance); an InputError when the window is not stored."""
        ...

    def windows(
        self, project: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[WindowRecord]:
        """The project's windows ordered by start."""
        ...

    def put_points(
        self,
        project: str,
        points: Iterable[MetricPoint],
        states: Mapping[str, str] | None = None,
    ) -> None:
        """Set ``points`` of the project's stored windows (each found by its start and end;
        a point stored under the same column and metric takes the new value) and put
        ``states``, in one transaction: what a stream detector fed by late labels found,
        with the detector's state. A point of a window not stored, or of another project, is
        an InputError, and nothing is changed."""
        ...

    def computed_windows(self, project: str) -> set[tuple[datetime, datetime]]:
        """The (start, end) of every stored window of the project, in UTC."""
        ...

    def points(
        self,
        project: str,
        metric: str | None = None,
        column: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[MetricPoint]:
        """The project's points, filtered, ordered by window start, column and metric."""
        ...

    def report(self, project: str, window_start: datetime) -> str | None:
        """The JSON report of the project's window starting at ``window_start``, or None."""
        ...

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
        """Open an alert; when one is already open under ``dedup_key`` it is returned as is."""
        ...

    def resolve_alert(self, dedup_key: str, resolved_at: datetime) -> Alert | None:
        """Resolve the open alert under ``dedup_key``; None when none is open."""
        ...

    def mark_notified(self, alert_id: int, at: datetime) -> None:
        """Record that the alert's channels were told at ``at`` (for its cooldown)."""
        ...

    def open_alerts(self, project: str) -> list[Alert]:
        """The project's open alerts, oldest first."""
        ...

    def alerts(self, project: str, state: AlertState | None = None) -> list[Alert]:
        """The project's alerts in ``state`` (all when None), oldest first."""
        ...

    def enqueue(self, delivery: Delivery) -> Delivery:
        """Put a delivery in the outbox; when its key is there already, return the stored one."""
        ...

    def due_deliveries(self, now: datetime) -> list[Delivery]:
        """Pending deliveries whose next attempt is at or before ``now``, earliest first."""
        ...

    def mark_delivered(self, delivery_id: int) -> None:
        """The delivery reached its channel: it is never sent again."""
        ...

    def mark_failed(self, delivery_id: int, next_attempt: datetime | None, error: str) -> None:
        """One more failed attempt: retry at ``next_attempt``, or give up when it is None."""
        ...

    def put_labels(self, project: str, labels: Iterable[tuple[str, str]], at: datetime) -> int:
        """Keep each ``(row id, label as JSON text)``, received ``at``, in one transaction; a
        label given again for an id replaces the old one (a correction) only when it differs.
        Returns how many were new or changed."""
        ...

    def labels(self, project: str, row_ids: Iterable[str]) -> dict[str, str]:
        """The labels known for those row ids (JSON texts), by id."""
        ...

    def labels_since(self, project: str, since: datetime | None) -> set[str]:
        """The row ids whose label arrived after ``since`` (all when None)."""
        ...

    def has_labels(self, project: str) -> bool:
        """Whether any label of the project is kept (a window computed afresh then looks its
        rows' labels up)."""
        ...

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
        """Keep one batch of posted log rows (``body``, as
        :func:`~driftscope.monitor.sources.ingest.encode_batch` made it, with its summary),
        received ``at``, in one transaction; return its id, greater than every id before it.
        The body may be a :class:`~driftscope.monitor.store.ingest_files.BodyRef` to bytes
        already synced to a file (the store keeps where they are, and reads them from there).
        The batch is durable when this returns. A summary that cannot be true (negative
        counts, ``first`` after ``last``) is an InputError and keeps nothing."""
        ...

    def log_batches(self, project: str) -> list[LogBatch]:
        """The project's batches of log rows, ordered by id, without reading their bodies."""
        ...

    def log_batch_bodies(self, project: str, ids: Sequence[int]) -> dict[int, bytes]:
        """The bodies of the project's batches with those ids, by id (an id the project has
        no batch under is left out); a body kept in a file that is gone or damaged is an
        InputError naming the file."""
        ...

    def unindexed_log_batches(self, project: str) -> list[int]:
        """The ids of the project's batches whose row ids :meth:`index_log_ids` has not kept
        yet, ascending (it reads no body)."""
        ...

    def index_log_ids(self, project: str, batch_ids: Sequence[int], row_ids: Iterable[str]) -> None:
        """Keep ``row_ids``, the ids of the rows of the batches ``batch_ids``, and mark those
        batches indexed, in one transaction; an id kept already (or given twice) is kept once,
        and indexing a batch again changes nothing."""
        ...

    def logged_ids(self, project: str, row_ids: Iterable[str]) -> set[str]:
        """Which of ``row_ids`` :meth:`index_log_ids` has kept for the project."""
        ...

    def append_log_batches(self, batches: Sequence[LogBatchIn]) -> list[int]:
        """Keep several batches of posted log rows, each ``(project, body, rows, first,
        last, missing, unparseable, at)`` as :meth:`append_logs` takes them, in one
        transaction (a group commit: one sync for all); returns their ids, ascending in the
        order given. Any summary that cannot be true is an InputError and keeps none."""
        ...

    def get_state(self, project: str, key: str) -> str | None:
        """The text last put under ``key`` for the project, or None."""
        ...

    def put_state(self, project: str, key: str, value: str) -> None:
        """Keep ``value`` under ``key`` for the project (replacing what was there), at once
        and on its own: state is what a run remembers, e.g. the log files it has scanned."""
        ...

    def lock(self, project: str) -> AbstractContextManager[None]:
        """Hold the project's run lock for the ``with`` block; StoreBusy when another holds
        it. Two runs on one store never both compute."""
        ...

    def add_token(self, name: str, scope: Scope, token_hash: str, at: datetime) -> TokenRecord:
        """Keep a new token, created ``at``, by the SHA-256 of its text (64 hex digits); an
        InputError when a live token already has ``name``, or for a scope not in
        :data:`SCOPES`."""
        ...

    def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        """The live token whose hash is ``token_hash``, or None (unknown or revoked)."""
        ...

    def touch_token(self, token_id: int, at: datetime) -> None:
        """Record that the token was used ``at`` (never moving its last use back)."""
        ...

    def revoke_token(self, name: str, at: datetime) -> bool:
        """Revoke the live token named ``name`` for good; False when none is live."""
        ...

    def tokens(self) -> list[TokenRecord]:
        """Every token, live and revoked, oldest first."""
        ...

    def add_user(self, username: str, password_hash: str, at: datetime) -> UserRecord:
        """Keep a new account, created ``at``; an InputError when ``username`` is taken."""
        ...

    def user(self, username: str) -> UserRecord | None:
        """The account named ``username``, or None."""
        ...

    def set_password(self, username: str, password_hash: str) -> None:
        """Replace the account's password hash; an InputError when there is no such account."""
        ...

    def set_user_disabled(self, username: str, disabled: bool) -> None:
        """Disable (no login) or enable the account; an InputError when there is none."""
        ...

    def users(self) -> list[UserRecord]:
        """Every account, by username."""
        ...

    def put_page(self, project: str, start: datetime, end: datetime, page: bytes) -> bool:
        """Keep (or replace) the stored window's HTML report page, as its writer encoded it;
        False when no such window is stored."""
        ...

    def page(self, project: str, window_start: datetime) -> bytes | None:
        """The page kept for the project's window starting at ``window_start``, or None."""
        ...

    def add_session(
        self, session_hash: str, username: str, csrf: str, at: datetime, expires: datetime
    ) -> None:
        """Keep a new session, by the SHA-256 of its cookie's value (64 hex digits), for
        ``username`` until ``expires``; sessions ended before ``at`` are dropped."""
        ...

    def session(self, session_hash: str, now: datetime) -> SessionRecord | None:
        """The session whose hash is ``session_hash`` if it has not ended by ``now``."""
        ...

    def end_session(self, session_hash: str) -> None:
        """End the session (a logout); nothing when there is none."""
        ...

    def close(self) -> None:
        """Release the store's connections."""
        ...

    def drifted_columns(
        self, project: str, since: datetime | None = None, until: datetime | None = None
    ) -> dict[tuple[datetime, datetime], list[str]]:
        """The columns whose ``drift`` point is 1 (never the dataset's ``*``), by the (start,
        end) of their window in UTC, each window's in the order its points were given (a
        report's column order); a window where none drifted is left out. What a list of
        windows shows, without reading their reports or every point."""
        ...


def checked_points(window: WindowRecord, points: Iterable[MetricPoint]) -> Iterator[MetricPoint]:
    """``points``, each checked to belong to ``window`` and to appear once (lazily, so a store
    can consume them inside its transaction)."""
    project, start, end = window.key
    if end <= start:
        raise InputError(
            f"store: window {project} {start.isoformat()} ends at {end.isoformat()}, "
            "not after it starts"
        )
    fits(project=project, severity=window.severity, status=window.status)
    seen: set[tuple[str, str]] = set()
    for point in points:
        fits(column=point.column, metric=point.metric)
        if (point.project, utc(point.window_start), utc(point.window_end)) != (project, start, end):
            raise InputError(
                f"store: point {point.metric!r} of column {point.column!r} belongs to another "
                f"window than {project} {start.isoformat()}"
            )
        if (point.column, point.metric) in seen:
            raise InputError(
                f"store: point {point.metric!r} of column {point.column!r} given twice for "
                f"{project} {start.isoformat()}"
            )
        seen.add((point.column, point.metric))
        yield point


def checked_states(project: str, states: Mapping[str, str] | None) -> dict[str, str]:
    """``states`` as a dict, each key and the project checked to fit."""
    out = dict(states or {})
    fits(project=project)
    for key in out:
        fits(state_key=key)
    return out


def check_batch(
    project: str,
    body: bytes | BodyRef,
    rows: int,
    first: int | None,
    last: int | None,
    missing: int,
    unparseable: int,
) -> None:
    """An InputError unless the summary of a batch of log rows can be true.

    >>> check_batch("fraud", b"x", rows=3, first=5, last=9, missing=1, unparseable=0)
    >>> check_batch("fraud", b"x", rows=1, first=None, last=None, missing=1, unparseable=1)
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: store: a log batch of 1 rows cannot have 1 missing and 1 unparseable timestamps
    """  # noqa: E501
    fits(project=project)
    if not isinstance(body, bytes | BodyRef):
        raise InputError(
            f"store: a log batch's body must be bytes or a BodyRef; got {type(body).__name__}"
        )
    if rows < 0 or missing < 0 or unparseable < 0:
        raise InputError(
            f"store: a log batch's counts must not be negative; got rows={rows}, "
            f"missing={missing}, unparseable={unparseable}"
        )
    if missing + unparseable > rows:
        raise InputError(
            f"store: a log batch of {rows} rows cannot have {missing} missing and "
            f"{unparseable} unparseable timestamps"
        )
    timed = rows - missing - unparseable
    if (first is None) != (last is None) or (first is None) != (timed == 0):
        raise InputError(
            f"store: a log batch with {timed} timed rows must give first and last timestamps "
            f"{'' if timed else 'as None '}together; got first={first}, last={last}"
        )
    for name, value in (("first", first), ("last", last)):
        if value is not None and not -(2**63) <= value < 2**63:
            raise InputError(f"store: a log batch's {name} timestamp {value} is not an int64")
    if first is not None and last is not None and first > last:
        raise InputError(f"store: a log batch's first timestamp {first} is after its last {last}")


def check_token(name: str, scope: str, token_hash: str) -> None:
    """An InputError unless a new token's name, scope and hash can be kept.

    >>> check_token("ci", "ingest", "0" * 64)
    >>> check_token("ci", "write", "0" * 64)
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: store: a token's scope must be one of ingest, read, admin; got 'write'
    """  # noqa: E501
    fits(token_name=name)
    if scope not in SCOPES:
        raise InputError(
            f"store: a token's scope must be one of {', '.join(SCOPES)}; got {scope!r}"
        )
    if not isinstance(token_hash, str) or _TOKEN_HASH.fullmatch(token_hash) is None:
        # Never repeated: should a caller pass the token itself, it must not reach a message.
        raise InputError("store: a token hash must be 64 lower-case hex digits (its SHA-256)")


def check_session(session_hash: str, username: str, csrf: str) -> None:
    """An InputError unless a new session can be kept: hashes as :func:`check_token`'s, a
    username that fits and a form token of 16 to 64 URL-safe characters."""
    fits(username=username)
    if not isinstance(session_hash, str) or _TOKEN_HASH.fullmatch(session_hash) is None:
        raise InputError("store: a session hash must be 64 lower-case hex digits (its SHA-256)")
    if not isinstance(csrf, str) or _CSRF.fullmatch(csrf) is None:
        raise InputError("store: a session's form token must be 16 to 64 URL-safe characters")


def within(start: datetime, end: datetime, since: datetime | None, until: datetime | None) -> bool:
    """Whether the window lies within ``since``/``until`` (see :class:`Store`)."""
    return (since is None or since <= start) and (until is None or end <= until)


def bounds(
    since: datetime | None, until: datetime | None
) -> tuple[datetime | None, datetime | None]:
    """``since`` and ``until`` in UTC (an InputError for a naive one), None kept."""
    return (
        None if since is None else utc(since, "since"),
        None if until is None else utc(until, "until"),
    )


def fits(**texts: str) -> None:
    """An InputError when a text is longer than its field holds (:data:`LIMITS`) or empty.

    >>> fits(metric="psi")
    >>> fits(metric="")
    Traceback (most recent call last):
    ...
    driftscope.errors.InputError: store: metric must be 1 to 200 characters; got 0
    """
    for name, value in texts.items():
        if not 0 < len(value) <= LIMITS[name]:
            raise InputError(
                f"store: {name} must be 1 to {LIMITS[name]} characters; got {len(value)}"
            )
        if "\x00" in value:  # PostgreSQL cannot keep it in a text
            raise InputError(f"store: {name} must not contain a NUL character")
