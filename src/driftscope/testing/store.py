"""The contract every :class:`~driftscope.monitor.store.Store` keeps, real or in memory.

Each check takes a factory that returns a new, empty store, and raises AssertionError naming
what broke. :func:`check_store` runs them all; in a test suite, parametrise over
``STORE_CHECKS`` so each failure is its own test::

    @pytest.mark.parametrize("check", STORE_CHECKS, ids=lambda c: c.__name__)
    def test_my_store(check):
        check(MyStore)

>>> from driftscope.monitor.store import MemoryStore
>>> check_store(MemoryStore)
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from driftscope.errors import InputError
from driftscope.monitor.store import (
    DATASET_COLUMN,
    LIMITS,
    Delivery,
    MetricPoint,
    Store,
    StoreBusy,
    WindowRecord,
)
from driftscope.monitor.store.ingest_files import IngestFiles

StoreFactory = Callable[[], Store]
PROJECT = "fraud"
DAY = timedelta(days=1)
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _expect(condition: bool, message: str) -> None:
    # Explicit raise rather than `assert`, so the checks still check under python -O.
    if not condition:
        raise AssertionError(message)


def window(day: int, project: str = PROJECT, rows: int = 100) -> WindowRecord:
    """The ``day``-th daily window from 2026-03-01 (UTC), with a small JSON report."""
    start = T0 + day * DAY
    report = f'{{"window": "{start.isoformat()}", "rows": {rows}}}'
    return WindowRecord(project, start, start + DAY, rows, "none", "computed", report)


def points_of(record: WindowRecord, psi: float = 0.1) -> list[MetricPoint]:
    """A window's points: two columns' PSI and drift flag, and the dataset's rows."""

    def point(column: str, metric: str, value: float) -> MetricPoint:
        return MetricPoint(record.project, record.start, record.end, column, metric, value)

    return [
        point("amount", "psi", psi),
        point("amount", "drift", float(psi > 0.25)),
        point("country", "psi", psi / 2),
        point("country", "drift", 0.0),
        point(DATASET_COLUMN, "rows", float(record.rows)),
    ]


@contextmanager
def _store(factory: StoreFactory) -> Iterator[Store]:
    store = factory()
    try:
        yield store
    finally:
        store.close()


def check_window_round_trip(factory: StoreFactory) -> None:
    """A written window comes back whole: its record, its points and its report, in UTC."""
    with _store(factory) as store:
        record = window(0)
        _expect(store.write_window(record, points_of(record)), "a new window was not written")
        _expect(store.windows(PROJECT) == [record], f"windows: {store.windows(PROJECT)}")
        got = store.windows(PROJECT)[0]
        _expect(got.start.utcoffset() == timedelta(0), "window start not in UTC")
        _expect(store.computed_windows(PROJECT) == {(record.start, record.end)}, "computed")
        stored = sorted(points_of(record), key=lambda p: (p.column, p.metric))
        _expect(store.points(PROJECT) == stored, f"points: {store.points(PROJECT)}")
        _expect(store.report(PROJECT, record.start) == record.report, "report")
        _expect(store.report(PROJECT, record.end) is None, "report of a missing window")
        _expect(store.windows("other") == [], "another project sees this one's windows")


def check_rewriting_a_window_stores_nothing_twice(factory: StoreFactory) -> None:
    """Writing a stored window again changes nothing and says so."""
    with _store(factory) as store:
        record = window(0)
        store.write_window(record, points_of(record))
        again = store.write_window(record, points_of(record, psi=0.9))
        _expect(again is False, "re-writing a window did not return False")
        _expect(len(store.windows(PROJECT)) == 1, "the window is stored twice")
        _expect(len(store.points(PROJECT)) == len(points_of(record)), "points stored twice")
        _expect(store.points(PROJECT, metric="psi")[0].value == 0.1, "the re-write changed a value")


def check_a_bad_window_leaves_nothing(factory: StoreFactory) -> None:
    """A point of another window, or a point given twice, is an InputError and stores nothing."""
    with _store(factory) as store:
        record, other = window(0), window(1)
        for bad in (points_of(record) + points_of(other)[:1], points_of(record) * 2):
            try:
                store.write_window(record, bad)
            except InputError:
                pass
            else:
                raise AssertionError("a bad point list was accepted")
            _expect(store.windows(PROJECT) == [], "a refused window was partly stored")
            _expect(store.points(PROJECT) == [], "a refused window left points")


