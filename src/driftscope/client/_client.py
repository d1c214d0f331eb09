"""The client's queue and its background thread (see :mod:`driftscope.client`)."""

from __future__ import annotations

import atexit
import collections
import logging
import os
import random
import threading
import time
import weakref
from typing import Any, Self
from urllib.parse import quote

# Imported here, not in the thread: a fork while the thread imports would leave the child
# a half-initialised module. `import driftscope` does not import this package until `Client`.
import httpx

from driftscope.client._rows import (
    PARQUET_ROWS,
    _encode,
    _error_of,
    _first_line,
    _Item,
    _item,
    _retry_after,
    _tail,
)

logger = logging.getLogger("driftscope.client")


class Client:
    """Sends inference logs of ``project`` to the driftscope service at ``url`` with ``token``
    (an ``ingest`` or ``admin`` token), batched in a background thread.

    Parameters:

    - ``batch_rows``: the most rows a request carries, and the count that sends a batch at
      once (the most a request carries is halved for good each time the service answers 413);
    - ``flush_interval``: seconds the first waiting row may wait before it is sent;
    - ``max_queued_rows``: rows kept while the service cannot take them; the oldest beyond
      are dropped;
    - ``timeout``: seconds per request;
    - ``backoff``, ``max_backoff``: the first and the longest wait between retries (jitter
      takes up to half off);
    - ``parquet_rows``: batches of dict rows this large are posted as Parquet, smaller as JSON;
    - ``exit_timeout``: seconds the interpreter's exit may spend sending what is queued.
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        project: str,
        batch_rows: int = 1_000,
        flush_interval: float = 1.0,
        max_queued_rows: int = 100_000,
        timeout: float = 10.0,
        backoff: float = 0.2,
        max_backoff: float = 30.0,
        parquet_rows: int = PARQUET_ROWS,
        exit_timeout: float = 5.0,
    ) -> None:
        for name, value in (("batch_rows", batch_rows), ("max_queued_rows", max_queued_rows)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"Client: parameter {name!r} must be an int >= 1; got {value!r}")
        for name, number in (
            ("flush_interval", flush_interval),
            ("timeout", timeout),
            ("backoff", backoff),
            ("max_backoff", max_backoff),
            ("exit_timeout", exit_timeout),
        ):
            if not isinstance(number, int | float) or not number >= 0:
                raise ValueError(f"Client: parameter {name!r} must be >= 0; got {number!r}")
        if not project or "/" in project:
            raise ValueError(f"Client: parameter 'project' must be a project name; got {project!r}")
        self.url = url.rstrip("/")
        self.project = project
        self.batch_rows = batch_rows
        self.flush_interval = float(flush_interval)
        self.max_queued_rows = max_queued_rows
        self.timeout = float(timeout)
        self.backoff = float(backoff)
        self.max_backoff = float(max_backoff)
        self.parquet_rows = parquet_rows
        self.exit_timeout = float(exit_timeout)
        self._token = token
        self._api = f"{self.url}/api/v1/projects/{quote(project, safe='')}/"
        self._limit = batch_rows  # rows per request; halved when the service answers 413
        self._queue: collections.deque[_Item] = collections.deque()
        self._queued = 0  # rows in _queue
        self._inflight = 0  # rows being posted
        self._logged = 0  # rows ever queued
        self._sent = 0
        self._dropped = 0
        self._failed = 0
        self._retries = 0
        self._oldest_at = 0.0  # monotonic time the oldest waiting row has waited since
        self._flushing = 0  # callers waiting in flush()
        self._stop_at: float | None = None  # the worker's deadline once close() is called
        self._closed = False
        self._reported_drop = False
        self._start()
        ref = weakref.ref(self)

        def at_exit() -> None:
            client = ref()
            if client is not None:
                client.close(timeout=client.exit_timeout)

        def after_fork() -> None:
            client = ref()
            if client is not None:
                client._forked()

        self._at_exit = at_exit
        atexit.register(at_exit)
        # a forked worker (gunicorn, multiprocessing) has no thread: it gets its own
        os.register_at_fork(after_in_child=after_fork)

    def _start(self) -> None:
        # made here, in the caller's thread, for the same reason as the imports above
        headers = {"Authorization": f"Bearer {self._token}", "User-Agent": "driftscope-client"}
        self._http = httpx.Client(headers=headers, timeout=self.timeout)
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)  # the worker waits on it
        self._done = threading.Condition(self._lock)  # flush() waits on it
        self._thread = threading.Thread(target=self._work, name="driftscope-client", daemon=True)
        self._thread.start()

    def _forked(self) -> None:
        """In a forked child: the parent's rows are the parent's to send, so the child starts
        with an empty queue, zero counts and a thread of its own (the parent's lock may have
        been held at the fork, so it gets new ones too)."""
        self._queue = collections.deque()
        self._queued = self._inflight = self._logged = self._flushing = 0
        self._sent = self._dropped = self._failed = self._retries = 0
        if not self._closed:
            self._start()

    # -- the caller's side: never waits for the network ------------------------------------

    def log(self, rows: Any) -> None:
        """Queue ``rows``: a dict (one row), a list of dicts, a pandas or polars DataFrame or a
        pyarrow Table (a pandas index is not sent: ``reset_index()`` first if it holds a
        column). Returns at once; raises TypeError only when ``rows`` is not rows. Rows
        logged after :meth:`close` are counted as dropped."""
        if type(rows) is dict:
            self._put(dict(rows), 1, "logs")
            return
        item = _item(rows)
        if item is not None:
            self._put(*item, "logs")

    def label(self, rows: Any) -> None:
        """Queue late labels for ``POST .../labels``: rows (as for :meth:`log`) holding the
        project's id and target columns (``columns.id``, ``columns.target``). They are batched,
        retried and bounded as logged rows are (in batches of their own, in queue order with
        the logs) and counted in the same :attr:`sent`, :attr:`dropped` and :attr:`failed`; a
        batch the service refuses (422: no id, no label, a project without those columns) is
        dropped with one warning line. Returns at once."""
        item = _item(rows)
        if item is not None:
            self._put(*item, "labels")

    def _put(self, payload: Any, count: int, path: str) -> None:
        with self._lock:
            if self._closed:
                self._dropped += count
                return
            if not self._queue:
                self._oldest_at = time.monotonic()
            self._queue.append((payload, count, path))
            self._queued += count
            self._logged += count
            if self._queued > self.max_queued_rows:
                self._drop_oldest()
            if self._queued >= self.batch_rows:
                self._wake.notify()

    def _drop_oldest(self) -> None:
        excess = self._queued - self.max_queued_rows
        while excess > 0:
            payload, count, path = self._queue[0]
            if count <= excess:
                self._queue.popleft()
            else:  # keep the newest rows of the oldest item
                self._queue[0] = (_tail(payload, excess), count - excess, path)
                count = excess
            self._queued -= count
            self._dropped += count
            excess -= count
        if not self._reported_drop:
            self._reported_drop = True
            logger.warning(
                "driftscope client: over %d rows queued for project %r; dropping the oldest "
                "until the service takes rows again",
                self.max_queued_rows,
                self.project,
            )

    # -- stats -------------------------------------------------------------------------------

    @property
    def sent(self) -> int:
        """Rows the service has accepted."""
        return self._sent

    @property
    def dropped(self) -> int:
        """Rows dropped unsent: the oldest beyond ``max_queued_rows``, and any left at close."""
        return self._dropped

    @property
    def failed(self) -> int:
        """Rows the service refused (a 4xx other than 429) or that could not be encoded."""
        return self._failed

    @property
    def retries(self) -> int:
        """Requests that failed in a way worth retrying (and were retried)."""
        return self._retries

    @property
    def queued(self) -> int:
        """Rows waiting to be sent, including those being sent."""
        return self._queued + self._inflight

    # -- flush and close -------------------------------------------------------------------

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every row logged before the call is sent (or refused or dropped): True,
        or False when ``timeout`` seconds pass first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            target = self._logged
            self._flushing += 1
            self._wake.notify()
            try:
                while self._sent + self._failed + self._dropped < target:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        return False
                    if not self._thread.is_alive():
                        return False
                    self._done.wait(0.5 if left is None else min(left, 0.5))
                return True
            finally:
                self._flushing -= 1

    def close(self, timeout: float | None = 10.0) -> bool:
        """Send what is queued (waiting at most ``timeout`` seconds), stop the thread and count
        what is left unsent as dropped. True when everything was sent or refused."""
        with self._lock:
            if self._closed:
                return self._queued + self._inflight == 0
            self._closed = True
            dropped = self._dropped
            self._stop_at = time.monotonic() + (1e9 if timeout is None else timeout)
            self._wake.notify()
        atexit.unregister(self._at_exit)
        # a request under way may outlast the deadline by its own timeout: wait a second more
        self._thread.join(None if timeout is None else timeout + 1)
        with self._lock:
            left = self._queued
            self._queue.clear()
            self._queued = 0
            self._dropped += left
            self._done.notify_all()
            return self._dropped == dropped and self._inflight == 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the worker thread -----------------------------------------------------------------

    def _work(self) -> None:
        with self._http as http:
            failures = 0
            while True:
                batch = self._next_batch()
                if batch is None:
                    return
                try:
                    delay = self._post(http, batch, failures)
                except Exception as exc:  # e.g. an invalid URL: the thread must live on
                    self._settle(batch[1], failed=True)
                    logger.warning(
                        "driftscope client: %d rows for project %r are dropped (%s: %s)",
                        batch[1],
                        self.project,
                        type(exc).__name__,
                        _first_line(exc),
                    )
                    delay = None
                failures = 0 if delay is None else failures + 1
                if delay is not None:
                    self._sleep(delay)

    def _sleep(self, delay: float) -> None:
        """Wait ``delay`` seconds before a retry, or until close()'s deadline if sooner."""
        end = time.monotonic() + delay
        with self._lock:
            while True:
                limit = end if self._stop_at is None else min(end, self._stop_at)
                left = limit - time.monotonic()
                if left <= 0:
                    return
                self._wake.wait(left)

    def _next_batch(self) -> _Item | None:
        """The next batch to post (taken off the queue), or None when the worker should stop."""
        with self._lock:
            while True:
                now = time.monotonic()
                if self._stop_at is not None and (not self._queue or now >= self._stop_at):
                    self._dropped += self._queued  # close()'s deadline passed: given up
                    self._queue.clear()
                    self._queued = 0
                    self._done.notify_all()
                    return None
                if self._queue and (
                    self._queued >= self.batch_rows
                    or self._flushing
                    or self._stop_at is not None
                    or now - self._oldest_at >= self.flush_interval
                ):
                    break
                wait = self._oldest_at + self.flush_interval - now if self._queue else None
                self._wake.wait(wait)
            batch = self._take()
            self._inflight = batch[1]
            if self._queue:
                self._oldest_at = time.monotonic()
            return batch

    def _take(self) -> _Item:
        """Up to ``batch_rows`` rows from the front for one endpoint: consecutive dict rows,
        or one table's."""
        payload, count, path = self._queue[0]
        if not isinstance(payload, dict | list):  # a table: a slice of it on its own
            if count <= self._limit:
                self._queue.popleft()
                self._queued -= count
                return payload, count, path
            self._queue[0] = (payload.slice(self._limit), count - self._limit, path)
            self._queued -= self._limit
            return payload.slice(0, self._limit), self._limit, path
        rows: list[dict[str, Any]] = []
        while self._queue and len(rows) < self._limit:
            payload, count, kind = self._queue[0]
            if kind != path:
                break
            if isinstance(payload, dict):
                rows.append(payload)
                self._queue.popleft()
            elif isinstance(payload, list):
                room = self._limit - len(rows)
                if count <= room:
                    rows.extend(payload)
                    self._queue.popleft()
                else:
                    rows.extend(payload[:room])
                    self._queue[0] = (payload[room:], count - room, path)
            else:
                break
        self._queued -= len(rows)
        return rows, len(rows), path

    def _post(self, http: httpx.Client, batch: _Item, failures: int) -> float | None:
        """Post one batch; None when done with it (sent or refused), else the seconds to wait
        before retrying it (it is back at the front of the queue)."""
        payload, count, path = batch
        try:
            content, kind = _encode(payload, self.parquet_rows)
        except Exception as exc:  # rows that neither JSON nor Arrow can hold
            self._settle(count, failed=True)
            logger.warning(
                "driftscope client: %d rows for project %r cannot be encoded and are dropped "
                "(%s: %s)",
                count,
                self.project,
                type(exc).__name__,
                _first_line(exc),
            )
            return None
        try:
            answer = http.post(self._api + path, content=content, headers={"Content-Type": kind})
        except httpx.HTTPError as exc:  # connection refused or reset, timeouts, ...
            return self._retry(batch, failures, f"{type(exc).__name__}: {_first_line(exc)}")
        status = answer.status_code
        if 200 <= status < 300:
            if failures:
                logger.info("driftscope client: the service at %s takes rows again", self.url)
            self._settle(count, failed=False)
            return None
        if status == 413 and count > 1:  # too large a body: smaller requests from now on
            with self._lock:
                self._limit = max(1, min(self._limit, count) // 2)
                limit = self._limit
            logger.info(
                "driftscope client: the service found %d rows too large a request; sending "
                "at most %d a request from now on",
                count,
                limit,
            )
            self._requeue(batch)
            return None  # at once, in smaller requests
        if status == 429 or status >= 500:
            wait = _retry_after(answer.headers.get("retry-after")) if status == 429 else None
            return self._retry(batch, failures, f"HTTP {status}", wait)
        self._settle(count, failed=True)
        logger.warning(
            "driftscope client: the service refused %d rows of %s for project %r and they are "
            "dropped: HTTP %d %s",
            count,
            path,
            self.project,
            status,
            _error_of(answer),
        )
        return None

    def _settle(self, count: int, *, failed: bool) -> None:
        with self._lock:
            self._inflight = 0
            if failed:
                self._failed += count
            else:
                self._sent += count
                self._reported_drop = False
            self._done.notify_all()

    def _retry(self, batch: _Item, failures: int, why: str, wait: float | None = None) -> float:
        """Put ``batch`` back and say how long to wait before trying again."""
        self._requeue(batch)
        if wait is None:  # exponential, with jitter so that many clients do not retry in step
            wait = min(self.max_backoff, self.backoff * 2.0**failures) * random.uniform(0.5, 1.0)
        log = logger.warning if failures == 0 else logger.debug  # one line an outage
        log("driftscope client: cannot post to %s (%s); retrying in %.2f s", self.url, why, wait)
        return wait

    def _requeue(self, batch: _Item) -> None:
        """``batch`` back at the front of the queue: the oldest rows, the first dropped."""
        with self._lock:
            self._inflight = 0
            self._retries += 1
            self._queue.appendleft(batch)
            self._queued += batch[1]
            if self._queued > self.max_queued_rows:
                self._drop_oldest()
            self._done.notify_all()