def check_bad_input_is_refused_alike(factory: StoreFactory) -> None:
    """A window that does not end after it starts, a name longer than its field or holding a
    NUL, and an unknown alert or delivery id are InputErrors in every store, and store nothing."""
    long_metric = "m" * (LIMITS["metric"] + 1)
    with _store(factory) as store:
        record = window(0)
        backwards = replace(record, start=record.end, end=record.start)
        long = MetricPoint(PROJECT, record.start, record.end, "amount", long_metric, 1.0)
        attempts: list[Callable[[], object]] = [
            lambda: store.write_window(backwards, []),
            lambda: store.write_window(record, [long]),
            lambda: store.write_window(record, [replace(long, metric="a\x00b")]),
            lambda: store.open_alert(PROJECT, "r" * 201, "k", "warning", [], None, T0),
            lambda: store.enqueue(Delivery("k" * 1001, PROJECT, "c", "{}", T0)),
            lambda: store.mark_notified(99, T0),
            lambda: store.mark_delivered(99),
            lambda: store.mark_failed(99, None, "gone"),
        ]
        for number, attempt in enumerate(attempts):
            try:
                attempt()
            except InputError:
                continue
            raise AssertionError(f"bad input number {number} was accepted")
        _expect(store.windows(PROJECT) == [] and store.points(PROJECT) == [], "stored a window")
        _expect(store.alerts(PROJECT) == [], "stored an alert")
        _expect(store.due_deliveries(T0 + DAY) == [], "stored a delivery")


def check_points_and_windows_filter(factory: StoreFactory) -> None:
    """``metric``, ``column``, ``since`` and ``until`` select points and windows; times in
    another zone mean the same instants."""
    with _store(factory) as store:
        for day in range(4):
            record = window(day)
            store.write_window(record, points_of(record, psi=0.1 * (day + 1)))
        psi = store.points(PROJECT, metric="psi", column="amount")
        _expect([round(p.value, 6) for p in psi] == [0.1, 0.2, 0.3, 0.4], f"psi: {psi}")
        _expect({p.column for p in store.points(PROJECT, column="*")} == {"*"}, "column '*'")
        since, until = T0 + DAY, T0 + 3 * DAY
        middle = store.points(PROJECT, metric="rows", since=since, until=until)
        _expect([p.window_start for p in middle] == [since, since + DAY], f"since/until: {middle}")
        paris = timezone(timedelta(hours=1))
        shifted = store.windows(PROJECT, since=since.astimezone(paris), until=until)
        _expect([w.start for w in shifted] == [since, since + DAY], f"zoned since: {shifted}")
        _expect(len(store.windows(PROJECT, until=T0 + DAY)) == 1, "until is not inclusive")


def check_nan_round_trips(factory: StoreFactory) -> None:
    """A NaN value (a statistic that is undefined) comes back as NaN."""
    with _store(factory) as store:
        record = window(0)
        nan = MetricPoint(PROJECT, record.start, record.end, "amount", "ks", math.nan)
        store.write_window(record, [nan])
        (got,) = store.points(PROJECT)
        _expect(math.isnan(got.value), f"NaN came back as {got.value!r}")


def check_naive_times_are_refused(factory: StoreFactory) -> None:
    """A datetime without a zone is an InputError, not a guess."""
    with _store(factory) as store:
        try:
            store.windows(PROJECT, since=datetime(2026, 3, 1))
        except InputError:
            return
        raise AssertionError("a naive datetime was accepted")


def check_alerts_open_and_resolve(factory: StoreFactory) -> None:
    """One open alert per dedup key; resolving closes it; a later opening is a new alert."""
    with _store(factory) as store:
        key = f"{PROJECT}/feature-psi/*"
        first = store.open_alert(PROJECT, "feature-psi", key, "warning", ["amount", "country"],
                                 0.3, T0)  # fmt: skip
        again = store.open_alert(PROJECT, "feature-psi", key, "warning", ["amount"], 0.5, T0 + DAY)
        _expect(again == first, "opening an open alert again made another one")
        _expect(first.columns == ("amount", "country") and first.state == "open", f"{first}")
        _expect(store.open_alerts(PROJECT) == [first], "open_alerts")
        store.mark_notified(first.id, T0 + DAY)
        notified = store.open_alerts(PROJECT)[0]
        _expect(notified.last_notified_at == T0 + DAY, f"last_notified_at: {notified}")
        done = store.resolve_alert(key, T0 + 2 * DAY)
        _expect(done is not None and done.state == "resolved", f"resolved: {done}")
        _expect(done is not None and done.resolved_at == T0 + 2 * DAY, "resolved_at")
        _expect(store.open_alerts(PROJECT) == [], "a resolved alert is still open")
        _expect(store.resolve_alert(key, T0 + 3 * DAY) is None, "resolved twice")
        reopened = store.open_alert(PROJECT, "feature-psi", key, "warning", ["amount"], 0.4,
                                    T0 + 4 * DAY)  # fmt: skip
        _expect(reopened.id != first.id, "a new opening reused the resolved alert")
        _expect(len(store.alerts(PROJECT)) == 2, "alerts(all)")
        _expect(len(store.alerts(PROJECT, "resolved")) == 1, "alerts(resolved)")
        _expect(store.open_alerts("other") == [], "another project sees this one's alerts")


def check_outbox_order_and_retries(factory: StoreFactory) -> None:
    """Deliveries come due in time order, a key is enqueued once, a failure moves the next
    attempt, giving up and delivering take a delivery out for good."""
    with _store(factory) as store:

        def delivery(key: str, at: datetime) -> Delivery:
            return Delivery(key, PROJECT, "team-slack", '{"text": "x"}', at)

        late = store.enqueue(delivery("b", T0 + timedelta(minutes=5)))
        early = store.enqueue(delivery("a", T0))
        _expect(store.enqueue(delivery("a", T0 + DAY)) == early, "a key was enqueued twice")
        due = store.due_deliveries(T0 + timedelta(minutes=10))
        _expect([d.key for d in due] == ["a", "b"], f"due order: {due}")
        _expect([d.key for d in store.due_deliveries(T0)] == ["a"], "not yet due came due")
        if early.id is None or late.id is None:
            raise AssertionError("enqueue gave no id")
        store.mark_failed(early.id, T0 + timedelta(minutes=30), "HTTP 503")
        due = store.due_deliveries(T0 + timedelta(minutes=10))
        _expect([d.key for d in due] == ["b"], f"a failed delivery came due early: {due}")
        due = store.due_deliveries(T0 + timedelta(minutes=30))
        _expect([d.key for d in due] == ["b", "a"], f"a retry is not ordered by its time: {due}")
        retry = due[1]
        _expect(retry.attempts == 1 and retry.last_error == "HTTP 503", f"retry: {retry}")
        store.mark_delivered(late.id)
        store.mark_failed(early.id, None, "HTTP 400")
        _expect(store.due_deliveries(T0 + 10 * DAY) == [], "a finished delivery came due")


def check_lock_excludes_a_second_run(factory: StoreFactory) -> None:
    """While one run holds a project's lock a second gets StoreBusy; after release it works,
    and another project's lock is independent."""
    with _store(factory) as store:
        with store.lock(PROJECT):
            try:
                with store.lock(PROJECT):
                    raise AssertionError("two runs held the same lock")
            except StoreBusy:
                pass
            with store.lock("other"):
                pass
        with store.lock(PROJECT):
            pass


def check_state_round_trips(factory: StoreFactory) -> None:
    """State texts come back as put, per project and key; a second put replaces the first;
    an over-long key is refused."""
    with _store(factory) as store:
        _expect(store.get_state(PROJECT, "logs") is None, "state of an unknown key is not None")
        store.put_state(PROJECT, "logs", '{"a": 1}')
        store.put_state("other", "logs", "x")
        store.put_state(PROJECT, "logs", '{"a": 2}')
        _expect(store.get_state(PROJECT, "logs") == '{"a": 2}', "a second put did not replace")
        _expect(store.get_state("other", "logs") == "x", "state leaked across projects")
        try:
            store.put_state(PROJECT, "k" * 201, "x")
        except InputError:
            pass
        else:
            raise AssertionError("a 201-character state key was accepted")


def check_replacing_a_window(factory: StoreFactory) -> None:
    """A stored window's report and points are replaced whole; an unknown one is refused."""
    with _store(factory) as store:
        record = window(1)
        store.write_window(record, points_of(record, psi=0.1))
        later = replace(record, status="labelled", report='{"labels": 1}')
        store.replace_window(later, points_of(later, psi=0.7))
        (kept,) = store.windows(PROJECT)
        _expect(kept.status == "labelled", "replace_window kept the old status")
        _expect(kept.report == '{"labels": 1}', "replace_window kept the old report")
        psi = sorted(p.value for p in store.points(PROJECT, metric="psi"))
        want = sorted(p.value for p in points_of(later, psi=0.7) if p.metric == "psi")
        _expect(psi == want, f"replaced points read as {psi}, not {want}")
        _expect(
            len(store.points(PROJECT)) == len(points_of(later)),
            "replace_window left old points behind",
        )
        try:
            store.replace_window(window(2), [])
        except InputError:
            pass
        else:
            raise AssertionError("replacing a window never stored was accepted")


def check_window_states_commit_with_it(factory: StoreFactory) -> None:
    """States given with a window are kept with it; a window refused (stored already)
    keeps none of its states."""
    with _store(factory) as store:
        record = window(1)
        stored = store.write_window(record, points_of(record), states={"detector:x": "1"})
        _expect(stored, "a new window was not stored")
        _expect(store.get_state(PROJECT, "detector:x") == "1", "the window's state was lost")
        again = store.write_window(record, points_of(record), states={"detector:x": "2"})
        _expect(not again, "a window was stored twice")
        _expect(
            store.get_state(PROJECT, "detector:x") == "1",
            "a window refused as stored already still put its states",
        )


def check_putting_points(factory: StoreFactory) -> None:
    """put_points adds a figure to a stored window, replaces one stored under the same column
    and metric, puts its states with them, and refuses a point of a window not stored without
    changing anything."""
    with _store(factory) as store:
        record = window(1)
        store.write_window(record, points_of(record, psi=0.1))
        later = MetricPoint(PROJECT, record.start, record.end, "error", "detections", 2.0)
        psi = MetricPoint(PROJECT, record.start, record.end, "amount", "psi", 0.9)
        store.put_points(PROJECT, [later, psi], states={"detector:error": "s1"})
        figures = {(p.column, p.metric): p.value for p in store.points(PROJECT)}
        _expect(figures.get(("error", "detections")) == 2.0, f"added point read as {figures}")
        _expect(figures.get(("amount", "psi")) == 0.9, "put_points did not replace a figure")
        _expect(len(figures) == len(points_of(record)) + 1, "put_points left a figure twice")
        _expect(store.get_state(PROJECT, "detector:error") == "s1", "put_points lost its state")
        other = window(5)
        stray = MetricPoint(PROJECT, other.start, other.end, "error", "detections", 1.0)
        try:
            store.put_points(PROJECT, [later, stray], states={"detector:error": "s2"})
        except InputError:
            pass
        else:
            raise AssertionError("a point of a window never stored was accepted")
        _expect(
            store.get_state(PROJECT, "detector:error") == "s1",
            "a refused put_points still put its states",
        )
        kept = [p for p in store.points(PROJECT) if p.column == "error"]
        _expect([p.value for p in kept] == [2.0], f"a refused put_points changed {kept}")
        store.put_points(PROJECT, [], states={"a": "1", "b": "2"})
        _expect(
            (store.get_state(PROJECT, "a"), store.get_state(PROJECT, "b")) == ("1", "2"),
            "states put without points were lost",
        )


def check_labels_arrive_and_correct(factory: StoreFactory) -> None:
    """Labels are kept by row id, a repeat changes nothing, a correction replaces,
    labels_since names the ids that arrived after a time, and has_labels says whether a
    project has any."""
    first = datetime(2026, 3, 2, tzinfo=UTC)
    later = first + timedelta(hours=1)
    with _store(factory) as store:
        _expect(not store.has_labels(PROJECT), "a new store has labels")
        _expect(store.put_labels(PROJECT, [("a", "1"), ("b", "0")], first) == 2, "new labels")
        _expect(store.has_labels(PROJECT), "has_labels missed the labels put")
        _expect(not store.has_labels("other"), "has_labels leaked across projects")
        _expect(store.put_labels(PROJECT, [("a", "1")], later) == 0, "a repeated label counted")
        _expect(store.put_labels(PROJECT, [("b", "1"), ("c", "0")], later) == 2, "corrections")
        _expect(
            store.labels(PROJECT, ["a", "b", "zz"]) == {"a": "1", "b": "1"},
            "labels read back wrong",
        )
        _expect(store.labels("other", ["a"]) == {}, "labels leaked across projects")
        _expect(store.labels_since(PROJECT, first) == {"b", "c"}, "labels_since is wrong")
        _expect(store.labels_since(PROJECT, None) == {"a", "b", "c"}, "labels_since(None)")
        many = [(f"id{i}", str(i % 2)) for i in range(2_500)]  # beyond one batch
        _expect(store.put_labels(PROJECT, many, later) == 2_500, "a big batch of labels")
        _expect(len(store.labels(PROJECT, [r for r, _ in many])) == 2_500, "big read")


def check_log_batches_round_trip(factory: StoreFactory) -> None:
    """Batches of posted log rows come back whole: ids ascending, the summary without the
    body, the body byte for byte (NUL bytes and all), each project seeing only its own."""
    received = datetime(2026, 3, 2, 1, tzinfo=timezone(timedelta(hours=1)))
    binary = bytes(range(256)) * 4_096  # 1 MiB: beyond a page, a TOAST chunk, any inline limit
    with _store(factory) as store:
        _expect(store.log_batches(PROJECT) == [], "a new store has log batches")
        _expect(store.log_batch_bodies(PROJECT, [1]) == {}, "a new store has a log body")
        first = store.append_logs(PROJECT, binary, 10, 5, 2**62, 1, 2, received)
        other = store.append_logs("other", b"other", 1, 7, 7, 0, 0, received)
        untimed = store.append_logs(PROJECT, b"", 3, None, None, 2, 1, received + DAY)
        _expect(first < other < untimed, f"batch ids do not ascend: {first}, {other}, {untimed}")
        batches = store.log_batches(PROJECT)
        _expect([b.id for b in batches] == [first, untimed], f"log_batches ids: {batches}")
        got = batches[0]
        summary = (got.rows, got.first, got.last, got.missing, got.unparseable, got.size)
        _expect(summary == (10, 5, 2**62, 1, 2, len(binary)), f"a batch's summary: {got}")
        _expect(got.received_at == received, f"received_at: {got.received_at}")
        _expect(got.received_at.utcoffset() == timedelta(0), "received_at not in UTC")
        late = batches[1]
        _expect((late.first, late.last, late.size) == (None, None, 0), f"an untimed batch: {late}")
        bodies = store.log_batch_bodies(PROJECT, [untimed, first, other, 10**6])
        _expect(set(bodies) == {first, untimed}, f"bodies of ids {sorted(bodies)}")
        _expect(bodies[first] == binary, "a body did not come back byte for byte")
        _expect(bodies[untimed] == b"", "an empty body did not come back empty")
        many = store.log_batch_bodies(PROJECT, [untimed, *range(10**6, 10**6 + 2_500)])
        _expect(list(many) == [untimed], "asking for many ids (beyond one query) went wrong")
        _expect([b.id for b in store.log_batches("other")] == [other], "the other project")


def check_log_ids_index_once(factory: StoreFactory) -> None:
    """The row ids of posted batches: each batch unindexed until index_log_ids names it, ids
    kept once per project (twice given, or indexed twice, changes nothing), logged_ids finding
    exactly the kept ones of the asking project, beyond one query's worth."""
    with _store(factory) as store:
        first = store.append_logs(PROJECT, b"a", 1, 5, 5, 0, 0, T0)
        other = store.append_logs("other", b"b", 1, 5, 5, 0, 0, T0)
        second = store.append_logs(PROJECT, b"c", 1, 5, 5, 0, 0, T0)
        _expect(store.unindexed_log_batches(PROJECT) == [first, second], "unindexed at first")
        store.index_log_ids(PROJECT, [first], ["r1", "r2", "r2"])
        store.index_log_ids(PROJECT, [first], ["r1"])  # again: nothing changes
        _expect(store.unindexed_log_batches(PROJECT) == [second], "indexed batch still listed")
        _expect(store.unindexed_log_batches("other") == [other], "the other project's batches")
        many = [f"m{n}" for n in range(2_500)]
        store.index_log_ids(PROJECT, [second], ["r2", *many])
        _expect(store.unindexed_log_batches(PROJECT) == [], "every batch indexed")
        found = store.logged_ids(PROJECT, ["r1", "r2", "zz", *many])
        _expect(found == {"r1", "r2", *many}, f"logged_ids found {len(found)} ids")
        _expect(store.logged_ids("other", ["r1"]) == set(), "logged ids leaked across projects")
        try:
            store.index_log_ids(PROJECT, [other], ["x" * 501])
        except InputError:
            pass
        else:
            raise AssertionError("an over-long row id was indexed")
        _expect(store.unindexed_log_batches("other") == [other], "a refused index marked a batch")


def check_log_batches_commit_as_a_group(factory: StoreFactory) -> None:
    """append_log_batches keeps every batch it is given, of any projects, with ascending ids in
    the order given, as append_logs would; one impossible summary keeps none of them."""
    with _store(factory) as store:
        before = store.append_logs(PROJECT, b"0", 1, 1, 1, 0, 0, T0)
        ids = store.append_log_batches(
            [
                (PROJECT, b"a", 2, 5, 9, 0, 0, T0),
                ("other", b"b", 1, None, None, 1, 0, T0 + DAY),
                (PROJECT, b"c", 3, 1, 2, 1, 0, T0 + DAY),
            ]
        )
        _expect(len(ids) == 3 and before < ids[0] < ids[1] < ids[2], f"group ids: {ids}")
        kept = store.log_batches(PROJECT)
        _expect([b.id for b in kept] == [before, ids[0], ids[2]], f"group batches: {kept}")
        _expect((kept[2].rows, kept[2].received_at) == (3, T0 + DAY), f"a batch: {kept[2]}")
        bodies = store.log_batch_bodies(PROJECT, ids)
        _expect(bodies == {ids[0]: b"a", ids[2]: b"c"}, f"group bodies: {bodies}")
        try:
            store.append_log_batches(
                [(PROJECT, b"d", 1, 1, 1, 0, 0, T0), (PROJECT, b"e", 1, 9, 5, 0, 0, T0)]
            )
        except InputError:
            pass
        else:
            raise AssertionError("a group with an impossible batch was kept")
        _expect(len(store.log_batches(PROJECT)) == 3, "part of a refused group was kept")
        _expect(store.append_log_batches([]) == [], "an empty group")


def check_log_batches_in_files(factory: StoreFactory) -> None:
    """Bodies kept in files (:class:`~driftscope.monitor.store.ingest_files.BodyRef`) come
    back byte for byte beside bodies kept inline, alone or in a group, with their size in the
    summary; a file cut short, damaged or gone is an InputError naming it."""
    with tempfile.TemporaryDirectory() as folder, _store(factory) as store:
        files = IngestFiles(folder)
        try:
            big = bytes(range(256)) * 4_096
            ref = files.append(big)
            small = files.append(b"PAR1")
        finally:
            files.close()
        kept = store.append_logs(PROJECT, ref, 10, 5, 9, 0, 0, T0)
        inline, grouped = store.append_log_batches(
            [(PROJECT, b"inline", 1, 1, 1, 0, 0, T0), (PROJECT, small, 2, 3, 4, 0, 0, T0)]
        )
        sizes = {b.id: b.size for b in store.log_batches(PROJECT)}
        _expect(sizes == {kept: len(big), inline: 6, grouped: 4}, f"sizes of batches: {sizes}")
        bodies = store.log_batch_bodies(PROJECT, [grouped, kept, inline])
        _expect(bodies == {grouped: b"PAR1", kept: big, inline: b"inline"}, "bodies in files")
        _expect(list(bodies) == [grouped, kept, inline], f"order of bodies: {list(bodies)}")
        _expect(store.log_batch_bodies("other", [kept]) == {}, "a file body of another project")
        with Path(ref.path).open("r+b") as file:  # one byte of the big body changed
            file.seek(ref.offset + 1_000)
            file.write(b"\xff" if big[1_000] != 0xFF else b"\x00")
        try:
            store.log_batch_bodies(PROJECT, [kept])
        except InputError as exc:
            _expect(ref.path in str(exc) and "damaged" in str(exc), f"the error: {exc}")
        else:
            raise AssertionError("a damaged body file was read as if whole")
        _expect(store.log_batch_bodies(PROJECT, [grouped])[grouped] == b"PAR1", "the next body")
        os.truncate(ref.path, ref.offset + 100)
        try:
            store.log_batch_bodies(PROJECT, [grouped])
        except InputError as exc:
            _expect(ref.path in str(exc) and "cut short" in str(exc), f"the error: {exc}")
        else:
            raise AssertionError("a body file cut short was read as if whole")
        Path(ref.path).unlink()
        try:
            store.log_batch_bodies(PROJECT, [inline, grouped])
        except InputError as exc:
            _expect(ref.path in str(exc), f"the error names no file: {exc}")
        else:
            raise AssertionError("a body whose file is gone was read")
        _expect(store.log_batch_bodies(PROJECT, [inline]) == {inline: b"inline"}, "inline")


def check_bad_log_batches_are_refused(factory: StoreFactory) -> None:
    """A batch summary that cannot be true, an over-long project or a naive time is an
    InputError in every store, and keeps nothing."""
    with _store(factory) as store:
        attempts: list[Callable[[], object]] = [
            lambda: store.append_logs(PROJECT, b"x", -1, None, None, 0, 0, T0),
            lambda: store.append_logs(PROJECT, b"x", 2, None, None, 2, 1, T0),
            lambda: store.append_logs(PROJECT, b"x", 2, 9, 5, 0, 0, T0),
            lambda: store.append_logs(PROJECT, b"x", 2, 5, None, 0, 0, T0),
            lambda: store.append_logs(PROJECT, b"x", 2, None, None, 0, 0, T0),
            lambda: store.append_logs(PROJECT, b"x", 2, 1, 2**63, 0, 0, T0),
            lambda: store.append_logs("p" * 201, b"x", 1, 1, 1, 0, 0, T0),
            lambda: store.append_logs(PROJECT, b"x", 1, 1, 1, 0, 0, datetime(2026, 3, 1)),
        ]
        for number, attempt in enumerate(attempts):
            try:
                attempt()
            except InputError:
                continue
            raise AssertionError(f"bad log batch number {number} was accepted")
        _expect(store.log_batches(PROJECT) == [], "a refused log batch was kept")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_tokens_live_until_revoked(factory: StoreFactory) -> None:
    """A token is found by its hash while live; its name names one live token; revoking
    ends it for good and frees its name; its last use only moves forward."""
    with _store(factory) as store:
        made = store.add_token("ci", "ingest", _hash("ds_a"), T0)
        _expect((made.name, made.scope, made.created_at) == ("ci", "ingest", T0), f"{made}")
        _expect(made.revoked_at is None and made.last_used_at is None, f"a new token: {made}")
        _expect(store.token_by_hash(_hash("ds_a")) == made, "a live token was not found")
        _expect(store.token_by_hash(_hash("ds_b")) is None, "an unknown hash found a token")
        _expect(store.token_by_hash("é" * 64) is None, "a hash that is not hex found a token")
        try:
            store.add_token("ci", "admin", _hash("ds_b"), T0)
        except InputError:
            pass
        else:
            raise AssertionError("two live tokens were given one name")
        reader = store.add_token("dash", "read", _hash("ds_c"), T0 + DAY)
        store.touch_token(reader.id, T0 + 2 * DAY)
        store.touch_token(reader.id, T0 + DAY)  # a slower request, seen later: no going back
        used = store.token_by_hash(_hash("ds_c"))
        _expect(used is not None and used.last_used_at == T0 + 2 * DAY, f"last use: {used}")
        _expect(store.revoke_token("ci", T0 + 3 * DAY) is True, "revoke_token did not say so")
        _expect(store.token_by_hash(_hash("ds_a")) is None, "a revoked token is still found")
        _expect(store.revoke_token("ci", T0 + 4 * DAY) is False, "a token was revoked twice")
        _expect(store.revoke_token("nobody", T0) is False, "revoked an unknown name")
        again = store.add_token("ci", "admin", _hash("ds_d"), T0 + 4 * DAY)
        listed = store.tokens()
        _expect([t.name for t in listed] == ["ci", "dash", "ci"], f"tokens(): {listed}")
        _expect(listed[0].revoked_at == T0 + 3 * DAY, f"revoked_at: {listed[0]}")
        _expect(listed[0].created_at.utcoffset() == timedelta(0), "created_at not in UTC")
        _expect(listed[2] == again and again.id != made.id, "a reused name reused the record")
        _expect(store.token_by_hash(_hash("ds_d")) == again, "the new token of a reused name")


def check_bad_tokens_are_refused(factory: StoreFactory) -> None:
    """An unknown scope, a hash that is not 64 hex digits (a token given in its place), an
    over-long name, a naive time or a hash kept already are InputErrors, and keep nothing new."""
    with _store(factory) as store:
        store.add_token("ci", "ingest", _hash("ds_a"), T0)
        attempts: list[Callable[[], object]] = [
            lambda: store.add_token("x", "write", _hash("ds_x"), T0),  # type: ignore[arg-type]
            lambda: store.add_token("x", "read", "ds_" + "a" * 43, T0),
            lambda: store.add_token("x", "read", _hash("ds_x").upper(), T0),
            lambda: store.add_token("n" * (LIMITS["token_name"] + 1), "read", _hash("ds_x"), T0),
            lambda: store.add_token("x", "read", _hash("ds_x"), datetime(2026, 3, 1)),
            lambda: store.add_token("other", "admin", _hash("ds_a"), T0),
        ]
        for number, attempt in enumerate(attempts):
            try:
                attempt()
            except InputError as exc:
                _expect("ds_aaa" not in str(exc), f"a message repeats a token: {exc}")
                continue
            raise AssertionError(f"bad token number {number} was accepted")
        _expect([t.name for t in store.tokens()] == ["ci"], f"kept: {store.tokens()}")


def check_users_round_trip(factory: StoreFactory) -> None:
    """Accounts are kept by username with their password hash; a taken name, an unknown
    account or an over-long name is an InputError; disabling and a new password stick."""
    with _store(factory) as store:
        _expect(store.users() == [] and store.user("ada") is None, "a new store has accounts")
        made = store.add_user("bob", "$argon2id$bob", T0)
        store.add_user("Ada", "$argon2id$ada", T0 + DAY)
        store.add_user("carol", "$argon2id$carol", T0)
        _expect(made.username == "bob" and made.created_at == T0, f"add_user: {made}")
        _expect(not made.disabled and made.password_hash == "$argon2id$bob", f"{made}")
        _expect(store.user("bob") == made, f"user(): {store.user('bob')}")
        _expect(store.user("BOB") is None, "usernames are matched ignoring case")
        names = [u.username for u in store.users()]
        _expect(names == ["Ada", "bob", "carol"], f"users() order: {names}")
        store.set_password("bob", "$argon2id$new")
        store.set_user_disabled("carol", True)
        bob, carol = store.user("bob"), store.user("carol")
        _expect(bob is not None and bob.password_hash == "$argon2id$new", "set_password")
        _expect(carol is not None and carol.disabled, "set_user_disabled(True)")
        store.set_user_disabled("carol", False)
        carol = store.user("carol")
        _expect(carol is not None and not carol.disabled, "set_user_disabled(False)")
        attempts: list[Callable[[], object]] = [
            lambda: store.add_user("bob", "$argon2id$x", T0),
            lambda: store.add_user("u" * (LIMITS["username"] + 1), "$argon2id$x", T0),
            lambda: store.add_user("dave", "", T0),
            lambda: store.set_password("nobody", "$argon2id$x"),
            lambda: store.set_user_disabled("nobody", True),
        ]
        for number, attempt in enumerate(attempts):
            try:
                attempt()
            except InputError:
                continue
            raise AssertionError(f"bad account change number {number} was accepted")
        _expect(len(store.users()) == 3, f"a refused account was kept: {store.users()}")
        _expect("$argon2id$" not in repr(store.users()), "an account's repr shows its hash")


def check_sessions_live_until_they_end(factory: StoreFactory) -> None:
    """A session is found by its hash until it expires or is ended; a new session drops the
    expired ones; a bad hash, form token or username is an InputError and keeps nothing."""
    one, two, three = "1" * 64, "2" * 64, "3" * 64
    with _store(factory) as store:
        _expect(store.session(one, T0) is None, "a new store has a session")
        store.add_session(one, "ada", "f" * 32, T0, T0 + DAY)
        found = store.session(one, T0 + DAY / 2)
        _expect(found is not None and found.username == "ada", f"session(): {found}")
        _expect(found is not None and found.csrf == "f" * 32, "the form token round-trips")
        _expect(found is not None and found.expires_at == T0 + DAY, f"expires: {found}")
        _expect("f" * 32 not in repr(found), "a session's repr shows its form token")
        _expect(store.session(one, T0 + DAY) is None, "a session outlives its end")
        _expect(store.session(two, T0) is None, "an unknown hash finds a session")
        store.add_session(two, "bob", "g" * 32, T0, T0 + 3 * DAY)
        store.end_session(two)
        store.end_session(two)  # ending it twice is nothing
        _expect(store.session(two, T0) is None, "an ended session lives on")
        store.add_session(three, "bob", "h" * 32, T0 + 2 * DAY, T0 + 3 * DAY)
        _expect(store.session(one, T0) is None, "an expired session was kept")
        attempts: list[Callable[[], object]] = [
            lambda: store.add_session("x" * 64, "ada", "f" * 32, T0, T0 + DAY),
            lambda: store.add_session("4" * 64, "ada", "short", T0, T0 + DAY),
            lambda: store.add_session("4" * 64, "ada", "<script>" * 4, T0, T0 + DAY),
            lambda: store.add_session("4" * 64, "", "f" * 32, T0, T0 + DAY),
        ]
        for number, attempt in enumerate(attempts):
            try:
                attempt()
            except InputError:
                continue
            raise AssertionError(f"bad session number {number} was accepted")
        _expect(store.session("4" * 64, T0) is None, "a refused session was kept")


def check_pages_round_trip(factory: StoreFactory) -> None:
    """A window's page is kept only for a stored window, found by the window's start, and
    replaced by a later one; bytes round-trip exactly; write_window and replace_window keep
    a page given with the window in the same transaction."""
    with _store(factory) as store:
        record = window(0)
        _expect(not store.put_page(PROJECT, record.start, record.end, b"x"), "no window, a page")
        store.write_window(record, [])
        _expect(store.page(PROJECT, record.start) is None, "a page before one was put")
        body = bytes(range(256)) * 3
        _expect(store.put_page(PROJECT, record.start, record.end, body), "put_page refused")
        _expect(store.page(PROJECT, record.start) == body, "a page does not round-trip")
        store.put_page(PROJECT, record.start, record.end, b"later")
        _expect(store.page(PROJECT, record.start) == b"later", "a page was not replaced")
        _expect(store.page("other", record.start) is None, "a page of another project")
        later = window(1)
        store.write_window(later, points_of(later), b"with the window")
        _expect(store.page(PROJECT, later.start) == b"with the window", "write_window's page")
        _expect(not store.write_window(later, [], b"again"), "a window was written twice")
        _expect(store.page(PROJECT, later.start) == b"with the window", "a refused page kept")
        store.replace_window(later, points_of(later), b"labelled")
        _expect(store.page(PROJECT, later.start) == b"labelled", "replace_window's page")
        store.replace_window(later, points_of(later))
        _expect(store.page(PROJECT, later.start) == b"labelled", "no page given, page lost")


def check_drifted_columns_keep_the_order_given(factory: StoreFactory) -> None:
    """``drifted_columns`` lists each window's columns whose drift point is 1, in the order
    its points were given (not by name), leaving out the dataset's ``*``, calm windows and
    other projects; ``since``/``until`` choose windows as ``points`` does, and a replaced
    window's new points count."""
    with _store(factory) as store:

        def flags(record: WindowRecord, drift: dict[str, float]) -> list[MetricPoint]:
            return [
                MetricPoint(record.project, record.start, record.end, column, metric, value)
                for column, value in drift.items()
                for metric, value in (("psi", value / 2), ("drift", value))
            ]

        first, second, calm, other = window(0), window(1), window(2), window(0, project="other")
        store.write_window(first, flags(first, {"zeta": 1.0, "amount": 0.0, "beta": 1.0}))
        store.write_window(second, flags(second, {"b": 1.0, "a": 1.0, DATASET_COLUMN: 1.0}))
        store.write_window(calm, flags(calm, {"amount": 0.0}))
        store.write_window(other, flags(other, {"amount": 1.0}))
        got = store.drifted_columns(PROJECT)
        want = {(first.start, first.end): ["zeta", "beta"], (second.start, second.end): ["b", "a"]}
        _expect(got == want, f"drifted_columns: {got}")
        _expect(list(got) == sorted(got), "drifted_columns: windows not in time order")
        later = store.drifted_columns(PROJECT, since=second.start)
        _expect(later == {(second.start, second.end): ["b", "a"]}, f"since: {later}")
        earlier = store.drifted_columns(PROJECT, until=first.end)
        _expect(list(earlier) == [(first.start, first.end)], f"until: {earlier}")
        store.replace_window(first, flags(first, {"beta": 1.0, "amount": 1.0, "zeta": 0.0}))
        replaced = store.drifted_columns(PROJECT)[first.start, first.end]
        _expect(replaced == ["beta", "amount"], f"after replace_window: {replaced}")
        _expect(store.drifted_columns("none") == {}, "a project without windows")


STORE_CHECKS: tuple[Callable[[StoreFactory], None], ...] = (
    check_window_round_trip,
    check_rewriting_a_window_stores_nothing_twice,
    check_a_bad_window_leaves_nothing,
    check_bad_input_is_refused_alike,
    check_points_and_windows_filter,
    check_nan_round_trips,
    check_naive_times_are_refused,
    check_alerts_open_and_resolve,
    check_outbox_order_and_retries,
    check_lock_excludes_a_second_run,
    check_state_round_trips,
    check_replacing_a_window,
    check_window_states_commit_with_it,
    check_putting_points,
    check_labels_arrive_and_correct,
    check_log_batches_round_trip,
    check_bad_log_batches_are_refused,
    check_log_ids_index_once,
    check_log_batches_commit_as_a_group,
    check_log_batches_in_files,
    check_tokens_live_until_revoked,
    check_bad_tokens_are_refused,
    check_users_round_trip,
    check_sessions_live_until_they_end,
    check_pages_round_trip,
    check_drifted_columns_keep_the_order_given,
)
"""Every check of the store contract."""


def check_store(factory: StoreFactory) -> None:
    """Run every check of :data:`STORE_CHECKS` on stores made by ``factory``."""
    for check in STORE_CHECKS:
        check(factory)
